#!/usr/bin/env python3
"""Synthetic load captures for tlslens (issue 7, resource bounds under load).

Writes classic pcap (Ethernet, microsecond timestamps) with nothing but the standard library:
packets are built from templates patched with struct, so a million connections take about a
minute, not the hours scapy would need.

Modes:
  short N OUT        N short TLS-looking connections: SYN, SYN-ACK, ACK, a ClientHello record
                     (with SNI), a ServerHello + ChangeCipherSpec, one application data record
                     each way, FIN/FIN/ACK. --window W connections run at once, interleaved
                     packet by packet (default 1000), so the flow table sees W concurrent flows.
  ooo N OUT          N connections opened first and kept open, each then sending the second
                     half of a 2000-byte ClientHello record ahead of its first half (a hole at
                     the start, so reassembly must buffer it); once all N hold their data, the
                     first halves arrive (--no-fill leaves the holes: the end-of-capture flush
                     reports them as gaps), then every connection closes. --open-only: per
                     connection just its handshake and second half, back to back, nothing after.
  stream N OUT       Like `short`, but spread over --hours of capture time and with a share of
                     connections that never close (--idle-share, ended by the idle timeout) and
                     that carry out-of-order data (--ooo-share): a long live capture. OUT may be
                     `-` (standard output) to feed `tlslens -r -` through a pipe.

Addresses: clients 10.a.b.c:port (unique per connection), servers 192.0.2.1-16:443.
"""
import argparse
import struct
import sys

ETH = bytes.fromhex("020000000002" "020000000001" "0800")  # dst, src, IPv4
SERVERS = 16
CLIENT_PORT_SPAN = 28000  # ports 32768.. (ephemeral), 28000 per client address


def client_endpoint(i):
    host = i // CLIENT_PORT_SPAN + 1
    ip = bytes((10, (host >> 16) & 255, (host >> 8) & 255, host & 255))
    return ip, 32768 + i % CLIENT_PORT_SPAN


def server_endpoint(i):
    return bytes((192, 0, 2, 1 + i % SERVERS)), 443


def tls_record(content_type, body, version=0x0303):
    return struct.pack("!BHH", content_type, version, len(body)) + body


def handshake(msg_type, body):
    return struct.pack("!B", msg_type) + len(body).to_bytes(3, "big") + body


def client_hello(sni, pad_to=None):
    name = sni.encode()
    server_name = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    exts = struct.pack("!HH", 0, len(server_name)) + server_name
    exts += bytes.fromhex("000a00040002001d")  # supported_groups: x25519
    exts += bytes.fromhex("000d0006000404030804")  # signature_algorithms
    body = b"\x03\x03" + bytes(range(32)) + b"\x00" + bytes.fromhex("0004c02fc030") + b"\x01\x00"
    if pad_to is not None:
        # padding extension (21) so that the whole record is exactly pad_to bytes
        base = 5 + 4 + len(body) + 2 + len(exts) + 4
        exts += struct.pack("!HH", 21, pad_to - base) + bytes(pad_to - base)
    body += struct.pack("!H", len(exts)) + exts
    return tls_record(22, handshake(1, body), version=0x0301)


def server_hello():
    body = b"\x03\x03" + bytes(range(32, 64)) + b"\x00" + b"\xc0\x2f" + b"\x00"
    exts = bytes.fromhex("ff01000100") + bytes.fromhex("000b00020100")  # renegotiation_info, ec_point_formats
    body += struct.pack("!H", len(exts)) + exts
    return tls_record(22, handshake(2, body))


CCS = tls_record(20, b"\x01")
APP_C = tls_record(23, bytes(range(64)) + bytes(32))
APP_S = tls_record(23, bytes(range(64, 128)) + bytes(96))
CH_CACHE = {}


def sni_hello(i):
    k = i % 64
    if k not in CH_CACHE:
        CH_CACHE[k] = client_hello(f"host{k}.load.example")
    return CH_CACHE[k]


