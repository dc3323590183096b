#!/usr/bin/env bash
# A real Apache Kafka (4.1.1, KRaft mode: each broker is also a controller) on this machine, without Docker:
# the broker's jars from Maven Central (scripts/kafka/pom.xml), run by the JDK. One broker, or several as one
# cluster, each with its own ports, directory, pid file and log. `start` starts the brokers of the cluster that
# are not running (so it also brings back one that was killed); `stop` stops them all.
set -euo pipefail

readonly KAFKA_VERSION=4.1.1
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly CACHE_DIR="${INVITETRACK_CACHE:-$HOME/.cache/invitetrack}/kafka-$KAFKA_VERSION"
readonly LIB_DIR="$CACHE_DIR/lib"
# Written only after Maven finished, so an interrupted download is not mistaken for an install.
readonly INSTALLED_MARKER="$CACHE_DIR/installed"
# Any 16 bytes, base64url: every broker of a cluster is formatted with the same id.
readonly CLUSTER_ID=aW52aXRldHJhY2stbG9jYWw
readonly START_TIMEOUT_SECONDS=90
readonly STOP_GRACE_SECONDS=10

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [OPTIONS]

Commands:
  install       download Apache Kafka $KAFKA_VERSION (Maven Central) into $CACHE_DIR
  start  [--brokers N] [--port P] [--controller-port C] [--data DIR]
                start the cluster's brokers that are not running, wait until all are up, print the
                bootstrap servers (the first start of DIR fixes N, P and C; later starts reuse them)
  stop   [--data DIR]
                stop every broker of DIR (TERM, then KILL after ${STOP_GRACE_SECONDS}s)
  status [--data DIR]
                exit 0 if every broker runs and listens, 3 if none runs, 1 otherwise

Defaults: --brokers 1, --port 9092 (broker i listens on P+i-1), --controller-port P+100,
--data \${KAFKA_DATA_DIR:-./data/kafka}. Broker i keeps its log in DIR/broker-i, its pid in DIR/broker-i.pid and
its output in DIR/broker-i.log. With 3 or more brokers, internal topics have 3 replicas and
min.insync.replicas is 2. Listens on 127.0.0.1 only, without authentication. KAFKA_HEAP (default 512m) sets
each broker's heap.
EOF
}

die() {
  echo "kafka-local: $*" >&2
  exit 1
}

cmd_install() {
  command -v java >/dev/null || die "java is missing; install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null || die "mvn is missing; install Maven (apt-get install maven)"
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR.lock"
  flock 9
  if [ ! -f "$INSTALLED_MARKER" ]; then
    echo "kafka-local: downloading Apache Kafka $KAFKA_VERSION (about 55 MB) into $LIB_DIR"
    rm -rf "$LIB_DIR"
    mvn -B -q -f "$SCRIPT_DIR/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$LIB_DIR" >&2 || die "Maven could not download Kafka $KAFKA_VERSION (is Maven Central reachable?)"
    ls "$LIB_DIR"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "Maven ran but $LIB_DIR has no Kafka jar"
    touch "$INSTALLED_MARKER"
  fi
  exec 9>&-
}

