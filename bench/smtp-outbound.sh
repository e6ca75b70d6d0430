#!/usr/bin/env bash
# Outbound delivery benchmark: messages/s that Tern and Debian's Postfix relay
# to other servers, side by side in the same run, on loopback only.
#
# Each server takes a bounded load from Postfix's smtp-source (relaying is
# allowed to 127.0.0.0/8: Tern's [smtp] relay_from, Postfix's mynetworks) and
# delivers it to Postfix's smtp-sink, with 1, 10 and 100 destinations: domain
# dK.bench.test goes to its own smtp-sink on 127.0.1.K:SINK_PORT (Tern:
# [delivery.routes]; Postfix: transport_maps), so that each is a separate
# destination for both servers' concurrency limits, which stay at their
# defaults (Tern: 100 connections, 20 per destination; Postfix:
# default_process_limit 100, default_destination_concurrency_limit 20).
#
# Measured: from the start of the load to the moment the sinks have received
# every message (their -c counters), bounded by RUN_TIMEOUT.  Each point is
# repeated R times, alternating the order of the servers.
#
# Usage:   bench/smtp-outbound.sh                 (as root: installs/configures Postfix)
#          QUICK=1 bench/smtp-outbound.sh         smoke run: 1000 messages, R=1
#          SERVERS=postfix DESTS="10" bench/smtp-outbound.sh
# See bench/README.md for every variable.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

# ---- knobs (environment) ------------------------------------------------------
SERVERS=${SERVERS:-"tern postfix"}         # any of: tern postfix
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  R=${R:-1}
  COUNT=${COUNT:-1000}
  WARMUP=${WARMUP:-300}
else
  R=${R:-3}
  COUNT=${COUNT:-5000}                     # messages per run, spread round-robin over the destinations
  WARMUP=${WARMUP:-1000}                   # messages sent through each server first, not recorded
fi
DESTS=${DESTS:-"1 10 100"}                 # numbers of destinations (at most 254)
SIZE=${SIZE:-10240}                        # payload bytes per message (smtp-source -l)
SESSIONS=${SESSIONS:-20}                   # injecting sessions in total (at least one per destination)
TERN_PORT=${TERN_PORT:-2526}
POSTFIX_PORT=${POSTFIX_PORT:-2525}
SINK_PORT=${SINK_PORT:-2527}               # every sink listens on 127.0.1.K:SINK_PORT
BENCH_FROM=${BENCH_FROM:-a@bench.test}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}            # seconds, per run: load and delivery together
SETTLE_TIMEOUT=${SETTLE_TIMEOUT:-120}      # seconds to wait for a server to go idle between runs
START_TIMEOUT=${START_TIMEOUT:-180}        # seconds for each Tern command and for Tern to open its port
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}       # seconds for `mvn package` when target/tern.jar is missing
BENCH_TMP=${BENCH_TMP:-/var/tmp}           # same file system as Postfix's queue, not tmpfs
PYTHON=${PYTHON:-python3}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
TERN_HOME=${TERN_HOME:-$ROOT}              # checkout holding bin/tern and target/tern.jar

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- installation ---------------------------------------------------------------
APT_UPDATED=0
apt_install() {
  [[ $(id -u) == 0 ]] || die "need root to install: $*"
  if [[ $APT_UPDATED == 0 ]]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
  if ! command -v smtp-source >/dev/null || ! command -v smtp-sink >/dev/null \
     || ! command -v postfix >/dev/null; then
    log "installing postfix (smtp-source, smtp-sink)"
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string bench.test" | debconf-set-selections
    apt_install postfix
  fi
  command -v "$PYTHON" >/dev/null || { apt_install python3; PYTHON=python3; }
  command -v timeout >/dev/null || die "timeout (coreutils) missing"
}

