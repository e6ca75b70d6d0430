#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with dkimpy (Debian's python3-dkim; ed25519 needs
python3-nacl), an implementation independent of Tern's.

usage: verify_dkim.py MESSAGE_FILE DNS_FILE

DNS_FILE holds the TXT records the verifier may look up, one per line: NAME<TAB>TEXT (NAME without
a final dot). Prints one line per signature, "pass|fail <index> <selector> <algorithm>", and exits
0 when every signature verifies, 1 when one does not, 2 when there is none or the input is unusable.
"""
import re
import sys

import dkim


def main():
    message_file, dns_file = sys.argv[1], sys.argv[2]
    with open(message_file, "rb") as f:
        message = f.read()
    records = {}
    with open(dns_file, "rb") as f:
        for line in f.read().splitlines():
            if line.strip():
                name, text = line.split(b"\t", 1)
                records[name.rstrip(b".").lower()] = text

    def dnsfunc(name, timeout=5):
        return records.get(name.rstrip(b".").lower())

    verifier = dkim.DKIM(message)
    count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    if count == 0:
        print("no DKIM-Signature")
        return 2
    failed = False
    for idx in range(count):
        value = [v for n, v in verifier.headers if n.lower() == b"dkim-signature"][idx]
        tags = dict((m.group(1), re.sub(rb"\s+", b"", m.group(2)))
                    for m in re.finditer(rb"(\w+)\s*=\s*([^;]*)", value))
        reason = ""
        try:
            ok = dkim.DKIM(message).verify(idx=idx, dnsfunc=dnsfunc)
        except dkim.ValidationError as e:
            # dkimpy reports some failures (a body hash mismatch) by raising instead of returning False.
            ok, reason = False, " (%s)" % e
        failed |= not ok
        print("%s %d %s %s%s" % ("pass" if ok else "fail", idx, tags.get(b"s", b"?").decode(),
                                 tags.get(b"a", b"?").decode(), reason))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
