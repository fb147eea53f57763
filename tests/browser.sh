#!/usr/bin/env bash
# Browser tests of the HTML pages (trace/explain/train --html) and the playground, in Debian's chromium driven by
# Playwright for .NET (tests/Backprop.BrowserTests). Installs chromium with apt-get when it is missing, and
# axe-core (the accessibility checker the tests run in each page; MPL-2.0, not kept in the repository) with npm into
# a cache folder.
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
axe_version=4.14.1
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/backprop-browser-tests/axe-core-$axe_version"
if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
  echo "browser.sh: installing axe-core $axe_version with npm" >&2
  mkdir -p "$axe_dir"
  npm install --silent --no-audit --no-fund --prefix "$axe_dir" "axe-core@$axe_version" >/dev/null
fi
export BACKPROP_AXE="$axe_dir/node_modules/axe-core/axe.min.js"
if [ "${1:-}" = "--screenshots" ]; then export BACKPROP_SCREENSHOTS="$PWD/docs/images"; fi
dotnet test tests/Backprop.BrowserTests
