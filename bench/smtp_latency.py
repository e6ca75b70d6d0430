#!/usr/bin/env python3
"""SMTP acceptance load generator that records per-message latency.

Postfix's smtp-source reports nothing per message; this tool plays the same
client (lock-step, no PIPELINING; one message per connection unless --reuse,
like `smtp-source -d`) and times every message:

  latency  connect -> 250 after the end of DATA (with --reuse: MAIL FROM -> 250)
  commit   end-of-data "." sent -> its 250 reply (what durable storage costs)

Standard library only.  One process drives all SESSIONS with non-blocking
sockets and an epoll loop (threads spend most of their time fighting over the
GIL at 50+ sessions); --procs splits the sessions over several processes.
The run is bounded by --messages and by --io-timeout per reply.

Prints one line of key=value pairs (or JSON with --json), e.g.
  ok=1000 errors=0 seconds=1.234 msg_per_s=810.4 lat_p50_ms=12.1 lat_p99_ms=40.2 ...
Exit status 0 only when every message was accepted.
"""

import argparse
import errno
import json
import math
import multiprocessing
import os
import selectors
import socket
import statistics
import sys
import time

EVENT_READ, EVENT_WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE


def payload(length):
    """LENGTH bytes of CRLF-terminated text lines, then the end-of-data dot."""
    line = b"La-la-la-" * 8 + b"La\r\n"  # 76 bytes, never starts with "."
    body = bytearray()
    while len(body) + len(line) <= length:
        body += line
    rest = length - len(body)
    if rest >= 2:  # a last, shorter line (a 1-byte remainder is left out)
        body += b"x" * (rest - 2) + b"\r\n"
    return bytes(body) + b".\r\n"


class SmtpError(Exception):
    pass


