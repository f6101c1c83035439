#!/usr/bin/env bash
# Set up everything the app needs on this machine: system libraries, a virtualenv, the database.
# Usage: bash scripts/setup.sh [--test]   (--test also installs what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=no
[ "${1:-}" = "--test" ] && want_tests=yes

say() { printf '==> %s\n' "$*" >&2; }

# WeasyPrint needs Pango (and HarfBuzz); fonts cover Latin, Cyrillic, Greek, Arabic and more.
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core)
if [ "$want_tests" = yes ]; then
  # qpdf checks every PDF the tests write; Ghostscript's tiffsep renders the ink plates that
  # prove the cut lines; glabels-data holds the label templates to import; Chromium runs the
  # browser tests; PostgreSQL and Redis run on loopback for the second pass; util-linux's
  # unshare gives the multi-host test's worker a host name of its own.
  system_packages+=(qpdf poppler-utils ghostscript glabels-data chromium postgresql redis-server util-linux)
fi

missing=()
for pkg in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    say "installing system packages with sudo: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system: make sure Pango >= 1.44 and Noto/DejaVu fonts are installed"
    say "(macOS: brew install pango; Fedora: dnf install pango google-noto-sans-fonts)"
  else
    say "missing system packages: ${missing[*]}"
    say "install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "Python 3.11 or newer is needed (found: $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11"
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$python" -m venv .venv
fi
extras=""
[ "$want_tests" = yes ] && extras="[test]"
say "installing Python packages"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"

say "bringing the database to the current schema"
.venv/bin/flask --app wsgi db upgrade
# Translations: gallery/translations/<lang>/LC_MESSAGES/messages.po -> .mo (not kept in git).
# Fuzzy entries stay unused (English shows) until a translator has checked them.
say "compiling translations"
.venv/bin/pybabel -q compile -d gallery/translations