wait_addr() { # address port seconds -> 0 when address:port accepts a connection
  local addr=$1 port=$2 deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    if (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}
addr_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

sink_addr() { echo "127.0.1.$1"; }        # destination K -> its sink's address
dest_domain() { echo "d$1.bench.test"; }

# utime+stime of one process; with a 2nd argument also the reaped children's (cutime, cstime).
proc_ticks() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  rest=${stat##*) }
  read -r -a f <<<"$rest"
  if [[ -n ${2:-} ]]; then echo $((f[11] + f[12] + f[13] + f[14])); else echo $((f[11] + f[12])); fi
}

# CPU ticks of every process in process group $1.
group_ticks() {
  local total=0 p
  for p in $(pgrep -g "$1" 2>/dev/null); do total=$((total + $(proc_ticks "$p"))); done
  echo "$total"
}

settle_group() { # until process group $1 uses under 5 % of one CPU for 0.5 s (bounded)
  local pg=$1 deadline=$((SECONDS + SETTLE_TIMEOUT)) hz a b
  hz=$(getconf CLK_TCK)
  while (( SECONDS < deadline )); do
    a=$(group_ticks "$pg"); sleep 0.5; b=$(group_ticks "$pg")
    (( (b - a) * 100 < hz * 5 / 2 )) && return 0
  done
  log "warning: process group $pg still busy after ${SETTLE_TIMEOUT}s"
}

# ---- the sinks: one smtp-sink per destination ------------------------------------
SINK_PIDS=()
sinks_start() { # count
  local k addr
  for k in $(seq 1 "$1"); do
    addr=$(sink_addr "$k")
    addr_free "$addr" "$SINK_PORT" || die "$addr:$SINK_PORT already in use"
    # -c: running counters on stdout (sess= quit= mesg=), read by sink_total.
    smtp-sink -c -u nobody -m 256 "$addr:$SINK_PORT" 256 >"$WORK/sinks/$k.out" 2>"$WORK/sinks/$k.err" &
    SINK_PIDS+=($!)
  done
  for k in $(seq 1 "$1"); do
    wait_addr "$(sink_addr "$k")" "$SINK_PORT" 10 || die "smtp-sink did not open $(sink_addr "$k"):$SINK_PORT"
  done
  log "$1 smtp-sink processes on 127.0.1.1-$1:$SINK_PORT"
}
sinks_stop() {
  local p
  for p in "${SINK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${SINK_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  SINK_PIDS=()
}

# Messages received by all sinks so far ("." seen), or, with "wait TARGET DEADLINE",
# polls until they reach TARGET (or the wall clock reaches DEADLINE) and prints
# "count epoch_seconds" of the moment it saw the count reached.
sink_total() {
  "$PYTHON" - "$WORK/sinks" "$@" <<'PY'
import os, re, sys, time
d = sys.argv[1]
files = [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".out")]
pat = re.compile(rb"mesg=(\d+)")
def total():
    n = 0
    for f in files:
        try:
            with open(f, "rb") as fh:
                fh.seek(0, 2)
                fh.seek(max(0, fh.tell() - 256))
                found = pat.findall(fh.read())
            n += int(found[-1]) if found else 0
        except OSError:
            pass
    return n
if len(sys.argv) > 2 and sys.argv[2] == "wait":
    target, deadline = int(sys.argv[3]), float(sys.argv[4])
    n = total()
    while n < target and time.time() < deadline:
        time.sleep(0.05)
        n = total()
    print(n, f"{time.time():.3f}")
else:
    print(total())
PY
}

