#!/usr/bin/env bash
# Stops the broker started by start-broker.sh. Usage: infra/kafka/stop-broker.sh [state-dir=${TMPDIR:-/tmp}/synth-kafka]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${1:-${TMPDIR:-/tmp}/synth-kafka}"
pid_file="$state/broker.pid"

if [[ ! -f "$pid_file" ]]; then
    echo "no broker pid file in $state" >&2
    exit 0
fi

pid="$(cat "$pid_file")"
if kill -0 "$pid" 2>/dev/null; then
    # SIGTERM lets the host destroy the mock cluster and remove its bootstrap file.
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "broker $pid ignored SIGTERM for 10 s; killing it" >&2
        kill -KILL "$pid"
    fi
fi

rm -f "$pid_file" "$state/bootstrap"
echo "broker stopped"
