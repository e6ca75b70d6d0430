#!/usr/bin/env python3
"""IMAP benchmark client (Python 3, standard library only): the same code for every server.

    imap_bench.py append HOST:PORT -u USER -p PASS -n 10000       fill INBOX with bench/imap_corpus.py
    imap_bench.py ops    HOST:PORT -u USER -p PASS --ops fetch_envelope,search,fetch_body,store_fetch_flags
    imap_bench.py idle   HOST:PORT -u USER -p PASS -c 10000 --sources 8 --on-ready 'CMD'

Each prints one JSON object on stdout. Every socket operation has a timeout (--io-timeout) and
every loop is bounded by a count.

ops (each timed with time.perf_counter, one result per op):
  fetch_envelope     connect + LOGIN + SELECT INBOX + FETCH 1:* (FLAGS ENVELOPE), whole response read;
                     its parts too: login, select, fetch_envelope_only
  search             UID SEARCH HEADER Subject "<marker>" (on a logged-in, selected connection)
  sort               UID SORT (REVERSE DATE) UTF-8 ALL, UID SORT (SUBJECT) UTF-8 ALL, UID THREAD REFERENCES UTF-8 ALL,
                     then one message APPENDed (untimed) and UID SORT (SUBJECT) UTF-8 ALL again
  index_search       UID SEARCH UNSEEN, SINCE, LARGER, OR FLAGGED ANSWERED, RETURN (COUNT) UNSEEN, then
                     STATUS INBOX and UID FETCH 1:* (FLAGS), one after the other on the selected connection
  fetch_body         FETCH 1:1000 BODY.PEEK[]
  store_fetch_flags  STORE 1:* +FLAGS.SILENT (\\Seen) (timed as store_seen) then UID FETCH 1:* (FLAGS)
                     (the flag is removed again first, untimed, so every repetition does the same work)
idle: C connections (LOGIN, SELECT INBOX, IDLE) from 127.0.0.1..127.0.0.S, then the --on-ready
command runs (memory measurement), then one message is APPENDed from another connection and the
EXISTS responses of the idling connections are counted for --exists-timeout seconds.
"""
import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imap_corpus  # noqa: E402

LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")


class ImapError(Exception):
    pass


class Conn:
    """A blocking IMAP connection that reads whole responses, literals included."""

    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rf = self.sock.makefile("rb", buffering=1 << 17)
        self.n = 0
        greeting = self.rf.readline()
        if not greeting.startswith(b"* OK"):
            raise ImapError(f"greeting: {greeting[:200]!r}")

    def response(self):
        """One response (a line, with its literals and continuation lines) -> (first line, total bytes)."""
        line = self.rf.readline()
        if not line:
            raise ImapError("connection closed")
        first, total = line, len(line)
        while True:
            m = LITERAL.search(line)
            if not m:
                return first, total
            n = int(m.group(1))
            data = self.rf.read(n)
            if len(data) != n:
                raise ImapError("connection closed in a literal")
            total += n
            line = self.rf.readline()
            total += len(line)

    def command(self, cmd, expect_ok=True):
        """Send one command, read to its tagged reply -> (untagged lines, bytes, tagged line)."""
        self.n += 1
        tag = b"t%d" % self.n
        self.sock.sendall(tag + b" " + cmd + b"\r\n")
        untagged, total = [], 0
        for _ in range(10_000_000):
            first, size = self.response()
            total += size
            if first.startswith(tag + b" "):
                if expect_ok and not first.startswith(tag + b" OK"):
                    raise ImapError(f"{cmd[:60]!r}: {first[:300]!r}")
                return untagged, total, first
            if first.startswith(b"+"):
                raise ImapError(f"unexpected continuation to {cmd[:60]!r}")
            untagged.append(first)
        raise ImapError("response too long")

    def login(self, user, password):
        self.command(b'LOGIN "%s" "%s"' % (user.encode(), password.encode()))

    def close(self):
        try:
            self.sock.sendall(b"z LOGOUT\r\n")
        except OSError:
            pass
        self.sock.close()