valid_port() {
  [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Sets DATA_DIR, BROKERS, PORT, CONTROLLER_PORT: from the options, or from DIR/cluster.env once it exists.
parse_options() {
  local command=$1
  shift
  local brokers= port= controller_port=
  DATA_DIR=${KAFKA_DATA_DIR:-./data/kafka}
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
      *:--data) DATA_DIR=$value ;;
      start:--brokers) brokers=$value ;;
      start:--port) port=$value ;;
      start:--controller-port) controller_port=$value ;;
      *) die "unknown option '$option' for $command (see -h)" ;;
    esac
  done
  [ -n "$DATA_DIR" ] || die "--data must not be empty"
  DATA_DIR=$(realpath -m -- "$DATA_DIR")
  [ "$DATA_DIR" != / ] || die "--data must not be /"
  if [ -f "$DATA_DIR/cluster.env" ]; then
    # shellcheck disable=SC1091
    . "$DATA_DIR/cluster.env"
    [ -z "$brokers" ] || [ "$brokers" = "$BROKERS" ] || die "$DATA_DIR holds a cluster of $BROKERS brokers, not $brokers"
    [ -z "$port" ] || [ "$port" = "$PORT" ] || die "$DATA_DIR's brokers listen from port $PORT, not $port"
    [ -z "$controller_port" ] || [ "$controller_port" = "$CONTROLLER_PORT" ] \
      || die "$DATA_DIR's controllers listen from port $CONTROLLER_PORT, not $controller_port"
    return 0
  fi
  BROKERS=${brokers:-1}
  PORT=${port:-9092}
  [[ $BROKERS =~ ^[1-9][0-9]?$ ]] || die "--brokers must be a number from 1 to 99, not '$BROKERS'"
  valid_port "$PORT" || die "--port must be a TCP port number, not '$PORT'"
  CONTROLLER_PORT=${controller_port:-$((PORT + 100))}
  valid_port "$CONTROLLER_PORT" || die "--controller-port must be a TCP port number, not '$CONTROLLER_PORT'"
  valid_port $((PORT + BROKERS - 1)) && valid_port $((CONTROLLER_PORT + BROKERS - 1)) \
    || die "ports $PORT and $CONTROLLER_PORT leave no room for $BROKERS brokers"
}

bootstrap_servers() {
  local i servers=
  for ((i = 1; i <= BROKERS; i++)); do
    servers+="${servers:+,}127.0.0.1:$((PORT + i - 1))"
  done
  echo "$servers"
}

