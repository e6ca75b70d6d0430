#!/usr/bin/env bash
# SMTP acceptance benchmark: messages/s and latency of Tern, side by side with
# Debian's Postfix (durable queue, discard transports) and Postfix's smtp-sink
# (no storage: the ceiling of this machine and client), on loopback only.
#
# Load: Postfix's smtp-source for throughput (one message per connection, or
# -d in MODES=reuse), bench/smtp_latency.py for per-message latency.  Every
# run is bounded in count (messages) and in time (timeout).  Each point is
# repeated R times, alternating the order of the servers.
#
# Usage:   bench/smtp-acceptance.sh                 (as root: installs/configures Postfix)
#          QUICK=1 bench/smtp-acceptance.sh         smoke run: 10 KB, 1 and 50 sessions
#          SERVERS="postfix sink" R=1 bench/smtp-acceptance.sh
# See bench/README.md for every variable.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

# ---- knobs (environment) ------------------------------------------------------
SERVERS=${SERVERS:-"tern postfix sink"}    # any of: tern postfix sink
R=${R:-3}                                  # repetitions of each point
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  SIZES=${SIZES:-"10240"}
  SESSIONS=${SESSIONS:-"1 50"}
  WARMUP=${WARMUP:-300}
else
  SIZES=${SIZES:-"1024 10240 102400"}
  SESSIONS=${SESSIONS:-"1 10 50 100"}
  # Messages sent to each server first, not recorded. A JIT-compiled server reaches its steady
  # state only after its hot paths are compiled under load: on 2 cores that takes some 15,000
  # messages (2,000 measured Tern 15-25 % below its steady state at 10 sessions).
  WARMUP=${WARMUP:-20000}
fi
MODES=${MODES:-"close"}                    # close = 1 msg/connection; reuse = smtp-source -d
TOOLS=${TOOLS:-"smtp-source latency"}      # drop one to skip its runs
TERN_PORT=${TERN_PORT:-2526}
POSTFIX_PORT=${POSTFIX_PORT:-2525}
SINK_PORT=${SINK_PORT:-2527}
BENCH_FROM=${BENCH_FROM:-a@bench.test}
BENCH_TO=${BENCH_TO:-b@bench.test}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}            # seconds, per load run
SETTLE_TIMEOUT=${SETTLE_TIMEOUT:-60}       # seconds to wait for a server to go idle between runs
START_TIMEOUT=${START_TIMEOUT:-180}        # seconds for each Tern command and for Tern to open its port
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}       # seconds for `mvn package` when target/tern.jar is missing
BENCH_TMP=${BENCH_TMP:-/var/tmp}           # same file system as Postfix's queue, not tmpfs
PYTHON=${PYTHON:-python3}
LAT_PROCS=${LAT_PROCS:-1}                  # processes of smtp_latency.py (more on bigger machines)
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
TERN_HOME=${TERN_HOME:-$ROOT}              # checkout holding bin/tern and target/tern.jar
MILTER=${MILTER:-}                         # a mail filter both servers show every session to,
                                           # in Postfix's form inet:127.0.0.1:8891 (empty: none)

# Messages per run: enough for several seconds of Postfix, bounded.
count_for() { # tool sessions -> messages
  local tool=$1 s=$2
  if [[ -n ${COUNT:-} && $tool == smtp-source ]]; then echo "$COUNT"; return; fi
  if [[ -n ${LAT_COUNT:-} && $tool == latency ]]; then echo "$LAT_COUNT"; return; fi
  local n
  if [[ $QUICK == 1 ]]; then n=$(( s == 1 ? 200 : 500 )); else n=$(( s == 1 ? 1000 : 3000 )); fi
  [[ $tool == latency ]] && n=$(( n / 2 ))
  echo "$n"
}

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

wait_port() { # port seconds -> 0 when 127.0.0.1:port accepts a connection
  local port=$1 deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# CPU ticks (user+system) of every process in process group $1.
group_ticks() {
  local total=0 p stat rest
  for p in $(pgrep -g "$1" 2>/dev/null); do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    rest=${stat##*) }                       # fields from 3 on; comm may hold spaces
    read -r -a f <<<"$rest"
    total=$((total + f[11] + f[12]))        # utime, stime (fields 14, 15)
  done
  echo "$total"
}

# CPU ticks (user+system) of process $1 alone.
pid_ticks() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  rest=${stat##*) }
  read -r -a f <<<"$rest"
  echo $((f[11] + f[12]))
}

# CPU ticks of the server under test; empty for Postfix, whose processes come and go during a
# run (a process that exits takes its ticks with it), so it cannot be read as a whole.
server_ticks() {
  case $1 in
    tern) group_ticks "$TERN_PID" ;;
    sink) pid_ticks "$SINK_PID" ;;
    *) echo "" ;;
  esac
}