# ---- Tern (adjust here when the command line changes) ---------------------------
TERN_PID=""
tern_start() { # max destinations
  local cfg="$WORK/tern.toml" k
  if [[ ! -f $TERN_HOME/target/tern.jar ]]; then
    log "building Tern (mvn package)"
    (cd "$TERN_HOME" && timeout -k 10 "$BUILD_TIMEOUT" mvn -B -q -DskipTests package) \
      || die "building Tern failed"
  fi
  addr_free 127.0.0.1 "$TERN_PORT" || die "port $TERN_PORT already in use"
  {
    cat <<EOF
hostname = "tern.bench.test"
data_dir = "$WORK/tern-data"
[listeners]
smtp = ["127.0.0.1:$TERN_PORT"]
[smtp]
max_connections = 2000
max_connections_per_ip = 2000
relay_from = ["127.0.0.0/8"]
[dns]
# Every destination has a route: nothing to look up (a closed port, so a missing route shows).
nameservers = ["127.0.0.1:9"]
[delivery.routes]
EOF
    for k in $(seq 1 "$1"); do echo "\"$(dest_domain "$k")\" = \"$(sink_addr "$k"):$SINK_PORT\""; done
  } >"$cfg"
  log "starting Tern on 127.0.0.1:$TERN_PORT (TERN_JAVA_OPTS=${TERN_JAVA_OPTS:-})"
  export TERN_JAVA_OPTS=${TERN_JAVA_OPTS:-}
  # Own process group, so that stopping it reaches the JVM whatever bin/tern forks.
  setsid "$TERN_HOME/bin/tern" serve --config "$cfg" >>"$WORK/tern.log" 2>&1 </dev/null &
  TERN_PID=$!
  if ! wait_addr 127.0.0.1 "$TERN_PORT" "$START_TIMEOUT"; then
    tail -n 30 "$WORK/tern.log" >&2
    die "Tern did not open 127.0.0.1:$TERN_PORT within ${START_TIMEOUT}s"
  fi
}
tern_ticks() { group_ticks "$TERN_PID"; }
tern_settle() { if [[ -n $TERN_PID ]]; then settle_group "$TERN_PID"; fi; }
tern_stop() {
  [[ -n $TERN_PID ]] || return 0
  log "stopping Tern"
  kill -TERM -- "-$TERN_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do pgrep -g "$TERN_PID" >/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$TERN_PID" 2>/dev/null || true
  wait "$TERN_PID" 2>/dev/null || true
  TERN_PID=""
}
# Delivery log lines (one per recipient and attempt), for the counts after each run.
tern_status() { # -> "sent=N deferred=N bounced=N"
  local s d b
  s=$(grep -c 'status=sent' "$WORK/tern.log" || true)
  d=$(grep -c 'status=deferred' "$WORK/tern.log" || true)
  b=$(grep -c 'status=bounced' "$WORK/tern.log" || true)
  echo "sent=$s deferred=$d bounced=$b"
}

