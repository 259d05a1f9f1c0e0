#!/usr/bin/env bash
# Install the locked environment into .venv. Needs only python3 (3.11) and the package index.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
# Trust the platform's certificate store (as pip and curl do), also behind TLS-inspecting proxies.
export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}" UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}"
if command -v uv >/dev/null 2>&1; then
  UV=uv
else
  # No uv on this machine: keep a private copy in .tools/ rather than touching the system.
  if [ ! -x .tools/bin/uv ]; then
    python3 -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
  fi
  UV=.tools/bin/uv
fi
"$UV" sync --frozen --quiet