# Wait until process group $1 uses under 5 % of one CPU for 0.5 s (bounded):
# background work of one run (delivery, compaction) must not slow the next.
settle_group() {
  local pg=$1 deadline=$((SECONDS + SETTLE_TIMEOUT)) hz a b
  hz=$(getconf CLK_TCK)
  while (( SECONDS < deadline )); do
    a=$(group_ticks "$pg"); sleep 0.5; b=$(group_ticks "$pg")
    (( (b - a) * 100 < hz * 5 / 2 )) && return 0
  done
  log "warning: process group $pg still busy after ${SETTLE_TIMEOUT}s"
}

# ---- Tern (adjust here when the command line changes) ---------------------------
TERN_PID=""
tern_start() {
  local cfg="$WORK/tern.toml"
  if [[ ! -f $TERN_HOME/target/tern.jar ]]; then
    log "building Tern (mvn package)"
    (cd "$TERN_HOME" && timeout -k 10 "$BUILD_TIMEOUT" mvn -B -q -DskipTests package) \
      || die "building Tern failed"
  fi
  port_free "$TERN_PORT" || die "port $TERN_PORT already in use"
  cat >"$cfg" <<EOF
hostname = "bench.test"
data_dir = "$WORK/data"
[listeners]
smtp = ["127.0.0.1:$TERN_PORT"]
[smtp]
max_connections = 2000
max_connections_per_ip = 2000
EOF
  if [[ -n $MILTER ]]; then printf '[milter]\nservers = ["%s"]\n' "$MILTER" >>"$cfg"; fi
  timeout -k 5 "$START_TIMEOUT" "$TERN_HOME/bin/tern" domain add bench.test --config "$cfg" >>"$WORK/tern.log" 2>&1 \
    || die "tern domain add failed, see $WORK/tern.log"
  echo secret | timeout -k 5 "$START_TIMEOUT" "$TERN_HOME/bin/tern" user add "$BENCH_TO" --password-stdin \
    --config "$cfg" >>"$WORK/tern.log" 2>&1 \
    || die "tern user add failed, see $WORK/tern.log"
  log "starting Tern on 127.0.0.1:$TERN_PORT (TERN_JAVA_OPTS=${TERN_JAVA_OPTS:-})"
  export TERN_JAVA_OPTS=${TERN_JAVA_OPTS:-}
  # Own process group, so that stopping it reaches the JVM whatever bin/tern forks.
  setsid "$TERN_HOME/bin/tern" serve --config "$cfg" >>"$WORK/tern.log" 2>&1 </dev/null &
  TERN_PID=$!
  if ! wait_port "$TERN_PORT" "$START_TIMEOUT"; then
    tail -n 30 "$WORK/tern.log" >&2
    die "Tern did not open 127.0.0.1:$TERN_PORT within ${START_TIMEOUT}s"
  fi
}

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

# ---- Postfix: durable queue, discard transports, own port -------------------------
POSTFIX_STARTED=0 POSTFIX_WAS_RUNNING=0
postfix_start() {
  [[ $(id -u) == 0 ]] || die "Postfix must be configured as root"
  if postfix status >/dev/null 2>&1; then POSTFIX_WAS_RUNNING=1; postfix stop >/dev/null 2>&1 || true; fi
  port_free "$POSTFIX_PORT" || die "port $POSTFIX_PORT already in use"
  cp /etc/postfix/main.cf "$WORK/main.cf.orig"
  cp /etc/postfix/master.cf "$WORK/master.cf.orig"
  postconf -e 'myhostname = bench.test' 'mydomain = bench.test' 'myorigin = bench.test' \
    'mydestination = bench.test, localhost' 'inet_interfaces = loopback-only' \
    'inet_protocols = ipv4' 'mynetworks = 127.0.0.0/8' 'local_recipient_maps =' \
    'local_transport = discard' 'default_transport = discard' 'relay_transport = discard' \
    'default_process_limit = 200' 'maillog_file = /var/log/postfix.log'
  if [[ -n $MILTER ]]; then postconf -e "smtpd_milters = $MILTER" 'milter_default_action = tempfail'; fi
  # Listen on 127.0.0.1:$POSTFIX_PORT only: no port 25.
  postconf -M# smtp/inet 2>/dev/null || true
  postconf -M "127.0.0.1:$POSTFIX_PORT/inet=127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd"
  postfix check
  postfix start >/dev/null 2>&1 || die "postfix start failed (see /var/log/postfix.log)"
  POSTFIX_STARTED=1
  wait_port "$POSTFIX_PORT" 30 || die "Postfix did not open 127.0.0.1:$POSTFIX_PORT"
  log "Postfix $(postconf -h mail_version) on 127.0.0.1:$POSTFIX_PORT"
}

