#!/usr/bin/env bash
# Set up what the tests need, start PostgreSQL and Redis on loopback, then run lint and the
# whole test suite twice: on SQLite (the default set-up) and on PostgreSQL. The multi-host
# test starts its own servers (gunicorn, RQ workers, redis-server, moto's S3) and needs
# `unshare` (util-linux) allowed to make a UTS namespace: root, as in CI.
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
# The several-machines test (tests/multihost) always runs on PostgreSQL: once, in the second
# pass. Exit status 5 means that was all the arguments chose.
status=0
.venv/bin/python -m pytest -m "not multihost" "$@" || status=$?
[ "$status" = 0 ] || [ "$status" = 5 ] || exit "$status"

echo "==> pytest on PostgreSQL" >&2
# The accessibility sweep reads every language on SQLite; here English and Russian suffice.
GALLERY_TEST_DATABASE_URL="$GALLERY_TEST_POSTGRES_URL" GALLERY_TEST_A11Y_LANGUAGES=en,ru \
    .venv/bin/python -m pytest "$@"
