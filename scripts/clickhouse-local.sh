#!/usr/bin/env bash
# A real ClickHouse (26.7) server for development and CI, without Docker: chDB's libchdb.so from
# the npm registry, run by a small C launcher (scripts/clickhouse/launcher.c). Background and
# measurements: scripts/clickhouse/README.md.
set -euo pipefail

readonly CHDB_PACKAGE=@chdb/lib-linux-x64-gnu
readonly CHDB_VERSION=26.7.3-stable.1
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly LAUNCHER_SRC="$SCRIPT_DIR/clickhouse/launcher.c"
readonly CACHE_DIR="${INVITETRACK_CACHE:-$HOME/.cache/invitetrack}/chdb-26.7.3"
readonly LIBCHDB="$CACHE_DIR/node_modules/$CHDB_PACKAGE/libchdb.so"
readonly LAUNCHER="$CACHE_DIR/clickhouse-launcher"
# Written only after npm finished, so an interrupted download is not mistaken for an install.
readonly INSTALLED_MARKER="$CACHE_DIR/installed-$CHDB_VERSION"
readonly START_TIMEOUT_SECONDS=60
readonly STOP_GRACE_SECONDS=5

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [OPTIONS]

Commands:
  install                  download ClickHouse (npm $CHDB_PACKAGE@$CHDB_VERSION) and build
                           the launcher into $CACHE_DIR
  start  [--port N] [--tcp-port N] [--data DIR] [--config FILE]
                           start a server in the background, wait until it answers, print its URL
  stop   [--port N] [--data DIR]
                           stop the server of DIR (TERM, then KILL after ${STOP_GRACE_SECONDS}s)
  status [--port N] [--data DIR]
                           exit 0 if it answers, 3 if not running, 1 if running but not answering

Defaults: --port 8123, --data \${CLICKHOUSE_DATA_DIR:-./data/clickhouse}.
The pid file is DIR.pid and the log DIR.log, next to the data directory.
User 'default', no password, listening on 127.0.0.1 only.
EOF
}

die() {
  echo "clickhouse-local: $*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    return 1
  fi
}

ensure_tools() {
  local missing=()
  command -v npm >/dev/null || missing+=(npm)
  command -v gcc >/dev/null || missing+=(gcc libc6-dev)
  command -v curl >/dev/null || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return 0

  if ! command -v apt-get >/dev/null; then
    die "missing tools; install these packages (Debian names): ${missing[*]}"
  fi
  echo "clickhouse-local: installing ${missing[*]} with apt-get"
  as_root apt-get update -q \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
    || die "could not install ${missing[*]}; install them (apt-get install ${missing[*]}) and retry"
}

cmd_install() {
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] \
    || die "only Linux x86_64 is supported ($CHDB_PACKAGE is built for it), not $(uname -s)-$(uname -m)"
  ensure_tools
  mkdir -p "$CACHE_DIR"

  # Parallel CI jobs share the cache: one downloads, the others wait for it.
  exec 9>"$CACHE_DIR.lock"
  flock 9

  if [ ! -f "$INSTALLED_MARKER" ] || [ ! -f "$LIBCHDB" ]; then
    echo "clickhouse-local: downloading $CHDB_PACKAGE@$CHDB_VERSION (about 180 MB) into $CACHE_DIR"
    rm -f "$INSTALLED_MARKER"
    npm install --prefix "$CACHE_DIR" --no-save --no-audit --no-fund --no-package-lock \
      --loglevel=error "$CHDB_PACKAGE@$CHDB_VERSION" >&2 \
      || die "npm install $CHDB_PACKAGE@$CHDB_VERSION failed (is the npm registry reachable?)"
    [ -f "$LIBCHDB" ] || die "npm installed $CHDB_PACKAGE but $LIBCHDB is missing"
    touch "$INSTALLED_MARKER"
  fi

  if [ ! -x "$LAUNCHER" ] || [ "$LAUNCHER_SRC" -nt "$LAUNCHER" ]; then
    echo "clickhouse-local: compiling $LAUNCHER"
    gcc -O2 -Wall -Wextra -o "$LAUNCHER.tmp" "$LAUNCHER_SRC" -ldl \
      || die "compiling $LAUNCHER_SRC failed"
    mv -f "$LAUNCHER.tmp" "$LAUNCHER"
  fi

  exec 9>&-
}

