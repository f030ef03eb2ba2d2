#!/usr/bin/python3
"""Derive the TCP/IP/link-layer edge-case captures from the live ones (deterministic: no randomness, the same
sources give byte-identical outputs).  Usage: derive.py CAPTURES_DIR

Reads and writes classic pcap with a tiny reader/writer of its own (to control caplen/wirelen and truncation);
scapy only builds and edits packets.  Each output gets a key log (the source's) beside it.  Every packet that is
edited gets its IP and TCP checksums recomputed; untouched packets keep the partial checksums loopback gave them.
See README.md for what each file exercises.
"""
import os
import shutil
import struct
import subprocess
import sys

from scapy.layers.inet import IP, TCP, fragment
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether

D = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW = 0, 1, 101


# ---------------------------------------------------------------------------------------------------- pcap I/O
def read_pcap(name):
    """-> (linktype, [(ts_sec, ts_usec, bytes, wirelen)]).  Microsecond little-endian pcap only (what tcpdump wrote)."""
    with open(os.path.join(D, name), "rb") as f:
        data = f.read()
    magic, _, _, _, _, snap, lt = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4, name
    recs, off = [], 24
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append([sec, usec, data[off + 16:off + 16 + incl], orig])
        off += 16 + incl
    return lt, recs


def pcap_bytes(lt, recs, snaplen=262144):
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, lt))
    for sec, usec, b, orig in recs:
        out += struct.pack("<IIII", sec, usec, len(b), orig) + b
    return bytes(out)


def write_pcap(name, lt, recs, src, what, snaplen=262144):
    with open(os.path.join(D, name), "wb") as f:
        f.write(pcap_bytes(lt, recs, snaplen))
    keys = os.path.splitext(name)[0] + ".keys"
    shutil.copyfile(os.path.join(D, os.path.splitext(src)[0] + ".keys"), os.path.join(D, keys))
    print(f"derive: {name:32s} <- {src}: {what}")


def rec(sec, usec, pkt):
    b = bytes(pkt)
    return [sec, usec, b, len(b)]


def mid_time(a, b):
    """A timestamp halfway between records a and b."""
    ta = a[0] * 1_000_000 + a[1]
    tb = b[0] * 1_000_000 + b[1]
    t = (ta + tb) // 2
    return t // 1_000_000, t % 1_000_000


def refresh(pkt):
    """Recompute IP length/checksum and TCP checksum after an edit."""
    del pkt[IP].len
    del pkt[IP].chksum
    if TCP in pkt:
        del pkt[TCP].chksum
    return Ether(bytes(pkt))


# ---------------------------------------------------------------------------------------------------- analysis
class Conn:
    """The single TCP connection of an Ethernet capture: its data segments per direction and TLS record layout."""

    def __init__(self, recs):
        self.recs = recs
        self.pkts = [Ether(r[2]) for r in recs]
        syn = next(p for p in self.pkts if p[TCP].flags.S and not p[TCP].flags.A)
        self.client_port, self.server_port = syn[TCP].sport, syn[TCP].dport
        self.isn = {"c": syn[TCP].seq}
        synack = next(p for p in self.pkts if p[TCP].flags.S and p[TCP].flags.A)
        self.isn["s"] = synack[TCP].seq
        # indices of data-carrying packets per direction, in capture order
        self.data = {"c": [], "s": []}
        for i, p in enumerate(self.pkts):
            if len(p[TCP].payload):
                self.data[self.dir(p)].append(i)

    def dir(self, p):
        return "s" if p[TCP].sport == self.server_port else "c"

    def off(self, i):
        """Stream offset (0 = first byte after the SYN) of packet i's payload."""
        p = self.pkts[i]
        return (p[TCP].seq - self.isn[self.dir(p)] - 1) % 2**32

    def span(self, i):
        o = self.off(i)
        return o, o + len(self.pkts[i][TCP].payload)

    def stream(self, d):
        buf = bytearray()
        for i in sorted(self.data[d], key=self.off):
            o = self.off(i)
            pl = bytes(self.pkts[i][TCP].payload)
            if o + len(pl) > len(buf):
                buf[o:] = pl[len(buf) - o:] if o < len(buf) else pl
        return bytes(buf)

    def records(self, d):
        """[(offset, content_type, length)] of the TLS records of direction d."""
        s, out, o = self.stream(d), [], 0
        while o + 5 <= len(s):
            ln = struct.unpack(">H", s[o + 3:o + 5])[0]
            out.append((o, s[o], ln))
            o += 5 + ln
        return out

    def body_record(self):
        """The first server->client application-data record of at least 3000 bytes (the first body record)."""
        return next(r for r in self.records("s") if r[1] == 23 and r[2] >= 3000)

    def inside(self, rec_):
        """Server data packets lying wholly inside record rec_ (not holding its header)."""
        start, end = rec_[0], rec_[0] + 5 + rec_[2]
        return [i for i in self.data["s"] if self.span(i)[0] > start and self.span(i)[1] < end]


