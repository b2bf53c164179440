#!/usr/bin/python3
"""Turns an XWD dump (xwd -silent, 24/32-bit TrueColor, as Xvfb makes) into a PNG.

    xwd2png.py IN.xwd OUT.png

Prints the number of distinct colours: a window that drew nothing has one or two.
"""
import struct
import sys
import zlib


def main():
    data = open(sys.argv[1], "rb").read()
    fields = struct.unpack(">25I", data[:100])
    header_size, width, height = fields[0], fields[4], fields[5]
    byte_order, bpp, bpl, ncolors = fields[7], fields[11], fields[12], fields[19]
    if bpp != 32:
        sys.exit("xwd2png: %d bits per pixel, only 32 is read" % bpp)
    pixels = data[header_size + 12 * ncolors:]
    rows, colours = [], set()
    for y in range(height):
        row = pixels[y * bpl:y * bpl + 4 * width]
        out = bytearray()
        for x in range(width):
            p = row[4 * x:4 * x + 4]
            b, g, r = (p[0], p[1], p[2]) if byte_order == 0 else (p[3], p[2], p[1])
            out += bytes((r, g, b))
            colours.add((r, g, b))
        rows.append(b"\0" + bytes(out))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))
    open(sys.argv[2], "wb").write(png)
    print(len(colours))


main()
