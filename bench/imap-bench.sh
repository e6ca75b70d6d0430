#!/usr/bin/env bash
# IMAP benchmark: Tern side by side with Debian's Dovecot (a private instance), on loopback only.
#
# Both servers get the same deterministic corpus (bench/imap_corpus.py, 10,000 messages by
# default) APPENDed into INBOX, then bench/imap_bench.py times, with the same client code for
# both, R repetitions alternating the servers' order:
#   fetch_envelope  connect + LOGIN + SELECT INBOX + FETCH 1:* (FLAGS ENVELOPE)
#   search          UID SEARCH HEADER Subject "zanzibar"    (1 % of the messages)
#   sort            UID SORT (REVERSE DATE) UTF-8 ALL, UID SORT (SUBJECT) UTF-8 ALL and
#                   UID THREAD REFERENCES UTF-8 ALL, then one message APPENDed (untimed) and
#                   UID SORT (SUBJECT) again (OPS=...,sort; the mailbox grows by one a round)
#   fetch_body      FETCH 1:1000 BODY.PEEK[]
#   store_seen      STORE 1:* +FLAGS.SILENT (\Seen), then fetch_flags: UID FETCH 1:* (FLAGS)
# and finally holds many connections in IDLE on each server (memory; EXISTS after one APPEND).
# Every run is bounded in count and in time.
#
# Usage:   bench/imap-bench.sh                   (as root: installs dovecot-imapd if missing)
#          QUICK=1 bench/imap-bench.sh           smoke run: 2,000 messages, R=1, 1,000 IDLE
#          SERVERS=tern IDLE_TERN=10000 bench/imap-bench.sh
# See bench/README.md for every variable.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

# ---- knobs (environment) ------------------------------------------------------
SERVERS=${SERVERS:-"tern dovecot"}
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  COUNT=${COUNT:-2000}; R=${R:-1}; IDLE_TERN=${IDLE_TERN:-1000}; IDLE_DOVECOT=${IDLE_DOVECOT:-200}
  WARMUP=${WARMUP:-1}
else
  COUNT=${COUNT:-10000}; R=${R:-3}; IDLE_TERN=${IDLE_TERN:-10000}; IDLE_DOVECOT=${IDLE_DOVECOT:-1000}
  # Untimed rounds of the operations on each server first. A JIT-compiled server runs a command
  # at its steady speed only after a few dozen executions; a server in service runs its common
  # commands far more often than that. One round leaves rare ones (STATUS, a flag search) cold.
  WARMUP=${WARMUP:-20}
fi
OPS=${OPS:-"fetch_envelope,search,fetch_body,store_fetch_flags"}
BODY_COUNT=${BODY_COUNT:-1000}            # FETCH 1:BODY_COUNT BODY.PEEK[]
IDLE=${IDLE:-1}                           # 0 skips the IDLE/memory part
IDLE_SOURCES=${IDLE_SOURCES:-8}           # connect from 127.0.0.1 .. 127.0.0.N
IDLE_PARALLEL=${IDLE_PARALLEL:-100}       # connections being set up at once
IDLE_AUTH=${IDLE_AUTH:-scram}             # scram (AUTHENTICATE SCRAM-SHA-256) or login (LOGIN)
EXISTS_TIMEOUT=${EXISTS_TIMEOUT:-5}       # seconds to wait for EXISTS after the APPEND
TERN_PORT=${TERN_PORT:-2643}
DOVECOT_PORT=${DOVECOT_PORT:-2644}
TERN_JAVA_OPTS=${TERN_JAVA_OPTS:-"-Xmx1g"}
TERN_HOME=${TERN_HOME:-$ROOT}
BENCH_USER=${BENCH_USER:-bench@bench.test}
BENCH_PASS=${BENCH_PASS:-secret}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}           # seconds, per timed run (one client process)
FILL_TIMEOUT=${FILL_TIMEOUT:-1800}        # seconds, for APPENDing the corpus into one server
IDLE_TIMEOUT=${IDLE_TIMEOUT:-900}         # seconds, for one IDLE run as a whole
START_TIMEOUT=${START_TIMEOUT:-180}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
BENCH_TMP=${BENCH_TMP:-/var/tmp}
KEEP_WORK=${KEEP_WORK:-0}
PYTHON=${PYTHON:-python3}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
NOFILE=${NOFILE:-65536}                   # ulimit -n wanted (capped at the hard limit)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ulimit -n "$NOFILE" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
log "ulimit -n $(ulimit -n)"

