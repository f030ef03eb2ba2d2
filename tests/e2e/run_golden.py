#!/usr/bin/env python3
"""Golden-file tests of the tlslens CLI on the project's own captures.

Each line of tests/e2e/cases.txt is `NAME: ARGS` (ARGS split like a shell would; paths are
relative to the source directory). The test runs `tlslens ARGS` and compares its stdout,
stderr and exit code with tests/e2e/golden/NAME.out.

  python3 tests/e2e/run_golden.py --check    # compare (what CTest runs)
  python3 tests/e2e/run_golden.py --update   # regenerate every golden file after a deliberate change

Review `git diff tests/e2e/golden` after --update: the diff is the behaviour change.
"""
import argparse
import difflib
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.txt")
GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


def load_cases():
    cases = []
    with open(CASES) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, args = line.partition(":")
            cases.append((name.strip(), shlex.split(args)))
    return cases


def render(result):
    return f"{result.stdout}--- stderr ---\n{result.stderr}--- exit {result.returncode} ---\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--update", action="store_true")
    parser.add_argument("names", nargs="*", help="only these cases")
    opts = parser.parse_args()

    failures = common.Failures()
    for name, args in load_cases():
        if opts.names and name not in opts.names:
            continue
        result = common.run_tlslens(args, cwd=common.SOURCE_DIR)
        actual = render(result)
        golden_path = os.path.join(GOLDEN_DIR, name + ".out")
        if opts.update:
            os.makedirs(GOLDEN_DIR, exist_ok=True)
            with open(golden_path, "w") as f:
                f.write(actual)
            print(f"updated {golden_path}")
            continue
        if not os.path.exists(golden_path):
            failures.check(False, f"{name}: no golden file {golden_path} (run with --update)")
            continue
        with open(golden_path) as f:
            expected = f.read()
        if actual != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                f"golden/{name}.out", "actual"))
            print(diff[:6000])
        failures.check(actual == expected, f"{name}: output differs from golden/{name}.out "
                                           f"(tlslens {' '.join(args)})")
    if not opts.update:
        failures.finish("golden")


if __name__ == "__main__":
    main()
