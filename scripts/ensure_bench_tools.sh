#!/usr/bin/env bash
# make bench drives the load test with wrk and renders the programme PDF in DejaVu Sans:
# install both from Debian's packages when missing and we can.
set -eu
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
fc-list 2>/dev/null | grep -q "DejaVu Sans" || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && { echo "wrk and DejaVu fonts are installed."; exit 0; }
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ERROR: missing ${missing[*]}. Install with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
