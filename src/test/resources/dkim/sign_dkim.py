#!/usr/bin/python3
"""Signs a message with dkimpy (Debian's python3-dkim; ed25519 needs python3-nacl), an
implementation independent of Tern's, so that Tern's verifier is tested against signatures it did
not make itself.

usage: sign_dkim.py MESSAGE_FILE KEY_FILE SELECTOR DOMAIN ALGORITHM CANONICALIZATION HEADERS [length]

KEY_FILE holds an RSA private key in PEM (PKCS#1 or PKCS#8) for rsa-sha256, or the base64 of the
32-octet seed for ed25519-sha256. CANONICALIZATION is header/body, e.g. relaxed/simple; HEADERS the
names to sign, colon-separated. With "length" the signature gets an l= tag. Writes the
DKIM-Signature field followed by the message to standard output.
"""
import sys

import dkim


def main():
    message_file, key_file, selector, domain, algorithm, canonicalization, headers = sys.argv[1:8]
    length = len(sys.argv) > 8 and sys.argv[8] == "length"
    with open(message_file, "rb") as f:
        message = f.read()
    with open(key_file, "rb") as f:
        key = f.read().strip()
    header_canon, body_canon = canonicalization.split("/")
    signature = dkim.sign(message, selector.encode(), domain.encode(), key,
                          canonicalize=(header_canon.encode(), body_canon.encode()),
                          signature_algorithm=algorithm.encode(),
                          include_headers=[h.encode() for h in headers.split(":")],
                          length=length)
    sys.stdout.buffer.write(signature + message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
