#!/usr/bin/env python3
"""Hostile input (issue 7): captures crafted with scapy that lie about lengths, flood tiny
records, claim 16 MB handshake messages, send hundreds of certificates or duplicate
extensions, and a key log full of garbage. Each must give a clear note or error, a normal exit
code, bounded memory (peak RSS from wait4) and no crash; ASan runs this test too."""
import os
import resource
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

try:
    from scapy.all import IP, TCP, Ether, wrpcap  # noqa: E402
except ImportError:
    # Debian's python3-scapy lives with /usr/bin/python3, which may not be the python3 first on PATH.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    common.skip("python3-scapy is not installed")

f = common.Failures()
tmp = tempfile.mkdtemp(prefix="tlslens-hostile-")
MAX_RSS_MIB = 200  # generous: ASan roughly triples tlslens's ~10 MiB


def flow(name, chunks):
    """A TCP connection 10.0.0.1:40000 -> 10.0.0.2:443 with a handshake, then each
    (direction, bytes) chunk as one segment (split at 60000 bytes), then FINs."""
    c, s = ("10.0.0.1", 40000), ("10.0.0.2", 443)
    seq = {"c": 1000, "s": 5000}
    pkts = [Ether() / IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=s[1], flags="S", seq=seq["c"] - 1),
            Ether() / IP(src=s[0], dst=c[0]) / TCP(sport=s[1], dport=c[1], flags="SA", seq=seq["s"] - 1,
                                                   ack=seq["c"]),
            Ether() / IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=s[1], flags="A", seq=seq["c"], ack=seq["s"])]
    for direction, data in chunks:
        for i in range(0, len(data), 60000):
            part = data[i:i + 60000]
            src, dst = (c, s) if direction == "c" else (s, c)
            other = "s" if direction == "c" else "c"
            pkts.append(Ether() / IP(src=src[0], dst=dst[0]) /
                        TCP(sport=src[1], dport=dst[1], flags="PA", seq=seq[direction], ack=seq[other]) / part)
            seq[direction] += len(part)
    pkts.append(Ether() / IP(src=c[0], dst=s[0]) / TCP(sport=c[1], dport=s[1], flags="FA", seq=seq["c"],
                                                      ack=seq["s"]))
    pkts.append(Ether() / IP(src=s[0], dst=c[0]) / TCP(sport=s[1], dport=c[1], flags="FA", seq=seq["s"],
                                                      ack=seq["c"] + 1))
    for i, p in enumerate(pkts):
        p.time = 1700000000 + i * 0.001
    path = os.path.join(tmp, name + ".pcap")
    wrpcap(path, pkts)
    return path


def record(content_type, body, version=0x0303):
    return struct.pack("!BHH", content_type, version, len(body) & 0xFFFF) + body


def handshake(msg_type, body, claimed=None):
    n = len(body) if claimed is None else claimed
    return struct.pack("!B", msg_type) + n.to_bytes(3, "big") + body


def client_hello(extensions=b""):
    body = b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
    body += struct.pack("!H", len(extensions)) + extensions
    return handshake(1, body)


def server_hello():
    body = b"\x03\x03" + bytes(range(32)) + b"\x00" + b"\xc0\x2f" + b"\x00" + b"\x00\x00"
    return handshake(2, body)


