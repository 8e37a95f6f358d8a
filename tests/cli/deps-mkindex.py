#!/usr/bin/env python3
"""Write a libkmod index (the format of modules.dep.bin) from a modules.dep
text file, so a test can give libkmod a module directory that depmod would
refuse to write (a dependency cycle).

usage: deps-mkindex.py MODULES.DEP OUT.BIN

The format, from libkmod-index.c: big-endian u32 magic 0xB007F457, version
0x00020001, root offset; a node is [prefix NUL][first last u32 children[]]
[u32 count, (u32 priority, value NUL)...], which of them present is told
by flags in the top bits of the offset that points at it. This writer
uses one character per trie level and no prefixes.
"""
import struct
import sys

MAGIC = 0xB007F457
VERSION = 0x00020001
F_VALUES = 0x40000000
F_CHILDS = 0x20000000


def modname(path):
    base = path.rsplit("/", 1)[-1]
    for suffix in (".ko.zst", ".ko.xz", ".ko.gz", ".ko"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.replace("-", "_")


def main():
    src, out = sys.argv[1], sys.argv[2]
    root = {"children": {}, "values": []}
    for line in open(src):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        node = root
        for ch in modname(line.split(":", 1)[0]):
            node = node["children"].setdefault(ch, {"children": {}, "values": []})
        node["values"].append(line)

    blob = bytearray(struct.pack(">III", MAGIC, VERSION, 0))

    def write(node):
        offsets = {ch: write(child) for ch, child in sorted(node["children"].items())}
        flags = 0
        body = bytearray()
        if offsets:
            flags |= F_CHILDS
            first, last = min(offsets), max(offsets)
            body += bytes([ord(first), ord(last)])
            for c in range(ord(first), ord(last) + 1):
                body += struct.pack(">I", offsets.get(chr(c), 0))
        if node["values"]:
            flags |= F_VALUES
            body += struct.pack(">I", len(node["values"]))
            for v in node["values"]:
                body += struct.pack(">I", 0) + v.encode() + b"\0"
        off = len(blob)
        blob.extend(body)
        return off | flags

    struct.pack_into(">I", blob, 8, write(root))
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
