#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with dkimpy, looking the keys up over DNS with
dnspython at the given server (a test DNS server on loopback).

usage: verify_dkim_dns.py MESSAGE_FILE DNS_ADDRESS DNS_PORT

Prints "pass|fail <selector>" per signature; exits 0 when there is at least one and all verify.
"""
import sys

import dkim
import dns.resolver


def main():
    message_file, address, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(message_file, "rb") as f:
        message = f.read()
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [address]
    resolver.port = port

    def dnsfunc(name, timeout=5):
        try:
            answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
        except Exception:
            return None
        return b"".join(b"".join(r.strings) for r in answer)

    verifier = dkim.DKIM(message)
    count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    if count == 0:
        print("no DKIM-Signature")
        return 2
    ok = True
    for idx in range(count):
        good = verifier.verify(idx=idx, dnsfunc=dnsfunc)
        print(("pass" if good else "fail") + " " + (verifier.selector or b"?").decode())
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
