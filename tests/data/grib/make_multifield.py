#!/usr/bin/python3
"""Joins single-field GRIB2 messages into one multi-field message (NCEP style: sections 4-7 repeated).

usage: make_multifield.py [--reuse-bitmap] [--grid-again] OUT IN1 IN2...
Each IN is one GRIB2 message; sections 1-3 are taken from IN1.
--reuse-bitmap: a field whose bitmap equals the previous field's bitmap gets a 6-byte section 6 with indicator
                254 ("the bitmap defined previously in this message applies").
--grid-again:   every field after the first repeats section 3 (sections 3-7 repeated), needed when grids differ.
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


args = sys.argv[1:]
reuse_bitmap = "--reuse-bitmap" in args
grid_again = "--grid-again" in args
args = [a for a in args if not a.startswith("--")]
out, inputs = args[0], args[1:]
head, first = sections(open(inputs[0], "rb").read())
body = b"".join(s for n, s in first if n in (1, 2, 3))
grid = dict(first)[3]
bitmap = None
for path in inputs:
    _, secs = sections(open(path, "rb").read())
    for n, s in secs:
        if n == 3:
            if grid_again and path != inputs[0]:
                body += s
                grid = s
            else:
                assert s == grid, f"{path}: another grid (use --grid-again)"
        elif n == 6:
            if reuse_bitmap and s[5] == 0 and s == bitmap:
                body += struct.pack(">IBB", 6, 6, 254)
            else:
                body += s
                bitmap = s if s[5] == 0 else bitmap
        elif n in (4, 5, 7):
            body += s
total = 16 + len(body) + 4
with open(out, "wb") as f:
    f.write(head[:8] + struct.pack(">Q", total) + body + b"7777")
