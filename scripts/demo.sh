#!/usr/bin/env bash
# `make demo`: install, migrate, load the demo shop once, then run every process until Ctrl-C.
# Data stays in ./var (SQLite); delete that folder to start from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure_uv.sh
# --inexact: never remove packages another group (bench, dev) put in the same environment.
uv sync --locked --inexact

export CLIENTELA_DEMO=1
port="${CLIENTELA_PORT:-8000}"
export CLIENTELA_PORT="$port"
# Links in the demo's mail and the login line point at the port actually served.
export CLIENTELA_SITE_URL="${CLIENTELA_SITE_URL:-http://127.0.0.1:${port}}"

uv run clientela migrate --no-input -v0
uv run clientela demo
echo
echo "Clientela demo: http://127.0.0.1:${port}/  (mail sent by the demo is kept in mailsink/ of the data folder)"
echo "Press Ctrl-C to stop."
# exec: Ctrl-C and SIGTERM reach `serve`, which stops its children and exits 0.
exec uv run clientela serve --all --port "$port"
