#!/usr/bin/env bash
# Set everything up, then start the site on http://127.0.0.1:5000 (SQLite, local uploads/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> starting the site on http://127.0.0.1:5000 (Ctrl+C stops it)" >&2
# Readable log lines on a terminal; production keeps the JSON default.
export GALLERY_LOG_FORMAT="${GALLERY_LOG_FORMAT:-text}"
exec .venv/bin/flask --app wsgi run --host 127.0.0.1 --port 5000
