#!/usr/bin/env bash
# Starts the local Kafka broker host (infra/Synth.KafkaBroker) in the background for development and CI.
# Usage: infra/kafka/start-broker.sh [port=9092] [state-dir=${TMPDIR:-/tmp}/synth-kafka] [topics-file=infra/kafka/topics.txt]
# Writes <state-dir>/broker.pid, <state-dir>/bootstrap and <state-dir>/broker.log; prints the bootstrap address.
# Env: KAFKA_BROKER_START_TIMEOUT seconds to wait for readiness (default 60, includes a first build).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
port="${1:-9092}"
state="${2:-${TMPDIR:-/tmp}/synth-kafka}"
topics="${3:-$repo/infra/kafka/topics.txt}"
timeout="${KAFKA_BROKER_START_TIMEOUT:-60}"
project="$repo/infra/Synth.KafkaBroker"
dll="$project/bin/Release/net10.0/Synth.KafkaBroker.dll"

mkdir -p "$state"
state="$(cd "$state" && pwd)"
pid_file="$state/broker.pid"
bootstrap_file="$state/bootstrap"

if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "broker already running (pid $(cat "$pid_file"))" >&2
    cat "$bootstrap_file"
    exit 0
fi

# Build when the dll is missing or any source of the host or its references is newer.
if [[ ! -f "$dll" ]] || [[ -n "$(find "$project" "$repo/services/core/Synth.Messaging" "$repo/services/core/Synth.Contracts" \
        \( -name '*.cs' -o -name '*.csproj' \) -not -path '*/obj/*' -not -path '*/bin/*' -newer "$dll" -print -quit)" ]]; then
    echo "building Synth.KafkaBroker" >&2
    dotnet build "$project/Synth.KafkaBroker.csproj" -c Release -nologo -v quiet >&2
fi

rm -f "$bootstrap_file"
nohup dotnet "$dll" --port "$port" --topics "$topics" --bootstrap-file "$bootstrap_file" \
    >"$state/broker.log" 2>&1 </dev/null &
echo $! >"$pid_file"

deadline=$((SECONDS + timeout))
until [[ -f "$bootstrap_file" ]]; do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "broker exited before becoming ready:" >&2
        tail -n 20 "$state/broker.log" >&2
        rm -f "$pid_file"
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        echo "broker not ready after ${timeout}s; stopping it. Log:" >&2
        tail -n 20 "$state/broker.log" >&2
        "$repo/infra/kafka/stop-broker.sh" "$state" >&2
        exit 1
    fi
    sleep 0.2
done

cat "$bootstrap_file"
