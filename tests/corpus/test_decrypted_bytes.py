#!/usr/bin/env python3
"""Decrypted bytes against tshark: for every decryptable capture in captures/ and in
../shared/corpus/wireshark (with the key material its MANIFEST names), the concatenated decrypted
application data of each TCP connection and direction (`tlslens -j -d`) must equal tshark's
(`tshark -q -z follow,tls,raw,N` with the same key material).

tshark 4.0's follow,tls,raw output: per stream a block headed "Filter: tcp.stream eq N" and
"Node 0: IP:PORT" (Node 1 is printed as ":0" for tls); each data chunk is one hex line, unindented
when sent by Node 0, indented with a tab when sent by the other side. Node 0 is the sender of the
first decrypted chunk tshark saw, which is not always the client (rsasnakeoil2 stream 1: the server).

Files where tshark is not the reference (captures/README.md: tcp-gap, tcp-midstream, snaplen-128,
tls13-mtls-pha, truncated) are skipped with their reason; so are DTLS captures (UDP; no DTLS
decryption yet) and mixed-linktypes.pcapng (libpcap refuses it). Skips the corpus part with a message
when ../shared/corpus is absent; skips everything when tshark is missing."""
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import common  # noqa: E402

TSHARK = shutil.which("tshark")
if not TSHARK:
    common.skip("tshark is not installed (it is the reference for this test)")

f = common.Failures()
CAPS = common.CAPTURES_DIR
CORPUS_CAPS = os.path.join(common.CORPUS_DIR, "captures")
CORPUS_KEYS = os.path.join(common.CORPUS_DIR, "keys")
TSHARK_COMMON = ["-o", "tcp.reassemble_out_of_order:TRUE"]

# Known, explained differences where tshark is demonstrably wrong: (file, tcp stream, direction) ->
# reason. The comparison for that key is reported, not failed. Never add a tlslens bug here.
EXCEPTIONS = {}

# captures/ files that are not compared, with the reason (captures/README.md).
CAPTURES_SKIPPED = {
    "tcp-gap.pcap": "lost segment: tshark shows 1 req / 0 resp, it is not the reference",
    "tcp-midstream.pcap": "starts mid-connection: nothing decryptable",
    "snaplen-128.pcap": "every frame cut to 128 bytes: nothing decryptable",
    "tls13-mtls-pha.pcap": "tshark 4.0 loses the client direction after post-handshake auth (README)",
    "truncated.pcap": "file cut inside a packet: tlslens reports an error, tshark is not the reference",
    "mixed-linktypes.pcapng": "libpcap refuses pcapng with mixed link types; tlslens exits with an error",
}


def tshark_run(capture, args):
    """Runs tshark; returns stdout (text)."""
    res = common.run_reference([TSHARK, "-n", "-r", capture] + TSHARK_COMMON + args, capture, timeout=120)
    if res.returncode != 0:
        f.check(False, f"{os.path.basename(capture)}: tshark exit {res.returncode}: {res.stderr.strip()[:300]}")
    return res.stdout


def tshark_streams(capture, args):
    """tcp.stream -> ordered list of the endpoint pairs (frozenset of 'ip:port'), first-seen order."""
    out = tshark_run(capture, args + ["-T", "fields", "-E", "separator=|", "-e", "tcp.stream", "-e", "ip.src",
                                      "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst",
                                      "-e", "tcp.dstport"])
    streams = {}
    for line in out.split("\n"):
        parts = line.split("|")
        if len(parts) != 7 or not parts[0]:
            continue
        # tunnels/ICMP errors can give several values; keep the first (outermost TCP's IP is last, but
        # none of these captures has tunnels)
        stream = int(parts[0].split(",")[0])
        src = (parts[1] or parts[2]).split(",")[-1]
        dst = (parts[4] or parts[5]).split(",")[-1]
        if stream not in streams:
            streams[stream] = frozenset([f"{src}:{parts[3]}", f"{dst}:{parts[6]}"])
    return streams


def tshark_follow(capture, args, streams):
    """tcp.stream -> (node0 'ip:port', bytes sent by node 0, bytes sent by the other side)."""
    taps = []
    for s in streams:
        taps += ["-z", f"follow,tls,raw,{s}"]
    out = tshark_run(capture, args + ["-q"] + taps)
    result = {}
    for block in out.split("===================================================================\n"):
        m = re.search(r"^Filter: tcp\.stream eq (\d+)$", block, re.M)
        if not m:
            continue
        node0 = re.search(r"^Node 0: (.*)$", block, re.M).group(1)
        first, second = bytearray(), bytearray()
        for line in block.split("\n"):
            if re.fullmatch(r"\t[0-9a-f]+", line):
                second += bytes.fromhex(line[1:])
            elif re.fullmatch(r"[0-9a-f]+", line):
                first += bytes.fromhex(line)
        result[int(m.group(1))] = (node0, bytes(first), bytes(second))
    return result


def ep(d):
    ip = d["ip"]
    return f"{ip}:{d['port']}"


