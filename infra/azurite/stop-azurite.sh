#!/usr/bin/env bash
# Stops the Azurite that start-azurite.sh started with the same state folder.
set -euo pipefail
state="${1:?usage: stop-azurite.sh STATE_FOLDER}"
if [[ -f "$state/azurite.pid" ]]; then
    kill "$(cat "$state/azurite.pid")" 2>/dev/null || true
    rm -f "$state/azurite.pid"
fi
