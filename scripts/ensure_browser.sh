#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a downloaded browser); the report
# tests read PDFs with poppler-utils. Install them from apt when missing and we can.
set -eu
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && { echo "Chromium and poppler-utils are installed."; exit 0; }
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ERROR: missing ${missing[*]}. Install with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
