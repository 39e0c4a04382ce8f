#!/usr/bin/python3
"""pngstat.py: what a screenshot holds, with the standard library only.

    pngstat.py FILE.png  ->  "WIDTH HEIGHT COLOURS NONWHITE_SHARE"

Reads an 8-bit RGB or RGBA PNG (what headless Chromium writes): its IDAT
chunks inflated with zlib, each row unfiltered (None, Sub, Up, Average,
Paeth), then counts the distinct colours and the share of pixels that are
not white.  A blank page gives 1 colour and a share of 0.  Exits 2 on a
file that is no such PNG.
"""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if not ihdr:
        raise ValueError("no IHDR")
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("not an 8-bit RGB(A) PNG without interlacing")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        elif f != 0:
            raise ValueError("bad filter %d" % f)
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    try:
        w, h, bpp, rows = read(sys.argv[1])
    except (OSError, ValueError, zlib.error, struct.error, IndexError) as e:
        print("pngstat: %s: %s" % (sys.argv[1] if len(sys.argv) > 1 else "?", e),
              file=sys.stderr)
        sys.exit(2)
    colours, nonwhite = set(), 0
    for line in rows:
        for x in range(0, w * bpp, bpp):
            px = line[x:x + 3]
            colours.add(px)
            if px != b"\xff\xff\xff":
                nonwhite += 1
    print("%d %d %d %.4f" % (w, h, len(colours), nonwhite / float(w * h)))


if __name__ == "__main__":
    main()
