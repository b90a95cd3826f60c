#!/usr/bin/env python3
"""Compares the PNGs of two `locus demo` folders pixel by pixel (stdlib only: zlib + the five PNG row filters).

Usage: pngdiff.py DIR_A DIR_B [--tol LEVELS] [--max-frac FRACTION]
A file passes when at most FRACTION of its samples differ by more than LEVELS (defaults 2 and 0.01): float rounding
that differs between CPUs may move a pixel by a level or flip a rare thresholded mask pixel, but not more.
Prints one line per PNG and a last line 'N identical, M close, K different'; exit 1 if any file differs or is missing.
"""
import os
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def decode(path):
    """(width, height, channels, bytearray of samples) of an 8-bit, non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR")
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in CHANNELS or interlace != 0:
        raise ValueError(f"{path}: only 8-bit non-interlaced gray/RGB/GA/RGBA PNGs are supported (depth {depth}, color {color})")
    bpp = CHANNELS[color]
    stride = width * bpp
    raw = zlib.decompress(bytes(idat))
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up = prev[i]
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                ul = prev[i - bpp] if i >= bpp else 0
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else ul)
                row[i] = (row[i] + pred) & 255
            elif kind != 0:
                raise ValueError(f"{path}: bad filter {kind} in row {y}")
        out[y * stride:(y + 1) * stride] = row
        prev = row
    return width, height, bpp, out


def main(argv):
    args, opts, i = [], {}, 0
    while i < len(argv):
        if argv[i] in ("--tol", "--max-frac") and i + 1 < len(argv):
            opts[argv[i]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    tol = int(opts.get("--tol", 2))
    max_frac = float(opts.get("--max-frac", 0.01))
    if len(args) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a_dir, b_dir = args[0], args[1]
    names = sorted(n for n in os.listdir(a_dir) if n.endswith(".png"))
    if not names:
        print(f"error: no PNGs in {a_dir}", file=sys.stderr)
        return 2
    same = close = bad = 0
    for name in names:
        b_path = os.path.join(b_dir, name)
        if not os.path.exists(b_path):
            print(f"MISSING   {name}")
            bad += 1
            continue
        a, b = decode(os.path.join(a_dir, name)), decode(b_path)
        if a[:3] != b[:3]:
            print(f"DIFFERENT {name}: size {a[0]}x{a[1]}x{a[2]} vs {b[0]}x{b[1]}x{b[2]}")
            bad += 1
            continue
        diffs = [abs(x - y) for x, y in zip(a[3], b[3]) if x != y]
        if not diffs:
            print(f"identical {name}")
            same += 1
            continue
        over = sum(1 for d in diffs if d > tol) / len(a[3])
        ok = over <= max_frac
        close += ok
        bad += not ok
        print(f"{'close    ' if ok else 'DIFFERENT'} {name}: {len(diffs)} of {len(a[3])} samples differ, max {max(diffs)}, "
              f"{over:.4%} by more than {tol}")
    print(f"{same} identical, {close} close, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
