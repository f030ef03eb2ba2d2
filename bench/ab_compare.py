#!/usr/bin/env python3
"""A/B comparison of whole commands on a noisy machine, by paired ratios.

    bench/ab_compare.py [-n ROUNDS] "COMMAND A" "COMMAND B" [...]

Each round runs every command once, in a shuffled order, and records its wall time and its
user+sys CPU time (its children's rusage). A command's result is the median over rounds of its
time divided by command A's time in the same round, with the interquartile range: on a virtual
machine whose speed drifts by tens of percent from one minute to the next, runs seconds apart
are far more alike than runs minutes apart, so the ratio of neighbours is what tells a 2 %
change from noise. Plain medians of each command are printed too.

Commands run through the shell with their output discarded. Fuzzers of fuzz/campaign.sh, if
any run, are paused for the duration (SIGSTOP/SIGCONT), as in run_bench.sh.

Example (a change against the last commit, two threads, 40 rounds of the 200 MB capture):
    bench/ab_compare.py -n 40 "/tmp/tlslens-old -r tls-200M.pcap" "build/tlslens -r tls-200M.pcap"
"""
import argparse
import random
import resource
import statistics
import subprocess
import sys
import time


def run_once(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def quartiles(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 4], statistics.median(ordered), ordered[(3 * n) // 4]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--rounds", type=int, default=30)
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args()
    if len(args.commands) < 2 or args.rounds < 1:
        parser.error("give at least two commands and one round")

    walls = {c: [] for c in args.commands}
    cpus = {c: [] for c in args.commands}
    # An argument list, not a shell line: pkill -f would match a shell's own command line.
    subprocess.run(["pkill", "-STOP", "-f", "fuzz/fuzz_"], check=False)
    try:
        for _ in range(args.rounds):
            order = list(args.commands)
            random.shuffle(order)
            for command in order:
                wall, cpu = run_once(command)
                walls[command].append(wall)
                cpus[command].append(cpu)
    finally:
        subprocess.run(["pkill", "-CONT", "-f", "fuzz/fuzz_"], check=False)

    base = args.commands[0]
    print(f"{args.rounds} rounds; ratios are to the first command, round by round (median [quartiles])")
    print(f"{'wall s':>8} {'cpu s':>8}  {'wall ratio':>22}  {'cpu ratio':>22}  command")
    for command in args.commands:
        wall_ratio = quartiles([w / b for w, b in zip(walls[command], walls[base])])
        cpu_ratio = quartiles([c / b if b > 0 else 1.0 for c, b in zip(cpus[command], cpus[base])])
        print(f"{statistics.median(walls[command]):8.4f} {statistics.median(cpus[command]):8.4f}  "
              f"{wall_ratio[1]:6.3f} [{wall_ratio[0]:.3f},{wall_ratio[2]:.3f}]  "
              f"{cpu_ratio[1]:6.3f} [{cpu_ratio[0]:.3f},{cpu_ratio[2]:.3f}]  {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
