#!/usr/bin/env bash
# Set up, then run the pipeline on the bundled samples into data/newsetl.duckdb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/newsetl run "$@"
