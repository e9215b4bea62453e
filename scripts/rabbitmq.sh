#!/usr/bin/env bash
# A throwaway RabbitMQ broker for tests and local runs (TOOLCHAIN.md §7, variant B): the Debian
# rabbitmq-server run in the background by the current user (root in CI), every file under one
# state directory, every listener on 127.0.0.1, on free ports, with its own epmd, so it never
# collides with a system broker or another test run.
#
#   scripts/rabbitmq.sh start [STATE_DIR]   start (a new temp dir when omitted; an existing dir
#                                           restarts THE SAME broker: same ports, same mnesia);
#                                           prints RABBITMQ_URL=... and RABBITMQ_STATE_DIR=...
#   scripts/rabbitmq.sh stop STATE_DIR      stop the broker and its epmd (idempotent)
#   scripts/rabbitmq.sh status STATE_DIR    exit 0 when the broker accepts connections
#
# Environment: RABBITMQ_START_TIMEOUT (seconds, default 60).
set -euo pipefail

RABBITMQ_BIN=/usr/lib/rabbitmq/bin
START_TIMEOUT="${RABBITMQ_START_TIMEOUT:-60}"

die() { echo "rabbitmq.sh: $*" >&2; exit 1; }

require_server() {
  [[ -x "$RABBITMQ_BIN/rabbitmq-server" ]] ||
    die "rabbitmq-server is not installed: run 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y rabbitmq-server'"
  command -v epmd >/dev/null || die "epmd not found (it comes with erlang, a dependency of rabbitmq-server)"
}

# A TCP port that is free on 127.0.0.1 right now (the kernel's choice).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Loads (or, on first start, chooses and saves) the ports of the broker in $STATE.
load_ports() {
  if [[ -f "$STATE/ports" ]]; then
    # shellcheck disable=SC1091
    source "$STATE/ports"
  else
    NODE_PORT=$(free_port); DIST_PORT=$(free_port); EPMD_PORT=$(free_port)
    # The kernel may hand out a just-released port again: the three must differ.
    while [[ $DIST_PORT == "$NODE_PORT" ]]; do DIST_PORT=$(free_port); done
    while [[ $EPMD_PORT == "$NODE_PORT" || $EPMD_PORT == "$DIST_PORT" ]]; do EPMD_PORT=$(free_port); done
    printf 'NODE_PORT=%s\nDIST_PORT=%s\nEPMD_PORT=%s\n' "$NODE_PORT" "$DIST_PORT" "$EPMD_PORT" > "$STATE/ports"
  fi
}

# The broker's environment: HOME (and so the Erlang cookie) and all state under $STATE.
broker_env() {
  export HOME="$STATE/home" RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$NODE_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" \
    ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$STATE/mnesia" RABBITMQ_LOG_BASE="$STATE/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$STATE/enabled_plugins" RABBITMQ_CONFIG_FILE="$STATE/rabbitmq" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$STATE/advanced.config" RABBITMQ_CONF_ENV_FILE="$STATE/rabbitmq-env.conf" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

start() {
  require_server
  STATE="${1:-}"
  if [[ -z "$STATE" ]]; then STATE=$(mktemp -d "${TMPDIR:-/tmp}/alertkit-rabbitmq.XXXXXX"); fi
  mkdir -p "$STATE/home" "$STATE/log"
  STATE=$(cd "$STATE" && pwd)
  load_ports
  broker_env
  if alive "$STATE/server.pid"; then die "a broker from $STATE is already running (pid $(cat "$STATE/server.pid"))"; fi
  echo '[].' > "$STATE/enabled_plugins"
  : > "$STATE/rabbitmq-env.conf"
  # Our own epmd in the foreground of a background job, so that we know its pid and can stop
  # it (a broker-started `epmd -daemon` is re-parented to PID 1 and outlives the broker).
  if ! alive "$STATE/epmd.pid"; then
    epmd -port "$EPMD_PORT" >> "$STATE/log/epmd.log" 2>&1 &
    echo $! > "$STATE/epmd.pid"
  fi
  "$RABBITMQ_BIN/rabbitmq-server" >> "$STATE/log/stdout.log" 2>&1 &
  echo $! > "$STATE/server.pid"
  local deadline=$((SECONDS + START_TIMEOUT))
  until port_open "$NODE_PORT"; do
    if ! alive "$STATE/server.pid"; then
      tail -n 30 "$STATE/log/stdout.log" >&2 || true
      die "rabbitmq-server exited during startup (logs in $STATE/log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$STATE/log/stdout.log" >&2 || true
      stop "$STATE" || true
      die "rabbitmq-server did not open 127.0.0.1:$NODE_PORT within ${START_TIMEOUT}s (logs in $STATE/log)"
    fi
    sleep 0.1
  done
  echo "RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$NODE_PORT"
  echo "RABBITMQ_STATE_DIR=$STATE"
}

# Sends TERM to the pid in $1 and waits (up to $2 seconds) for it to exit, then KILLs it.
terminate() {
  local pidfile=$1 wait_s=$2
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  # The server wrapper traps TERM and stops the Erlang VM (its child) gracefully.
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + wait_s))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop() {
  STATE="${1:?usage: rabbitmq.sh stop STATE_DIR}"
  [[ -d "$STATE" ]] || return 0
  if [[ -f "$STATE/server.pid" ]]; then
    local pid; pid=$(cat "$STATE/server.pid")
    # The Erlang VM, recorded before the wrapper goes, so a stuck VM can be killed too.
    local vm; vm=$(pgrep -P "$pid" 2>/dev/null || true)
    terminate "$STATE/server.pid" 30
    for p in $vm; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true; done
  fi
  terminate "$STATE/epmd.pid" 5
}

status() {
  STATE="${1:?usage: rabbitmq.sh status STATE_DIR}"
  [[ -f "$STATE/ports" ]] || die "no broker state in $STATE"
  load_ports
  alive "$STATE/server.pid" && port_open "$NODE_PORT" || { echo "stopped"; return 1; }
  echo "running: amqp://guest:guest@127.0.0.1:$NODE_PORT (pid $(cat "$STATE/server.pid"))"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  status) status "${2:-}" ;;
  *) echo "usage: $0 start [STATE_DIR] | stop STATE_DIR | status STATE_DIR" >&2; exit 2 ;;
esac
