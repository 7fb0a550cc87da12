#!/usr/bin/env bash
# System packages the tests need on a fresh machine of this kind (Debian, root). The .NET SDK is preinstalled;
# NuGet packages come from the restore. Today nothing else is needed: the local Kafka broker host uses the
# librdkafka build that ships in the librdkafka.redist NuGet package.
set -euo pipefail

need=()
for tool in python3; do
    command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if ((${#need[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
dotnet --version