def tlslens_data(capture, args):
    """connection -> {'client', 'server', 'C>S': [(length, bytes or str)], 'S>C': [...]}, the order of
    the connections, and the CompletedProcess. Each list item is one decrypted application-data
    record: bytes from data_hex when present, else the text of data with its plaintext_length."""
    res = common.run_tlslens(["-j", "-d", "-r", capture] + args)
    conns = {}
    order = []
    for line in common.output_lines(res):
        event = json.loads(line)
        kind = event["event"]
        conn = event.get("connection")
        if kind == "connection_start":
            conns[conn] = {"client": ep(event["client"]), "server": ep(event["server"]), "C>S": [], "S>C": []}
            order.append(conn)
        elif kind == "record" and conn in conns:
            if "data_hex" in event:
                data = bytes.fromhex(event["data_hex"])
                conns[conn][event["dir"]].append((len(data), data))
            elif "data" in event:
                conns[conn][event["dir"]].append((event["plaintext_length"], event["data"]))
    return conns, order, res


def comparable(records, ref):
    """(ours, theirs) to compare. Exact bytes when every record came as data_hex. With the text
    member data (UTF-8, every ill-formed sequence replaced by U+FFFD, so binary plaintext is not
    recoverable), the latin-1 shortcut would be wrong: instead tshark's bytes are cut at tlslens's
    record boundaries (plaintext_length) and each piece decoded the same way (Python's
    errors="replace" also substitutes one U+FFFD per maximal ill-formed subpart); the result is then
    compared as UTF-8 (lossy only where the plaintext is not UTF-8 text)."""
    if all(isinstance(data, bytes) for _, data in records):
        return b"".join(data for _, data in records), ref, False
    ours, theirs, pos = [], [], 0
    for length, data in records:
        ours.append(data if isinstance(data, str) else data.decode("utf-8", "replace"))
        theirs.append(ref[pos:pos + length].decode("utf-8", "replace"))
        pos += length
    theirs.append(ref[pos:].decode("utf-8", "replace"))
    return "".join(ours).encode("utf-8"), "".join(theirs).encode("utf-8"), True


