#!/usr/bin/env bash
# Makes sure the tools the tests need are installed: PostgreSQL (unless one is reachable or
# DATABASE_URL is set), poppler-utils (pdftotext) and qpdf for PDF checks, and Chromium for the
# browser tests. Installs missing ones with apt-get when it can; otherwise says what to install.
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

need pdftotext poppler-utils
need qpdf qpdf
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
if [ -z "${DATABASE_URL:-}" ] && ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
   && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  missing+=(postgresql)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "ensure-tools: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  echo "ensure-tools: installing ${missing[*]} with sudo" >&2
  sudo apt-get update -qq >/dev/null && sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
fi
echo "ensure-tools: please install: ${missing[*]}" >&2
echo "  Debian/Ubuntu: apt-get install ${missing[*]}" >&2
echo "  macOS:         brew install ${missing[*]/poppler-utils/poppler}" >&2
exit 1
