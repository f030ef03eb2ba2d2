#!/usr/bin/env python3
"""--export-dsb: the exported pcapng carries the key log in a Decryption Secrets Block ahead of
the packets, so tlslens (without -l) and tshark decrypt it on their own; the input's own DSBs
are kept, lines are not repeated, every packet is kept, and a file that cannot be written is a
one-line error with exit code 2."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import decryption_check  # noqa: E402

C = common.CAPTURES_DIR
f = common.Failures()
tmp = tempfile.mkdtemp(prefix="tlslens-export-dsb-")
TSHARK = shutil.which("tshark")

SHB, IDB, EPB, DSB = 0x0A0D0D0A, 0x1, 0x6, 0xA


def capture(name):
    return os.path.join(C, name)


def blocks(path):
    """(type, body) of every block of a little-endian, single-section pcapng file."""
    with open(path, "rb") as stream:
        data = stream.read()
    result = []
    at = 0
    while at + 12 <= len(data):
        block_type, length = struct.unpack_from("<II", data, at)
        if length < 12 or length % 4 or at + length > len(data):
            f.check(False, f"{path}: bad block length {length} at {at}")
            break
        f.check(struct.unpack_from("<I", data, at + length - 4)[0] == length,
                f"{path}: trailing length of the block at {at} differs")
        result.append((block_type, data[at + 8:at + length - 4]))
        at += length
    f.check(at == len(data), f"{path}: {len(data) - at} bytes after the last block")
    return result


def secrets_text(block_list):
    texts = []
    for block_type, body in block_list:
        if block_type == DSB:
            secrets_type, size = struct.unpack_from("<II", body, 0)
            f.check(secrets_type == 0x544C534B, f"secrets type {secrets_type:#x}, expected TLSK")
            texts.append(body[8:8 + size].decode())
    return texts


def packet_count(path):
    r = common.run_tlslens(["--stats", "-r", path])
    for line in r.stdout.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == "packets":
            return int(words[1])
    return None


def export(args, out):
    r = common.run_tlslens(args + ["--export-dsb", out])
    f.check(r.returncode == 0, f"export {args}: exit {r.returncode}: {r.stderr.strip()}")
    f.check(os.path.isfile(out), f"export {args}: {out} was not written")
    return r


def expect_decrypts_alone(out, what, connections=1, requests=1):
    d = decryption_check.run(["-r", out])
    f.check(d.result.returncode == 0, f"{what}: exit {d.result.returncode}: {d.result.stderr.strip()}")
    for conn in range(1, connections + 1):
        f.check(d.undecryptable.get(conn) == 0 and d.decrypted.get(conn, 0) > 0,
                f"{what} #{conn}: {d.decrypted.get(conn)} decrypted, {d.undecryptable.get(conn)} not "
                f"({d.missing.get(conn)})")
    f.check(d.all_text().count("GET /") == requests,
            f"{what}: {d.all_text().count('GET /')} requests decrypted, expected {requests}")
    return d


# The baseline: a pcap and its key log become one self-contained pcapng.
source = capture("tls12-ecdhe-aes128gcm.pcap")
keys = capture("tls12-ecdhe-aes128gcm.keys")
out = os.path.join(tmp, "tls12.pcapng")
export(["-q", "-r", source, "-l", keys], out)
exported = blocks(out)
types = [t for t, _ in exported]
f.check(types[:2] == [SHB, DSB], f"tls12: the secrets must follow the section header, blocks {types[:4]}")
f.check(types.count(DSB) == 1 and types.count(IDB) == 1, f"tls12: blocks {sorted(set(types))}")
first_packet = types.index(EPB) if EPB in types else len(types)
f.check(types.index(DSB) < first_packet, "tls12: the secrets come after a packet")
with open(keys) as key_file:
    expected_lines = [line for line in key_file.read().splitlines() if line.strip()]
texts = secrets_text(exported)
f.check(len(texts) == 1 and texts[0].endswith("\n") and texts[0].splitlines() == expected_lines,
        f"tls12: the embedded key log differs from {keys}: {texts!r}")
f.check(packet_count(out) == packet_count(source) and types.count(EPB) == packet_count(source),
        f"tls12: {types.count(EPB)} packets exported, input has {packet_count(source)}")
d = expect_decrypts_alone(out, "tls12 export")
f.check("GET /index.html" in d.all_text(), "tls12 export: GET /index.html not decrypted")

if TSHARK:
    r = subprocess.run([TSHARK, "-r", out, "-Y", "http"], capture_output=True, text=True, timeout=120)
    f.check(r.returncode == 0 and "GET /index.html" in r.stdout,
            f"tshark -Y http on the export: exit {r.returncode}, {r.stdout.strip()!r} {r.stderr.strip()!r}")
    r = subprocess.run([TSHARK, "-r", out, "-T", "fields", "-e", "frame.number"], capture_output=True, text=True,
                       timeout=120)
    f.check(len(r.stdout.split()) == packet_count(source), f"tshark counts {len(r.stdout.split())} frames")
else:
    print("note: tshark not installed; its checks are skipped")

# A capture that already embeds its secrets keeps them without -l, and decrypts again.
demo_out = os.path.join(tmp, "demo.pcapng")
export(["-q", "-r", capture("demo-dsb.pcapng")], demo_out)
expect_decrypts_alone(demo_out, "demo-dsb export", connections=6, requests=8)
f.check(packet_count(demo_out) == packet_count(capture("demo-dsb.pcapng")), "demo-dsb export: packet count differs")

# Re-exporting with the same key log given again: each line once.
again = os.path.join(tmp, "again.pcapng")
export(["-q", "-r", out, "-l", keys], again)
texts = secrets_text(blocks(again))
f.check(len(texts) == 1 and texts[0].splitlines() == expected_lines,
        f"re-export: lines repeated or lost: {len(texts[0].splitlines()) if texts else 0} lines, "
        f"expected {len(expected_lines)}")

# Compressed input and a pcapng with two link types (one interface block per link type).
gz_out = os.path.join(tmp, "gz.pcapng")
export(["-q", "-r", capture("tls12-ecdhe-aes128gcm.pcap.gz"), "-l", keys], gz_out)
expect_decrypts_alone(gz_out, "gzip export")
mixed_out = os.path.join(tmp, "mixed.pcapng")
export(["-q", "-r", capture("mixed-linktypes.pcapng"), "-l", capture("mixed-linktypes.keys")], mixed_out)
mixed_types = [t for t, _ in blocks(mixed_out)]
f.check(mixed_types.count(IDB) == 2, f"mixed link types: {mixed_types.count(IDB)} interface blocks, expected 2")
f.check(packet_count(mixed_out) == packet_count(capture("mixed-linktypes.pcapng")),
        "mixed link types: packet count differs")
reference = decryption_check.run(["-r", capture("mixed-linktypes.pcapng"), "-l", capture("mixed-linktypes.keys")])
alone = decryption_check.run(["-r", mixed_out])
f.check(alone.all_text() == reference.all_text() and alone.decrypted == reference.decrypted,
        "mixed link types: the export does not decrypt as the input with its key log does")

# No key material: the file is still written, with a warning and no secrets block.
bare = os.path.join(tmp, "bare.pcapng")
r = export(["-q", "-r", source], bare)
f.check("no secrets" in r.stderr, f"no key material: expected a warning, stderr {r.stderr!r}")
f.check(DSB not in [t for t, _ in blocks(bare)], "no key material: a secrets block was written")

# RSA keys are not exported, and the user is told.
rsa_out = os.path.join(tmp, "rsa.pcapng")
r = export(["-q", "-r", capture("tls12-rsa-aes128gcm.pcap"), "-k", capture("certs/server.key")], rsa_out)
f.check("not exported" in r.stderr, f"-k: expected a warning that RSA keys are not exported, {r.stderr!r}")

# An output that cannot be written: one line, exit code 2, and no analysis output.
r = common.run_tlslens(["-r", source, "-l", keys, "--export-dsb", tmp])
lines = [line for line in r.stderr.splitlines() if line.strip()]
f.check(r.returncode == 2, f"directory as output: exit {r.returncode}, expected 2")
f.check(len(lines) == 1 and lines[0].startswith("tlslens:") and tmp in lines[0],
        f"directory as output: expected one line naming it, got {r.stderr!r}")
f.check(r.stdout == "", "directory as output: the capture was analysed anyway")

shutil.rmtree(tmp, ignore_errors=True)
f.finish("export-dsb")
