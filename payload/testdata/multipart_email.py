#!/usr/bin/env python3
"""Parse a multipart/form-data body with Python's email package.

An independent reader for payload's multipart bodies (see
payload/multipart_external_test.go). Usage:

    multipart_email.py 'multipart/form-data; boundary=...' < body

prints a JSON object: "defects" (of the message and its parts, as strings)
and "parts", each with the Content-Disposition "name" and "filename" as the
email package decodes them, the media type and charset it reads from
Content-Type, the raw Content-Type header, and the bytes ("data", base64).
"""
import base64
import email.parser
import email.policy
import json
import sys


def main():
    content_type = sys.argv[1]
    body = sys.stdin.buffer.read()
    head = ("Content-Type: %s\r\nMIME-Version: 1.0\r\n\r\n" % content_type).encode("ascii")
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    out = {"multipart": msg.is_multipart(), "defects": [repr(d) for d in msg.defects], "parts": []}
    if msg.is_multipart():
        for part in msg.iter_parts():
            out["defects"] += [repr(d) for d in part.defects]
            data = part.get_payload(decode=True)
            out["parts"].append({
                "name": part.get_param("name", header="content-disposition"),
                "filename": part.get_filename(),
                "media_type": part.get_content_type(),
                "charset": part.get_param("charset"),
                "raw_content_type": dict(part.raw_items()).get("Content-Type"),
                "data": base64.b64encode(data).decode("ascii"),
            })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
