#!/usr/bin/env bash
# Scale-out benchmark: SMTP acceptance (messages/s, 10 KB, delivered durably to a local mailbox)
# of Tern on its embedded store, of one node on PostgreSQL, and of two nodes (127.0.0.2 and
# 127.0.0.3) sharing that PostgreSQL database, in one run, driven by Postfix's smtp-source.
# Every run is bounded in count (messages) and time (timeout); each point is repeated R times,
# the configurations alternating.  Loopback only.
#
# Usage:   bench/scale-out.sh            (as root: starts the local PostgreSQL cluster, makes a role and database)
#          R=1 SESSIONS="10" bench/scale-out.sh
#
# Message contents go to files under each node's data_dir (blobs = "files"): what is measured
# is the database's share. On a machine this small the two nodes share its cores, so the second
# node shows what sharing one database costs, not more capacity.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
R=${R:-3}
SESSIONS=${SESSIONS:-"10 50"}
SIZE=${SIZE:-10240}
COUNT=${COUNT:-3000}                       # messages per run (split between the nodes)
WARMUP=${WARMUP:-1000}
CONFIGS=${CONFIGS:-"embedded pg1 pg2"}
PORT=${PORT:-2530}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
START_TIMEOUT=${START_TIMEOUT:-180}
PG_CLUSTER=${PG_CLUSTER:-"15 main"}
PG_PORT=${PG_PORT:-5432}
DB=${DB:-tern_bench}
BENCH_TMP=${BENCH_TMP:-/var/tmp}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
TERN_HOME=${TERN_HOME:-$ROOT}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (PostgreSQL setup)"
command -v smtp-source >/dev/null || die "smtp-source missing: apt-get install postfix (see bench/smtp-acceptance.sh)"
# shellcheck disable=SC2086
pg_lsclusters 2>/dev/null | grep -q "online" || pg_ctlcluster $PG_CLUSTER start
su postgres -c "psql -q -p $PG_PORT -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB') THEN CREATE ROLE $DB LOGIN PASSWORD '$DB'; END IF; END\\\$\\\$\""
if [[ ! -f $TERN_HOME/target/tern.jar ]]; then
  log "building Tern"; (cd "$TERN_HOME" && mvn -B -q -DskipTests package) || die "build failed"
fi

WORK=$(mktemp -d "$BENCH_TMP/tern-scale.XXXXXX")
mkdir -p "$RESULTS_DIR"
RAW="$RESULTS_DIR/scale-out-$(date +%Y%m%d-%H%M%S).txt"
PIDS=()

wait_port() { # host port
  local deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

stop_nodes() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do pgrep -g "$p" >/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$p" 2>/dev/null || true
  done
  PIDS=()
}
trap 'stop_nodes' EXIT

fresh_database() {
  su postgres -c "psql -q -p $PG_PORT -c 'DROP DATABASE IF EXISTS $DB' -c 'CREATE DATABASE $DB OWNER $DB'"
}

config() { # dir address store
  local dir=$1 address=$2 store=$3
  mkdir -p "$dir"
  {
    echo "hostname = \"bench.test\""
    echo "data_dir = \"$dir/data\""
    if [[ $store == postgres ]]; then
      printf '[store]\nmetadata = "postgres"\n[store.postgres]\nurl = "jdbc:postgresql://127.0.0.1:%s/%s"\nuser = "%s"\npassword = "%s"\npool_size = 32\n' \
        "$PG_PORT" "$DB" "$DB" "$DB"
    fi
    printf '[listeners]\nsmtp = ["%s:%s"]\n[smtp]\nmax_connections = 2000\nmax_connections_per_ip = 2000\n' "$address" "$PORT"
  } >"$dir/tern.toml"
}

