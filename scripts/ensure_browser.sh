#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a downloaded browser); the report
# tests read PDFs with poppler-utils, and the reports embed DejaVu Sans. Install them from
# apt when missing and we can.
set -eu
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# The PDF reports embed DejaVu Sans (the Dockerfile installs the same package).
fc-list 2>/dev/null | grep -q "DejaVu Sans" || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && { echo "Chromium, poppler-utils and DejaVu fonts are installed."; exit 0; }
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ERROR: missing ${missing[*]}. Install with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
