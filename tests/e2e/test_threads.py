#!/usr/bin/env python3
"""Issue 8: the output does not depend on the number of worker threads.

For every capture in captures/ and captures/audit/ (with its key log when it has one), in the
text (-x -A -N, with -d when decrypting), -q, JSON (-j -x) and --stats modes, stdout, stderr and
the exit code of `--threads 1` (the one-thread pipeline) equal those of `--threads 3` (more
workers than this machine's cores, so connections land on every worker). Then the same on one
capture merged from all of them, where connections of every kind interleave, sessions are
resumed across workers and one chain is verified once and reused: with the reading thread's
share of connections balanced as usual, and fixed (TLSLENS_READER_SHARE) at none, a third and
all of them, so that every split of the work between the reading thread and the others is
checked whatever the timing. It also checks that
--threads N does run N workers (--stats says so) and that the modes that need one order of
their own run on one.
"""
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

WORKER_LINE = "tlslens: worker threads:"


def run(args, reader_share=None):
    env = dict(os.environ)
    env.pop("TLSLENS_READER_SHARE", None)
    if reader_share is not None:
        env["TLSLENS_READER_SHARE"] = reader_share
    r = common.run_tlslens(args, timeout=300, env=env)
    stderr = "\n".join(line for line in r.stderr.split("\n") if not line.startswith(WORKER_LINE))
    return r.returncode, r.stdout, stderr


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"))):
        if x != y:
            return f"line {i + 1}: {x[:120]!r} vs {y[:120]!r}"
    return "lengths differ"


def compare(failures, capture, keys, extra, reader_share=None):
    args = list(extra) + ["-r", capture] + (["-l", keys] if keys else [])
    one = run(["--threads", "1"] + args)
    many = run(["--threads", "3"] + args, reader_share)
    name = f"{os.path.relpath(capture, common.CAPTURES_DIR)} {' '.join(extra)}"
    if reader_share is not None:
        name += f" (reading thread's share {reader_share})"
    failures.check(one[0] == many[0], f"{name}: exit code {one[0]} vs {many[0]}")
    failures.check(one[1] == many[1], f"{name}: stdout differs, {first_difference(one[1], many[1])}")
    failures.check(one[2] == many[2], f"{name}: stderr differs, {first_difference(one[2], many[2])}")
    return one


def main():
    failures = common.Failures()
    if common.asan_build():
        print("AddressSanitizer build: one output mode per capture (JSON with -x, and -d with keys)")
    captures = sorted(glob.glob(os.path.join(common.CAPTURES_DIR, "*.pcap*")) +
                      glob.glob(os.path.join(common.CAPTURES_DIR, "audit", "*.pcap")))
    failures.check(len(captures) > 60, f"expected the project's captures, found {len(captures)}")
    for capture in captures:
        keys = os.path.splitext(capture)[0] + ".keys"
        keys = keys if os.path.exists(keys) else None
        modes = [["-x", "-A", "-N"] + (["-d"] if keys else []), ["-q"], ["-j", "-x"] + (["-d"] if keys else [])]
        if common.asan_build():  # ~10x slower: the mode that prints the most, to keep CI short
            modes = modes[2:]
        for mode in modes:
            compare(failures, capture, keys, mode)

    with tempfile.TemporaryDirectory() as tmp:
        # Everything in one capture: connections of all kinds interleaved in time.
        merged = os.path.join(tmp, "merged.pcapng")
        parts = [c for c in captures if "/audit/" in c or "resume" in c or "tls1" in c]
        subprocess.run(["mergecap", "-w", merged] + parts, check=True)
        keys = os.path.join(tmp, "merged.keys")
        with open(keys, "w") as out:
            for c in parts:
                k = os.path.splitext(c)[0] + ".keys"
                if os.path.exists(k):
                    out.write(open(k).read().rstrip("\n") + "\n")
        for mode in (["-d"], ["-j", "-d"], ["--use-seen-intermediates", "-q"], ["-q", "--stats"]):
            code, stdout, _ = compare(failures, merged, keys, mode)
        failures.check("chains verified" in stdout and "chain verifications reused" in stdout,
                       "merged --stats: no chain verification counts")
        for share in ("0", "0.34", "1"):
            for mode in (["-j", "-d"], ["--use-seen-intermediates", "-q", "--stats"]):
                compare(failures, merged, keys, mode, share)
        # How the connections were spread: with a fixed share, as asked.
        per_thread = f"{WORKER_LINE} connections per thread (the reading thread first): "

        def spread(reader_share):
            r = common.run_tlslens(["--threads", "3", "--stats", "-q", "-r", merged],
                                   env=dict(os.environ, TLSLENS_READER_SHARE=reader_share))
            line = next((ln for ln in r.stderr.split("\n") if ln.startswith(per_thread)), None)
            failures.check(line is not None, f"--stats: no per-thread line in {r.stderr!r}")
            if not line:
                return []
            counts, _, waits = line[len(per_thread):].partition("; ")
            failures.check(waits.startswith("waits for other threads' earlier events: "),
                           f"--stats: no wait count in {line!r}")
            return [int(n) for n in counts.split(", ")]

        all_on_reader, none_on_reader, third = spread("1"), spread("0"), spread("0.34")
        failures.check(len(all_on_reader) == 3 and all_on_reader[1:] == [0, 0] and all_on_reader[0] > 50,
                       f"share 1: {all_on_reader}")
        failures.check(len(none_on_reader) == 3 and none_on_reader[0] == 0 and min(none_on_reader[1:]) > 10,
                       f"share 0: {none_on_reader}")
        failures.check(len(third) == 3 and min(third) > 10, f"share 0.34: {third}")

        # --threads N runs N workers; what needs one order of its own runs on one.
        demo = os.path.join(common.CAPTURES_DIR, "demo.pcapng")
        r = common.run_tlslens(["--threads", "3", "--stats", "-r", demo])
        failures.check(f"{WORKER_LINE} 3\n" in r.stderr, f"--threads 3: stderr says {r.stderr!r}")
        for flag, why in ((["--audit"], "--audit"), (["--debug-keys"], "--debug-keys"),
                          (["--write-decrypted", os.path.join(tmp, "dec")], "--write-decrypted"),
                          (["-w", os.path.join(tmp, "plain.pcap")], "-w")):
            r = common.run_tlslens(["--threads", "3", "--stats"] + flag + ["-r", demo])
            failures.check(f"{WORKER_LINE} 1 ({why} runs on one)" in r.stderr, f"{why}: stderr says {r.stderr!r}")
    failures.finish("threads")


if __name__ == "__main__":
    main()