def segment_with(pkt, payload, seq):
    p = pkt.copy()
    p[TCP].seq = seq
    p[TCP].remove_payload()
    p[TCP].add_payload(payload)
    return refresh(p)


# ---------------------------------------------------------------------------------------------------- transforms
def reorder():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    s = c.data["s"]
    hs = s[:2]                          # the two segments of the server's first flight (ServerHello..Done)
    body = c.inside(c.body_record())[:1]
    k = s.index(body[0]) - 1            # three consecutive server segments around the first body record
    trio = s[k:k + 3]
    order = list(range(len(recs)))
    order[hs[0]], order[hs[1]] = hs[1], hs[0]
    order[trio[0]], order[trio[1]], order[trio[2]] = trio[1], trio[2], trio[0]
    out = [[recs[pos][0], recs[pos][1], recs[j][2], recs[j][3]] for pos, j in enumerate(order)]
    write_pcap("tcp-reorder.pcap", lt, out, src,
               f"server segments swapped: frames {hs[0]+1}<->{hs[1]+1} (ServerHello flight); frames "
               f"{trio[0]+1},{trio[1]+1},{trio[2]+1} now come as {trio[1]+1},{trio[2]+1},{trio[0]+1}")


def retrans():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    s, cl = c.data["s"], c.data["c"]
    dups = {  # packet index -> insert its exact copy after this packet index
        s[0]: s[0] + 3,                                   # ServerHello segment, retransmitted after two ACKs
        cl[-2]: cl[-2] + 1,                               # the HTTP request (last client data before close_notify)
        c.inside(c.body_record())[0]: c.inside(c.body_record())[0] + 4,   # a body segment, later
    }
    after = {v: k for k, v in dups.items()}
    out = []
    for i, r in enumerate(recs):
        out.append(r)
        if i in after:
            t = mid_time(r, recs[i + 1]) if i + 1 < len(recs) else (r[0], r[1] + 1)
            out.append([t[0], t[1], recs[after[i]][2], recs[after[i]][3]])
    write_pcap("tcp-retrans.pcap", lt, out, src,
               "exact duplicates (retransmissions) of frames %s inserted later; %d -> %d frames"
               % (",".join(str(k + 1) for k in sorted(dups)), len(recs), len(out)))


def gap():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    br = c.body_record()
    drop = c.inside(br)[0]
    o, e = c.span(drop)
    out = [r for i, r in enumerate(recs) if i != drop]
    write_pcap("tcp-gap.pcap", lt, out, src,
               f"frame {drop+1} dropped (server bytes {o}..{e} of the stream, inside the {br[2]}-byte record at "
               f"offset {br[0]}); the ACKs stay; later records are intact")


def overlap(conflict):
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    s = c.data["s"]
    inner = c.inside(c.body_record())
    a = inner[0]
    b = s[s.index(a) + 1]
    assert len(c.pkts[a][TCP].payload) == 1448 and len(c.pkts[b][TCP].payload) == 1448
    sa, sb = c.pkts[a][TCP].seq, c.pkts[b][TCP].seq
    st = c.stream("s")
    oa = c.off(a)
    # X covers [a+1000, b+900), Y covers [b+800, b+1448): b is replaced by X then Y
    x_lo, x_hi = oa + 1000, oa + 1448 + 900
    y_lo, y_hi = oa + 1448 + 800, oa + 1448 + 1448
    ydata = bytearray(st[y_lo:y_hi])
    if conflict:
        for j in range(100):          # the 100 bytes Y shares with X differ from what X (and the sender) had
            ydata[j] ^= 0x5A
    x = segment_with(c.pkts[b], st[x_lo:x_hi], (sa + 1000) % 2**32)
    y = segment_with(c.pkts[b], bytes(ydata), (sb + 800) % 2**32)
    out = []
    for i, r in enumerate(recs):
        if i == b:
            out.append(rec(r[0], r[1], x))
            t = mid_time(r, recs[i + 1])
            out.append(rec(t[0], t[1], y))
        else:
            out.append(r)
    name = "tcp-overlap-conflict.pcap" if conflict else "tcp-overlap.pcap"
    what = (f"frame {b+1} (server bytes {oa+1448}..{oa+2896}) replaced by X = bytes {x_lo}..{x_hi} (overlaps "
            f"frame {a+1} by 448 bytes) then Y = bytes {y_lo}..{y_hi} (overlaps X by 100 bytes)")
    what += ("; Y's 100 overlapping bytes DIFFER (XOR 0x5A): X, received first, has the true bytes"
             if conflict else "; all overlapping bytes identical")
    write_pcap(name, lt, out, src, what)


