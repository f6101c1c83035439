#!/usr/bin/env bash
# Rebuild print_profiles/gallery-fogra39.icc, the default CMYK characterisation of PDF/X exports.
# It is made from Fogra's FOGRA39L characterisation data (ISO 12647-2 coated offset) as shipped,
# under the zlib licence, by Debian's icc-profiles-free, with ArgyllCMS's colprof (Debian's
# argyll). ArgyllCMS makes no claim on the profiles it creates; see print_profiles/README.md.
# Usage: bash scripts/make_cmyk_profile.sh   (needs: apt-get install argyll icc-profiles-free)
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/color/icc/FOGRA39L.ti3
if [ ! -f "$data" ] || ! command -v colprof >/dev/null 2>&1; then
  echo "needs Debian's argyll and icc-profiles-free: apt-get install argyll icc-profiles-free" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$data" "$work/FOGRA39L.ti3"
# Medium quality, ramp black generation, 330 % total ink and 95 % black: FOGRA39's own limits.
colprof -qm -kr -l330 -L95 \
  -D "Sticker gallery FOGRA39 coated (TAC 330%)" \
  -C "zlib licence; made with ArgyllCMS colprof from Fogra FOGRA39L data" \
  "$work/FOGRA39L" >/dev/null
cp "$work/FOGRA39L.icc" print_profiles/gallery-fogra39.icc
echo "wrote print_profiles/gallery-fogra39.icc"
