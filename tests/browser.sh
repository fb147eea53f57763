#!/usr/bin/env bash
# Browser tests of the HTML pages (trace/explain/train --html) and the playground, in Debian's chromium driven by
# Playwright for .NET (tests/Backprop.BrowserTests). Installs chromium with apt-get when it is missing.
#   tests/browser.sh                 run the tests
#   tests/browser.sh --screenshots   also write the README's screenshots to docs/images/
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "browser.sh: installing Debian's chromium" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
export BACKPROP_CHROMIUM="${BACKPROP_CHROMIUM:-$(command -v chromium)}"
if [ "${1:-}" = "--screenshots" ]; then export BACKPROP_SCREENSHOTS="$PWD/docs/images"; fi
dotnet test tests/Backprop.BrowserTests
