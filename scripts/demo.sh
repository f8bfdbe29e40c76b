#!/usr/bin/env bash
# `make demo`: install, migrate, load the demo shop once, then run every process until Ctrl-C.
# Data stays in ./var (SQLite); delete that folder to start from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '[demo %3ds] %s\n' "$((SECONDS - started))" "$*"; }

step "Installing uv and the Python packages (cached after the first time)…"
source scripts/ensure_uv.sh
# --inexact: never remove packages another group (bench, dev) put in the same environment.
uv sync --locked --inexact --quiet

export CLIENTELA_DEMO=1
port="${CLIENTELA_PORT:-8000}"
export CLIENTELA_PORT="$port"
# Links in the demo's mail and the login line point at the port actually served.
export CLIENTELA_SITE_URL="${CLIENTELA_SITE_URL:-http://127.0.0.1:${port}}"
# Hashed static files without the gzip/brotli copies: compressing the API documentation's
# bundles would cost about half a minute before the first page, for no gain on 127.0.0.1.
export CLIENTELA_STATIC_COMPRESS="${CLIENTELA_STATIC_COMPRESS:-0}"
# Mail to the demo's support address (suport@magazin-demo.ro) on this port lands in its inbox.
export CLIENTELA_INBOUND_PORT="${CLIENTELA_INBOUND_PORT:-2526}"

step "Preparing the database (SQLite in ${CLIENTELA_DATA_DIR:-var}/)…"
uv run clientela migrate --no-input -v0
step "Creating the demo login and shop…"
uv run clientela demo
step "Starting the web server, the task worker, the sender, the clock and the mail sink…"
echo "Clientela demo: http://127.0.0.1:${port}/  (mail sent by the demo is kept in mailsink/ of the data folder)"
echo "The scores appear on the dashboard after the first refresh, a minute or so after the start."
echo "Mail to suport@magazin-demo.ro via SMTP on 127.0.0.1:${CLIENTELA_INBOUND_PORT} appears in the Inbox."
echo "Press Ctrl-C to stop."
# exec: Ctrl-C and SIGTERM reach `serve`, which stops its children and exits 0.
exec uv run clientela serve --all --port "$port"