is_installed() {
  [ -f "$INSTALLED_MARKER" ] && [ -f "$LIBCHDB" ] && [ -x "$LAUNCHER" ] \
    && ! [ "$LAUNCHER_SRC" -nt "$LAUNCHER" ]
}

# Options shared by start/stop/status; sets PORT, TCP_PORT, CONFIG, DATA_DIR, PID_FILE, LOG_FILE.
parse_options() {
  local command=$1
  shift
  PORT=8123
  PORT_GIVEN=false
  TCP_PORT=
  CONFIG=
  DATA_DIR=${CLICKHOUSE_DATA_DIR:-./data/clickhouse}
  while [ $# -gt 0 ]; do
    local option=$1 value
    case $option in
      -h | --help) usage; exit 0 ;;
      --*=*) value=${option#*=}; option=${option%%=*} ;;
      --*) [ $# -ge 2 ] || die "$option needs a value"; value=$2; shift ;;
      *) die "unexpected argument '$option' (see -h)" ;;
    esac
    shift
    case $command:$option in
      *:--port) PORT=$value; PORT_GIVEN=true ;;
      *:--data) DATA_DIR=$value ;;
      start:--tcp-port) TCP_PORT=$value ;;
      start:--config) CONFIG=$value ;;
      *) die "unknown option '$option' for $command (see -h)" ;;
    esac
  done

  valid_port "$PORT" || die "--port must be a TCP port number, not '$PORT'"
  [ -z "$TCP_PORT" ] || valid_port "$TCP_PORT" || die "--tcp-port must be a TCP port number, not '$TCP_PORT'"
  [ -n "$DATA_DIR" ] || die "--data must not be empty"
  # Absolute, without trailing slash: the pid file check compares it with the running command line.
  DATA_DIR=$(realpath -m -- "$DATA_DIR")
  [ "$DATA_DIR" != / ] || die "--data must not be /"
  PID_FILE="$DATA_DIR.pid"
  LOG_FILE="$DATA_DIR.log"
  if [ -n "$CONFIG" ]; then
    [ -f "$CONFIG" ] || die "config file $CONFIG does not exist"
    CONFIG=$(realpath -- "$CONFIG")
  fi
}

