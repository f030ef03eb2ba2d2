#!/usr/bin/env python3
"""Makes a long capture out of a short one by repeating it, each repetition shifted in time and
with new client ports, so every repetition's connections are new connections of the same
traffic pattern (same concurrency, same mix) — only the capture is longer.

  pcap_repeat.py IN.pcap OUT.pcap --times N  [--gap SECONDS]

Plain `struct`, no dependencies. Input: classic pcap (µs or ns, either byte order) with link type
Ethernet (1), Linux SLL (113) or raw IP (101); IPv4 and IPv6 TCP. Ports >= 32768 (the Linux
ephemeral range: the clients) are remapped per repetition r by p -> 32768 + (p - 32768 + r*K) mod
32768, a bijection, so ports that were distinct stay distinct. The TCP checksum is adjusted
incrementally (RFC 1624) so a checksum that was right stays right (loopback captures carry partial
checksums anyway). Repetition r is shifted by r * (duration + gap).
"""
import argparse
import struct
import sys

PORT_STEP = 7919  # odd, so r*K mod 32768 differs for every r < 32768


def csum_adjust(csum, old, new):
    # RFC 1624: HC' = ~(~HC + ~m + m')
    s = (~csum & 0xFFFF) + (~old & 0xFFFF) + new
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def remap(port, rep):
    if port < 32768 or rep == 0:
        return port
    return 32768 + (port - 32768 + rep * PORT_STEP) % 32768


def tcp_offset(linktype, data):
    """Offset of the TCP header in `data`, or None."""
    if linktype == 1:  # Ethernet, with optional VLAN tags
        off = 12
        if len(data) < 14:
            return None
        etype = struct.unpack_from(">H", data, off)[0]
        off += 2
        while etype in (0x8100, 0x88A8) and len(data) >= off + 4:
            etype = struct.unpack_from(">H", data, off + 2)[0]
            off += 4
    elif linktype == 113:  # Linux cooked
        if len(data) < 16:
            return None
        etype = struct.unpack_from(">H", data, 14)[0]
        off = 16
    elif linktype in (101, 12, 14):  # raw IP
        off = 0
        if not data:
            return None
        etype = 0x0800 if data[0] >> 4 == 4 else 0x86DD
    else:
        return None
    if etype == 0x0800 and len(data) >= off + 20:
        ihl = (data[off] & 0x0F) * 4
        frag = struct.unpack_from(">H", data, off + 6)[0]
        if data[off + 9] != 6 or frag & 0x1FFF:
            return None
        off += ihl
    elif etype == 0x86DD and len(data) >= off + 40:
        if data[off + 6] != 6:  # no extension headers in our captures
            return None
        off += 40
    else:
        return None
    return off if len(data) >= off + 18 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--times", type=int, required=True, help="number of repetitions (1 = copy)")
    ap.add_argument("--gap", type=float, default=1.0, help="seconds between repetitions")
    a = ap.parse_args()

    with open(a.input, "rb") as f:
        blob = f.read()
    magic = blob[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit(f"pcap_repeat: {a.input}: not a classic pcap file (pcapng is not supported)")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    unit = 1_000_000_000 if nano else 1_000_000
    linktype = struct.unpack_from(e + "I", blob, 20)[0] & 0x0FFFFFFF

    # Index the records once: (offset of header, caplen).
    recs = []
    off = 24
    while off + 16 <= len(blob):
        caplen = struct.unpack_from(e + "I", blob, off + 8)[0]
        if off + 16 + caplen > len(blob):
            print(f"pcap_repeat: warning: truncated record at offset {off}; ignoring the rest", file=sys.stderr)
            break
        recs.append((off, caplen))
        off += 16 + caplen
    if not recs:
        sys.exit("pcap_repeat: no packets")

    def ts(o):
        s, frac = struct.unpack_from(e + "II", blob, o)
        return s * unit + frac

    first, last = ts(recs[0][0]), ts(recs[-1][0])
    period = last - first + int(a.gap * unit)

    # Precompute TCP header offsets (the same for every repetition).
    tcp_offs = [tcp_offset(linktype, memoryview(blob)[o + 16:o + 16 + n]) for o, n in recs]

    with open(a.output, "wb", buffering=1 << 22) as out:
        out.write(blob[:24])
        for rep in range(a.times):
            shift = rep * period
            for (o, n), t in zip(recs, tcp_offs):
                hdr = bytearray(blob[o:o + 16])
                data = bytearray(blob[o + 16:o + 16 + n])
                if rep:
                    s, frac = struct.unpack_from(e + "II", hdr, 0)
                    total = s * unit + frac + shift
                    struct.pack_into(e + "II", hdr, 0, total // unit, total % unit)
                    if t is not None:
                        sport, dport = struct.unpack_from(">HH", data, t)
                        nsport, ndport = remap(sport, rep), remap(dport, rep)
                        if (nsport, ndport) != (sport, dport):
                            struct.pack_into(">HH", data, t, nsport, ndport)
                            if len(data) >= t + 18:
                                c = struct.unpack_from(">H", data, t + 16)[0]
                                c = csum_adjust(c, sport, nsport)
                                c = csum_adjust(c, dport, ndport)
                                struct.pack_into(">H", data, t + 16, c)
                out.write(hdr)
                out.write(data)
    print(f"pcap_repeat: {len(recs)} packets x {a.times} -> {a.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
