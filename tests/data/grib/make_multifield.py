#!/usr/bin/python3
"""Joins single-field GRIB2 messages on one grid into one multi-field message (NCEP style: sections 4-7 repeated).

usage: make_multifield.py OUT IN1 IN2...   (each IN one GRIB2 message; sections 1 and 3 are taken from IN1)
"""
import struct
import sys


def sections(msg):
    assert msg[:4] == b"GRIB" and msg[7] == 2, "not a GRIB2 message"
    pos, out = 16, []
    while msg[pos:pos + 4] != b"7777":
        length = struct.unpack(">I", msg[pos:pos + 4])[0]
        out.append((msg[pos + 4], msg[pos:pos + length]))
        pos += length
    return msg[:16], out


out, inputs = sys.argv[1], sys.argv[2:]
head, first = sections(open(inputs[0], "rb").read())
body = b"".join(s for n, s in first if n in (1, 2, 3))
for path in inputs:
    _, secs = sections(open(path, "rb").read())
    body += b"".join(s for n, s in secs if n in (4, 5, 6, 7))
total = 16 + len(body) + 4
with open(out, "wb") as f:
    f.write(head[:8] + struct.pack(">Q", total) + body + b"7777")