def midstream():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    first = c.inside(c.body_record())[1]
    out = recs[first:]
    write_pcap("tcp-midstream.pcap", lt, out, src,
               f"frames 1..{first} dropped: starts at server byte {c.off(first)}, in the middle of the "
               f"{c.body_record()[2]}-byte record at offset {c.body_record()[0]}; no SYN, no handshake")


def seqwrap():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    br = c.body_record()
    wrap_at = {"s": br[0] + 2000, "c": 60}      # stream offset at which seq crosses 2^32, per direction
    new_isn = {d: (2**32 - 1 - wrap_at[d]) for d in "sc"}
    delta = {d: (new_isn[d] - c.isn[d]) % 2**32 for d in "sc"}
    out = []
    for r, p in zip(recs, c.pkts):
        p = p.copy()
        d = c.dir(p)
        other = "c" if d == "s" else "s"
        p[TCP].seq = (p[TCP].seq + delta[d]) % 2**32
        if p[TCP].flags.A:
            p[TCP].ack = (p[TCP].ack + delta[other]) % 2**32
        out.append(rec(r[0], r[1], refresh(p)))
    write_pcap("tcp-seqwrap.pcap", lt, out, src,
               "all seq/ack numbers shifted: server ISN 0x%08x (seq wraps at server byte %d, inside the body), "
               "client ISN 0x%08x (wraps at client byte %d, inside the ClientHello); checksums recomputed"
               % (new_isn["s"], wrap_at["s"], new_isn["c"], wrap_at["c"]))


def ipfrag():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    c = Conn(recs)
    inner = c.inside(c.body_record())
    f1, f2 = inner[0], inner[1]
    out = []
    for i, r in enumerate(recs):
        if i not in (f1, f2):
            out.append(r)
            continue
        p = c.pkts[i].copy()
        p[IP].flags = 0
        p[IP].id = 0x4000 + i
        del p[TCP].chksum
        ip = IP(bytes(p[IP]))                  # fixes the TCP checksum before fragmenting
        frags = fragment(ip, fragsize=512)
        if i == f2:
            frags = list(reversed(frags))
        for fr in frags:
            del fr.chksum
            e = Ether(src=p.src, dst=p.dst, type=0x0800) / fr
            out.append(rec(r[0], r[1], Ether(bytes(e))))
    write_pcap("ip-fragments.pcap", lt, out, src,
               f"frame {f1+1} sent as 3 IPv4 fragments in order, frame {f2+1} as 3 fragments in reverse order "
               f"(fragment payloads 512/512/456 bytes, DF cleared, IP ids 0x{0x4000+f1:04x}/0x{0x4000+f2:04x})")


def vlan(qinq):
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    out = []
    for r in recs:
        e = Ether(r[2])
        if qinq:
            p = Ether(src=e.src, dst=e.dst, type=0x88A8) / Dot1AD(vlan=200, type=0x8100) / \
                Dot1Q(vlan=100, type=e.type) / e.payload
        else:
            p = Ether(src=e.src, dst=e.dst, type=0x8100) / Dot1Q(vlan=100, type=e.type) / e.payload
        out.append(rec(r[0], r[1], p))
    if qinq:
        write_pcap("vlan-qinq.pcap", lt, out, src, "every frame double-tagged: 802.1ad S-tag 200 (0x88a8), "
                   "then 802.1Q C-tag 100 (0x8100)")
    else:
        write_pcap("vlan.pcap", lt, out, src, "every frame 802.1Q-tagged, VLAN 100")


