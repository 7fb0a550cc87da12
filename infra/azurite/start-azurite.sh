#!/usr/bin/env bash
# Starts Azurite's blob service (Microsoft's Azure Storage emulator, npm package azurite) on 127.0.0.1:${1:-10000},
# or on the next free port when that one is taken, for the dataset sink's Azure Blob target tests and waits until it
# answers; prints the connection string to use (SYNTH_AZURITE_CONNECTION). Its data and log live in ${2:-a temp
# folder}; stop it with stop-azurite.sh and that folder.
# It always starts its own instance: whatever else answers on the port (an earlier run's Azurite whose folder was
# deleted answers every write with 500) is not reused.
# The account is Azurite's well-known development account: its key is public, not a secret.
set -euo pipefail
port="${1:-10000}"
state="${2:-$(mktemp -d /tmp/synth-azurite.XXXXXX)}"
if ! command -v azurite-blob >/dev/null 2>&1; then
    echo "azurite is not installed (npm install -g azurite@3.37.0)" >&2
    exit 1
fi
mkdir -p "$state"
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
first="$port"
while answers "$port"; do
    port=$((port + 1))
    if [ "$port" -ge $((first + 100)) ]; then
        echo "No free port in $first-$((port - 1)) for Azurite" >&2
        exit 1
    fi
done
nohup azurite-blob --blobHost 127.0.0.1 --blobPort "$port" --location "$state" --skipApiVersionCheck --loose \
    >"$state/azurite.log" 2>&1 &
pid=$!
echo "$pid" >"$state/azurite.pid"
for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "Azurite exited on start (log: $state/azurite.log)" >&2
        exit 1
    fi
    if answers "$port"; then
        echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
        exit 0
    fi
    sleep 1
done
echo "Azurite did not answer on 127.0.0.1:$port within 60 s (log: $state/azurite.log)" >&2
exit 1
