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

f.finish("hostile")
