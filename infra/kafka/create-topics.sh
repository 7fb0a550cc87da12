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

# create <topic> <partitions> [<key>=<value> ...]: the settings become --config options (e.g. cleanup.policy=compact).
create() {
    topic="$1"
    partitions="$2"
    shift 2
    configs=""
    for setting in "$@"; do configs="$configs --config $setting"; done
    echo "creating $topic ($partitions partitions, replication factor $REPLICATION_FACTOR)$configs"
    # shellcheck disable=SC2086 # one word per --config option on purpose
    "$KAFKA_TOPICS" --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists \
        --topic "$topic" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" $configs
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
    if [ "$#" -lt 2 ] || ! [ "$2" -ge 1 ] 2>/dev/null; then
        echo "$TOPICS_FILE:$line_no: expected \"<topic> <partitions> [<key>=<value> ...]\", got \"$line\"" >&2
        exit 1
    fi
    name="$1"
    partitions="$2"
    shift 2
    for setting in "$@"; do
        case "$setting" in ?*=?*) ;; *)
            echo "$TOPICS_FILE:$line_no: topic setting \"$setting\" is not <key>=<value>" >&2
            exit 1 ;;
        esac
    done
    listed="$listed$name "
    plan="$plan$name $partitions $*
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
printf "%s" "$plan" | while read -r topic partitions settings; do
    # shellcheck disable=SC2086 # the settings are separate words on purpose
    if [ -n "$topic" ]; then create "$topic" "$partitions" $settings; fi
done
