#!/usr/bin/env python3
"""The audit report (--audit) of every TLS capture of ../shared/corpus/wireshark, with the key
material its MANIFEST names, against golden files in tests/corpus/audit_golden/ (reviewed by
hand once; regenerate with --update and review the diff).

Deterministic on any machine: the trust store is the project's audit test root (which none of
these chains lead to, so every chain reports why it is not trusted) rather than the system store,
and "today" is fixed with --now. These captures are years old: their certificates were valid
when captured and have expired since, so the report must say "valid at capture time" and must
not report CERT_EXPIRED — the test checks that on top of the goldens."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import common  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audit_golden")
ROOT = os.path.join(common.CAPTURES_DIR, "certs", "audit", "root-ca.pem")
NOW = "2026-12-05"


def keys(name):
    return os.path.join(common.CORPUS_DIR, "keys", name)


CASES = {
    "rsasnakeoil2.pcap": ["-k", "127.0.0.1:443:" + keys("rsasnakeoil2.key")],
    "tls-renegotiation.pcap": ["-k", keys("rsasnakeoil2.key")],
    "dmgr.pcapng": ["-k", keys("key.p12"), "-p", "WebAS"],
    "dhe1.pcapng.gz": ["-l", keys("dhe1_keylog.dat")],
    "tls12-chacha20poly1305.pcap": ["-l", keys("tls12-chacha20poly1305.keys")],
    "tls12-dsb.pcapng": [],
    "tls13-rfc8446.pcap": ["-l", keys("tls13-rfc8446.keys")],
    "tls12-aes128ccm.pcap": ["--psk", "ca19e028a8a372ad2d325f950fcaceed"],
    "http2-brotli.pcapng": [],
    "http2_follow_multistream.pcapng": [],
    "retrans-tls.pcap": [],
    "tls-fragmented-handshakes.pcap.gz": [],
    "many_interfaces.pcapng.1": [],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--update", action="store_true")
    opts = parser.parse_args()
    if not os.path.isdir(common.CORPUS_DIR):
        common.skip(f"{common.CORPUS_DIR} is absent (a fresh clone has no ../shared)")
    f = common.Failures()
    os.makedirs(GOLDEN, exist_ok=True)
    for name, extra in sorted(CASES.items()):
        args = ["-r", os.path.join(common.CORPUS_DIR, "captures", name), "--ca-file", ROOT, "--now", NOW,
                "--audit"] + extra
        r = common.run_tlslens(args)
        f.check(r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr[:300]}")
        text = r.stdout
        path = os.path.join(GOLDEN, name + ".out")
        if opts.update:
            with open(path, "w") as out:
                out.write(text)
        elif not os.path.exists(path):
            f.check(False, f"{name}: no golden file {path} (run with --update)")
        else:
            expected = open(path).read()
            f.check(text == expected, f"{name}: --audit differs from {path}:\n" + "".join(
                line for line in __import__("difflib").unified_diff(expected.splitlines(True), text.splitlines(True),
                                                                    "golden", "now", n=1))[:3000])
        # Capture time, not today: certificates that have expired since are not CERT_EXPIRED.
        f.check("CERT_EXPIRED" not in text or name in EXPIRED_AT_CAPTURE,
                f"{name}: CERT_EXPIRED for a certificate valid at capture time?\n{text[:2000]}")
    f.finish("corpus-audit-golden")


# Captures whose certificates had really expired when they were captured (none so far; a
# capture added here must say why).
EXPIRED_AT_CAPTURE = set()

main()