# ---- Postfix: durable queue, smtp transport to the sinks, default limits ----------
POSTFIX_STARTED=0 POSTFIX_WAS_RUNNING=0 POSTFIX_LOG=/var/log/postfix.log
TRANSPORT_MAP=/etc/postfix/bench-outbound-transport
postfix_start() { # max destinations
  [[ $(id -u) == 0 ]] || die "Postfix must be configured as root"
  if postfix status >/dev/null 2>&1; then POSTFIX_WAS_RUNNING=1; postfix stop >/dev/null 2>&1 || true; fi
  addr_free 127.0.0.1 "$POSTFIX_PORT" || die "port $POSTFIX_PORT already in use"
  cp /etc/postfix/main.cf "$WORK/main.cf.orig"
  cp /etc/postfix/master.cf "$WORK/master.cf.orig"
  local k
  for k in $(seq 1 "$1"); do echo "$(dest_domain "$k") smtp:[$(sink_addr "$k")]:$SINK_PORT"; done >"$TRANSPORT_MAP"
  postmap "hash:$TRANSPORT_MAP"
  postconf -e 'myhostname = postfix.bench.test' 'mydomain = bench.test' 'myorigin = bench.test' \
    'mydestination = bench.test, localhost' 'inet_interfaces = loopback-only' \
    'inet_protocols = ipv4' 'mynetworks = 127.0.0.0/8' 'local_recipient_maps =' \
    'local_transport = discard' 'default_transport = smtp' 'relay_transport = smtp' \
    "transport_maps = hash:$TRANSPORT_MAP" "maillog_file = $POSTFIX_LOG"
  # Concurrency at Postfix's defaults (100 processes per service, 20 per destination).
  postconf -X default_process_limit default_destination_concurrency_limit \
    smtp_destination_concurrency_limit initial_destination_concurrency 2>/dev/null || true
  # Listen on 127.0.0.1:$POSTFIX_PORT only: no port 25.
  postconf -M# smtp/inet 2>/dev/null || true
  postconf -M "127.0.0.1:$POSTFIX_PORT/inet=127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd"
  postfix check
  : >"$POSTFIX_LOG"
  postfix start >/dev/null 2>&1 || die "postfix start failed (see $POSTFIX_LOG)"
  POSTFIX_STARTED=1
  wait_addr 127.0.0.1 "$POSTFIX_PORT" 30 || die "Postfix did not open 127.0.0.1:$POSTFIX_PORT"
  log "Postfix $(postconf -h mail_version) on 127.0.0.1:$POSTFIX_PORT," \
    "default_process_limit=$(postconf -h default_process_limit)," \
    "default_destination_concurrency_limit=$(postconf -h default_destination_concurrency_limit)"
}
postfix_master_pid() { tr -d ' \n' <"$(postconf -h queue_directory)/pid/master.pid" 2>/dev/null || true; }
postfix_ticks() { # master, its reaped children, and its live children
  local m total c
  m=$(postfix_master_pid)
  [[ -n $m ]] || { echo 0; return; }
  total=$(proc_ticks "$m" all)
  for c in $(pgrep -P "$m" 2>/dev/null); do total=$((total + $(proc_ticks "$c"))); done
  echo "$total"
}
postfix_queued() {
  local q
  q=$(postconf -h queue_directory)
  find "$q/maildrop" "$q/incoming" "$q/active" "$q/deferred" -type f 2>/dev/null | wc -l
}
postfix_settle() { # until the queue is empty
  local deadline=$((SECONDS + SETTLE_TIMEOUT)) n
  while (( SECONDS < deadline )); do
    n=$(postfix_queued)
    (( n == 0 )) && return 0
    sleep 0.2
  done
  log "warning: Postfix queue still holds $n messages after ${SETTLE_TIMEOUT}s"
}
postfix_status() {
  local s d b
  s=$(grep -c 'status=sent' "$POSTFIX_LOG" || true)
  d=$(grep -c 'status=deferred' "$POSTFIX_LOG" || true)
  b=$(grep -c 'status=bounced' "$POSTFIX_LOG" || true)
  echo "sent=$s deferred=$d bounced=$b"
}
postfix_stop() {
  if [[ $POSTFIX_STARTED == 1 ]]; then
    log "stopping Postfix"
    postfix stop >/dev/null 2>&1 || true
    POSTFIX_STARTED=0
  fi
  if [[ -f $WORK/main.cf.orig ]]; then
    cp "$WORK/main.cf.orig" /etc/postfix/main.cf
    cp "$WORK/master.cf.orig" /etc/postfix/master.cf
    rm -f "$WORK/main.cf.orig" "$WORK/master.cf.orig" "$TRANSPORT_MAP" "$TRANSPORT_MAP.db"
    if [[ $POSTFIX_WAS_RUNNING == 1 ]]; then postfix start >/dev/null 2>&1 || true; fi
  fi
}

port_of() { case $1 in tern) echo "$TERN_PORT" ;; postfix) echo "$POSTFIX_PORT" ;; esac; }

cleanup() {
  local rc=$?
  set +e
  tern_stop; postfix_stop; sinks_stop
  [[ -n ${WORK:-} && -d $WORK && ${KEEP_WORK:-0} != 1 ]] && rm -rf "$WORK"
  exit "$rc"
}

