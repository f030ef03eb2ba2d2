#!/usr/bin/env python3
"""Every input error prints one clear line on stderr and exits with code 2."""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

f = common.Failures()
tmp = tempfile.mkdtemp(prefix="tlslens-errors-")


def expect_error(args, needle, what):
    r = common.run_tlslens(args)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    f.check(r.returncode == 2, f"{what}: exit code {r.returncode}, expected 2 (stderr: {r.stderr!r})")
    f.check(len(lines) >= 1 and needle in lines[0], f"{what}: expected {needle!r} on stderr, got {r.stderr!r}")
    f.check("tlslens:" in r.stderr, f"{what}: message should start with 'tlslens:' ({r.stderr!r})")
    return r


expect_error(["-r", os.path.join(tmp, "no-such-file.pcap")], "No such file", "missing file")

text_file = os.path.join(tmp, "notes.txt")
with open(text_file, "w") as out:
    out.write("this is not a capture\n" * 10)
expect_error(["-r", text_file], "not a pcap or pcapng capture", "text file")

empty = os.path.join(tmp, "empty.pcap")
open(empty, "w").close()
expect_error(["-r", empty], "not a pcap or pcapng capture", "empty file")

demo = os.path.join(common.CAPTURES_DIR, "tls12-ecdhe-aes128gcm.pcap")
if os.path.exists(demo):
    expect_error(["-r", demo, "port", "and", "and"], "invalid filter", "invalid filter")

    # A capture cut in the middle of a packet: the complete packets are processed, then the
    # truncation is reported and the exit code is 2.
    data = open(demo, "rb").read()
    cut = os.path.join(tmp, "cut.pcap")
    with open(cut, "wb") as out:
        out.write(data[: len(data) - 7])
    r = expect_error(["-r", cut], "truncated", "truncated pcap")
    f.check("New TCP connection #1" in r.stdout, "truncated pcap: the packets before the cut must be processed")

    # The same cut inside a gzip stream.
    cut_gz = os.path.join(tmp, "cut.pcap.gz")
    with gzip.open(cut_gz, "wb") as out:
        out.write(data[: len(data) - 7])
    r = expect_error(["-r", cut_gz], "truncated", "truncated pcap.gz")
    f.check("New TCP connection #1" in r.stdout, "truncated pcap.gz: the packets before the cut must be processed")

r = common.run_tlslens(["--bogus-option"])
f.check(r.returncode == 2, f"unknown option: exit {r.returncode}, expected 2")
r = common.run_tlslens([])
f.check(r.returncode == 2 and "-r FILE or -i IFACE" in r.stderr, f"no input: {r.returncode} {r.stderr!r}")
r = common.run_tlslens(["--help"])
f.check(r.returncode == 0 and "-r,--read" in r.stdout and "Exit codes" in r.stdout, "--help documents options")
r = common.run_tlslens(["--version"])
f.check(r.returncode == 0 and r.stdout.startswith("tlslens "), f"--version: {r.stdout!r}")

if os.geteuid() == 0:
    expect_error(["-i", "tlslens-no-such-if0"], "tlslens-no-such-if0", "no such interface")
    # Permission denied, seen by an unprivileged user: the message carries the fix.
    if shutil.which("setpriv"):
        r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", common.TLSLENS,
                            "-i", "lo"], capture_output=True, text=True, timeout=30)
        if "Permission denied" in r.stderr and "exec" in r.stderr:
            print("SKIPPED permission check: nobody cannot execute the binary from this directory")
        else:
            f.check(r.returncode == 2 and "permission denied" in r.stderr and "setcap" in r.stderr,
                    f"permission denied: exit {r.returncode}, stderr {r.stderr!r}")
else:
    print("SKIPPED live-interface error checks: not root")

shutil.rmtree(tmp)
expect_error(["-r", os.path.join(common.CAPTURES_DIR, "demo.pcapng"), "--ca-file", "/nonexistent/roots.pem"],
             "tlslens: cannot read CA file /nonexistent/roots.pem: No such file or directory", "missing CA file")
expect_error(["-r", os.path.join(common.CAPTURES_DIR, "demo.pcapng"), "--now", "2026-13-01"],
             "tlslens: --now 2026-13-01: not a time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", "bad --now")

