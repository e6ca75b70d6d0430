#!/usr/bin/env bash
# Deleting a large account while the server receives mail for another one.
#
# Starts Tern on its embedded store, fills one account (big@bench.test) with N messages over SMTP,
# then, while bench/smtp_latency.py sends mail to a second account (live@bench.test) from a few
# sessions, deletes the first one with the command line (`tern user delete`). Reports how long
# the deletion took and its peak memory, and what the other account's senders saw: every message
# accepted or not, and the slowest 250. See docs/adr/0026-many-messages-removed-in-pieces.md.
#
# usage: bench/account-deletion.sh                 # N=100000
#        N=20000 LIVE=10000 bench/account-deletion.sh
# Needs smtp-source (Debian's postfix package; installed when missing, as root), python3, java 17.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TERN_HOME=${TERN_HOME:-$(cd "$BENCH_DIR/.." && pwd)}
N=${N:-100000}                 # messages in the account that is deleted
LIVE=${LIVE:-30000}            # messages sent to the other account meanwhile (bounds the run)
LIVE_SESSIONS=${LIVE_SESSIONS:-5}
PORT=${PORT:-2528}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if ! command -v smtp-source >/dev/null; then
  [[ $(id -u) == 0 ]] || die "smtp-source is missing (Debian package postfix); run as root to install it"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
  systemctl stop postfix 2>/dev/null || service postfix stop 2>/dev/null || true
fi
if [[ ! -f $TERN_HOME/target/tern.jar ]]; then
  log "building Tern (mvn package)"
  (cd "$TERN_HOME" && mvn -B -q -DskipTests package) || die "building Tern failed"
fi
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && die "port $PORT already in use"

WORK=$(mktemp -d /var/tmp/tern-deletion.XXXXXX)
CFG=$WORK/tern.toml
TERN_PID=""
cleanup() {
  if [[ -n $TERN_PID ]]; then kill -TERM -- "-$TERN_PID" 2>/dev/null || true; sleep 2; kill -KILL -- "-$TERN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$CFG" <<EOF
hostname = "bench.test"
data_dir = "$WORK/data"
[listeners]
smtp = ["127.0.0.1:$PORT"]
[smtp]
max_connections = 2000
max_connections_per_ip = 2000
EOF
tern() { "$TERN_HOME/bin/tern" "$@" --config "$CFG"; }
tern domain add bench.test >>"$WORK/tern.log" 2>&1 || die "domain add failed"
for u in big live; do
  echo secret | tern user add "$u@bench.test" --password-stdin >>"$WORK/tern.log" 2>&1 || die "user add failed"
done
setsid "$TERN_HOME/bin/tern" serve --config "$CFG" >>"$WORK/tern.log" 2>&1 </dev/null &
TERN_PID=$!
for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done

log "filling big@bench.test with $N messages"
timeout 1800 smtp-source -s 20 -m "$N" -l 1024 -M client.bench.test -f a@bench.test -t big@bench.test "127.0.0.1:$PORT"
sleep 2

log "deleting big@bench.test while $LIVE_SESSIONS sessions send $LIVE messages to live@bench.test"
python3 "$BENCH_DIR/smtp_latency.py" -s "$LIVE_SESSIONS" -m "$LIVE" -t live@bench.test --io-timeout 120 \
  "127.0.0.1:$PORT" >"$WORK/live.out" &
LIVE_PID=$!
sleep 3
/usr/bin/time -f "delete_seconds=%e delete_maxrss_kb=%M" -o "$WORK/delete.time" \
  "$TERN_HOME/bin/tern" user delete big@bench.test --config "$CFG" >>"$WORK/tern.log" 2>&1 || die "user delete failed"
wait "$LIVE_PID" || true
/usr/bin/time -f "%M" -o "$WORK/list.time" "$TERN_HOME/bin/tern" user list --config "$CFG" >/dev/null 2>&1

mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/account-deletion-$(date +%Y%m%d-%H%M%S).txt
{
  echo "# account deletion under load, $(date -Iseconds); N=$N LIVE=$LIVE LIVE_SESSIONS=$LIVE_SESSIONS"
  echo "# host: $(uname -srm), $(nproc) CPUs; $(git -C "$TERN_HOME" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "$(cat "$WORK/delete.time") idle_command_maxrss_kb=$(cat "$WORK/list.time")"
  echo "live: $(cat "$WORK/live.out")"
} | tee "$OUT"
log "written to $OUT"
