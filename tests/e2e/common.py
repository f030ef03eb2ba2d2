"""Shared helpers for the end-to-end and corpus tests (plain python3, no extra packages)."""
import os
import subprocess
import sys

SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests

SOURCE_DIR = os.environ.get("TLSLENS_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
TLSLENS = os.environ.get("TLSLENS_BIN") or os.path.join(SOURCE_DIR, "build", "tlslens")
SHARED_DIR = os.environ.get("TLSLENS_SHARED_DIR") or os.path.join(SOURCE_DIR, "..", "shared")
CORPUS_DIR = os.path.join(SHARED_DIR, "corpus", "wireshark")
CAPTURES_DIR = os.path.join(SOURCE_DIR, "captures")


def run_tlslens(args, timeout=120, **kwargs):
    """Runs tlslens with args; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run([TLSLENS] + list(args), capture_output=True, text=True,
                          timeout=timeout, **kwargs)


class Failures:
    """Collects failures so one run reports all of them, then exits non-zero."""

    def __init__(self):
        self.messages = []
        self.checks = 0

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            self.messages.append(message)
            print("FAIL: " + message, flush=True)

    def finish(self, what):
        failed = len(self.messages)
        passed = self.checks - failed
        print(f"{what}: {passed} passed, {failed} failed")
        sys.exit(1 if failed else 0)


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


_ASAN = None


def asan_build():
    """Whether the tlslens under test is built with AddressSanitizer (it is ~10x slower there,
    and its RSS is mostly shadow memory): its binary holds __asan_init."""
    global _ASAN
    if _ASAN is None:
        _ASAN = False
        with open(TLSLENS, "rb") as fh:
            previous = b""
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                if b"__asan_init" in previous[-16:] + chunk:
                    _ASAN = True
                    break
                previous = chunk
    return _ASAN


def run_reference(cmd, capture, timeout=None):
    """Runs a reference tool (tshark) whose command names `capture`; returns the
    subprocess.CompletedProcess (text). With $TLSLENS_REFERENCE_CACHE set (scripts/test.sh sets it
    for one run), a successful run's output is kept there, keyed by the command with the capture's
    content hash in place of its path: the sanitizer pass then reuses what the normal pass
    computed instead of running tshark a second time (its output cannot differ)."""
    import hashlib
    import json
    cache = os.environ.get("TLSLENS_REFERENCE_CACHE")
    path = None
    if cache:
        with open(capture, "rb") as fh:
            content = hashlib.sha256(fh.read()).hexdigest()
        key = json.dumps([content if arg == capture else arg for arg in cmd])
        path = os.path.join(cache, hashlib.sha256(key.encode()).hexdigest() + ".json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                kept = json.load(fh)
            return subprocess.CompletedProcess(cmd, 0, kept["stdout"], kept["stderr"])
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if path and res.returncode == 0:
        os.makedirs(cache, exist_ok=True)
        tmp = path + f".{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"stdout": res.stdout, "stderr": res.stderr}, fh)
        os.replace(tmp, path)
    return res


def output_lines(result):
    """stdout split on newlines only (str.splitlines also splits on U+2028, U+0085 and the
    like, which may appear inside JSON strings)."""
    lines = result.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
