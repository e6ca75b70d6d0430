#!/usr/bin/env bash
# Interoperability: Debian's Postfix as a real receiving peer of Tern.
#
# Starts a Postfix instance of its own (config, queue and Maildir under a
# temporary directory; the system's /etc/postfix is left alone) listening on
# 127.0.0.4:2525, with a self-signed certificate (smtpd_tls_security_level =
# may) and a virtual mailbox for user@peer.test.  Then, for each case:
#
#   route  Tern with [delivery.routes] "peer.test" = "127.0.0.4:2525"
#   mx     Tern with [dns] pointing at a dnsmasq on 127.0.0.1:5353 that serves
#          MX peer.test -> mx.peer.test -> 127.0.0.4 (and smtp_port = 2525)
#
# a message is submitted to Tern (`tern send`, AUTH over STARTTLS on Tern's
# submission listener), and the script waits (bounded) for it in the Maildir
# and checks Postfix's Received header: Tern's EHLO name, and ESMTPS (STARTTLS
# used, as Postfix offers it).  Prints PASS/FAIL per case; exit status 0 only
# if every case passed.  Loopback only.
#
# Usage:   bench/postfix-peer.sh                 (as root)
#          CASES=route bench/postfix-peer.sh
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

CASES=${CASES:-"route mx"}                 # route, mx (mx is skipped when dnsmasq cannot be installed)
PEER_ADDR=${PEER_ADDR:-127.0.0.4}
PEER_PORT=${PEER_PORT:-2525}
DNS_PORT=${DNS_PORT:-5353}
TERN_SUBMISSION_PORT=${TERN_SUBMISSION_PORT:-2587}
TERN_SMTP_PORT=${TERN_SMTP_PORT:-2536}
TERN_HOSTNAME=${TERN_HOSTNAME:-tern-out.bench.test}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-60}           # seconds for a message to reach the Maildir
START_TIMEOUT=${START_TIMEOUT:-180}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
BENCH_TMP=${BENCH_TMP:-/var/tmp}
TERN_HOME=${TERN_HOME:-$ROOT}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED == 0 ]]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq "$@" >/dev/null
}

wait_addr() { # address port seconds
  local deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}
addr_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# ---- Postfix: an instance of its own under $WORK/postfix --------------------------
PF_CONF="" PF_STARTED=0
peer_start() {
  PF_CONF=$WORK/postfix/etc
  local q=$WORK/postfix/queue d=$WORK/postfix/data vbase=$WORK/vmail
  mkdir -p "$PF_CONF" "$q" "$d" "$vbase"
  cp /etc/postfix/master.cf "$PF_CONF/master.cf"
  cp /etc/postfix/main.cf "$PF_CONF/main.cf"
  cp -r /etc/postfix/postfix-files /etc/postfix/postfix-files.d "$PF_CONF/" 2>/dev/null || true
  chown postfix "$d"
  chown nobody:nogroup "$vbase"
  # A self-signed certificate, so that Postfix offers STARTTLS.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.peer.test" \
    -keyout "$PF_CONF/key.pem" -out "$PF_CONF/cert.pem" >/dev/null 2>&1
  chmod 600 "$PF_CONF/key.pem"
  echo "user@peer.test peer.test/user/" >"$PF_CONF/vmailbox"
  postmap "hash:$PF_CONF/vmailbox"
  local pc=(postconf -c "$PF_CONF")
  "${pc[@]}" -e "queue_directory = $q" "data_directory = $d" \
    'myhostname = mx.peer.test' 'mydomain = peer.test' 'myorigin = peer.test' \
    'mydestination =' 'inet_interfaces = loopback-only' 'inet_protocols = ipv4' \
    'mynetworks = 127.0.0.1/32' 'relayhost =' 'default_transport = error' 'relay_transport = error' \
    'virtual_mailbox_domains = peer.test' "virtual_mailbox_maps = hash:$PF_CONF/vmailbox" \
    "virtual_mailbox_base = $vbase" 'virtual_uid_maps = static:65534' 'virtual_gid_maps = static:65534' \
    'virtual_minimum_uid = 100' \
    "smtpd_tls_cert_file = $PF_CONF/cert.pem" "smtpd_tls_key_file = $PF_CONF/key.pem" \
    'smtpd_tls_security_level = may' 'smtpd_tls_received_header = yes' 'smtpd_tls_loglevel = 1' \
    "maillog_file = $WORK/postfix.log" 'syslog_name = postfix-peer' \
    'alias_maps =' 'alias_database ='
  "${pc[@]}" -X smtpd_tls_session_cache_database smtp_tls_session_cache_database 2>/dev/null || true
  # Only 127.0.0.4:2525, outside a chroot (the queue is not in the usual place).
  "${pc[@]}" -M# smtp/inet 2>/dev/null || true
  "${pc[@]}" -M "$PEER_ADDR:$PEER_PORT/inet=$PEER_ADDR:$PEER_PORT inet n - n - - smtpd"
  sed -i -E 's/^([a-z0-9]+ +(unix|inet|fifo|unix-dgram|pass) +[-ny] +[-ny] +)y /\1n /' "$PF_CONF/master.cf"
  addr_free "$PEER_ADDR" "$PEER_PORT" || die "$PEER_ADDR:$PEER_PORT already in use"
  postfix -c "$PF_CONF" check || die "postfix check failed for $PF_CONF"
  postfix -c "$PF_CONF" start >/dev/null 2>&1 || { tail -n 20 "$WORK/postfix.log" >&2; die "postfix start failed"; }
  PF_STARTED=1
  wait_addr "$PEER_ADDR" "$PEER_PORT" 30 || die "Postfix did not open $PEER_ADDR:$PEER_PORT"
  log "Postfix $(postconf -h mail_version) on $PEER_ADDR:$PEER_PORT (STARTTLS offered), Maildir under $vbase"
}
peer_stop() {
  if [[ $PF_STARTED == 1 ]]; then postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true; PF_STARTED=0; fi
}

