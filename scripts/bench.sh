#!/usr/bin/env bash
# Set up, then measure extraction quality, speed and memory on ../shared/eval/wcxb-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python -m bench.quality "$@"