# ---- one run ---------------------------------------------------------------------
# N smtp-source processes in parallel, one per destination (smtp-source takes one
# recipient), each with its share of the messages and of the sessions; then wait
# until the sinks have counted every message.  Prints one line of key=value pairs.
deliver_run() { # server dests messages
  local server=$1 n=$2 m=$3 port base per sess k pids=() rc=0 t0 t_inj deadline got t_end cpu0 cpu1
  port=$(port_of "$server")
  per=$(( m / n ))
  (( per >= 1 )) || die "COUNT ($m) must be at least DESTS ($n)"
  m=$(( per * n ))
  sess=$(( (SESSIONS + n - 1) / n ))
  base=$(sink_total)
  cpu0=$("${server}_ticks")
  t0=$EPOCHREALTIME
  deadline=$(awk -v t="$t0" -v d="$RUN_TIMEOUT" 'BEGIN { printf "%.3f", t + d }')
  for k in $(seq 1 "$n"); do
    timeout -k 5 "$RUN_TIMEOUT" smtp-source -s "$sess" -m "$per" -l "$SIZE" -M client.bench.test \
      -f "$BENCH_FROM" -t "b@$(dest_domain "$k")" "127.0.0.1:$port" >"$WORK/source.$k.log" 2>&1 &
    pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k" || rc=$?; done
  t_inj=$EPOCHREALTIME
  read -r got t_end < <(sink_total wait $((base + m)) "$deadline")
  cpu1=$("${server}_ticks")
  got=$((got - base))
  awk -v a="$t0" -v i="$t_inj" -v e="$t_end" -v m="$m" -v got="$got" -v rc="$rc" \
      -v c="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" -v sess="$sess" \
    'BEGIN { ok = (rc == 0 && got >= m) ? 0 : 1;
             printf "messages=%d delivered=%d rc=%d ok=%d sessions_per_dest=%d inject_s=%.3f seconds=%.3f msg_per_s=%.1f inject_msg_per_s=%.1f cpu_s=%.2f cpu_ms_per_msg=%.2f",
                    m, got, rc, ok, sess, i - a, e - a, got / (e - a), m / (i - a), c / hz, 1000 * c / hz / (got > 0 ? got : 1) }'
}

run_point() { # server dests rep
  local server=$1 n=$2 rep=$3 out status cmd
  out=$(deliver_run "$server" "$n" "$COUNT")
  "${server}_settle"
  status=$("${server}_status")
  cmd="for K in 1..$n: smtp-source -s $(( (SESSIONS + n - 1) / n )) -m $(( COUNT / n )) -l $SIZE -M client.bench.test -f $BENCH_FROM -t b@dK.bench.test 127.0.0.1:$(port_of "$server") &"
  local line="server=$server dests=$n size=$SIZE rep=$rep $out cumulative_$status"
  echo "$line cmd=\"$cmd\"" >>"$RAW"
  log "  $line"
  if [[ $line == *" ok=1 "* ]]; then
    log "  $server: not every message arrived; see $WORK/source.*.log and the server's log"
  fi
}

warm_up() { # server: not recorded (JIT, process pools, connection caches)
  local n=$(( MAX_DESTS < 10 ? MAX_DESTS : 10 )) out
  (( WARMUP > 0 )) || return 0
  log "warming up $1 ($WARMUP messages to $n destinations)"
  out=$(deliver_run "$1" "$n" "$WARMUP")
  [[ $out == *" ok=0 "* ]] || die "warm-up of $1 failed: $out"
  "${1}_settle"
}