# Prints the PID of broker $1, or fails (and drops a stale pid file). The command line is checked so that a
# PID reused by another process is not taken for the broker.
running_pid() {
  local file="$DATA_DIR/broker-$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(head -n 1 "$file" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] \
    && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$DATA_DIR/broker-$1.properties"; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

write_properties() {
  local id=$1 voters= i replicas=1 min_isr=1
  for ((i = 1; i <= BROKERS; i++)); do
    voters+="${voters:+,}$i@127.0.0.1:$((CONTROLLER_PORT + i - 1))"
  done
  if [ "$BROKERS" -ge 3 ]; then
    replicas=3
    min_isr=2
  fi
  cat >"$DATA_DIR/broker-$id.properties" <<EOF
# Written by scripts/kafka-local.sh: broker $id of $BROKERS.
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$((PORT + id - 1)),CONTROLLER://127.0.0.1:$((CONTROLLER_PORT + id - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$((PORT + id - 1))
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR/broker-$id
num.partitions=1
default.replication.factor=$replicas
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$replicas
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$replicas
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

cmd_start() {
  parse_options start "$@"
  mkdir -p "$DATA_DIR"
  exec 8<"$DATA_DIR"
  flock -w $((START_TIMEOUT_SECONDS + 30)) 8 || die "another start for $DATA_DIR did not finish"
  [ -f "$INSTALLED_MARKER" ] || cmd_install
  printf 'BROKERS=%s\nPORT=%s\nCONTROLLER_PORT=%s\n' "$BROKERS" "$PORT" "$CONTROLLER_PORT" >"$DATA_DIR/cluster.env"

  local i pid started=() offsets=()
  local started_at
  started_at=$(date +%s%N)
  for ((i = 1; i <= BROKERS; i++)); do
    if pid=$(running_pid "$i"); then
      continue
    fi
    local port=$((PORT + i - 1)) controller=$((CONTROLLER_PORT + i - 1))
    ! port_open "$port" || die "port $port (broker $i) is already in use on 127.0.0.1"
    ! port_open "$controller" || die "port $controller (controller $i) is already in use on 127.0.0.1"
    write_properties "$i"
    local log="$DATA_DIR/broker-$i.log"
    if [ ! -f "$DATA_DIR/broker-$i/meta.properties" ]; then
      java -cp "$LIB_DIR/*" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DATA_DIR/broker-$i.properties" \
        --ignore-formatted >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "formatting broker $i's directory failed"; }
    fi
    offsets[$i]=$(stat -c %s "$log" 2>/dev/null || echo 0)
    echo "=== $(date -Is) start" >>"$log"
    # setsid: the broker outlives this shell and its terminal.
    (exec setsid java "-Xms${KAFKA_HEAP:-512m}" "-Xmx${KAFKA_HEAP:-512m}" -XX:+UseG1GC \
      -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.yaml" -cp "$LIB_DIR/*" kafka.Kafka \
      "$DATA_DIR/broker-$i.properties" </dev/null >>"$log" 2>&1 8<&-) &
    echo $! >"$DATA_DIR/broker-$i.pid"
    started+=("$i")
  done

  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  for i in "${started[@]}"; do
    local log="$DATA_DIR/broker-$i.log"
    until tail -c +"$((offsets[i] + 1))" "$log" | grep -q 'Kafka Server started' && port_open $((PORT + i - 1)); do
      if ! pid=$(running_pid "$i"); then
        tail -c +"$((offsets[i] + 1))" "$log" | tail -n 20 >&2 || true
        die "broker $i exited during startup (log $log)"
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        tail -c +"$((offsets[i] + 1))" "$log" | tail -n 20 >&2 || true
        die "broker $i did not start within ${START_TIMEOUT_SECONDS}s (log $log)"
      fi
      sleep 0.2
    done
  done
  if [ ${#started[@]} -eq 0 ]; then
    echo "kafka-local: all $BROKERS broker(s) already running (data $DATA_DIR)"
  else
    echo "kafka-local: broker(s) ${started[*]} of $BROKERS ready in $(( ($(date +%s%N) - started_at) / 1000000 )) ms" \
      "(data $DATA_DIR)"
  fi
  bootstrap_servers
}

stop_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((STOP_GRACE_SECONDS * 10)) ]; then
      echo "kafka-local: pid $pid ignored TERM for ${STOP_GRACE_SECONDS}s, sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      waited=0
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

cmd_stop() {
  parse_options stop "$@"
  if [ ! -f "$DATA_DIR/cluster.env" ]; then
    echo "kafka-local: no cluster in $DATA_DIR"
    return 0
  fi
  local i pid pids=() stopped=()
  for ((i = 1; i <= BROKERS; i++)); do
    if pid=$(running_pid "$i"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      stopped+=("$i")
    fi
  done
  for pid in "${pids[@]}"; do
    stop_pid "$pid"
  done
  for i in "${stopped[@]}"; do
    rm -f "$DATA_DIR/broker-$i.pid"
  done
  echo "kafka-local: stopped broker(s) ${stopped[*]:-none} (data $DATA_DIR)"
}

cmd_status() {
  parse_options status "$@"
  if [ ! -f "$DATA_DIR/cluster.env" ]; then
    echo "kafka-local: no cluster in $DATA_DIR"
    exit 3
  fi
  local i pid up=0 running=0
  for ((i = 1; i <= BROKERS; i++)); do
    if pid=$(running_pid "$i"); then
      running=$((running + 1))
      if port_open $((PORT + i - 1)); then
        up=$((up + 1))
        echo "kafka-local: broker $i running at 127.0.0.1:$((PORT + i - 1)) (pid $pid)"
      else
        echo "kafka-local: broker $i running (pid $pid) but port $((PORT + i - 1)) does not answer"
      fi
    else
      echo "kafka-local: broker $i not running"
    fi
  done
  echo "$(bootstrap_servers)"
  [ "$running" -gt 0 ] || exit 3
  [ "$up" -eq "$BROKERS" ] || exit 1
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
      echo "kafka-local: installed in $CACHE_DIR"
      ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