# The remaining error paths of docs/cli.md: each one line on stderr starting with tlslens:,
# exit code 2 (usage errors from the option parser: its own message, exit code 2).
demo_capture = os.path.join(common.CAPTURES_DIR, "tls12-ecdhe-aes128gcm.pcap")
tmp2 = tempfile.mkdtemp(prefix="tlslens-errors-")
expect_error(["-r", tmp2], f"tlslens: cannot open '{tmp2}': Is a directory", "directory as capture")
r = subprocess.run([common.TLSLENS, "-r", "-"], input=b"", capture_output=True, timeout=60)
f.check(r.returncode == 2 and r.stderr.decode().startswith("tlslens: '-' is not a pcap or pcapng capture"),
        f"empty standard input: {r.returncode} {r.stderr!r}")
with open(demo_capture, "rb") as fh:
    r = subprocess.run([common.TLSLENS, "-r", "-"], stdin=fh, capture_output=True, timeout=60)
f.check(r.returncode == 0 and b"New TCP connection #1" in r.stdout, f"-r - reads standard input: {r.returncode}")
wifi = os.path.join(tmp2, "wifi.pcap")
with open(wifi, "wb") as out:
    out.write(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000069000000"))  # LINKTYPE_IEEE802_11
expect_error(["-r", wifi], "unsupported link type IEEE802_11 (105)", "unsupported link type")
gz_header_only = os.path.join(tmp2, "cut-early.pcap.gz")
with open(gz_header_only, "wb") as out:
    out.write(gzip.compress(open(demo_capture, "rb").read())[:30])
expect_error(["-r", gz_header_only], "is truncated before its first packet", "gzip cut before the first packet")
expect_error(["-r", demo_capture, "-l", "/nonexistent/keys.log"],
             "tlslens: cannot open key log /nonexistent/keys.log: No such file or directory", "missing key log")
expect_error(["-r", demo_capture, "-k", "/nonexistent/key.pem"],
             "tlslens: cannot read RSA key /nonexistent/key.pem: No such file or directory", "missing RSA key")
expect_error(["-r", demo_capture, "-k", demo_capture], "is not a private key", "RSA key that is not a key")
expect_error(["-r", demo_capture, "--psk", "zz"], "tlslens: --psk: bad PSK: the key is not hex", "bad --psk")
expect_error(["-r", demo_capture, "--export-dsb", "/nonexistent/dir/x.pcapng"],
             "tlslens: cannot write /nonexistent/dir/x.pcapng: No such file or directory", "unwritable --export-dsb")
keylog = os.path.join(common.CAPTURES_DIR, "demo.keys")
if os.path.exists(keylog):
    expect_error(["-r", demo_capture, "-l", keylog, "-w", "/nonexistent/dir/p.pcap"],
                 "tlslens: -w: cannot create /nonexistent/dir/p.pcap: No such file or directory", "unwritable -w")
    r = expect_error(["-r", demo_capture, "-l", keylog, "--write-decrypted", os.path.join(demo_capture, "x")],
                     "tlslens: --write-decrypted: cannot create directory", "unwritable --write-decrypted")
expect_error(["-r", demo_capture, "--ca-path", "/nonexistent"],
             "tlslens: cannot read CA directory /nonexistent: No such file or directory", "missing CA directory")
expect_error(["-r", demo_capture, "--no-audit", "--fail-on", "high"],
             "tlslens: --audit and --fail-on need the audit: drop --no-audit", "--fail-on without the audit")
for args in (["--max-flows", "0"], ["--snaplen", "10"], ["--fail-on", "severe"], ["--threads", "-1"]):
    r = common.run_tlslens(["-r", demo_capture] + args)
    f.check(r.returncode == 2 and r.stderr.startswith("tlslens: " + args[0]),
            f"usage error {args}: {r.returncode} {r.stderr!r}")
r = common.run_tlslens(["-r", demo_capture, "--max-flows", "0"])
f.check("tlslens: --max-flows: must be a number above 0, not '0'\n" in r.stderr, f"--max-flows 0: {r.stderr!r}")
shutil.rmtree(tmp2)
f.finish("errors")