def port_reuse():
    src = "tls12-resume-ticket.pcap"
    lt, recs = read_pcap(src)
    pkts = [Ether(r[2]) for r in recs]
    syns = [p for p in pkts if p[TCP].flags.S and not p[TCP].flags.A]
    assert len(syns) == 2
    p1, p2 = syns[0][TCP].sport, syns[1][TCP].sport
    out = []
    for r, p in zip(recs, pkts):
        if p2 in (p[TCP].sport, p[TCP].dport):
            p = p.copy()
            if p[TCP].sport == p2:
                p[TCP].sport = p1
            else:
                p[TCP].dport = p1
            out.append(rec(r[0], r[1], refresh(p)))
        else:
            out.append(r)
    write_pcap("tcp-port-reuse.pcap", lt, out, src,
               f"the second connection's client port {p2} rewritten to the first's ({p1}): two connections on "
               f"one 4-tuple, the second (a ticket resumption) opening after the first closed")


def truncated():
    src = "tls12-ecdhe-aes128gcm.pcap"
    with open(os.path.join(D, src), "rb") as f:
        data = f.read()
    off, n = 24, 0
    while True:
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        if n == 19:
            break
        off += 16 + incl
        n += 1
    cut = off + 16 + incl // 2
    with open(os.path.join(D, "truncated.pcap"), "wb") as f:
        f.write(data[:cut])
    shutil.copyfile(os.path.join(D, "tls12-ecdhe-aes128gcm.keys"), os.path.join(D, "truncated.keys"))
    print(f"derive: {'truncated.pcap':32s} <- {src}: file cut at byte {cut}, in the middle of frame 20's data "
          f"({incl} bytes captured, {incl//2} present); frames 1-19 complete")


def snaplen():
    src = "tls12-ecdhe-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    out = [[r[0], r[1], r[2][:128], r[3]] for r in recs]
    write_pcap("snaplen-128.pcap", lt, out, src, "every frame cut to 128 captured bytes (wire length kept, "
               "header snaplen 128): caplen < len on every data frame", snaplen=128)


def link_raw():
    src = "tls13-aes128gcm.pcap"
    lt, recs = read_pcap(src)
    out = [rec(r[0], r[1], Ether(r[2])[IP]) for r in recs]
    write_pcap("link-raw.pcap", LINKTYPE_RAW, out, src, "Ethernet headers stripped: LINKTYPE_RAW (101), bare IPv4")


def link_null():
    src = "tls12-ecdhe-chacha20.pcap"
    lt, recs = read_pcap(src)
    out = []
    for r in recs:
        b = struct.pack("<I", 2) + bytes(Ether(r[2])[IP])     # AF_INET, host (little-endian) byte order
        out.append([r[0], r[1], b, len(b)])
    write_pcap("link-null.pcap", LINKTYPE_NULL, out, src,
               "Ethernet headers replaced by the 4-byte BSD loopback header (LINKTYPE_NULL 0, AF_INET=2 little-endian)")


def compressed():
    for src, tool, ext in (("tls12-ecdhe-aes128gcm.pcap", ["gzip", "-9", "-n", "-c"], ".gz"),
                           ("tls13-aes128gcm.pcap", ["zstd", "-19", "-q", "-c"], ".zst"),
                           ("tls12-ecdhe-chacha20.pcap", ["lz4", "-9", "-q", "-c"], ".lz4")):
        with open(os.path.join(D, src + ext), "wb") as f:
            subprocess.run(tool + [os.path.join(D, src)], stdout=f, check=True)
        print(f"derive: {src + ext:32s} <- {src}: compressed with {tool[0]} (key log: {src[:-5]}.keys)")


def mixed_linktypes():
    out = os.path.join(D, "mixed-linktypes.pcapng")
    subprocess.run(["mergecap", "-F", "pcapng", "-a", "-w", out, os.path.join(D, "tls12-ecdhe-aes128gcm.pcap"),
                    os.path.join(D, "sll2-tls12.pcap")], check=True)
    with open(os.path.join(D, "mixed-linktypes.keys"), "wb") as f:
        for k in ("tls12-ecdhe-aes128gcm.keys", "sll2-tls12.keys"):
            with open(os.path.join(D, k), "rb") as g:
                f.write(g.read())
    print(f"derive: {'mixed-linktypes.pcapng':32s} <- tls12-ecdhe-aes128gcm.pcap + sll2-tls12.pcap: "
          "mergecap -a: two interfaces, EN10MB then LINUX_SLL2 (libpcap refuses it, tshark reads it)")


if __name__ == "__main__":
    reorder()
    retrans()
    gap()
    overlap(False)
    overlap(True)
    midstream()
    seqwrap()
    ipfrag()
    vlan(False)
    vlan(True)
    port_reuse()
    truncated()
    snaplen()
    link_raw()
    link_null()
    compressed()
    mixed_linktypes()
