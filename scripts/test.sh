#!/usr/bin/env bash
# Set up what the tests need, start PostgreSQL and Redis on loopback, then run lint and the
# whole test suite twice: on SQLite (the default set-up) and on PostgreSQL.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -x -k claim`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
eval "$(bash scripts/services.sh start)"
trap 'bash scripts/services.sh stop' EXIT

echo "==> ruff" >&2
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "==> pytest on SQLite" >&2
.venv/bin/python -m pytest "$@"

echo "==> pytest on PostgreSQL" >&2
GALLERY_TEST_DATABASE_URL="$GALLERY_TEST_POSTGRES_URL" .venv/bin/python -m pytest "$@"
