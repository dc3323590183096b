#!/usr/bin/env bash
# The real client libraries some end-to-end tests drive against invitetrack, from the npm registry:
# RudderStack's Node SDK (run by node) and Segment's browser library (loaded by headless Chromium).
# Versions are pinned, with every dependency, by scripts/npm-test-deps/package-lock.json; they are installed
# once into a cache directory named after that lock file, which the tests find with `path`.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly MANIFEST_DIR="$SCRIPT_DIR/npm-test-deps"
readonly LOCK_DIGEST="$(sha256sum "$MANIFEST_DIR/package-lock.json" | cut -c1-12)"
readonly CACHE_DIR="${INVITETRACK_CACHE:-$HOME/.cache/invitetrack}/npm-test-deps-$LOCK_DIGEST"
# Written only after npm finished, so an interrupted download is not mistaken for an install.
readonly INSTALLED_MARKER="$CACHE_DIR/installed"

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND

Commands:
  install   install the packages of $MANIFEST_DIR/package-lock.json (npm ci) into
            $CACHE_DIR, unless they are there already
  path      print that directory (its node_modules holds the packages)
  check     exit 0 when they are installed, 1 when not
EOF
}

die() {
  echo "npm-test-deps: $*" >&2
  exit 1
}

is_installed() {
  [ -f "$INSTALLED_MARKER" ] && [ -d "$CACHE_DIR/node_modules" ]
}

cmd_install() {
  command -v npm >/dev/null || die "npm is missing: apt-get install npm (scripts/test.sh does)"
  mkdir -p "$CACHE_DIR"
  # Parallel CI jobs share the cache: one installs, the others wait for it.
  exec 9>"$CACHE_DIR.lock"
  flock 9
  if ! is_installed; then
    echo "npm-test-deps: installing $(cd "$MANIFEST_DIR" && node -p \
      "Object.entries(require('./package.json').dependencies).map(([n, v]) => n + '@' + v).join(', ')" \
      2>/dev/null || echo 'the test packages') into $CACHE_DIR" >&2
    rm -f "$INSTALLED_MARKER"
    cp "$MANIFEST_DIR/package.json" "$MANIFEST_DIR/package-lock.json" "$CACHE_DIR/"
    (cd "$CACHE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) \
      || die "npm ci in $CACHE_DIR failed (is the npm registry reachable?)"
    touch "$INSTALLED_MARKER"
  fi
  exec 9>&-
}

case "${1:-}" in
  install) cmd_install ;;
  path) echo "$CACHE_DIR" ;;
  check) is_installed ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