# ---- dnsmasq: MX for peer.test ---------------------------------------------------
DNS_PID=""
dns_start() {
  if ! command -v dnsmasq >/dev/null; then
    log "installing dnsmasq-base"
    apt_install dnsmasq-base || return 1
  fi
  addr_free 127.0.0.1 "$DNS_PORT" || die "127.0.0.1:$DNS_PORT already in use"
  dnsmasq --keep-in-foreground --conf-file=/dev/null --port="$DNS_PORT" --listen-address=127.0.0.1 \
    --bind-interfaces --no-resolv --no-hosts --user=nobody \
    --mx-host=peer.test,mx.peer.test,10 --host-record=mx.peer.test,"$PEER_ADDR" \
    --log-facility=- --log-queries >"$WORK/dnsmasq.log" 2>&1 &
  DNS_PID=$!
  sleep 0.5
  kill -0 "$DNS_PID" 2>/dev/null || { DNS_PID=""; return 1; }
  log "dnsmasq on 127.0.0.1:$DNS_PORT: MX peer.test -> mx.peer.test ($PEER_ADDR)"
}
dns_stop() {
  [[ -n $DNS_PID ]] || return 0
  kill "$DNS_PID" 2>/dev/null || true
  wait "$DNS_PID" 2>/dev/null || true
  DNS_PID=""
}

# ---- Tern ----------------------------------------------------------------------
TERN_PID=""
tern_start() { # case
  local dir=$WORK/tern-$1 cfg
  cfg=$dir/tern.toml
  mkdir -p "$dir"
  {
    cat <<EOF
hostname = "$TERN_HOSTNAME"
data_dir = "$dir/data"
[listeners]
smtp = ["127.0.0.1:$TERN_SMTP_PORT"]
submission = ["127.0.0.1:$TERN_SUBMISSION_PORT"]
EOF
    if [[ $1 == route ]]; then
      printf '[dns]\nnameservers = ["127.0.0.1:9"]\n[delivery.routes]\n"peer.test" = "%s:%s"\n' "$PEER_ADDR" "$PEER_PORT"
    else
      printf '[dns]\nnameservers = ["127.0.0.1:%s"]\n[delivery]\nsmtp_port = %s\n' "$DNS_PORT" "$PEER_PORT"
    fi
  } >"$cfg"
  addr_free 127.0.0.1 "$TERN_SMTP_PORT" || die "port $TERN_SMTP_PORT already in use"
  addr_free 127.0.0.1 "$TERN_SUBMISSION_PORT" || die "port $TERN_SUBMISSION_PORT already in use"
  timeout "$START_TIMEOUT" "$TERN_HOME/bin/tern" domain add tern.test --config "$cfg" >>"$dir/tern.log" 2>&1 \
    || die "tern domain add failed, see $dir/tern.log"
  echo "peer secret" | timeout "$START_TIMEOUT" "$TERN_HOME/bin/tern" user add alice@tern.test --password-stdin \
    --config "$cfg" >>"$dir/tern.log" 2>&1 || die "tern user add failed, see $dir/tern.log"
  setsid "$TERN_HOME/bin/tern" serve --config "$cfg" >>"$dir/tern.log" 2>&1 </dev/null &
  TERN_PID=$!
  wait_addr 127.0.0.1 "$TERN_SUBMISSION_PORT" "$START_TIMEOUT" \
    || { tail -n 30 "$dir/tern.log" >&2; die "Tern did not start"; }
  TERN_LOG=$dir/tern.log
  TERN_CFG=$cfg
}
tern_stop() {
  [[ -n $TERN_PID ]] || return 0
  kill -TERM -- "-$TERN_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do pgrep -g "$TERN_PID" >/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$TERN_PID" 2>/dev/null || true
  wait "$TERN_PID" 2>/dev/null || true
  TERN_PID=""
}

