#!/usr/bin/python3
"""ARC (RFC 8617) with dkimpy (Debian's python3-dkim), an implementation independent of Tern's.

usage: arc.py verify MESSAGE_FILE DNS_FILE
       arc.py sign MESSAGE_FILE DNS_FILE KEY_FILE SELECTOR DOMAIN AUTHSERV_ID

DNS_FILE holds the TXT records dkimpy may look up, one per line: NAME<TAB>TEXT (NAME without a
final dot). "verify" prints the chain's validation ("pass", "fail" or "none") and dkimpy's reason;
"sign" prints the message with a new ARC set on top, made by dkimpy after it validated the chain
before it (needs python3-authres; the message must carry an Authentication-Results of AUTHSERV_ID).
"""
import sys

import dkim


def dns(dns_file):
    records = {}
    with open(dns_file, "rb") as f:
        for line in f.read().splitlines():
            if line.strip():
                name, text = line.split(b"\t", 1)
                records[name.rstrip(b".").lower()] = text

    def dnsfunc(name, timeout=5):
        return records.get(name.rstrip(b".").lower())

    return dnsfunc


def main():
    command, message_file, dns_file = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(message_file, "rb") as f:
        message = f.read()
    if command == "verify":
        cv, results, reason = dkim.arc_verify(message, dnsfunc=dns(dns_file))
        print("%s %s" % (cv.decode() if cv else "none", reason))
        return 0
    key_file, selector, domain, srv_id = sys.argv[4:8]
    with open(key_file, "rb") as f:
        key = f.read()
    # dkimpy takes the chain's validation from the arc= result of the signer's own
    # Authentication-Results, as a receiving server would have written it: written here.
    cv, _, _ = dkim.arc_verify(message, dnsfunc=dns(dns_file))
    if cv != b"none":
        message = b"Authentication-Results: " + srv_id.encode() + b"; arc=" + cv + b"\r\n" + message
    fields = dkim.arc_sign(message, selector.encode(), domain.encode(), key, srv_id.encode())
    sys.stdout.buffer.write(b"".join(fields) + message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