class PcapWriter:
    def __init__(self, path):
        self.out = sys.stdout.buffer if path == "-" else open(path, "wb", buffering=1 << 20)
        self.out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.buf = []
        self.packets = 0

    def packet(self, ts_us, src, dst, seq, ack, flags, payload=b""):
        sip, sport = src
        dip, dport = dst
        ip_len = 20 + 20 + len(payload)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, 0, 0x4000, 64, 6, 0, sip, dip)
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags, 65535, 0, 0)
        frame_len = 14 + ip_len
        self.buf.append(struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, frame_len, frame_len))
        self.buf.append(ETH)
        self.buf.append(ip)
        self.buf.append(tcp)
        if payload:
            self.buf.append(payload)
        self.packets += 1
        if len(self.buf) > 40000:
            self.flush()

    def flush(self):
        self.out.write(b"".join(self.buf))
        self.buf.clear()

    def close(self):
        self.flush()
        if self.out is not sys.stdout.buffer:
            self.out.close()
        else:
            self.out.flush()


SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10


def short_connection_steps(i, never_close=False, ooo=False):
    """The packets of one short connection as a list of (src, dst, seq, ack, flags, payload)."""
    c, s = client_endpoint(i), server_endpoint(i)
    ci, si = (i * 7919) & 0xFFFFFFFF, (i * 104729 + 12345) & 0xFFFFFFFF
    ch, sh = sni_hello(i), server_hello() + CCS
    steps = [(c, s, ci, 0, SYN, b""), (s, c, si, ci + 1, SYN | ACK, b""), (c, s, ci + 1, si + 1, ACK, b"")]
    cn, sn = ci + 1, si + 1
    if ooo:
        # the second half of the ClientHello first, then the first half
        half = len(ch) // 2
        steps.append((c, s, cn + half, sn, PSH | ACK, ch[half:]))
        steps.append((c, s, cn, sn, PSH | ACK, ch[:half]))
    else:
        steps.append((c, s, cn, sn, PSH | ACK, ch))
    cn += len(ch)
    steps.append((s, c, sn, cn, PSH | ACK, sh))
    sn += len(sh)
    steps.append((c, s, cn, sn, PSH | ACK, APP_C))
    cn += len(APP_C)
    steps.append((s, c, sn, cn, PSH | ACK, APP_S))
    sn += len(APP_S)
    if never_close:
        return steps
    steps.append((c, s, cn, sn, FIN | ACK, b""))
    steps.append((s, c, sn, cn + 1, FIN | ACK, b""))
    steps.append((c, s, cn + 1, sn + 1, ACK, b""))
    return steps


def write_short(args):
    w = PcapWriter(args.out)
    ts = args.start * 1000000
    step_us = args.step_us
    n, window = args.connections, args.window
    for base in range(0, n, window):
        batch = [short_connection_steps(i) for i in range(base, min(n, base + window))]
        for k in range(max(len(b) for b in batch)):
            for steps in batch:
                if k < len(steps):
                    w.packet(ts, *steps[k])
                    ts += step_us
    w.close()
    return w.packets