wait_port() { # port seconds
  local port=$1 deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$RESULTS_DIR" "$BENCH_TMP"
STAMP=$(date +%Y%m%d-%H%M%S)
RESULT="$RESULTS_DIR/imap-$STAMP.txt"
RAW="$RESULTS_DIR/imap-$STAMP.jsonl"
WORK=$(mktemp -d "$BENCH_TMP/imap-bench.XXXXXX")
chmod 755 "$WORK"                          # Dovecot's mail user must reach its Maildir

TERN_PID=""
DOVECOT_CONF=""
cleanup() {
  set +e
  if [[ -n $TERN_PID ]]; then
    kill "$TERN_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$TERN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$TERN_PID" 2>/dev/null
  fi
  if [[ -n $DOVECOT_CONF ]]; then
    local mpid
    mpid=$(cat "$WORK/dovecot/run/master.pid" 2>/dev/null)
    timeout 30 dovecot -c "$DOVECOT_CONF" stop 2>/dev/null
    if [[ -n $mpid ]]; then
      for _ in $(seq 50); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.2; done
    fi
  fi
  if [[ $KEEP_WORK == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- installation -----------------------------------------------------------------
if [[ " $SERVERS " == *" dovecot "* ]] && ! command -v dovecot >/dev/null; then
  [[ $(id -u) == 0 ]] || die "need root to install dovecot-imapd"
  log "installing dovecot-imapd"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
fi
command -v "$PYTHON" >/dev/null || die "$PYTHON missing"
command -v timeout >/dev/null || die "timeout (coreutils) missing"

# ---- Tern -----------------------------------------------------------------------------
tern_start() {
  local cfg="$WORK/tern/tern.toml" limit
  mkdir -p "$WORK/tern"
  if [[ ! -f $TERN_HOME/target/tern.jar ]]; then
    log "building Tern (mvn package)"
    (cd "$TERN_HOME" && timeout -k 10 "$BUILD_TIMEOUT" mvn -B -q -DskipTests package) || die "build failed"
  fi
  port_free "$TERN_PORT" || die "port $TERN_PORT already in use"
  limit=$(( IDLE_TERN + 1000 ))
  cat >"$cfg" <<EOF
hostname = "bench.test"
data_dir = "$WORK/tern/data"
[listeners]
imap = ["127.0.0.1:$TERN_PORT"]
[imap]
allow_plaintext_auth = true
max_connections = $limit
max_connections_per_ip = $limit
EOF
  local jar="$TERN_HOME/target/tern.jar"
  timeout -k 5 "$START_TIMEOUT" java -jar "$jar" domain add bench.test --config "$cfg" >>"$WORK/tern/tern.log" 2>&1 \
    || die "tern domain add failed: $(tail -5 "$WORK/tern/tern.log")"
  echo "$BENCH_PASS" | timeout -k 5 "$START_TIMEOUT" java -jar "$jar" user add "$BENCH_USER" --password-stdin \
    --config "$cfg" >>"$WORK/tern/tern.log" 2>&1 || die "tern user add failed: $(tail -5 "$WORK/tern/tern.log")"
  log "starting Tern on 127.0.0.1:$TERN_PORT (java $TERN_JAVA_OPTS)"
  # shellcheck disable=SC2086
  java $TERN_JAVA_OPTS -jar "$jar" serve --config "$cfg" >>"$WORK/tern/tern.log" 2>&1 </dev/null &
  TERN_PID=$!
  wait_port "$TERN_PORT" "$START_TIMEOUT" || { tail -n 30 "$WORK/tern/tern.log" >&2; die "Tern did not start"; }
  echo "tern: $(java -version 2>&1 | head -1); java $TERN_JAVA_OPTS -jar target/tern.jar serve; pid $TERN_PID" >>"$RESULT"
}

# ---- Dovecot (private instance, never /etc/dovecot) ------------------------------------
dovecot_start() {
  local d="$WORK/dovecot" limit
  mkdir -p "$d/run" "$d/state" "$d/mail" "$d/home"
  chown 65534:65534 "$d/mail" "$d/home"
  port_free "$DOVECOT_PORT" || die "port $DOVECOT_PORT already in use"
  limit=$(( IDLE_DOVECOT + 200 ))
  echo "$BENCH_USER:{PLAIN}$BENCH_PASS:65534:65534::$d/home/bench" >"$d/users"
  DOVECOT_CONF="$d/dovecot.conf"
  cat >"$DOVECOT_CONF" <<EOF
# private benchmark instance: nothing from /etc/dovecot
base_dir = $d/run
state_dir = $d/state
instance_name = bench-dovecot-$DOVECOT_PORT
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login scram-sha-256
log_path = $d/dovecot.log
mail_location = maildir:$d/mail/%n
first_valid_uid = 1
last_valid_uid = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
}
default_process_limit = $limit
default_client_limit = $(( 2 * limit + 1000 ))
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVECOT_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  process_limit = $limit
}
protocol imap {
  mail_max_userip_connections = $(( limit * 2 ))
}
EOF
  timeout 30 dovecot -c "$DOVECOT_CONF" || die "dovecot failed to start: $(tail -5 "$d/dovecot.log" 2>/dev/null)"
  wait_port "$DOVECOT_PORT" "$START_TIMEOUT" || die "Dovecot did not open 127.0.0.1:$DOVECOT_PORT"
  echo "dovecot: $(dovecot --version); dovecot -c $DOVECOT_CONF; master pid $(cat "$d/run/master.pid")" >>"$RESULT"
}

port_of() { [[ $1 == tern ]] && echo "$TERN_PORT" || echo "$DOVECOT_PORT"; }

client() { # server mode args... -> JSON line on stdout
  local s=$1 mode=$2; shift 2
  timeout -k 5 "$RUN_TIMEOUT" "$PYTHON" "$BENCH_DIR/imap_bench.py" "$mode" "127.0.0.1:$(port_of "$s")" \
    -u "$BENCH_USER" -p "$BENCH_PASS" "$@"
}

record() { # server phase rep json
  printf '{"server":"%s","phase":"%s","rep":%s,"result":%s}\n' "$1" "$2" "$3" "$4" >>"$RAW"
}

{
  echo "# IMAP benchmark $STAMP"
  echo "machine: nproc=$(nproc) mem=$(free -g | awk '/Mem:/{print $2}')G cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1) kernel=$(uname -r)"
  echo "knobs: SERVERS=\"$SERVERS\" COUNT=$COUNT R=$R WARMUP=$WARMUP OPS=$OPS BODY_COUNT=$BODY_COUNT IDLE_TERN=$IDLE_TERN IDLE_DOVECOT=$IDLE_DOVECOT"
  echo "client: python3 bench/imap_bench.py ops 127.0.0.1:PORT -u $BENCH_USER -p ... --ops $OPS --body-count $BODY_COUNT"
} >"$RESULT"

for s in $SERVERS; do "${s}_start"; done

# ---- fill ----------------------------------------------------------------------------
for s in $SERVERS; do
  log "$s: APPENDing $COUNT messages"
  out=$(RUN_TIMEOUT=$FILL_TIMEOUT client "$s" append -n "$COUNT" --run-timeout "$FILL_TIMEOUT") \
    || die "$s: append failed"
  record "$s" append 0 "$out"
  log "$s: $out"
done

# ---- timed operations ----------------------------------------------------------------
read -r -a order <<<"$SERVERS"
for s in "${order[@]}"; do   # warm-up (JIT, caches): WARMUP untimed rounds
  for _ in $(seq 1 "$WARMUP"); do
    client "$s" ops --ops "$OPS" --body-count "$BODY_COUNT" >/dev/null || { log "$s: warm-up failed"; break; }
  done
done
for rep in $(seq 1 "$R"); do
  if (( rep % 2 == 0 )); then run=("$(printf '%s\n' "${order[@]}" | tac)"); else run=("${order[@]}"); fi
  for s in ${run[*]}; do
    out=$(client "$s" ops --ops "$OPS" --body-count "$BODY_COUNT") || { log "$s rep $rep failed"; continue; }
    record "$s" ops "$rep" "$out"
    log "$s rep $rep: $out"
  done
done

# ---- many idling connections ----------------------------------------------------------
if [[ $IDLE == 1 ]]; then
  for s in $SERVERS; do
    if [[ $s == tern ]]; then
      n=$IDLE_TERN
      hook="jcmd $TERN_PID GC.run >/dev/null 2>&1; jcmd $TERN_PID GC.heap_info 2>&1 | sed -n '2,4p'; \
grep VmRSS /proc/$TERN_PID/status; echo threads \$(ls /proc/$TERN_PID/task | wc -l); \
echo fds \$(ls /proc/$TERN_PID/fd | wc -l)"
    else
      n=$IDLE_DOVECOT
      m=$(cat "$WORK/dovecot/run/master.pid")
      hook="for p in \$(pgrep -P $m); do c=\$(cat /proc/\$p/comm); \
r=\$(awk '/^VmRSS/{print \$2}' /proc/\$p/status); s=\$(awk '/^Pss:/{print \$2}' /proc/\$p/smaps_rollup); \
echo \"\$c \$r \$s\"; done | awk '{n[\$1]++; r[\$1]+=\$2; p[\$1]+=\$3} END {for (c in n) \
printf \"%s processes=%d rss_kb=%d pss_kb=%d\\n\", c, n[c], r[c], p[c]}'; \
echo master_rss_kb \$(awk '/^VmRSS/{print \$2}' /proc/$m/status)"
    fi
    log "$s: $n connections in IDLE"
    out=$(RUN_TIMEOUT=$IDLE_TIMEOUT client "$s" idle -c "$n" --sources "$IDLE_SOURCES" \
          --parallel "$IDLE_PARALLEL" --setup-timeout $(( IDLE_TIMEOUT / 2 )) --io-timeout 60 \
          --exists-timeout "$EXISTS_TIMEOUT" --auth "$IDLE_AUTH" --on-ready "$hook") || { log "$s: idle run failed"; continue; }
    record "$s" idle "$n" "$out"
    log "$s idle: $out"
  done
fi

# ---- tables ------------------------------------------------------------------------------
"$PYTHON" - "$RAW" "$SERVERS" >>"$RESULT" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
servers = sys.argv[2].split()
def med(xs): return statistics.median(xs) if xs else None
print("\n## fill (APPEND, one connection, LITERAL+ pipelined)\n")
for r in rows:
    if r["phase"] == "append":
        x = r["result"]; print(f"- {r['server']}: {x['messages']} messages, {x['bytes']/1e6:.1f} MB in {x['seconds']} s = {x['msg_per_s']} msg/s")
ops = ["fetch_envelope", "login", "select", "fetch_envelope_only", "search", "sort_date", "sort_subject", "thread_references", "sort_subject_after_arrival", "search_unseen", "search_since", "search_larger", "search_flagged_or_answered", "search_count_unseen", "status", "uid_fetch_flags", "fetch_body", "store_seen", "fetch_flags"]
print("\n## timed operations (seconds; min / median / max)\n")
hdr = "| operation | " + " | ".join(f"{s} median s" for s in servers) + (" | Tern/Dovecot |" if len(servers) == 2 else " |")
print(hdr); print("|---" * (hdr.count("|") - 1) + "|")
for op in ops:
    vals = {s: [r["result"][op]["seconds"] for r in rows if r["phase"] == "ops" and r["server"] == s and op in r["result"]] for s in servers}
    if not any(vals.values()): continue
    cells = []
    for s in servers:
        v = vals[s]
        cells.append(f"{med(v):.4f} ({min(v):.4f} / {max(v):.4f})" if v else "-")
    ratio = ""
    if len(servers) == 2 and vals["tern"] and vals["dovecot"]:
        ratio = f" {med(vals['tern']) / med(vals['dovecot']):.2f} |"
    print(f"| {op} | " + " | ".join(cells) + " |" + ratio)
print("\n## checks (last repetition)\n")
for s in servers:
    last = [r for r in rows if r["phase"] == "ops" and r["server"] == s]
    if last: print(f"- {s}: {json.dumps(last[-1]['result'])}")
print("\n## IDLE\n")
for r in rows:
    if r["phase"] == "idle":
        x = dict(r["result"]); hook = x.pop("on_ready_output", "")
        print(f"- {r['server']}: {json.dumps(x)}")
        for l in hook.strip().splitlines(): print(f"    {l}")
EOF
cat "$RESULT"
log "results: $RESULT (raw: $RAW)"
