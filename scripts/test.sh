#!/usr/bin/env bash
# Set up what the tests need, then run lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
echo "==> ruff" >&2
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> pytest" >&2
exec .venv/bin/python -m pytest "$@"