start_config() { # name -> sets NODES (addresses)
  local name=$1 store=embedded
  stop_nodes
  rm -rf "$WORK/$name"
  case $name in
    embedded) NODES=(127.0.0.1) ;;
    pg1) NODES=(127.0.0.2); store=postgres; fresh_database ;;
    pg2) NODES=(127.0.0.2 127.0.0.3); store=postgres; fresh_database ;;
    *) die "unknown configuration $name" ;;
  esac
  local i=0 a
  for a in "${NODES[@]}"; do
    config "$WORK/$name/node$i" "$a" "$store"
    i=$((i + 1))
  done
  "$TERN_HOME/bin/tern" domain add bench.test --config "$WORK/$name/node0/tern.toml" >>"$WORK/$name.log" 2>&1
  echo secret | "$TERN_HOME/bin/tern" user add b@bench.test --password-stdin --config "$WORK/$name/node0/tern.toml" \
    >>"$WORK/$name.log" 2>&1
  i=0
  for a in "${NODES[@]}"; do
    setsid "$TERN_HOME/bin/tern" serve --config "$WORK/$name/node$i/tern.toml" >>"$WORK/$name-node$i.log" 2>&1 </dev/null &
    PIDS+=($!)
    wait_port "$a" "$PORT" || die "node $a did not start, see $WORK/$name-node$i.log"
    i=$((i + 1))
  done
}

load() { # sessions messages -> prints seconds; the load is split evenly over the nodes
  local s=$1 n=$2 k=${#NODES[@]} t0 t1 a pids=()
  t0=$EPOCHREALTIME
  for a in "${NODES[@]}"; do
    timeout -k 5 "$RUN_TIMEOUT" smtp-source -s $((s / k)) -m $((n / k)) -l "$SIZE" -M client.bench.test \
      -f a@bench.test -t b@bench.test "$a:$PORT" >/dev/null 2>&1 &
    pids+=($!)
  done
  local rc=0 p
  for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN { printf "%.3f %d\n", b - a, rc }'
}

{
  echo "# scale-out $(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GB"
  echo "# $(java -version 2>&1 | head -n 1), $(su postgres -c "psql -tA -p $PG_PORT -c 'select version()'" | cut -d, -f1)"
  echo "# size=$SIZE count=$COUNT sessions=$SESSIONS R=$R"
} >"$RAW"

for rep in $(seq 1 "$R"); do
  for name in $CONFIGS; do
    start_config "$name"
    log "$name: warm-up ($WARMUP messages)"
    load 10 "$WARMUP" >/dev/null
    for s in $SESSIONS; do
      read -r secs rc < <(load "$s" "$COUNT")
      line=$(awk -v c="$name" -v s="$s" -v r="$rep" -v n="$COUNT" -v t="$secs" -v rc="$rc" \
        'BEGIN { printf "config=%s sessions=%s rep=%s messages=%s seconds=%s msg_per_s=%.1f rc=%s", c, s, r, n, t, n / t, rc }')
      echo "$line" >>"$RAW"
      log "$line"
    done
  done
done
stop_nodes

python3 - "$RAW" <<'PY'
import re, statistics, sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(sys.argv[1]) if l.startswith("config=")]
by = {}
for r in rows:
    if r["rc"] == "0":
        by.setdefault((r["config"], r["sessions"]), []).append(float(r["msg_per_s"]))
sessions = sorted({s for _, s in by}, key=int)
print("| sessions | embedded | PostgreSQL, 1 node | PostgreSQL, 2 nodes | 1 node / embedded | 2 nodes / 1 node |")
print("|---|---|---|---|---|---|")
for s in sessions:
    m = {c: statistics.median(by[(c, s)]) for c in ("embedded", "pg1", "pg2") if (c, s) in by}
    f = lambda c: f"{m[c]:.0f}" if c in m else "–"
    q = lambda a, b: f"{m[a] / m[b]:.2f}" if a in m and b in m else "–"
    print(f"| {s} | {f('embedded')} | {f('pg1')} | {f('pg2')} | {q('pg1', 'embedded')} | {q('pg2', 'pg1')} |")
PY
log "raw results: $RAW; data under $WORK"
