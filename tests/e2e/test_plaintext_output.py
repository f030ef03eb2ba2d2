#!/usr/bin/env python3
"""--write-decrypted DIR and -w FILE: the decrypted HTTP of a TLS 1.2 capture lands in one file
per direction, and in a pcap of synthetic TCP that tshark dissects as HTTP on the real port."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

f = common.Failures()
tmp = tempfile.mkdtemp(prefix="tlslens-plaintext-")
out_dir = os.path.join(tmp, "streams")
out_pcap = os.path.join(tmp, "out.pcap")
base = os.path.join(common.CAPTURES_DIR, "tls12-ecdhe-aes128gcm")

try:
    r = common.run_tlslens(["-r", base + ".pcap", "-l", base + ".keys",
                            "--write-decrypted", out_dir, "-w", out_pcap])
    f.check(r.returncode == 0, f"exit code {r.returncode}: {r.stderr}")
    c2s = glob.glob(os.path.join(out_dir, "conn*-c2s.bin"))
    s2c = glob.glob(os.path.join(out_dir, "conn*-s2c.bin"))
    f.check(len(c2s) == 1 and len(s2c) == 1, f"one file per direction expected: {os.listdir(out_dir) if os.path.isdir(out_dir) else 'no dir'}")
    if c2s:
        with open(c2s[0], "rb") as stream:
            data = stream.read()
        f.check(data.startswith(b"GET /index.html HTTP/1.1"), f"c2s starts with {data[:40]!r}")
    if s2c:
        with open(s2c[0], "rb") as stream:
            data = stream.read()
        f.check(data.startswith(b"HTTP/1.1 200 OK"), f"s2c starts with {data[:40]!r}")
        f.check(len(data) == 8302, f"s2c is {len(data)} bytes, expected 8302")
    f.check(os.path.isfile(out_pcap) and os.path.getsize(out_pcap) > 24, "pcap written")

    # Without key material: a warning, and no data files.
    r = common.run_tlslens(["-r", base + ".pcap", "--write-decrypted", os.path.join(tmp, "nokeys")])
    f.check(r.returncode == 0, f"no keys: exit code {r.returncode}")
    f.check("need key material" in r.stderr, f"no keys: warning expected, stderr {r.stderr!r}")

    tshark = shutil.which("tshark")
    if tshark:
        t = subprocess.run([tshark, "-r", out_pcap, "-Y", "http", "-T", "fields",
                            "-e", "tcp.dstport", "-e", "http.request.method", "-e", "http.request.uri",
                            "-e", "http.response.code"],
                           capture_output=True, text=True, timeout=120)
        f.check(t.returncode == 0, f"tshark failed: {t.stderr}")
        lines = [line.split("\t") for line in t.stdout.splitlines()]
        f.check(any(l[:3] == ["4431", "GET", "/index.html"] for l in lines),
                f"tshark shows no GET /index.html to port 4431: {t.stdout!r}")
        f.check(any(len(l) > 3 and l[3] == "200" for l in lines), f"tshark shows no 200 response: {t.stdout!r}")
    else:
        print("tshark not found: pcap dissection not checked")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

f.finish("plaintext output")
