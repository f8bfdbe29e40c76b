#!/usr/bin/env bash
# The whole test suite: lint, types, migrations, deploy checks, pytest on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure_uv.sh
# Compiled bytecode in the venv: the suite starts some hundred Python processes, and where
# PYTHONDONTWRITEBYTECODE is set each of them would otherwise compile Django, numpy and scipy
# from source again (about twice the CPU of every start).
uv sync --locked --all-groups --compile-bytecode

# The browser tests drive Debian's chromium, the inbox's IMAP tests a real Dovecot; install
# them when missing and we may.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium and dovecot-imapd for the browser and IMAP tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium dovecot-imapd >/dev/null
  else
    echo "chromium or dovecot is missing and we are not root: their tests will be skipped" >&2
  fi
fi

# axe-core, from npm, for the accessibility test (tests/web/test_accessibility.py): the version
# pinned here, kept in a cache folder of the user so a second run installs nothing.
AXE_VERSION=4.14.1
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/clientela/axe-core-${AXE_VERSION}"
if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core ${AXE_VERSION} from npm for the accessibility test…"
    mkdir -p "$axe_dir"
    npm install --prefix "$axe_dir" --no-audit --no-fund --silent "axe-core@${AXE_VERSION}" >/dev/null
  else
    echo "npm is missing: the accessibility test will be skipped" >&2
  fi
fi
export CLIENTELA_AXE_JS="$axe_dir/node_modules/axe-core/axe.min.js"

export CLIENTELA_TESTING=1
export CLIENTELA_DATA_DIR="${CLIENTELA_TEST_DATA_DIR:-$(mktemp -d)}"

echo "== ruff"
uv run ruff check .
uv run ruff format --check .
echo "== mypy"
uv run mypy clientela config
echo "== import contracts"
uv run lint-imports
echo "== migrations"
uv run python manage.py makemigrations --check --dry-run
echo "== deploy checks"
CLIENTELA_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')" \
CLIENTELA_HTTPS=1 CLIENTELA_ALLOWED_HOSTS=clientela.example.com CLIENTELA_HSTS_PRELOAD=1 \
  uv run python manage.py check --deploy --fail-level WARNING

# One pytest worker per CPU (pytest-xdist); each has its own data directory and test
# database (tests/conftest.py); "worksteal" keeps every worker busy to the end of the run.
# The slowest tests are listed at the end of each run: CONTRIBUTING.md gives their budget.
pytest_opts=(-n "${CLIENTELA_TEST_WORKERS:-auto}" --dist worksteal --durations=15)

echo "== pytest on SQLite"
uv run pytest "${pytest_opts[@]}" "$@"

pg_url="${CLIENTELA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if uv run python scripts/pg_answers.py "$pg_url"; then
  # The browser tests drive the pages through chromium, and the pure tests (tests/conftest.py,
  # PURE) check code that never touches the database: what they prove does not depend on the
  # database, and they ran on SQLite above. Everything else runs again on PostgreSQL, where
  # locking, constraints and concurrency differ (CONTRIBUTING.md, "Test budget").
  echo "== pytest on PostgreSQL (browser and pure tests ran on SQLite)"
  CLIENTELA_DATABASE_URL="$pg_url" uv run pytest "${pytest_opts[@]}" -m "not browser and not pure" "$@"
elif [ "${CLIENTELA_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required (CLIENTELA_REQUIRE_POSTGRES=1) but $pg_url does not answer" >&2
  exit 1
else
  echo "PostgreSQL does not answer at $pg_url: its run is skipped" >&2
fi
