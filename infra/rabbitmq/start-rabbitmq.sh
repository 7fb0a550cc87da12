#!/usr/bin/env bash
# Starts a local RabbitMQ (Debian rabbitmq-server) on 127.0.0.1:5672 for the control-plane tests and waits until it
# answers; prints the host to use (SYNTH_RABBITMQ_HOST). Listens on loopback only; the default guest user works there.
set -euo pipefail
if ! command -v rabbitmq-server >/dev/null 2>&1; then
    echo "rabbitmq-server is not installed (apt-get install rabbitmq-server)" >&2
    exit 1
fi
if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1 rabbitmq-server -detached
fi
for _ in $(seq 1 60); do
    if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
        echo "127.0.0.1"
        exit 0
    fi
    sleep 1
done
echo "RabbitMQ did not answer within 60 s" >&2
exit 1