postfix_settle() { # until the queue has drained (discard delivery is quick)
  local q deadline=$((SECONDS + SETTLE_TIMEOUT)) n
  q=$(postconf -h queue_directory)
  while (( SECONDS < deadline )); do
    n=$(find "$q/maildrop" "$q/incoming" "$q/active" -type f 2>/dev/null | wc -l)
    (( n == 0 )) && return 0
    sleep 0.2
  done
  log "warning: Postfix queue still holds $n messages after ${SETTLE_TIMEOUT}s"
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
    rm -f "$WORK/main.cf.orig" "$WORK/master.cf.orig"
    if [[ $POSTFIX_WAS_RUNNING == 1 ]]; then postfix start >/dev/null 2>&1 || true; fi
  fi
}

# ---- smtp-sink: accepts and throws away ------------------------------------------
SINK_PID=""
sink_start() {
  port_free "$SINK_PORT" || die "port $SINK_PORT already in use"
  smtp-sink -u nobody -m 300 "127.0.0.1:$SINK_PORT" 300 >"$WORK/sink.log" 2>&1 &
  SINK_PID=$!
  wait_port "$SINK_PORT" 10 || die "smtp-sink did not open 127.0.0.1:$SINK_PORT"
  log "smtp-sink on 127.0.0.1:$SINK_PORT"
}
sink_settle() { :; }
sink_stop() {
  [[ -n $SINK_PID ]] || return 0
  kill "$SINK_PID" 2>/dev/null || true
  wait "$SINK_PID" 2>/dev/null || true
  SINK_PID=""
}

port_of() { case $1 in tern) echo "$TERN_PORT" ;; postfix) echo "$POSTFIX_PORT" ;; sink) echo "$SINK_PORT" ;; esac; }

cleanup() {
  local rc=$?
  set +e
  tern_stop; sink_stop; postfix_stop
  [[ -n ${WORK:-} && -d $WORK && ${KEEP_WORK:-0} != 1 ]] && rm -rf "$WORK"
  exit "$rc"
}

# ---- one load run -------------------------------------------------------------
# Appends one line of key=value pairs to $RAW.
run_point() { # server tool size sessions mode rep
  local server=$1 tool=$2 size=$3 s=$4 mode=$5 rep=$6 port n rc t0 t1 out cmd
  port=$(port_of "$server")
  n=$(count_for "$tool" "$s")
  local reuse=()
  [[ $mode == reuse ]] && reuse=(-d)
  if [[ $tool == smtp-source ]]; then
    cmd=(smtp-source "${reuse[@]}" -s "$s" -m "$n" -l "$size" -M client.bench.test
         -f "$BENCH_FROM" -t "$BENCH_TO" "127.0.0.1:$port")
  else
    cmd=("$PYTHON" "$BENCH_DIR/smtp_latency.py" "${reuse[@]}" -s "$s" -m "$n" -l "$size"
         -P "$LAT_PROCS" -f "$BENCH_FROM" -t "$BENCH_TO" --io-timeout 60 "127.0.0.1:$port")
  fi
  local c0 c1
  c0=$(server_ticks "$server")
  t0=$EPOCHREALTIME
  rc=0
  out=$(timeout -k 5 "$RUN_TIMEOUT" "${cmd[@]}" 2>&1) || rc=$?
  t1=$EPOCHREALTIME
  c1=$(server_ticks "$server")
  local line="server=$server tool=$tool size=$size sessions=$s mode=$mode rep=$rep messages=$n rc=$rc"
  # The server's CPU per message over the run: steadier than msg/s on a noisy machine.
  if [[ -n $c0 && -n $c1 ]]; then
    line+=$(awk -v a="$c0" -v b="$c1" -v n="$n" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf " cpu_ms_per_msg=%.3f", (b - a) * 1000 / hz / n }')
  fi
  if [[ $tool == smtp-source ]]; then
    line+=$(awk -v a="$t0" -v b="$t1" -v n="$n" \
      'BEGIN { d = b - a; printf " seconds=%.3f msg_per_s=%.1f", d, n / d }')
  else
    line+=" $(grep -E '^ok=' <<<"$out" | tail -n 1)"
  fi
  if [[ $rc != 0 ]]; then
    log "  $server $tool failed (rc=$rc): $(grep -v '^ok=' <<<"$out" | head -n 3 | tr '\n' ' ')"
  fi
  echo "$line cmd=\"${cmd[*]}\"" >>"$RAW"
  log "  $line"
  "${server}_settle"
}