def first_difference(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n if len(a) != len(b) else -1


def context(data, offset):
    return data[max(0, offset - 8):offset + 16].hex()


def compare(name, capture, tlslens_args, tshark_args, tshark_capture=None):
    """Compares one capture; tshark_capture (default: capture) lets a compressed file tshark 4.0
    cannot read be compared with its uncompressed source."""
    tshark_capture = tshark_capture or capture
    conns, order, res = tlslens_data(capture, tlslens_args)
    f.check(res.returncode == 0, f"{name}: tlslens exit {res.returncode}: {res.stderr.strip()[:300]}")
    if res.returncode != 0:
        return
    streams = tshark_streams(tshark_capture, tshark_args)
    follow = tshark_follow(tshark_capture, tshark_args, streams)
    # tlslens connections -> tshark streams by endpoint pair, in order of appearance (port reuse:
    # the same pair twice).
    by_pair = {}
    for s in sorted(streams):
        by_pair.setdefault(streams[s], []).append(s)
    used = {}
    f.check(len(order) == len(streams),
            f"{name}: tlslens has {len(order)} connections, tshark {len(streams)} TCP streams")
    summary = []
    for conn in order:
        c = conns[conn]
        pair = frozenset([c["client"], c["server"]])
        k = used.get(pair, 0)
        used[pair] = k + 1
        candidates = by_pair.get(pair, [])
        if k >= len(candidates):
            f.check(False, f"{name} #{conn} {c['client']} -> {c['server']}: no matching tshark stream")
            continue
        stream = candidates[k]
        node0, first, second = follow.get(stream, ("", b"", b""))
        node0 = re.sub(r"^\[(.*)\]:", r"\1:", node0)  # IPv6: "[::1]:4481"
        if node0 == c["server"]:
            theirs = {"C>S": second, "S>C": first}
        else:  # node0 is the client, or empty when tshark decrypted nothing
            theirs = {"C>S": first, "S>C": second}
        for direction in ("C>S", "S>C"):
            ours, ref, lossy = comparable(c[direction], theirs[direction])
            off = first_difference(ours, ref)
            where = f"{name} #{conn} (tcp.stream {stream}) {direction}"
            if off < 0:
                summary.append(f"{direction} {len(theirs[direction])}{' (as text)' if lossy else ''}")
                continue
            detail = (f"{where}{' (compared as text: no data_hex)' if lossy else ''}: tlslens {len(ours)} bytes, "
                      f"tshark {len(ref)} bytes, first difference at "
                      f"offset {off}: tlslens {context(ours, off)} / tshark {context(ref, off)}")
            reason = EXCEPTIONS.get((name, stream, direction))
            if reason:
                print(f"KNOWN DIFFERENCE (tshark wrong: {reason}): {detail}")
                summary.append(f"{direction} known-diff")
                continue
            f.check(False, detail)
            summary.append(f"{direction} DIFF")
    print(f"{name}: {len(order)} connection(s): " + "; ".join(summary), flush=True)


# --- captures/ -------------------------------------------------------------------------------
ALL_PORTS_TLS = ["-d", "tcp.port==1-65535,tls"]
names = sorted(os.listdir(CAPS))
for fname in names:
    m = re.fullmatch(r"(.+?)\.(pcap|pcapng)(\.gz|\.zst|\.lz4)?", fname)
    if not m:
        continue
    base, ext, comp = m.group(1), m.group(2), m.group(3)
    if fname in CAPTURES_SKIPPED:
        print(f"SKIPPED {fname}: {CAPTURES_SKIPPED[fname]}")
        continue
    keys = os.path.join(CAPS, base + ".keys")
    capture = os.path.join(CAPS, fname)
    tshark_capture = capture
    if comp in (".zst", ".lz4"):
        # tshark 4.0 reads only gzip; compare with the uncompressed source (identical content)
        tshark_capture = os.path.join(CAPS, f"{base}.{ext}")
        if not os.path.exists(tshark_capture):
            print(f"SKIPPED {fname}: tshark 4.0 cannot read {comp} and {base}.{ext} is absent")
            continue
    if base.endswith("-dsb"):  # the key log is inside the file
        compare(fname, capture, [], ALL_PORTS_TLS, tshark_capture)
        continue
    if not os.path.exists(keys):
        print(f"SKIPPED {fname}: no {base}.keys")
        continue
    compare(fname, capture, ["-l", keys], ALL_PORTS_TLS + ["-o", f"tls.keylog_file:{keys}"], tshark_capture)
    if base.startswith("tls12-rsa-"):
        # the RSA-key preference: server.key, no key log, on both sides
        server_key = os.path.join(CAPS, "certs", "server.key")
        compare(fname + " (RSA key)", capture, ["-k", server_key],
                ALL_PORTS_TLS + ["-o", f'uat:ssl_keys:"0.0.0.0","0","tls","{server_key}",""'], tshark_capture)

# --- ../shared/corpus/wireshark ------------------------------------------------------------------
if not os.path.isdir(common.CORPUS_DIR):
    print(f"SKIPPED corpus: {common.CORPUS_DIR} is absent (a fresh clone has no ../shared)")
else:
    def C(n):
        return os.path.join(CORPUS_CAPS, n)

    def K(n):
        return os.path.join(CORPUS_KEYS, n)

    compare("rsasnakeoil2.pcap", C("rsasnakeoil2.pcap"), ["-k", "127.0.0.1:443:" + K("rsasnakeoil2.key")],
            ["-o", f'uat:ssl_keys:"127.0.0.1","443","http","{K("rsasnakeoil2.key")}",""'])
    compare("tls-renegotiation.pcap", C("tls-renegotiation.pcap"), ["-k", K("rsasnakeoil2.key")],
            ["-d", "tcp.port==4433,tls",
             "-o", f'uat:ssl_keys:"0.0.0.0","4433","http","{K("rsasnakeoil2.key")}",""'])
    compare("dmgr.pcapng", C("dmgr.pcapng"), ["-k", K("key.p12"), "-p", "WebAS"],
            ["-d", "tcp.port==9131,tls", "-o", f'uat:ssl_keys:"127.0.0.1","9131","http","{K("key.p12")}","WebAS"'])
    compare("dhe1.pcapng.gz", C("dhe1.pcapng.gz"), ["-l", K("dhe1_keylog.dat")],
            ["-o", f"tls.keylog_file:{K('dhe1_keylog.dat')}"])
    compare("tls12-chacha20poly1305.pcap", C("tls12-chacha20poly1305.pcap"),
            ["-l", K("tls12-chacha20poly1305.keys")], ["-o", f"tls.keylog_file:{K('tls12-chacha20poly1305.keys')}"])
    for n in ["tls12-dsb.pcapng", "http2-brotli.pcapng", "http2_follow_multistream.pcapng"]:
        compare(n, C(n), [], [])  # the key logs are inside the files
    compare("tls13-rfc8446.pcap", C("tls13-rfc8446.pcap"), ["-l", K("tls13-rfc8446.keys")],
            ["-o", f"tls.keylog_file:{K('tls13-rfc8446.keys')}"])
    compare("tls13-rfc8446.pcap (noearly keys)", C("tls13-rfc8446.pcap"), ["-l", K("tls13-rfc8446-noearly.keys")],
            ["-o", f"tls.keylog_file:{K('tls13-rfc8446-noearly.keys')}"])
    compare("tls12-aes128ccm.pcap", C("tls12-aes128ccm.pcap"), ["--psk", "ca19e028a8a372ad2d325f950fcaceed"],
            ["-o", "tls.psk:ca19e028a8a372ad2d325f950fcaceed"])
    for n in ["snakeoil-dtls.pcap", "dtls12-aes128ccm8.pcap", "dtls12-aes128ccm8-dsb.pcapng"]:
        print(f"SKIPPED {n}: DTLS (UDP) decryption waits for a later issue")

f.finish("corpus-decrypted-bytes")
