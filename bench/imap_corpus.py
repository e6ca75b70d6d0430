#!/usr/bin/env python3
"""Deterministic mail corpus for the IMAP benchmark (Python 3, standard library only).

message(i) is always the same bytes for the same i: plain text and multipart messages
(alternative, mixed with a base64 attachment) of 2-20 KB, realistic header fields,
distinct Subjects and Message-IDs. Every 100th message (i % 100 == 7) has the word
MARKER in its Subject, so a header search for it matches 1 % of the corpus.

    python3 bench/imap_corpus.py -n 10000 --out DIR     # writes DIR/000001.eml ... (optional)
    python3 bench/imap_corpus.py -n 10000 --stats       # count, bytes, marker matches
"""
import argparse
import base64
import os
import random
import sys

MARKER = "zanzibar"

WORDS = (
    "meeting report budget quarter review plan project update status invoice payment order "
    "shipment delivery customer support ticket release version build test deploy server network "
    "storage backup schedule agenda minutes notes draft proposal contract offer discount price "
    "account password security alert notice reminder invitation event conference travel hotel "
    "flight booking receipt summary weekly monthly annual team office holiday party lunch dinner "
    "coffee question answer request feedback survey results analysis data chart slide document "
    "file folder archive photo picture video music garden kitchen recipe weather morning evening "
    "tomorrow yesterday today friday monday urgent important follow about with from the and for "
    "your our new old first last next final quick short long small large green blue red yellow"
).split()
FIRST = "alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter".split()
LAST = "smith jones brown taylor wilson davies evans thomas johnson roberts walker wright robinson thompson white".split()
DOMAINS = "example.com example.org example.net mail.example.com lists.example.org corp.example".split()
MAILERS = ("Thunderbird 115.5.0", "Apple Mail (2.3731.700.6)", "Microsoft Outlook 16.0",
           "Roundcube Webmail/1.6.5", "K-9 Mail for Android", "Evolution 3.46.4")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
assert not any(MARKER in w for w in WORDS)


def _addr(rnd):
    f, l = rnd.choice(FIRST), rnd.choice(LAST)
    return f"{f.capitalize()} {l.capitalize()}", f"{f}.{l}@{rnd.choice(DOMAINS)}"


def _text(rnd, size):
    out, n, line = [], 0, []
    while n < size:
        w = rnd.choice(WORDS)
        line.append(w)
        n += len(w) + 1
        if len(line) >= rnd.randint(8, 13):
            out.append(" ".join(line))
            line = []
    if line:
        out.append(" ".join(line))
    return "\r\n".join(out) + "\r\n"


def subject(i):
    rnd = random.Random(i * 7919 + 1)
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(3, 7))]
    if i % 100 == 7:
        words.insert(rnd.randint(0, len(words)), MARKER)
    return " ".join(words).capitalize() + f" #{i}"


def message(i):
    """The i-th message (i >= 1) as bytes with CRLF line ends."""
    rnd = random.Random(i)
    size = rnd.randint(2048, 20480)
    fname, faddr = _addr(rnd)
    tname, taddr = _addr(rnd)
    day = 1 + i % 28
    date = (f"{DAYS[(i + 3) % 7]}, {day:02d} {MONTHS[(i // 28) % 12]} 2025 "
            f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d} +0000")
    mid = f"<{i:06d}.{rnd.getrandbits(48):012x}@{faddr.split('@')[1]}>"
    h = [
        f"Return-Path: <{faddr}>",
        f"Received: from mx{rnd.randint(1, 9)}.{faddr.split('@')[1]} (mx.{faddr.split('@')[1]} "
        f"[192.0.2.{rnd.randint(1, 254)}])\r\n\tby mail.bench.test with ESMTPS id {rnd.getrandbits(40):010X}\r\n"
        f"\tfor <{taddr}>; {date}",
        f"From: \"{fname}\" <{faddr}>",
        f"To: \"{tname}\" <{taddr}>",
    ]
    if rnd.random() < 0.3:
        cname, caddr = _addr(rnd)
        h.append(f"Cc: {cname} <{caddr}>")
    h += [f"Subject: {subject(i)}", f"Date: {date}", f"Message-ID: {mid}"]
    if i > 1 and rnd.random() < 0.4:
        h.append(f"In-Reply-To: <{i - 1:06d}.parent@{faddr.split('@')[1]}>")
    if rnd.random() < 0.25:
        h.append(f"List-Id: Bench list <bench.{rnd.choice(DOMAINS)}>")
    h += [f"X-Mailer: {rnd.choice(MAILERS)}", "MIME-Version: 1.0"]
    kind = i % 3
    if kind == 0:
        h += ["Content-Type: text/plain; charset=utf-8; format=flowed", "Content-Transfer-Encoding: 8bit"]
        body = _text(rnd, size)
    elif kind == 1:
        b = f"=_alt_{i:06d}"
        h.append(f"Content-Type: multipart/alternative; boundary=\"{b}\"")
        t = _text(rnd, size // 2)
        html = "<html><body><p>" + t.replace("\r\n", "</p>\r\n<p>") + "</p></body></html>\r\n"
        body = (f"This is a multi-part message in MIME format.\r\n--{b}\r\n"
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                f"{t}--{b}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Transfer-Encoding: 7bit\r\n\r\n{html}--{b}--\r\n")
    else:
        b = f"=_mix_{i:06d}"
        h.append(f"Content-Type: multipart/mixed; boundary=\"{b}\"")
        t = _text(rnd, size // 3)
        blob = bytes(rnd.getrandbits(8) for _ in range(size // 2))
        enc = base64.encodebytes(blob).decode().replace("\n", "\r\n")
        body = (f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{t}--{b}\r\n"
                f"Content-Type: application/octet-stream; name=\"data-{i}.bin\"\r\n"
                f"Content-Disposition: attachment; filename=\"data-{i}.bin\"\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{enc}--{b}--\r\n")
    return ("\r\n".join(h) + "\r\n\r\n" + body).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--out")
    ap.add_argument("--stats", action="store_true")
    a = ap.parse_args()
    total = marked = 0
    for i in range(1, a.n + 1):
        m = message(i)
        total += len(m)
        marked += MARKER in subject(i).lower()
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, f"{i:06d}.eml"), "wb") as f:
                f.write(m)
    print(f"messages={a.n} bytes={total} marker={MARKER} marker_matches={marked}", file=sys.stdout)


if __name__ == "__main__":
    main()