valid_port() {
  [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

# Prints the PID of the launcher serving DATA_DIR, or fails (and drops a stale pid file).
# Checking the command line guards against a PID reused by an unrelated process.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid=$(head -n 1 "$PID_FILE" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] \
    && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "--path=$DATA_DIR/" \
    && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1 | grep -q 'clickhouse-launcher$'; then
    echo "$pid"
    return 0
  fi
  # The engine aborts without a word on some bad input (see README), so say that it is gone.
  echo "clickhouse-local: pid ${pid:-?} from $PID_FILE is gone (exited, crashed or killed); log: $LOG_FILE" >&2
  rm -f "$PID_FILE"
  return 1
}

# The HTTP port from the running launcher's command line, so stop/status need no --port.
running_port() {
  tr '\0' '\n' <"/proc/$1/cmdline" | sed -n 's/^--http_port=//p' | head -n 1
}

http_query() {
  curl -sS --fail --max-time 5 "http://127.0.0.1:$1/" --data-binary "$2"
}

cmd_start() {
  parse_options start "$@"
  mkdir -p "$DATA_DIR"
  # Concurrent starts for one DIR would overwrite each other's pid file: the later one waits and
  # then finds the server running.
  exec 8<"$DATA_DIR"
  flock -w $((START_TIMEOUT_SECONDS + 30)) 8 || die "another start for $DATA_DIR did not finish"
  local pid port
  if pid=$(running_pid); then
    port=$(running_port "$pid")
    [ "$port" = "$PORT" ] \
      || die "$DATA_DIR is already served by pid $pid on port $port, not $PORT; stop it first"
    echo "clickhouse-local: already running (pid $pid, data $DATA_DIR)"
    echo "http://127.0.0.1:$PORT"
    return 0
  fi

  local port_in_use
  for port_in_use in "$PORT" $TCP_PORT; do
    ! port_open "$port_in_use" || die "port $port_in_use is already in use on 127.0.0.1"
  done

  is_installed || cmd_install

  local listen="SYSTEM START LISTEN HTTP;"
  local options=(--path="$DATA_DIR/" --http_port="$PORT" --listen_host=127.0.0.1)
  if [ -n "$TCP_PORT" ]; then
    options+=(--tcp_port="$TCP_PORT")
    listen+=" SYSTEM START LISTEN TCP;"
  fi
  [ -z "$CONFIG" ] || options+=(--config="$CONFIG")
  # clickhouse-local serves its listeners only while a query runs: this one sleeps for ~30 years.
  options+=(--query "$listen SELECT sleepEachRow(1) FROM numbers(1000000000)
    SETTINGS max_block_size=1, function_sleep_max_microseconds_per_block=0 FORMAT Null")

  local started_at log_offset
  started_at=$(date +%s%N)
  # Appended, not truncated: a failed start must not wipe the log of a server already using DIR.
  log_offset=$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)
  echo "=== $(date -Is) start, port $PORT${TCP_PORT:+, tcp port $TCP_PORT}" >>"$LOG_FILE"
  # setsid: the server outlives this shell and its terminal; cwd is the data directory so no
  # stray config file in the caller's directory is picked up.
  (cd "$DATA_DIR" && exec setsid "$LAUNCHER" "$LIBCHDB" "${options[@]}" </dev/null >>"$LOG_FILE" 2>&1 8<&-) &
  pid=$!
  echo "$pid" >"$PID_FILE"

  # Asking for the data path rather than SELECT 1: another server on this port would answer too.
  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until [ "$(curl -s --max-time 2 "http://127.0.0.1:$PORT/" \
    --data-binary "SELECT path FROM system.disks WHERE name = 'default'" 2>/dev/null)" = "$DATA_DIR/" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      start_failed "ClickHouse exited during startup" "$log_offset"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      stop_pid "$pid"
      start_failed "ClickHouse did not answer on port $PORT within ${START_TIMEOUT_SECONDS}s" "$log_offset"
    fi
    sleep 0.2
  done

  echo "clickhouse-local: ready in $(( ($(date +%s%N) - started_at) / 1000000 )) ms" \
    "(pid $pid, data $DATA_DIR, log $LOG_FILE)"
  echo "http://127.0.0.1:$PORT"
}

start_failed() {
  echo "clickhouse-local: $1. Its output in $LOG_FILE:" >&2
  tail -c +"$(($2 + 1))" "$LOG_FILE" | tail -n 20 >&2 || true
  exit 1
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# TERM, then KILL after the grace period; returns once the process is gone.
stop_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((STOP_GRACE_SECONDS * 10)) ]; then
      echo "clickhouse-local: pid $pid ignored TERM for ${STOP_GRACE_SECONDS}s, sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      waited=0
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
}

cmd_stop() {
  parse_options stop "$@"
  local pid port
  if ! pid=$(running_pid); then
    echo "clickhouse-local: not running (data $DATA_DIR)"
    return 0
  fi
  port=$(running_port "$pid")
  if $PORT_GIVEN && [ "$port" != "$PORT" ]; then
    die "$DATA_DIR is served on port $port, not $PORT; nothing stopped"
  fi
  stop_pid "$pid"
  echo "clickhouse-local: stopped (pid $pid, port $port, data $DATA_DIR)"
}

cmd_status() {
  parse_options status "$@"
  local pid port version
  if ! pid=$(running_pid); then
    echo "clickhouse-local: not running (data $DATA_DIR)"
    exit 3
  fi
  port=$(running_port "$pid")
  if $PORT_GIVEN && [ "$port" != "$PORT" ]; then
    echo "clickhouse-local: not running on port $PORT ($DATA_DIR is served on port $port)"
    exit 3
  fi
  if ! version=$(http_query "$port" "SELECT version()" 2>/dev/null); then
    echo "clickhouse-local: pid $pid is running but port $port does not answer (log $LOG_FILE)"
    exit 1
  fi
  echo "clickhouse-local: running ClickHouse $version at http://127.0.0.1:$port" \
    "(pid $pid, data $DATA_DIR)"
}

main() {
  [ $# -ge 1 ] || { usage >&2; exit 2; }
  local command=$1
  shift
  case $command in
    -h | --help | help) usage ;;
    install)
      [ $# -eq 0 ] || die "install takes no options"
      cmd_install
      echo "clickhouse-local: installed in $CACHE_DIR"
      ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