def hostport(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


# ---- append ----------------------------------------------------------------------------------
def cmd_append(a):
    host, port = hostport(a.server)
    c = Conn(host, port, a.io_timeout)
    c.login(a.user, a.password)
    caps, _, _ = c.command(b"CAPABILITY")
    plus = any(b"LITERAL+" in l.upper() for l in caps)
    t0 = time.perf_counter()
    deadline = time.monotonic() + a.run_timeout
    sent = ok = 0
    bytes_total = 0
    window = a.window if plus else 1
    i = a.first
    last = a.first + a.n - 1
    while i <= last:
        if time.monotonic() > deadline:
            raise ImapError(f"append: over {a.run_timeout}s after {ok} messages")
        batch = []
        while i <= last and len(batch) < window:
            m = imap_corpus.message(i)
            bytes_total += len(m)
            c.n += 1
            tag = b"t%d" % c.n
            if plus:
                batch.append((tag, b"%s APPEND INBOX {%d+}\r\n" % (tag, len(m)) + m + b"\r\n"))
            else:
                batch.append((tag, None))
                c.sock.sendall(b"%s APPEND INBOX {%d}\r\n" % (tag, len(m)))
                first, _ = c.response()
                if not first.startswith(b"+"):
                    raise ImapError(f"APPEND: {first[:200]!r}")
                c.sock.sendall(m + b"\r\n")
            i += 1
        if plus:
            c.sock.sendall(b"".join(x for _, x in batch))
        for tag, _ in batch:
            for _ in range(1000):
                first, _ = c.response()
                if first.startswith(tag + b" "):
                    if not first.startswith(tag + b" OK"):
                        raise ImapError(f"APPEND: {first[:200]!r}")
                    ok += 1
                    break
        sent += len(batch)
    secs = time.perf_counter() - t0
    c.close()
    print(json.dumps({"op": "append", "messages": ok, "bytes": bytes_total, "seconds": round(secs, 3),
                      "msg_per_s": round(ok / secs, 1), "literal_plus": plus}))


# ---- timed operations --------------------------------------------------------------------------
def count_fetch(untagged):
    return sum(1 for l in untagged if l.startswith(b"* ") and b" FETCH " in l[:24])


def cmd_ops(a):
    host, port = hostport(a.server)
    out = {}
    ops = a.ops.split(",")
    if "fetch_envelope" in ops:
        t0 = time.perf_counter()
        c = Conn(host, port, a.io_timeout)
        c.login(a.user, a.password)
        t1 = time.perf_counter()
        c.command(b"SELECT INBOX")
        t2 = time.perf_counter()
        u, size, _ = c.command(b"FETCH 1:* (FLAGS ENVELOPE)")
        t3 = time.perf_counter()
        secs = t3 - t0
        env = sum(1 for l in u if b"ENVELOPE (" in l)
        out["fetch_envelope"] = {"seconds": round(secs, 4), "fetch_responses": count_fetch(u),
                                 "with_envelope": env, "bytes": size}
        # the parts of it: connect + greeting + LOGIN, SELECT INBOX, the FETCH alone
        out["login"] = {"seconds": round(t1 - t0, 4)}
        out["select"] = {"seconds": round(t2 - t1, 4)}
        out["fetch_envelope_only"] = {"seconds": round(t3 - t2, 4)}
        c.close()
    c = Conn(host, port, a.io_timeout)
    c.login(a.user, a.password)
    sel, _, _ = c.command(b"SELECT INBOX")
    exists = next((int(l.split()[1]) for l in sel if l.endswith(b" EXISTS\r\n")), -1)
    if "search" in ops:
        t0 = time.perf_counter()
        u, size, _ = c.command(b'UID SEARCH HEADER Subject "%s"' % a.word.encode())
        secs = time.perf_counter() - t0
        hits = 0
        for l in u:
            if l.startswith(b"* SEARCH"):
                hits += len(l.split()) - 2
            elif l.startswith(b"* ESEARCH"):
                hits = -1  # not expected without RETURN
        out["search"] = {"seconds": round(secs, 4), "hits": hits}
    if "sort" in ops:
        for name, criteria in (("sort_date", b"(REVERSE DATE)"), ("sort_subject", b"(SUBJECT)")):
            t0 = time.perf_counter()
            u, size, _ = c.command(b"UID SORT %s UTF-8 ALL" % criteria)
            secs = time.perf_counter() - t0
            uids = next((l.split()[2:] for l in u if l.startswith(b"* SORT")), [])
            out[name] = {"seconds": round(secs, 4), "sorted": len(uids)}
        t0 = time.perf_counter()
        u, size, _ = c.command(b"UID THREAD REFERENCES UTF-8 ALL")
        secs = time.perf_counter() - t0
        line = next((l for l in u if l.startswith(b"* THREAD")), b"")
        out["thread_references"] = {"seconds": round(secs, 4), "threads": line.count(b"(") - line.count(b"((")}
        # One message arrives (APPENDed and announced, untimed), then the mailbox is sorted again:
        # what a server that keeps sort results pays to fit a new message in.
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        arrival = (b"From: arrival@bench.test\r\nTo: %s\r\nDate: %s\r\nSubject: Arrival %d\r\n"
                   b"Message-ID: <arrival-%d@bench.test>\r\n\r\nNew.\r\n"
                   % (a.user.encode(), stamp.encode(), os.getpid(), time.time_ns()))
        c.command(b"APPEND INBOX {%d+}\r\n%s" % (len(arrival), arrival))
        c.command(b"NOOP")
        t0 = time.perf_counter()
        u, size, _ = c.command(b"UID SORT (SUBJECT) UTF-8 ALL")
        secs = time.perf_counter() - t0
        uids = next((l.split()[2:] for l in u if l.startswith(b"* SORT")), [])
        out["sort_subject_after_arrival"] = {"seconds": round(secs, 4), "sorted": len(uids)}
    if "index_search" in ops:
        # Keys that read no header: what the index (Tern: its kept copy) answers alone.
        for name, cmd in (("search_unseen", b"UID SEARCH UNSEEN"), ("search_since", b"UID SEARCH SINCE 1-Jun-2025"),
                          ("search_larger", b"UID SEARCH LARGER 15000"),
                          ("search_flagged_or_answered", b"UID SEARCH OR FLAGGED ANSWERED"),
                          ("search_count_unseen", b"UID SEARCH RETURN (COUNT) UNSEEN"),
                          ("status", b"STATUS INBOX (MESSAGES UNSEEN UIDNEXT)"),
                          ("uid_fetch_flags", b"UID FETCH 1:* (FLAGS)")):
            t0 = time.perf_counter()
            u, size, _ = c.command(cmd)
            out[name] = {"seconds": round(time.perf_counter() - t0, 4), "lines": len(u)}
    if "fetch_body" in ops:
        hi = min(a.body_count, exists) if exists > 0 else a.body_count
        t0 = time.perf_counter()
        u, size, _ = c.command(b"FETCH 1:%d BODY.PEEK[]" % hi)
        secs = time.perf_counter() - t0
        out["fetch_body"] = {"seconds": round(secs, 4), "fetch_responses": count_fetch(u), "bytes": size,
                             "mb_per_s": round(size / secs / 1e6, 1)}
    if "store_fetch_flags" in ops:
        c.command(b"STORE 1:* -FLAGS.SILENT (\\Seen)")
        t0 = time.perf_counter()
        u, _, _ = c.command(b"STORE 1:* +FLAGS.SILENT (\\Seen)")
        secs = time.perf_counter() - t0
        out["store_seen"] = {"seconds": round(secs, 4), "untagged": len(u)}
        t0 = time.perf_counter()
        u, size, _ = c.command(b"UID FETCH 1:* (FLAGS)")
        secs = time.perf_counter() - t0
        seen = sum(1 for l in u if b"\\Seen" in l)
        out["fetch_flags"] = {"seconds": round(secs, 4), "fetch_responses": count_fetch(u), "seen": seen,
                              "bytes": size}
    out["exists"] = exists
    c.close()
    print(json.dumps(out))


# ---- SCRAM-SHA-256 (the salted password is computed once per salt, as a mail client caches it) ----
_SALTED = {}


async def scram_login(r, w, expect, user, password):
    import base64, hashlib, hmac
    cnonce = base64.b64encode(os.urandom(18)).decode()
    bare = f"n={user},r={cnonce}"
    w.write(b"a AUTHENTICATE SCRAM-SHA-256 " + base64.b64encode(("n,," + bare).encode()) + b"\r\n")
    l = await expect(r, b"", "AUTHENTICATE")
    if not l.startswith(b"+ "):
        return l
    first = base64.b64decode(l[2:].strip()).decode()
    f = dict(x.split("=", 1) for x in first.split(","))
    if not f["r"].startswith(cnonce):
        raise ImapError("SCRAM nonce")
    key = (f["s"], int(f["i"]))
    if key not in _SALTED:
        _SALTED[key] = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(f["s"]), int(f["i"]))
    sp = _SALTED[key]
    ck = hmac.new(sp, b"Client Key", hashlib.sha256).digest()
    sk = hashlib.sha256(ck).digest()
    without = f"c=biws,r={f['r']}"
    msg = f"{bare},{first},{without}".encode()
    sig = hmac.new(sk, msg, hashlib.sha256).digest()
    proof = base64.b64encode(bytes(x ^ y for x, y in zip(ck, sig))).decode()
    w.write(base64.b64encode(f"{without},p={proof}".encode()) + b"\r\n")
    l = await expect(r, b"", "AUTHENTICATE final")
    if l.startswith(b"+"):
        w.write(b"\r\n")
        l = await expect(r, b"a ", "AUTHENTICATE end")
    while not l.startswith(b"a "):
        l = await expect(r, b"", "AUTHENTICATE end")
    return l