def write_ooo(args):
    w = PcapWriter(args.out)
    ts = args.start * 1000000
    n = args.connections
    record = client_hello("ooo.load.example", pad_to=args.record_size)
    half = len(record) // 2
    conns = []
    for i in range(n):
        c, s = client_endpoint(i), server_endpoint(i)
        ci, si = (i * 7919) & 0xFFFFFFFF, (i * 104729 + 12345) & 0xFFFFFFFF
        conns.append((c, s, ci, si))
    if args.open_only:
        # Each connection's handshake and out-of-order half back to back, then nothing: every
        # connection is still open, holding its half, when the capture ends. With --max-flows M
        # exactly N - M are evicted; with a buffer cap each half that does not fit is a forced gap.
        for c, s, ci, si in conns:
            w.packet(ts, c, s, ci, 0, SYN)
            w.packet(ts + 1, s, c, si, ci + 1, SYN | ACK)
            w.packet(ts + 2, c, s, ci + 1, si + 1, ACK)
            w.packet(ts + 3, c, s, ci + 1 + half, si + 1, PSH | ACK, record[half:])
            ts += args.step_us
        w.close()
        return w.packets
    for c, s, ci, si in conns:
        w.packet(ts, c, s, ci, 0, SYN)
        w.packet(ts + 1, s, c, si, ci + 1, SYN | ACK)
        w.packet(ts + 2, c, s, ci + 1, si + 1, ACK)
        ts += args.step_us
    # Every connection now sends the second half first: reassembly holds it (the server's
    # ACK would say the first half is missing, so it does not ACK until the end).
    for c, s, ci, si in conns:
        w.packet(ts, c, s, ci + 1 + half, si + 1, PSH | ACK, record[half:])
        ts += args.step_us
    if not args.no_fill:
        for c, s, ci, si in conns:
            w.packet(ts, c, s, ci + 1, si + 1, PSH | ACK, record[:half])
            ts += args.step_us
    for c, s, ci, si in conns:
        cn, sn = ci + 1 + len(record), si + 1
        w.packet(ts, c, s, cn, sn, FIN | ACK)
        w.packet(ts + 1, s, c, sn, cn + 1, FIN | ACK)
        w.packet(ts + 2, c, s, cn + 1, sn + 1, ACK)
        ts += args.step_us
    w.close()
    return w.packets


def write_stream(args):
    """Connections start every `gap` microseconds over --hours; each runs its steps 2 ms apart,
    interleaved with the connections started around it (a heap of pending packets)."""
    import heapq
    w = PcapWriter(args.out)
    n = args.connections
    gap = max(1, int(args.hours * 3600 * 1000000 / max(1, n)))
    start = args.start * 1000000
    idle_every = int(round(1 / args.idle_share)) if args.idle_share > 0 else 0
    ooo_every = int(round(1 / args.ooo_share)) if args.ooo_share > 0 else 0
    pending = []  # (ts, i, step index) with the steps kept per connection
    steps_of = {}
    for i in range(n):
        t0 = start + i * gap
        while pending and pending[0][0] <= t0:
            ts, j, k = heapq.heappop(pending)
            steps = steps_of[j]
            w.packet(ts, *steps[k])
            if k + 1 < len(steps):
                heapq.heappush(pending, (ts + 2000, j, k + 1))
            else:
                del steps_of[j]
        never_close = idle_every > 0 and i % idle_every == idle_every - 1
        ooo = ooo_every > 0 and i % ooo_every == 0
        steps_of[i] = short_connection_steps(i, never_close=never_close, ooo=ooo)
        heapq.heappush(pending, (t0, i, 0))
    while pending:
        ts, j, k = heapq.heappop(pending)
        steps = steps_of[j]
        w.packet(ts, *steps[k])
        if k + 1 < len(steps):
            heapq.heappush(pending, (ts + 2000, j, k + 1))
    w.close()
    return w.packets


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["short", "ooo", "stream"])
    p.add_argument("connections", type=int)
    p.add_argument("out", help="output pcap, or - for standard output")
    p.add_argument("--window", type=int, default=1000, help="short: connections interleaved at once")
    p.add_argument("--step-us", type=int, default=10, help="microseconds between packets (short, ooo)")
    p.add_argument("--start", type=int, default=1700000000, help="first timestamp (Unix seconds)")
    p.add_argument("--record-size", type=int, default=2000, help="ooo: ClientHello record size in bytes")
    p.add_argument("--no-fill", action="store_true", help="ooo: never send the first halves")
    p.add_argument("--open-only", action="store_true",
                   help="ooo: per connection only the handshake and the out-of-order half, never closed")
    p.add_argument("--hours", type=float, default=4.0, help="stream: capture time spanned")
    p.add_argument("--idle-share", type=float, default=0.01, help="stream: share of connections never closed")
    p.add_argument("--ooo-share", type=float, default=0.1, help="stream: share with out-of-order data")
    args = p.parse_args()
    packets = {"short": write_short, "ooo": write_ooo, "stream": write_stream}[args.mode](args)
    print(f"{args.mode}: {args.connections} connections, {packets} packets -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
