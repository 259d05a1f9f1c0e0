#!/usr/bin/env bash
# Set up, then run the whole test suite (unit, golden, end-to-end through the real flow).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/browser.sh
exec .venv/bin/python -m pytest "$@"