# ---- many idling connections ---------------------------------------------------------------------
async def idle_main(a):
    host, port = hostport(a.server)
    sem = asyncio.Semaphore(a.parallel)
    state = {"ready": 0, "failed": 0, "closed_after_ready": 0, "exists": 0}
    errors = {}
    exists_at = []
    appended = {"t": None}
    writers = []

    async def expect(r, prefix, what):
        for _ in range(100):
            line = await asyncio.wait_for(r.readline(), a.io_timeout)
            if not line:
                raise ImapError(f"closed during {what}")
            if line.startswith(prefix):
                return line
        raise ImapError(f"no reply to {what}")

    async def one(i):
        src = f"127.0.0.{1 + i % a.sources}"
        try:
            async with sem:
                r, w = await asyncio.wait_for(
                    asyncio.open_connection(host, port, local_addr=(src, 0), limit=1 << 20), a.io_timeout)
                writers.append(w)
                g = await asyncio.wait_for(r.readline(), a.io_timeout)
                if not g.startswith(b"* OK"):
                    raise ImapError(f"greeting {g[:80]!r}")
                if a.auth == "scram":
                    l = await scram_login(r, w, expect, a.user, a.password)
                else:
                    w.write(b'a LOGIN "%s" "%s"\r\n' % (a.user.encode(), a.password.encode()))
                    l = await expect(r, b"a ", "LOGIN")
                if not l.startswith(b"a OK"):
                    raise ImapError(f"LOGIN {l[:80]!r}")
                w.write(b"b SELECT INBOX\r\n")
                l = await expect(r, b"b ", "SELECT")
                if not l.startswith(b"b OK"):
                    raise ImapError(f"SELECT {l[:80]!r}")
                w.write(b"c IDLE\r\n")
                await expect(r, b"+", "IDLE")
            state["ready"] += 1
        except (OSError, asyncio.TimeoutError, ImapError) as e:
            state["failed"] += 1
            k = type(e).__name__ + ": " + str(e)[:80]
            errors[k] = errors.get(k, 0) + 1
            return
        got = False
        try:
            while True:
                line = await r.readline()
                if not line:
                    state["closed_after_ready"] += 1
                    return
                if not got and line.endswith(b" EXISTS\r\n") and appended["t"] is not None:
                    got = True
                    state["exists"] += 1
                    exists_at.append(time.monotonic() - appended["t"])
        except (OSError, asyncio.CancelledError):
            return

    t0 = time.monotonic()
    tasks = [asyncio.ensure_future(one(i)) for i in range(a.connections)]
    deadline = t0 + a.setup_timeout
    while time.monotonic() < deadline and state["ready"] + state["failed"] < a.connections:
        await asyncio.sleep(0.2)
    setup_s = time.monotonic() - t0
    res = {"connections": a.connections, "ready": state["ready"], "failed": state["failed"],
           "setup_seconds": round(setup_s, 1), "errors": errors}
    await asyncio.sleep(a.hold)
    if a.on_ready:
        try:
            p = await asyncio.create_subprocess_shell(a.on_ready, stdout=subprocess.PIPE,
                                                      stderr=subprocess.STDOUT)
            outb, _ = await asyncio.wait_for(p.communicate(), a.hook_timeout)
            res["on_ready_output"] = outb.decode(errors="replace")
        except asyncio.TimeoutError:
            res["on_ready_output"] = "timeout"
    res["still_connected"] = state["ready"] - state["closed_after_ready"]
    # one new message from another connection
    def append_one():
        c = Conn(host, port, a.io_timeout)
        c.login(a.user, a.password)
        m = imap_corpus.message(a.message)
        appended["t"] = time.monotonic()  # EXISTS latency counts from the APPEND, not the login
        c.sock.sendall(b"x APPEND INBOX {%d}\r\n" % len(m))
        first, _ = c.response()
        if not first.startswith(b"+"):
            raise ImapError(f"APPEND {first[:80]!r}")
        c.sock.sendall(m + b"\r\n")
        for _ in range(100):
            first, _ = c.response()
            if first.startswith(b"x "):
                break
        c.close()
        return first
    loop = asyncio.get_running_loop()
    tagged = await loop.run_in_executor(None, append_one)
    res["append_reply"] = tagged.decode(errors="replace").strip()[:120]
    deadline = time.monotonic() + a.exists_timeout
    while time.monotonic() < deadline and state["exists"] < state["ready"] - state["closed_after_ready"]:
        await asyncio.sleep(0.05)
    res["exists_received"] = state["exists"]
    if exists_at:
        exists_at.sort()
        res["exists_p50_ms"] = round(1000 * exists_at[len(exists_at) // 2], 1)
        res["exists_max_ms"] = round(1000 * exists_at[-1], 1)
    res["still_connected_end"] = state["ready"] - state["closed_after_ready"]
    for w in writers:
        try:
            w.close()
        except Exception:
            pass
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["append", "ops", "idle"])
    ap.add_argument("server")
    ap.add_argument("-u", "--user", required=True)
    ap.add_argument("-p", "--password", required=True)
    ap.add_argument("--io-timeout", type=float, default=120)
    ap.add_argument("-n", type=int, default=10000, help="append: messages")
    ap.add_argument("--first", type=int, default=1, help="append: first corpus number")
    ap.add_argument("--window", type=int, default=64, help="append: pipelined APPENDs (LITERAL+)")
    ap.add_argument("--run-timeout", type=float, default=1200)
    ap.add_argument("--ops", default="fetch_envelope,search,fetch_body,store_fetch_flags")
    ap.add_argument("--word", default=imap_corpus.MARKER)
    ap.add_argument("--body-count", type=int, default=1000)
    ap.add_argument("-c", "--connections", type=int, default=1000)
    ap.add_argument("--sources", type=int, default=8, help="idle: source addresses 127.0.0.1..N")
    ap.add_argument("--parallel", type=int, default=100, help="idle: connections being set up at once")
    ap.add_argument("--setup-timeout", type=float, default=600)
    ap.add_argument("--hold", type=float, default=2, help="idle: seconds to wait once all are idling")
    ap.add_argument("--auth", choices=["login", "scram"], default="login", help="idle: LOGIN or AUTHENTICATE SCRAM-SHA-256")
    ap.add_argument("--on-ready", help="idle: shell command run while every connection idles")
    ap.add_argument("--hook-timeout", type=float, default=120)
    ap.add_argument("--exists-timeout", type=float, default=5)
    ap.add_argument("--message", type=int, default=999999, help="idle: corpus number of the new message")
    a = ap.parse_args()
    if a.mode == "append":
        cmd_append(a)
    elif a.mode == "ops":
        cmd_ops(a)
    else:
        asyncio.run(idle_main(a))


if __name__ == "__main__":
    main()
