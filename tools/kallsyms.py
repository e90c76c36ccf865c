#!/usr/bin/env python3
"""Writes a Linux bzImage's symbol table, read from the kernel's own kallsyms tables, as a System.map.

Debian ships a stub System.map (the real one is in a 760 MB -dbg package), but every kernel built
with CONFIG_KALLSYMS carries its symbols compressed in .rodata. This finds them the way the
kernel's scripts/kallsyms.c lays them out (base-relative offsets, 32-bit):

  kallsyms_offsets[N]  kallsyms_relative_base  kallsyms_num_syms  kallsyms_names
  kallsyms_markers[(N+255)/256]  [kallsyms_seqs_of_names: 3 bytes each, newer kernels]
  kallsyms_token_table  kallsyms_token_index[256]

The token table is found first: a character that stands for itself is its own token, so the
digits appear as "0\\0" "1\\0" ... "9\\0", and the 256 offsets of kallsyms_token_index that follow
must match the strings. Everything else is found backwards from there and cross-checked.
"""
import bz2
import gzip
import lzma
import struct
import sys

SETUP_SECTS = 0x1F1
HEADER_MAGIC = 0x202
PAYLOAD_OFFSET = 0x248
PAYLOAD_LENGTH = 0x24C


def fail(msg):
    sys.exit("kallsyms.py: " + msg)


def payload(image):
    if image[HEADER_MAGIC:HEADER_MAGIC + 4] != b"HdrS":
        fail("not a bzImage (no HdrS setup header)")
    setup = ((image[SETUP_SECTS] or 4) + 1) * 512
    off, length = struct.unpack_from("<II", image, PAYLOAD_OFFSET)
    data = image[setup + off:setup + off + length]
    if data.startswith(b"\xfd7zXZ"):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data)
    if data.startswith(b"\x1f\x8b"):
        return gzip.decompress(data)
    if data.startswith(b"BZh"):
        return bz2.decompress(data)
    if data.startswith(b"\x5d\x00"):
        return lzma.LZMADecompressor(format=lzma.FORMAT_ALONE).decompress(data)
    fail("unsupported kernel compression (magic %s)" % data[:4].hex())


def token_table(v):
    digits = b"".join(bytes([c]) + b"\0" for c in b"0123456789")
    at = v.find(digits)
    while at >= 0:
        start = at
        for _ in range(ord("0")):          # back to token 0
            start = v.rfind(b"\0", 0, start - 1) + 1
        offsets, p = [], start
        for _ in range(256):
            offsets.append(p - start)
            p = v.index(b"\0", p) + 1
        for pad in range(8):
            index = p + pad
            if list(struct.unpack_from("<256H", v, index)) == offsets:
                return start, [v[start + o:v.index(b"\0", start + o)].decode("latin-1") for o in offsets]
        at = v.find(digits, at + 1)
    fail("no kallsyms token table (was the kernel built without CONFIG_KALLSYMS?)")


def u32(v, off):
    return struct.unpack_from("<I", v, off)[0]


def markers_before(v, table):
    """Finds N and kallsyms_markers, with or without the 3-byte kallsyms_seqs_of_names between."""
    for n in range(256, 1 << 20):
        count = (n + 255) // 256
        for seqs in (3 * n, 0):
            for pad in range(4):
                end = table - pad - seqs
                if end % 4:
                    continue
                start = end - 4 * count
                if start < 0 or u32(v, start) != 0:
                    continue
                markers = [u32(v, start + 4 * i) for i in range(count)]
                if all(a < b for a, b in zip(markers, markers[1:])):
                    names = names_start(v, start, n, markers[-1])
                    if names is not None:
                        return n, names
    fail("no kallsyms_markers before the token table")


def names_start(v, markers, n, last_marker):
    """kallsyms_names: N length-prefixed entries ending at the markers, num_syms = N just before."""
    for s in range(markers - last_marker - 1, max(markers - last_marker - 65536, 4), -1):
        if u32(v, s - 4) != n:
            continue
        p = s
        for _ in range(n):
            length = v[p]
            if length & 0x80:          # two-byte length, kernels from 6.1 on
                length = (length & 0x7F) | (v[p + 1] << 7)
                p += 1
            p += 1 + length
            if p > markers:
                break
        else:
            if markers - p < 4:
                return s
    return None


def symbols(v):
    table, tokens = token_table(v)
    n, names = markers_before(v, table)
    base = u32(v, names - 8)
    offsets = struct.unpack_from("<%dI" % n, v, names - 8 - 4 * n)
    p = names
    for i in range(n):
        length = v[p]
        if length & 0x80:
            length = (length & 0x7F) | (v[p + 1] << 7)
            p += 1
        p += 1
        text = "".join(tokens[b] for b in v[p:p + length])
        p += length
        yield (base + offsets[i]) & 0xFFFFFFFF, text[0], text[1:]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: kallsyms.py BZIMAGE > System.map")
    with open(sys.argv[1], "rb") as f:
        image = f.read()
    out = sys.stdout
    for address, kind, name in sorted(symbols(payload(image))):
        out.write("%08x %s %s\n" % (address, kind, name))


if __name__ == "__main__":
    main()
