#!/usr/bin/env python3
"""Writes a directory tree as a cpio "newc" archive (the initramfs format) to stdout.

Owners are root and times are zero so that the same tree gives the same bytes: the emulator's
reports must not change because an initramfs was rebuilt.
"""
import os
import stat
import sys


def header(ino, mode, nlink, size, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def archive(top, out):
    ino = 1
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for entry in sorted(dirnames + filenames):
            path = os.path.join(dirpath, entry)
            name = os.path.relpath(path, top)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            else:
                data = b""
            mode = stat.S_IFMT(st.st_mode) | stat.S_IMODE(st.st_mode)
            nlink = 2 if stat.S_ISDIR(st.st_mode) else 1
            raw = name.encode() + b"\0"
            h = header(ino, mode, nlink, len(data), raw[:-1])
            out.write(h + raw + pad(len(h) + len(raw)) + data + pad(len(data)))
            ino += 1
    trailer = b"TRAILER!!!\0"
    h = header(0, 0, 1, 0, trailer[:-1])
    out.write(h + trailer + pad(len(h) + len(trailer)))


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: mkcpio.py DIRECTORY > archive.cpio")
    archive(sys.argv[1], sys.stdout.buffer)
