#!/usr/bin/env python3
"""Runs a command and writes "<wall µs> <user+sys CPU µs> <exit code>" to RESULT_FILE.

  measure.py RESULT_FILE STDOUT_FILE -- COMMAND [ARGS...]     (the command's stdout goes to STDOUT_FILE)

Wall time is taken with a monotonic clock right around fork/exec and wait, so it includes neither
this script's start-up nor a shell's. CPU time comes from wait4()'s rusage of the child, which on
Linux covers the child and every descendant it waited for (so `measure.py ... -- /usr/bin/time
tool` counts the tool), at microsecond resolution — /usr/bin/time's %U/%S only have 10 ms.
"""
import os
import sys
import time


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.exit(__doc__)
    result, out, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t0 = time.perf_counter_ns()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(fd, 1)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(fd)
    rc = os.waitstatus_to_exitcode(status)
    cpu_us = round((ru.ru_utime + ru.ru_stime) * 1e6)
    with open(result, "w") as f:
        f.write(f"{(t1 - t0) // 1000} {cpu_us} {rc}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