report() { # raw file -> markdown table on stdout
  "$PYTHON" - "$1" <<'PY'
import shlex, statistics, sys
runs = [dict(kv.split("=", 1) for kv in shlex.split(line))
        for line in open(sys.argv[1]) if line.startswith("server=")]
dests = []
for r in runs:
    if int(r["dests"]) not in dests:
        dests.append(int(r["dests"]))
def vals(server, n, field):
    return [float(r[field]) for r in runs
            if r["server"] == server and int(r["dests"]) == n and r["ok"] == "0"]
def med(v):
    return statistics.median(v) if v else None
def fmt(x, digits=0):
    return "–" if x is None else f"{x:.{digits}f}"
def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "–"
print("| destinations | Tern msg/s | Postfix msg/s | Tern/Postfix | Tern accept msg/s | Postfix accept msg/s "
      "| Tern CPU ms/msg | Postfix CPU ms/msg | runs |")
print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for n in dests:
    t, p = med(vals("tern", n, "msg_per_s")), med(vals("postfix", n, "msg_per_s"))
    print(f"| {n} | {fmt(t)} | {fmt(p)} | {ratio(t, p)} | {fmt(med(vals('tern', n, 'inject_msg_per_s')))} "
          f"| {fmt(med(vals('postfix', n, 'inject_msg_per_s')))} | {fmt(med(vals('tern', n, 'cpu_ms_per_msg')), 2)} "
          f"| {fmt(med(vals('postfix', n, 'cpu_ms_per_msg')), 2)} "
          f"| {len(vals('tern', n, 'msg_per_s'))}+{len(vals('postfix', n, 'msg_per_s'))} |")
failed = [r for r in runs if r["ok"] != "0"]
if failed:
    print()
    print(f"{len(failed)} run(s) did not deliver every message in time and are left out; see the raw lines above.")
PY
}

# ---- main ---------------------------------------------------------------------
main() {
  for sv in $SERVERS; do
    [[ $sv =~ ^(tern|postfix)$ ]] || die "unknown server '$sv' in SERVERS (tern postfix)"
  done
  MAX_DESTS=0
  for n in $DESTS; do
    [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 && n <= 254 )) || die "DESTS: '$n' is not a number from 1 to 254"
    (( n > MAX_DESTS )) && MAX_DESTS=$n
  done
  ensure_tools
  mkdir -p "$RESULTS_DIR" "$BENCH_TMP"
  WORK=$(mktemp -d "$BENCH_TMP/tern-outbound.XXXXXX")
  mkdir -p "$WORK/sinks"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  RAW="$RESULTS_DIR/outbound-$(date +%Y%m%d-%H%M%S).txt"

  {
    echo "# Outbound delivery benchmark, $(date -Is)"
    echo "# host: $(uname -srm), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {print int($2/1024) " MB"}' /proc/meminfo)"
    echo "# postfix $(postconf -h mail_version 2>/dev/null), $("$PYTHON" --version 2>&1), $(java -version 2>&1 | head -n 1)"
    echo "# SERVERS=\"$SERVERS\" WARMUP=$WARMUP R=$R COUNT=$COUNT DESTS=\"$DESTS\" SIZE=$SIZE SESSIONS=$SESSIONS QUICK=$QUICK TERN_JAVA_OPTS=\"${TERN_JAVA_OPTS:-}\""
    echo "# ports: tern=127.0.0.1:$TERN_PORT postfix=127.0.0.1:$POSTFIX_PORT sinks=127.0.1.1-$MAX_DESTS:$SINK_PORT; data under $WORK"
  } >"$RAW"

  sinks_start "$MAX_DESTS"
  for sv in $SERVERS; do
    case $sv in tern) tern_start "$MAX_DESTS" ;; postfix) postfix_start "$MAX_DESTS" ;; esac
  done
  if [[ " $SERVERS " == *" postfix "* ]]; then
    echo "# postfix: default_process_limit=$(postconf -h default_process_limit) default_destination_concurrency_limit=$(postconf -h default_destination_concurrency_limit) initial_destination_concurrency=$(postconf -h initial_destination_concurrency) smtp_connection_cache_on_demand=$(postconf -h smtp_connection_cache_on_demand)" >>"$RAW"
  fi

  for sv in $SERVERS; do warm_up "$sv"; done

  local servers n rep i k
  read -r -a servers <<<"$SERVERS"
  for n in $DESTS; do
    log "point: $n destination(s), $COUNT messages of $SIZE B"
    for rep in $(seq 1 "$R"); do
      for i in "${!servers[@]}"; do   # rotate the order on every repetition
        k=$(( (i + rep - 1) % ${#servers[@]} ))
        run_point "${servers[$k]}" "$n" "$rep"
      done
    done
  done

  echo >>"$RAW"
  report "$RAW" | tee -a "$RAW"
  log "raw results and table: $RAW"
}

main "$@"
