#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh Debian machine, then runs every
# test of every module with `mvn -B verify`. Extra arguments go to Maven (e.g. -pl event-model).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
java_major() { javac -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p'; }
if ! command -v javac >/dev/null || [ "$(java_major)" -lt 17 ]; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null || missing+=(maven)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

exec mvn -B verify "$@"
