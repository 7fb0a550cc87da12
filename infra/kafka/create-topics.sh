#!/bin/sh
# Creates the topics listed in topics.txt on a real Kafka cluster (run by docker compose's init container).
# Env: KAFKA_BOOTSTRAP (required), REPLICATION_FACTOR (default 1), TOPICS_FILE (default: topics.txt next to this
# script), KAFKA_TOPICS (default: kafka-topics.sh on PATH). Every topic also gets "<topic>.dlt" with 3 partitions
# unless the file lists it, as the local broker host does.
set -eu

: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP, e.g. kafka:9092}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
TOPICS_FILE="${TOPICS_FILE:-$(dirname "$0")/topics.txt}"
KAFKA_TOPICS="${KAFKA_TOPICS:-kafka-topics.sh}"

create() {
    echo "creating $1 ($2 partitions, replication factor $REPLICATION_FACTOR)"
    "$KAFKA_TOPICS" --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists \
        --topic "$1" --partitions "$2" --replication-factor "$REPLICATION_FACTOR"
}

listed=" "
plan=""
line_no=0
while IFS= read -r line || [ -n "$line" ]; do
    line_no=$((line_no + 1))
    case "$line" in '#'*|'') continue ;; esac
    # shellcheck disable=SC2086 # split the line into fields on purpose
    set -- $line
    [ "$#" -eq 0 ] && continue
    if [ "$#" -ne 2 ] || ! [ "$2" -ge 1 ] 2>/dev/null; then
        echo "$TOPICS_FILE:$line_no: expected \"<topic> <partitions>\", got \"$line\"" >&2
        exit 1
    fi
    listed="$listed$1 "
    plan="$plan$1 $2
"
done < "$TOPICS_FILE"

# Dead-letter topics the file does not list.
for topic in $listed; do
    case "$topic" in *.dlt) continue ;; esac
    case "$listed" in *" $topic.dlt "*) continue ;; esac
    plan="$plan$topic.dlt 3
"
done

# Validated the whole file first, so a typo never leaves a half-created set of topics.
printf "%s" "$plan" | while read -r topic partitions; do
    if [ -n "$topic" ]; then create "$topic" "$partitions"; fi
done
