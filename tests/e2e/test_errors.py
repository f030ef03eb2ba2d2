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
f.finish("errors")