class Session:
    """One client session: a small state machine driven by the event loop.

    Each step sends a command (or nothing, for the greeting) and waits for
    one reply of the expected class (2 or 3)."""

    def __init__(self, run):
        self.run = run
        self.sock = None
        self.events = 0
        self.inbuf = bytearray()
        self.out = memoryview(b"")
        self.steps = []
        self.seq = 0
        self.start = self.sent = 0.0
        self.last_io = time.monotonic()

    # -- scripting ---------------------------------------------------------

    def next_message(self):
        """Start the next message, or finish. Returns False when done."""
        self.seq = self.run.take()
        if not self.seq:
            return False
        r = self.run
        if self.sock is None:
            self.connect()
            self.steps = [(None, 2, "greeting"), (r.ehlo, 2, "EHLO")]
        else:
            self.steps = []
            self.start = time.perf_counter()
        msg = r.headers(self.seq) + r.body
        self.steps += [(r.mail, 2, "MAIL"), (r.rcpt, 2, "RCPT"), (b"DATA\r\n", 3, "DATA"),
                       (msg, 2, "end of data")]
        if not r.reuse:
            self.steps.append((b"QUIT\r\n", 2, "QUIT"))
        self.begin_step()
        return True

    def connect(self):
        self.start = time.perf_counter()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        rc = s.connect_ex((self.run.host, self.run.port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            raise OSError(rc, os.strerror(rc))
        self.sock = s
        self.inbuf.clear()
        self.events = EVENT_READ
        self.run.sel.register(s, EVENT_READ, self)

    def begin_step(self):
        data = self.steps[0][0]
        if data:
            self.out = memoryview(data)
            self.flush()
        self.last_io = time.monotonic()

    def flush(self):
        try:
            n = self.sock.send(self.out)
        except BlockingIOError:
            n = 0
        self.out = self.out[n:]
        if len(self.out):
            self.watch(EVENT_WRITE)
        else:
            if self.steps[0][2] == "end of data":
                self.sent = time.perf_counter()
            self.watch(EVENT_READ)

    def watch(self, events):
        if events != self.events:  # spare an epoll_ctl per command
            self.run.sel.modify(self.sock, events, self)
            self.events = events

    # -- events -------------------------------------------------------------

    def on_event(self, mask):
        try:
            if mask & EVENT_WRITE:
                self.flush()
            elif mask & EVENT_READ:
                self.on_readable()
        except Exception as exc:  # record it, go on with the next message
            self.fail(exc)

    def on_readable(self):
        data = self.sock.recv(65536)
        if not data:
            raise SmtpError(f"connection closed by server (waiting for {self.steps[0][2]} reply)")
        self.inbuf += data
        self.last_io = time.monotonic()
        while self.steps:
            i = self.inbuf.find(b"\r\n")
            if i < 0:
                return
            line = bytes(self.inbuf[:i])
            del self.inbuf[: i + 2]
            if line[3:4] == b"-":
                continue  # multi-line reply goes on
            self.on_reply(line)

    def on_reply(self, line):
        _, expect, what = self.steps.pop(0)
        if line[:1] != str(expect).encode() or not line[:3].isdigit():
            raise SmtpError(f"{what}: {line.decode(errors='replace')}")
        if what == "EHLO" and self.run.reuse:
            self.start = time.perf_counter()  # a reused connection's set-up is not counted
        elif what == "end of data":
            done = time.perf_counter()
            self.run.record(done - self.start, done - self.sent)
        if what == "QUIT" or (what == "end of data" and self.run.reuse):
            if not self.run.reuse:
                self.close()
            if not self.next_message():
                self.finish()
            return
        self.begin_step()

    def fail(self, exc):
        self.run.failed(exc)
        self.close()
        self.steps = []
        try:
            if self.next_message():
                return
        except Exception as again:  # e.g. connection refused: count it, stop this session
            self.run.failed(again)
            self.close()
        self.finish()

    def close(self):
        if self.sock is not None:
            try:
                self.run.sel.unregister(self.sock)
            except (KeyError, ValueError):
                pass
            self.sock.close()
            self.sock = None

    def finish(self):
        if self.sock is not None and self.run.reuse:
            try:  # polite QUIT on the reused connection, without waiting long
                self.sock.setblocking(True)
                self.sock.settimeout(1.0)
                self.sock.sendall(b"QUIT\r\n")
                self.sock.recv(512)
            except OSError:
                pass
        self.close()
        self.run.active -= 1


class Run:
    """SESSIONS sessions sharing one message quota, in one event loop."""

    def __init__(self, args, quota):
        self.host, self.port, self.reuse = args.host, args.port, args.reuse
        self.io_timeout = args.io_timeout
        self.remaining = quota
        self.seq = 0
        self.latencies, self.commits = [], []
        self.errors, self.first_errors = 0, []
        self.sel = selectors.DefaultSelector()
        self.active = 0
        self.ehlo = b"EHLO " + args.helo.encode() + b"\r\n"
        self.mail = b"MAIL FROM:<" + args.sender.encode() + b">\r\n"
        self.rcpt = b"RCPT TO:<" + args.recipient.encode() + b">\r\n"
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        self.header_fmt = (f"From: <{args.sender}>\r\nTo: <{args.recipient}>\r\nDate: {date}\r\n"
                           f"Message-Id: <{os.getpid()}.%d@smtp-latency>\r\n"
                           "Subject: latency test\r\n\r\n")
        self.body = payload(args.length)

    def headers(self, seq):
        """A header block like smtp-source's; the payload length excludes it."""
        return (self.header_fmt % seq).encode()

    def take(self):
        if self.remaining <= 0:
            return 0
        self.remaining -= 1
        self.seq += 1
        return self.seq

    def record(self, latency, commit):
        self.latencies.append(latency)
        self.commits.append(commit)

    def failed(self, exc):
        self.errors += 1
        if len(self.first_errors) < 5:
            self.first_errors.append(f"{type(exc).__name__}: {exc}")

    def run(self, sessions):
        sessions = [Session(self) for _ in range(sessions)]
        for s in sessions:
            self.active += 1
            try:
                if not s.next_message():
                    self.active -= 1
            except Exception as exc:
                s.fail(exc)
        while self.active > 0:
            for key, mask in self.sel.select(timeout=1.0):
                key.data.on_event(mask)
            now = time.monotonic()
            for s in sessions:  # bounded in time: a silent server fails the message
                if s.sock is not None and now - s.last_io > self.io_timeout:
                    s.fail(SmtpError(f"no {s.steps[0][2] if s.steps else ''} reply in {self.io_timeout}s"))


def worker(args, sessions, quota, start_at, out):
    delay = start_at - time.time()  # all workers start together so their runs overlap
    if delay > 0:
        time.sleep(delay)
    run = Run(args, quota)
    t0 = time.time()
    run.run(sessions)
    result = {"latencies": run.latencies, "commits": run.commits, "errors": run.errors,
              "first_errors": run.first_errors, "t0": t0, "t1": time.time()}
    if out is None:
        return result
    out.put(result)
    return None


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100.0 * len(sorted_values)) - 1)]


