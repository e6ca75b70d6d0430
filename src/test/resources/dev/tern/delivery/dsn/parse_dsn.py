"""Reads a delivery status notification on stdin, parses it with Python's email package, and
prints what a program reading it would see, as JSON. Any parse defect is reported, not hidden."""
import email
import json
import re
import sys


def text(value):
    """A raw value as text: the parser keeps non-ASCII octets as surrogates (UTF-8 by RFC 6532)."""
    if value is None:
        return None
    try:
        return value.encode('ascii', 'surrogateescape').decode('utf-8')
    except UnicodeEncodeError:
        return value   # a payload the package has already decoded


def fields(message):
    """The header fields as sent, unfolded (RFC 5322 section 2.2.3)."""
    return {name: re.sub(r'\r?\n(?=[ \t])', '', text(value)) for name, value in message.raw_items()}


def status_blocks(part):
    payload = part.get_payload()
    if part.get_content_type() == 'message/delivery-status':
        # The email package itself splits this type into one Message per field block.
        return [fields(block) for block in payload]
    # message/global-delivery-status is parsed like any message/*: the first block becomes the
    # headers of one message, the recipient blocks its body.
    inner = payload[0]
    rest = inner.get_payload(decode=True).decode('utf-8')
    blocks = [fields(inner)]
    for chunk in re.split(r'(?:\r?\n){2,}', rest):
        if chunk.strip():
            blocks.append(fields(email.message_from_string(chunk + '\n')))
    return blocks


def returned(part):
    ctype = part.get_content_type()
    if ctype in ('message/rfc822', 'message/global'):
        inner = part.get_payload()[0]
        return {'type': ctype, 'headers': fields(inner), 'body': text(inner.get_payload())}
    if ctype == 'message/global-headers':
        inner = part.get_payload()[0]
        return {'type': ctype, 'headers': fields(inner), 'body': text(inner.get_payload())}
    raw = part.get_payload(decode=True).decode('utf-8')
    return {'type': ctype, 'headers': fields(email.message_from_string(raw)), 'body': None}


def main():
    message = email.message_from_bytes(sys.stdin.buffer.read())
    parts = message.get_payload()
    defects = [type(d).__name__ for p in message.walk() for d in p.defects]
    result = {
        'content_type': message.get_content_type(),
        'report_type': message.get_param('report-type'),
        'headers': fields(message),
        'defects': defects,
        'parts': [p.get_content_type() for p in parts],
        'text': parts[0].get_payload(decode=True).decode(parts[0].get_content_charset()),
        'status': status_blocks(parts[1]),
        'returned': returned(parts[2]) if len(parts) > 2 else None,
    }
    json.dump(result, sys.stdout)


main()
