#!/usr/bin/env bash
# The packages as a user gets them (tests/Backprop.PackageTests): `dotnet pack` of the library and the tool (one
# package per platform), the tool installed into a temporary tool path and run, the library's symbols checked for
# SourceLink, every C# block of README.md and of the packages' pages built against the packed packages and run, and the
# Native AOT package for linux-x64 packed, installed and run. Kept out of `dotnet test` because
# packing takes minutes (8 to 10 on a busy 2-core machine). Native AOT links with clang and zlib: the script installs
# Debian's clang and zlib1g-dev with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
  echo "package.sh: the Native AOT package is built for linux-x64; this is $(uname -sm)" >&2
  exit 1
fi
if [[ $(compgen -c clang | grep -cE '^clang(-[0-9]+)?$') == 0 || ! -e /usr/include/zlib.h ]]; then
  echo "package.sh: installing Debian's clang and zlib1g-dev (Native AOT's linker)" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang zlib1g-dev >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test tests/Backprop.PackageTests
