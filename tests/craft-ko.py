#!/usr/bin/env python3
# Make crafted copies of real kernel modules for the check tests: the
# signature is always dropped (an edited signed module is refused outright),
# then one thing is changed in place, keeping every size and offset.
#
#   craft-ko.py strip   SRC DST
#   craft-ko.py modinfo SRC DST KEY OLD NEW   KEY=OLD becomes KEY=NEW (NUL-padded)
#   craft-ko.py crc     SRC DST SYMBOL         flip bits of SYMBOL's __versions CRC
#   craft-ko.py machine SRC DST NUMBER         set e_machine (183: AArch64)
#   craft-ko.py section SRC DST OLD NEW        rename section OLD (as long: the kernel
#                                              then no longer finds it, e.g. __versions)
#   craft-ko.py rename  SRC DST NAME           another module name, as long: in .modinfo
#                                              and in struct module (.gnu.linkonce.this_module)
#   craft-ko.py info    SRC                    print "signed|unsigned" and sections
#
# Test-side only: ELF64 little-endian (the modules of the x86_64 test kernel).
import struct
import sys

SIG_MAGIC = b"~Module signature appended~\n"


def strip_signature(data):
    """Drop the appended signature: sig_len bytes, struct module_signature (12), the marker."""
    if not data.endswith(SIG_MAGIC):
        return data, False
    end = len(data) - len(SIG_MAGIC)
    # struct module_signature: algo, hash, id_type, signer_len, key_id_len, pad[3], __be32 sig_len
    sig_len = struct.unpack(">I", data[end - 4:end])[0]
    return data[: end - 12 - sig_len], True


def sections(data):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("craft-ko: not an ELF64 little-endian file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdrs = []
    for i in range(shnum):
        name, _type, _flags, _addr, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        hdrs.append((name, off, size))
    stroff = hdrs[shstrndx][1]
    out = {}
    for name, off, size in hdrs:
        end = data.index(b"\0", stroff + name)
        out[data[stroff + name:end].decode()] = (off, size)
    return out


def section(data, name):
    secs = sections(data)
    if name not in secs:
        sys.exit(f"craft-ko: no {name} section")
    return secs[name]


def set_modinfo(data, key, old, new):
    off, size = section(data, ".modinfo")
    old_b = f"{key}={old}\0".encode()
    new_b = f"{key}={new}".encode()
    if len(new_b) >= len(old_b):
        sys.exit(f"craft-ko: '{key}={new}' must be shorter than or as long as '{key}={old}'")
    pos = data.find(old_b, off, off + size)
    # The entry must start an entry: at the section start or after a NUL.
    while pos >= 0 and pos > off and data[pos - 1] != 0:
        pos = data.find(old_b, pos + 1, off + size)
    if pos < 0:
        sys.exit(f"craft-ko: no '{key}={old}' in .modinfo")
    data[pos:pos + len(old_b)] = new_b.ljust(len(old_b), b"\0")


def flip_crc(data, symbol):
    # struct modversion_info { unsigned long crc; char name[64 - sizeof(long)]; }
    off, size = section(data, "__versions")
    for pos in range(off, off + size, 64):
        name = bytes(data[pos + 8:pos + 64]).split(b"\0")[0].decode()
        if name == symbol:
            crc, = struct.unpack_from("<Q", data, pos)
            struct.pack_into("<Q", data, pos, crc ^ 0x5A5A5A5A)
            return
    sys.exit(f"craft-ko: no __versions entry for {symbol}")


def rename(data, new):
    off, size = section(data, ".modinfo")
    pos = data.find(b"name=", off, off + size)
    while pos > off and data[pos - 1] != 0:
        pos = data.find(b"name=", pos + 1, off + size)
    if pos < 0:
        sys.exit("craft-ko: no name= in .modinfo")
    old = bytes(data[pos + 5:data.index(b"\0", pos)]).decode()
    if len(new) != len(old):
        sys.exit(f"craft-ko: '{new}' must be as long as '{old}'")
    set_modinfo(data, "name", old, new)
    off, size = section(data, ".gnu.linkonce.this_module")
    pos = data.find(old.encode() + b"\0", off, off + size)
    if pos < 0:
        sys.exit(f"craft-ko: no '{old}' in .gnu.linkonce.this_module")
    data[pos:pos + len(new)] = new.encode()


def rename_section(data, old, new):
    if len(new) != len(old):
        sys.exit(f"craft-ko: '{new}' must be as long as '{old}'")
    section(data, old)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, _shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    stroff, = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 24)
    for i in range(_shnum):
        name, = struct.unpack_from("<I", data, shoff + i * shentsize)
        pos = stroff + name
        if data[pos:pos + len(old) + 1] == old.encode() + b"\0":
            data[pos:pos + len(new)] = new.encode()
            return


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__ or "usage: craft-ko.py strip|modinfo|crc|info SRC [DST ...]")
    op, src = argv[1], argv[2]
    data, signed = strip_signature(open(src, "rb").read())
    data = bytearray(data)
    if op == "info":
        print("signed" if signed else "unsigned")
        for name, (off, size) in sections(data).items():
            print(name, off, size)
        return
    dst = argv[3]
    if op == "strip":
        pass
    elif op == "modinfo" and len(argv) == 7:
        set_modinfo(data, argv[4], argv[5], argv[6])
    elif op == "crc" and len(argv) == 5:
        flip_crc(data, argv[4])
    elif op == "section" and len(argv) == 6:
        rename_section(data, argv[4], argv[5])
    elif op == "rename" and len(argv) == 5:
        rename(data, argv[4])
    elif op == "machine" and len(argv) == 5:
        sections(data)  # an ELF64 little-endian file
        struct.pack_into("<H", data, 18, int(argv[4]))
    else:
        sys.exit(f"craft-ko: bad arguments: {' '.join(argv[1:])}")
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main(sys.argv)