cleanup() {
  local rc=$?
  set +e
  tern_stop; dns_stop; peer_stop
  [[ -n ${WORK:-} && -d $WORK && ${KEEP_WORK:-0} != 1 ]] && rm -rf "$WORK"
  exit "$rc"
}

# ---- one case --------------------------------------------------------------------
FAILED=0
run_case() { # case
  local c=$1 subject file deadline received why=""
  subject="peer test $c $(date +%s%N)"
  tern_start "$c"
  log "[$c] sending through Tern (submission, AUTH over STARTTLS) to user@peer.test"
  if ! echo "peer secret" | timeout 60 "$TERN_HOME/bin/tern" send --config "$TERN_CFG" \
      --server "127.0.0.1:$TERN_SUBMISSION_PORT" --starttls --insecure --user alice@tern.test --password-stdin \
      --from alice@tern.test --to user@peer.test --subject "$subject" >"$WORK/send-$c.log" 2>&1; then
    why="tern send failed: $(tail -n 2 "$WORK/send-$c.log" | tr '\n' ' ')"
  fi
  file=""
  deadline=$((SECONDS + WAIT_TIMEOUT))
  while [[ -z $why ]] && (( SECONDS < deadline )); do
    file=$(grep -l -F "Subject: $subject" "$WORK"/vmail/peer.test/user/new/* 2>/dev/null | head -n 1 || true)
    [[ -n $file ]] && break
    sleep 0.5
  done
  if [[ -z $why && -z $file ]]; then
    why="not in the Maildir after ${WAIT_TIMEOUT}s; Tern's log: $(grep -E 'delivery:' "$TERN_LOG" | tail -n 1)"
  fi
  if [[ -z $why ]]; then
    # Postfix's own Received header is the first one; unfold its continuation lines.
    received=$(awk 'BEGIN { r = "" } /^Received:/ { if (n++) exit; r = $0; next }
                    n == 1 && /^[ \t]/ { r = r " " $0; next } n == 1 { exit } END { print r }' "$file" | tr -s ' \t' ' ')
    echo "[$c] $received"
    [[ $received == *"from $TERN_HOSTNAME "* ]] || why="Received header does not name Tern's EHLO ($TERN_HOSTNAME)"
    [[ -z $why && $received == *"by mx.peer.test (Postfix)"* ]] || why=${why:-"Received header is not Postfix's"}
    [[ -z $why && $received == *"with ESMTPS"* ]] || why=${why:-"STARTTLS was not used (no ESMTPS)"}
    [[ -z $why ]] && grep -E "delivery: .*to=<user@peer.test>" "$TERN_LOG" | tail -n 1 | sed "s/^/[$c] tern: /"
  fi
  if [[ -z $why ]]; then
    echo "PASS $c: delivered to Postfix's Maildir over STARTTLS, EHLO $TERN_HOSTNAME"
  else
    echo "FAIL $c: $why"
    FAILED=1
  fi
  tern_stop
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root (Postfix, dnsmasq)"
  for c in $CASES; do [[ $c =~ ^(route|mx)$ ]] || die "unknown case '$c' in CASES (route mx)"; done
  if ! command -v postfix >/dev/null; then
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string bench.test" | debconf-set-selections
    apt_install postfix
  fi
  command -v openssl >/dev/null || apt_install openssl
  if [[ ! -f $TERN_HOME/target/tern.jar ]]; then
    (cd "$TERN_HOME" && timeout -k 10 "$BUILD_TIMEOUT" mvn -B -q -DskipTests package) || die "building Tern failed"
  fi
  WORK=$(mktemp -d "$BENCH_TMP/tern-peer.XXXXXX")
  chmod 755 "$WORK"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  peer_start
  for c in $CASES; do
    if [[ $c == mx ]] && ! dns_start; then
      echo "SKIP mx: dnsmasq could not be installed or started"
      continue
    fi
    run_case "$c"
    [[ $c == mx ]] && dns_stop
  done
  if [[ $FAILED == 0 ]]; then echo "PASS"; else echo "FAIL"; fi
  return "$FAILED"
}

main "$@"