# Warm-up, not recorded: JIT compilation, process pools, caches.
warm_up() { # server
  local port rc=0
  (( WARMUP > 0 )) || return 0
  port=$(port_of "$1")
  log "warming up $1 ($WARMUP messages)"
  timeout -k 5 "$RUN_TIMEOUT" smtp-source -s 10 -m "$WARMUP" -l 10240 -M client.bench.test \
    -f "$BENCH_FROM" -t "$BENCH_TO" "127.0.0.1:$port" >"$WORK/warmup.log" 2>&1 || rc=$?
  (( rc == 0 )) || die "warm-up of $1 failed (rc=$rc): $(head -n 3 "$WORK/warmup.log")"
  "${1}_settle"
}

report() { # raw file -> markdown tables on stdout
  "$PYTHON" - "$1" <<'PY'
import re, shlex, statistics, sys

runs = []
for line in open(sys.argv[1]):
    if not line.startswith("server="):
        continue
    runs.append(dict(kv.split("=", 1) for kv in shlex.split(line)))

points = []
for r in runs:
    key = (int(r["size"]), int(r["sessions"]), r["mode"])
    if key not in points:
        points.append(key)

def measured(server, tool, key, field):
    """The successful runs of one server and tool at one point that recorded field."""
    for r in runs:
        if (r["server"], r["tool"], int(r["size"]), int(r["sessions"]), r["mode"]) == (server, tool) + key:
            if r["rc"] == "0" and field in r and r[field] not in ("nan", ""):
                yield r

def values(server, tool, key, field):
    return [float(r[field]) for r in measured(server, tool, key, field)]

def med(v):
    return statistics.median(v) if v else None

def tput(server, key):
    v = values(server, "smtp-source", key, "msg_per_s") or values(server, "latency", key, "msg_per_s")
    return med(v), len(v)

def fmt(x):
    if x is None:
        return "–"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"

def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "–"

def lat(server, key, a="lat_p50_ms", b="lat_p99_ms"):
    p50, p99 = med(values(server, "latency", key, a)), med(values(server, "latency", key, b))
    if p50 is None:
        return "–"
    return f"{p50:.1f} / {p99:.1f}"

def label(key):
    size, s, mode = key
    kb = f"{size // 1024} KB" if size % 1024 == 0 else f"{size} B"
    return f"{kb}, {s} sess, {'1 msg/conn' if mode == 'close' else 'reused (-d)'}"

servers = ["tern", "postfix", "sink"]
print("| load | Tern msg/s | Postfix msg/s | smtp-sink msg/s | Tern/Postfix | Tern/sink "
      "| Tern lat p50/p99 ms | Postfix lat p50/p99 ms | smtp-sink lat p50/p99 ms |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
for key in points:
    t = {sv: tput(sv, key) for sv in servers}
    print(f"| {label(key)} | " + " | ".join(fmt(t[sv][0]) for sv in servers)
          + f" | {ratio(t['tern'][0], t['postfix'][0])} | {ratio(t['tern'][0], t['sink'][0])} | "
          + " | ".join(lat(sv, key) for sv in servers) + " |")
print()

def by_rep(server, key):
    return {r["rep"]: float(r["msg_per_s"]) for r in measured(server, "smtp-source", key, "msg_per_s")}

# The host's speed drifts between minutes as much as the servers differ: a ratio of two runs
# of the same repetition (at most minutes apart) is steadier than a ratio of medians.
pairs = {}
for key in points:
    for other in ("postfix", "sink"):
        t, o = by_rep("tern", key), by_rep(other, key)
        pairs[(key, other)] = sorted(t[rep] / o[rep] for rep in t if rep in o and o[rep] > 0)
if any(pairs.values()):
    print("Tern's rate over the other server's, repetition by repetition (smtp-source): median (lowest–highest):")
    print()
    print("| load | Tern/Postfix | Tern/sink |")
    print("|---|--:|--:|")
    for key in points:
        cells = []
        for other in ("postfix", "sink"):
            v = pairs[(key, other)]
            cells.append(f"{statistics.median(v):.2f} ({v[0]:.2f}–{v[-1]:.2f})" if v else "–")
        print(f"| {label(key)} | " + " | ".join(cells) + " |")
    print()
print("Server CPU per message (user + system, ms, median over the smtp-source runs; Postfix not measured):")
print()
print("| load | Tern | smtp-sink |")
print("|---|--:|--:|")
for key in points:
    cells = []
    for sv in ("tern", "sink"):
        v = med(values(sv, "smtp-source", key, "cpu_ms_per_msg"))
        cells.append("–" if v is None else f"{v:.3f}")
    print(f"| {label(key)} | " + " | ".join(cells) + " |")
print()
print("Commit latency (end-of-data \".\" sent -> 250), median p50 / p99 in ms:")
print()
print("| load | Tern | Postfix | smtp-sink |")
print("|---|--:|--:|--:|")
for key in points:
    print(f"| {label(key)} | " + " | ".join(lat(sv, key, "commit_p50_ms", "commit_p99_ms") for sv in servers) + " |")
failed = [r for r in runs if r["rc"] != "0"]
if failed:
    print()
    print(f"{len(failed)} run(s) failed and are left out; see the raw lines above.")
PY
}

# ---- main ---------------------------------------------------------------------
main() {
  for sv in $SERVERS; do
    [[ $sv =~ ^(tern|postfix|sink)$ ]] || die "unknown server '$sv' in SERVERS (tern postfix sink)"
  done
  for m in $MODES; do [[ $m =~ ^(close|reuse)$ ]] || die "unknown mode '$m' in MODES (close reuse)"; done
  ensure_tools
  mkdir -p "$RESULTS_DIR" "$BENCH_TMP"
  WORK=$(mktemp -d "$BENCH_TMP/tern-bench.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  RAW="$RESULTS_DIR/$(date +%Y%m%d-%H%M%S).txt"

  {
    echo "# SMTP acceptance benchmark, $(date -Is)"
    echo "# host: $(uname -srm), $(nproc) CPUs, $(awk '/MemTotal/ {print int($2/1024) " MB"}' /proc/meminfo)"
    echo "# postfix $(postconf -h mail_version 2>/dev/null), $("$PYTHON" --version 2>&1), $(java -version 2>&1 | head -n 1)"
    echo "# SERVERS=\"$SERVERS\" WARMUP=$WARMUP R=$R SIZES=\"$SIZES\" SESSIONS=\"$SESSIONS\" MODES=\"$MODES\" TOOLS=\"$TOOLS\" QUICK=$QUICK TERN_JAVA_OPTS=\"${TERN_JAVA_OPTS:-}\"${MILTER:+ MILTER=\"$MILTER\"}"
    echo "# ports: tern=$TERN_PORT postfix=$POSTFIX_PORT sink=$SINK_PORT; data under $WORK"
  } >"$RAW"

  for sv in $SERVERS; do
    case $sv in tern) tern_start ;; postfix) postfix_start ;; sink) sink_start ;; esac
  done

  for sv in $SERVERS; do warm_up "$sv"; done

  local servers size s mode rep i k tool
  read -r -a servers <<<"$SERVERS"
  for size in $SIZES; do
    for s in $SESSIONS; do
      for mode in $MODES; do
        log "point: ${size} B, $s sessions, $mode"
        for rep in $(seq 1 "$R"); do
          for i in "${!servers[@]}"; do   # rotate the order on every repetition
            k=$(( (i + rep - 1) % ${#servers[@]} ))
            for tool in $TOOLS; do
              run_point "${servers[$k]}" "$tool" "$size" "$s" "$mode" "$rep"
            done
          done
        done
      done
    done
  done

  echo >>"$RAW"
  report "$RAW" | tee -a "$RAW"
  log "raw results and table: $RAW"
}

main "$@"