def split(total, parts):
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", help="HOST:PORT (IPv4)")
    p.add_argument("-s", "--sessions", type=int, default=1, help="concurrent sessions (default 1)")
    p.add_argument("-m", "--messages", type=int, default=1, help="messages in total (default 1)")
    p.add_argument("-l", "--length", type=int, default=1024, help="payload bytes, headers excluded (default 1024)")
    p.add_argument("-d", "--reuse", action="store_true", help="send a session's messages over one connection")
    p.add_argument("-f", "--from", dest="sender", default="a@bench.test")
    p.add_argument("-t", "--to", dest="recipient", default="b@bench.test")
    p.add_argument("--helo", default="smtp-latency.bench.test")
    p.add_argument("-P", "--procs", type=int, default=1, help="worker processes sharing the sessions (default 1)")
    p.add_argument("--io-timeout", type=float, default=60.0, help="seconds to wait for one reply (default 60)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = p.parse_args()
    host, _, port = a.target.rpartition(":")
    a.host, a.port = host or "127.0.0.1", int(port)
    if a.sessions < 1 or a.messages < 1 or a.length < 0:
        p.error("sessions and messages must be >= 1, length >= 0")
    procs = max(1, min(a.procs, a.sessions))

    if procs == 1:
        results = [worker(a, a.sessions, a.messages, 0, None)]
    else:
        q = multiprocessing.Queue()
        start_at = time.time() + 0.3
        workers = [multiprocessing.Process(target=worker, args=(a, s, m, start_at, q))
                   for s, m in zip(split(a.sessions, procs), split(a.messages, procs))]
        for w in workers:
            w.start()
        results = [q.get() for _ in workers]
        for w in workers:
            w.join()

    lat = sorted(x for r in results for x in r["latencies"])
    com = sorted(x for r in results for x in r["commits"])
    errors = sum(r["errors"] for r in results)
    seconds = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    nan = float("nan")
    summary = {
        "ok": len(lat),
        "errors": errors,
        "seconds": round(seconds, 3),
        "msg_per_s": round(len(lat) / seconds, 1) if seconds > 0 else 0.0,
        "lat_p50_ms": round(statistics.median(lat) * 1e3, 2) if lat else nan,
        "lat_p99_ms": round(percentile(lat, 99) * 1e3, 2) if lat else nan,
        "lat_max_ms": round(lat[-1] * 1e3, 2) if lat else nan,
        "commit_p50_ms": round(statistics.median(com) * 1e3, 2) if com else nan,
        "commit_p99_ms": round(percentile(com, 99) * 1e3, 2) if com else nan,
    }
    print(json.dumps(summary) if a.json else " ".join(f"{k}={v}" for k, v in summary.items()))
    for r in results:
        for e in r["first_errors"]:
            print(f"error: {e}", file=sys.stderr)
    sys.exit(0 if errors == 0 else 1)


if __name__ == "__main__":
    main()