def run(args, what, expect_codes=(0,)):
    """Runs tlslens, returns (stdout, stderr, peak RSS MiB); checks exit code and memory."""
    proc = subprocess.Popen([common.TLSLENS] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace")
    out, err = proc.communicate(timeout=300)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    f.check(proc.returncode in expect_codes, f"{what}: exit {proc.returncode} (stderr {err[:300]!r})")
    f.check(proc.returncode >= 0, f"{what}: killed by signal {-proc.returncode}")
    f.check(rss < MAX_RSS_MIB, f"{what}: peak RSS {rss:.0f} MiB")
    f.check("AddressSanitizer" not in err and "runtime error" not in err, f"{what}: sanitizer report: {err[:2000]}")
    return out, err


# 1. A record header claiming 0xFFFF bytes (over the 2^14 + 2048 maximum).
p = flow("record-ffff", [("c", record(22, client_hello())), ("s", struct.pack("!BHH", 22, 0x0303, 0xFFFF) + bytes(200))])
out, err = run(["-r", p], "record length 0xFFFF")
f.check("does not look like tls (starts with 160303ffff" in out.lower(),
        f"record length 0xFFFF: no note\n{out[-1500:]}")

# 2. A handshake message claiming 2^24 - 1 bytes inside a small record, then the stream ends.
p = flow("handshake-16mb", [("c", record(22, handshake(1, bytes(100), claimed=0xFFFFFF)))])
out, err = run(["-r", p], "2^24 handshake claim")
f.check("stream ended inside a handshake message (104 of 16777219 bytes)" in out, f"2^24 claim: no note\n{out[-1500:]}")

# 3. Handshake length beyond its record, more records following (joined, then malformed).
p = flow("handshake-beyond", [("c", record(22, handshake(1, bytes(50), claimed=500)) + record(23, bytes(30)))])
out, err = run(["-r", p], "handshake beyond record")
f.check("stream ended inside a handshake message (54 of 504 bytes)" in out,
        f"handshake beyond record: no note\n{out[-1500:]}")

# 4. Duplicate extensions (two server_name) in the ClientHello.
sni = b"\x00\x00\x00\x0e\x00\x0c\x00\x00\x09localhost"
p = flow("dup-extensions", [("c", record(22, client_hello(sni + sni)))])
out, err = run(["-r", p, "-j"], "duplicate extensions")
f.check('"event":"message"' in out, "duplicate extensions: the ClientHello was not reported")

# 5. Three hundred certificates in one Certificate message (the same small one repeated).
der = open(os.path.join(common.CAPTURES_DIR, "certs", "audit", "root-ca.pem")).read()
import base64  # noqa: E402
der = base64.b64decode("".join(l for l in der.splitlines() if not l.startswith("-----")))
entries = b"".join(len(der).to_bytes(3, "big") + der for _ in range(300))
cert_msg = handshake(11, len(entries).to_bytes(3, "big") + entries)
flight = b"".join(record(22, cert_msg[i:i + 16000]) for i in range(0, len(cert_msg), 16000))
p = flow("300-certificates", [("c", record(22, client_hello(sni))), ("s", record(22, server_hello()) + flight)])
out, err = run(["-r", p, "-j"], "300 certificates")
f.check('"event":"chain"' in out, f"300 certificates: no chain verification\n{err[-500:]}")

# 6. An endless stream of tiny records: 200 000 one-byte alerts-to-be (content type 23, length 1).
tiny = record(23, b"x") * 200000
p = flow("tiny-records", [("c", record(22, client_hello(sni))), ("s", record(22, server_hello()) + tiny)])
out, err = run(["-r", p, "-q"], "200k tiny records")
f.check(out.count("\n") >= 200000, f"200k tiny records: only {out.count(chr(10))} lines")

# 7. A key log of garbage: 20 000 bad lines and one good one; problems are capped, the rest used.
keylog = os.path.join(tmp, "garbage.keys")
with open(keylog, "w") as fh:
    for i in range(20000):
        fh.write(["CLIENT_RANDOM zz yy\n", "\x00\x01\x02 binary\n", "x" * 5000 + "\n", "RSA 00\n"][i % 4])
    fh.write("CLIENT_RANDOM " + "00" * 32 + " " + "11" * 48 + "\n")
out, err = run(["-r", os.path.join(common.CAPTURES_DIR, "demo.pcapng"), "-l", keylog, "-q"], "garbage key log")
f.check(err.count("\n") < 1100, f"garbage key log: {err.count(chr(10))} lines on stderr (not capped)")
f.check("19000 more key log problems not shown" in err, f"garbage key log: no cap notice\n{err[-600:]}")

# 8. Truncated and inconsistent pcap files: header cut, caplen > len, zero-length packet.
demo = open(os.path.join(common.CAPTURES_DIR, "tls12-ecdhe-aes128gcm.pcap"), "rb").read()
cut = os.path.join(tmp, "cut-header.pcap")
open(cut, "wb").write(demo[:20])
out, err = run(["-r", cut], "cut pcap header", expect_codes=(2,))
f.check(err.count("\n") == 1 and err.startswith("tlslens:"), f"cut header: {err!r}")
half = os.path.join(tmp, "cut-record.pcap")
open(half, "wb").write(demo[:len(demo) // 2])
out, err = run(["-r", half], "cut pcap record", expect_codes=(2,))
f.check("truncated" in err, f"cut record: {err!r}")
hdr = demo[:24]
weird = hdr + struct.pack("<IIII", 1700000000, 0, 0, 0)  # zero-length packet
weird += struct.pack("<IIII", 1700000000, 1, 60, 20) + bytes(60)  # caplen > len
weird += demo[24:]
bad = os.path.join(tmp, "weird-lengths.pcap")
open(bad, "wb").write(weird)
out, err = run(["-r", bad], "zero-length and caplen > len packets", expect_codes=(0, 2))


# ---- Header lengths that point past the packet, odd pcap record lengths, fragment bombs,
# ---- overlapping fragments, deeply nested ASN.1 (the rest of issue 7's list).
import json  # noqa: E402

from scapy.all import IPv6, rdpcap, raw  # noqa: E402


def write_pcap(name, frames, snaplen=262144):
    """frames: (caplen, wire length, bytes), bytes padded with zeros or cut to caplen."""
    path = os.path.join(tmp, name + ".pcap")
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))
        for i, (caplen, length, data) in enumerate(frames):
            data = (data + bytes(max(0, caplen - len(data))))[:caplen]
            fh.write(struct.pack("<IIII", 1700000000, i, caplen, length) + data)  # 1 us apart
    return path


def json_events(out, event):
    return [json.loads(line) for line in out.splitlines() if f'"event":"{event}"' in line]


def stat(out, label):
    for line in out.splitlines():
        if line.strip().startswith(label):
            return line.split()[-1]
    return None


C, S = ("10.0.0.1", 40000), ("10.0.0.2", 443)
hello_with_sni = record(22, client_hello(sni))

# 9. An IPv4 IHL of 60 bytes in a 34-byte frame; a TCP data offset of 60 bytes in a 20-byte
#    header; an IPv6 hop-by-hop header claiming 2048 bytes of an 8-byte payload.
ihl = raw(Ether() / IP(src=C[0], dst=S[0], ihl=15, len=60, proto=6))[:34]
doff = raw(Ether() / IP(src=C[0], dst=S[0]) / TCP(sport=C[1], dport=S[1], dataofs=15, flags="S"))
v6 = raw(Ether(type=0x86DD) / IPv6(src="2001:db8::1", dst="2001:db8::2", nh=0, plen=8)) + bytes([6, 255]) + bytes(6)
p = write_pcap("header-lengths", [(len(b), len(b), b) for b in (ihl, doff, v6)])
out, err = run(["-r", p, "-j"], "header lengths past the packet")
reasons = [e["reason"] for e in json_events(out, "malformed_packet")]
f.check(reasons == ["IPv4 header truncated", "TCP header longer than the segment", "IPv6 extension header truncated"],
        f"header lengths: malformed reasons {reasons}")
out, err = run(["-r", p, "--stats"], "header lengths past the packet, text")
f.check(stat(out, "malformed packets") == "3", f"header lengths: --stats\n{out[-1500:]}")

# 10. Zero-length packets around a connection whose ClientHello travels in a maximum-length
#     (262144-byte) frame: the frame's bytes past the IP datagram are link padding.
frames = [raw(x) for x in rdpcap(flow("max-length-src", [("c", hello_with_sni)]))]
big = frames[3] + bytes(262144 - len(frames[3]))
records = [(0, 0, b"")] + [(len(b), len(b), b) for b in frames[:3]] + [(262144, 262144, big)]
records += [(0, 0, b"")] + [(len(b), len(b), b) for b in frames[4:]]
p = write_pcap("zero-and-max-length", records)
out, err = run(["-r", p, "-j"], "zero-length and 262144-byte packets")
snis = [e for e in json_events(out, "message") if "localhost" in json.dumps(e)]
f.check(len(snis) == 1, f"262144-byte packet: the ClientHello was not decoded\n{out[:2000]}")

# 11. A record whose caplen exceeds its wire length, one longer than the file's snap length
#     (100), and one beyond libpcap's 262144-byte maximum: each is processed or is one error line.
for name, caplen, length, snaplen in (("caplen-over-len", 200, 60, 262144), ("caplen-over-snaplen", 200, 200, 100),
                                      ("caplen-over-max", 300000, 300000, 262144)):
    frames = [raw(x) for x in rdpcap(flow(name + "-src", [("c", hello_with_sni)]))]
    records = [(len(b), len(b), b) for b in frames[:3]] + [(caplen, length, frames[3])]
    p = write_pcap(name, records, snaplen=snaplen)
    out, err = run(["-r", p], name, expect_codes=(0, 2))
    lines = [line for line in err.splitlines() if line.strip()]
    f.check(all(line.startswith("tlslens:") for line in lines) and len(lines) <= 2, f"{name}: stderr {err!r}")
    f.check("New TCP connection #1" in out, f"{name}: the packets before it were not processed\n{out[:800]}")

# 12. A fragment bomb: 40 000 fragments of 4000 datagrams that never complete (no last
#     fragment), then a whole connection: the fragment caps evict, the connection is decoded.
bomb = []
for ident in range(4000):
    for k in range(10):
        frag = Ether() / IP(src="10.9.%d.%d" % (ident // 250, ident % 250), dst=S[0], id=ident, flags="MF",
                            frag=k * 2 + (ident % 2), proto=6) / (b"B" * 16)
        b = raw(frag)
        bomb.append((len(b), len(b), b))
frames = [raw(x) for x in rdpcap(flow("bomb-src", [("c", hello_with_sni)]))]
p = write_pcap("fragment-bomb", bomb + [(len(b), len(b), b) for b in frames])
out, err = run(["-r", p, "--stats", "-q"], "fragment bomb")
f.check(stat(out, "IP fragments") == "40000", f"fragment bomb: IP fragments {stat(out, 'IP fragments')}")
# 1024 datagrams (the cap) are held at a time; the rest are evicted, those left are dropped at the end.
f.check(stat(out, "IP datagrams dropped incomplete") == "4000",
        f"fragment bomb: dropped {stat(out, 'IP datagrams dropped incomplete')}\n{out[-1500:]}")
f.check("ClientHello" in out, f"fragment bomb: the connection after it was not decoded\n{out[-1500:]}")

# 13. Overlapping fragments: the ClientHello segment cut into three fragments, the middle one
#     sent twice -- first the true bytes, then garbage over the same range and beyond the first
#     fragment's start. The first copy wins: the ClientHello decodes with its SNI.
frames = rdpcap(flow("overlap-src", [("c", hello_with_sni)]))
seg = frames[3]
ip_payload = raw(seg[IP].payload)
n = len(ip_payload) // 3 // 8 * 8


def fragment(offset, data, more):
    return raw(Ether() / IP(src=C[0], dst=S[0], id=77, proto=6, flags="MF" if more else 0, frag=offset // 8) / data)


pieces = [fragment(0, ip_payload[:n], True), fragment(n, ip_payload[n:2 * n], True),
          fragment(n - 8, b"\xff" * (n + 16), True), fragment(2 * n, ip_payload[2 * n:], False)]
frames = [raw(x) for x in frames]
p = write_pcap("overlapping-fragments", [(len(b), len(b), b) for b in frames[:3] + pieces + frames[4:]])
out, err = run(["-r", p, "-j"], "overlapping fragments")
f.check(len([e for e in json_events(out, "message") if "localhost" in json.dumps(e)]) == 1,
        f"overlapping fragments: the first copies did not make the ClientHello\n{out[:2000]}")
end = json_events(out, "capture_end")
f.check(end and end[0]["ip_fragments"] == 4 and end[0]["ip_reassembled"] == 1, f"overlapping fragments: {end}")

# 14. Deeply nested ASN.1 in certificates of a TLS 1.2 Certificate message: a signed certificate
#     with an extension of 20 000 nested SEQUENCEs, and a "certificate" that is 200 000 nested
#     SEQUENCEs and nothing else (OpenSSL refuses it: a note, the rest goes on).
def der_length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def nested_sequences(depth):
    inner = b"\x30\x00"
    for _ in range(depth - 1):
        inner = b"\x30" + der_length(len(inner)) + inner
    return inner


try:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "nested.example")])
    now = datetime.datetime(2023, 11, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"),
                                                      nested_sequences(20000)), critical=False)
            .sign(key, hashes.SHA256()))
    nested_der = cert.public_bytes(serialization.Encoding.DER)
except ImportError:
    nested_der = None
    print("SKIPPED the signed deeply nested certificate: python3-cryptography is not installed")
bogus = nested_sequences(200000)
entries = b"".join(len(d).to_bytes(3, "big") + d for d in (nested_der, bogus) if d is not None)
cert_msg = handshake(11, len(entries).to_bytes(3, "big") + entries)
flight = b"".join(record(22, cert_msg[i:i + 16000]) for i in range(0, len(cert_msg), 16000))
p = flow("nested-asn1", [("c", hello_with_sni), ("s", record(22, server_hello()) + flight)])
for args in (["-N"], ["-j", "-A"]):
    out, err = run(["-r", p] + args, "deeply nested ASN.1 " + " ".join(args))
    f.check("Certificate" in out, f"nested ASN.1 {args}: the Certificate message was not shown\n{out[-1500:]}")
    if nested_der is not None:
        f.check("nested.example" in out, f"nested ASN.1 {args}: the signed certificate was not described\n"
                                         f"{out[-1500:]}")

f.finish("hostile")
