#!/usr/bin/env python3
"""The audit on captures/audit/: each scenario yields exactly its set of finding codes per
connection (with the audit root trusted and the key log given), a good capture nothing above
info; verification uses the capture time (a capture from 2020 whose certificates have
expired since is clean, and says it would not verify today); --fail-on sets the exit code;
--audit prints one block per server; every code is documented in docs/audit.md."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

A = os.path.join(common.CAPTURES_DIR, "audit")
ROOT = os.path.join(common.CAPTURES_DIR, "certs", "audit", "root-ca.pem")
NOW = "2026-12-05"  # "today" for these checks: the certificates were made for that day
f = common.Failures()

# connection -> set of codes, for every capture (from captures/README.md, "Audit captures").
EXPECTED = {
    "audit-good": {1: set(), 2: set()},
    "audit-expired": {1: {"CERT_EXPIRED"}},
    "audit-not-yet-valid": {1: {"CERT_NOT_YET_VALID"}},
    "audit-wrong-host": {1: {"CERT_HOSTNAME_MISMATCH"}},
    "audit-wildcard": {1: set(), 2: {"CERT_HOSTNAME_MISMATCH"}},
    "audit-ip-san": {1: {"NO_SNI"}},
    "audit-cn-only": {1: {"CERT_NO_SAN"}},
    "audit-self-signed": {1: {"CERT_SELF_SIGNED"}},
    "audit-missing-intermediate": {1: {"CHAIN_INCOMPLETE"}},
    "audit-wrong-order": {1: {"CHAIN_ORDER"}},
    "audit-extra-cert": {1: {"CHAIN_EXTRA_CERT"}},
    "audit-untrusted-root": {1: {"CHAIN_UNTRUSTED"}, 2: {"CHAIN_INCOMPLETE"}},
    "audit-rsa1024": {1: {"CERT_WEAK_KEY"}},
    "audit-sha1-leaf": {1: {"CERT_WEAK_SIGNATURE"}},
    "audit-md5-leaf": {1: {"CERT_WEAK_SIGNATURE"}},
    "audit-long-validity": {1: {"CERT_LONG_VALIDITY"}},
    "audit-expires-soon": {1: {"CERT_EXPIRES_SOON"}},
    "audit-bad-usage": {1: {"CERT_BAD_USAGE"}, 2: {"CERT_BAD_USAGE"}},
    "audit-tls10": {1: {"PROTOCOL_DEPRECATED"}},
    "audit-tls11": {1: {"PROTOCOL_DEPRECATED"}},
    "audit-static-rsa": {1: {"CIPHER_NO_FORWARD_SECRECY"}},
    "audit-no-ems": {1: {"EMS_MISSING"}},
    "audit-cbc-noetm": {1: {"CIPHER_CBC_MTE"}},
    "audit-dhe-1024": {1: {"DH_WEAK_GROUP"}},
    "audit-no-reneg": {1: {"RENEGOTIATION_INSECURE"}, 2: {"RENEGOTIATION_INSECURE"}},
    "audit-tls13-bad-chain": {1: {"CERT_EXPIRED"}},
    "audit-client-cert": {1: set(), 2: set(), 3: {"CERT_BAD_USAGE"}, 4: {"CERT_BAD_USAGE"}},
    "audit-fatal-alert": {1: {"FATAL_ALERT"}, 2: {"FATAL_ALERT"}, 3: {"CERT_BAD_USAGE", "FATAL_ALERT"}},
    "audit-time-shifted": {1: set()},
    "audit-weak-cipher": {1: {"CIPHER_WEAK"}, 2: {"CIPHER_WEAK"}, 3: {"CIPHER_WEAK"}},
    "audit-ocsp-good": {1: set()},
    "audit-ocsp-revoked": {1: {"CERT_REVOKED"}},
    "audit-tls13-ocsp-revoked": {1: {"CERT_REVOKED"}},
    # 1: client <-> downgrading proxy (TLS 1.3 offered); 2: proxy <-> server (TLS 1.2 at most offered: no downgrade)
    "audit-downgrade": {1: {"DOWNGRADE_SENTINEL", "FATAL_ALERT"}, 2: {"FATAL_ALERT"}},
    "audit-host-mismatch": {1: {"HOST_HEADER_MISMATCH"}, 2: {"HOST_HEADER_MISMATCH"}},
    "audit-heartbeat": {1: {"HEARTBEAT_ENABLED"}},
    # TLS 1.3: the server's heartbeat extension is in its EncryptedExtensions (needs the key log)
    "audit-tls13-heartbeat": {1: {"HEARTBEAT_ENABLED"}},
}


def events(args):
    r = common.run_tlslens(args + ["-j"])
    out = []
    for line in common.output_lines(r):
        try:
            out.append(json.loads(line))
        except ValueError as e:
            f.check(False, f"{args}: not JSON ({e}): {line[:120]!r}")
    return r, out


def audit(name, now=NOW):
    return events(["-r", os.path.join(A, name + ".pcap"), "-l", os.path.join(A, name + ".keys"),
                   "--ca-file", ROOT, "--now", now])


def findings_by_connection(evs):
    found = {}
    for e in evs:
        if e.get("event") == "summary":
            found.setdefault(e["connection"], set())
        if e.get("event") == "finding":
            found.setdefault(e["connection"], set()).add(e["code"])
    return found


if not os.path.isdir(A):
    common.skip("captures/audit/ is missing")

for name, expected in sorted(EXPECTED.items()):
    r, evs = audit(name)
    f.check(r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr}")
    got = findings_by_connection(evs)
    f.check(got == expected, f"{name}: findings {got}, expected {expected}")
    for e in evs:
        if e.get("event") == "finding":
            f.check(e["explanation"] and isinstance(e["evidence"], dict), f"{name}: finding without text: {e}")
            f.check(e["record"] is None or e["record"] >= 1, f"{name}: finding record {e['record']}")
    # Summaries carry the verdict; a good capture has nothing above info.
    for e in evs:
        if e.get("event") == "summary":
            a = e.get("audit")
            f.check(isinstance(a, dict) and set(a.get("codes", [])) == expected.get(e["connection"], set()),
                    f"{name}: summary audit {a}")
    if all(not codes for codes in expected.values()):
        f.check(all(e.get("severity") == "info" for e in evs if e.get("event") == "finding"),
                f"{name}: a good capture has findings above info")

# The bad TLS 1.3 chain is only visible after decryption: without the key log, no chain event.
r, evs = events(["-r", os.path.join(A, "audit-tls13-bad-chain.pcap"), "--ca-file", ROOT])
f.check(not any(e.get("event") == "chain" for e in evs), "tls13-bad-chain: a chain without the key log?")
f.check(findings_by_connection(evs) == {1: set()}, f"tls13-bad-chain without keys: {findings_by_connection(evs)}")

# Capture time, not today: the 2020 capture verifies at capture time, says it would not today,
# and with "today" in 2020 it verifies then too.
r, evs = audit("audit-time-shifted")
chains = [e for e in evs if e.get("event") == "chain"]
f.check(len(chains) == 1 and chains[0]["trusted"] and not chains[0]["verifies_today"],
        f"time-shifted: chain {chains}")
f.check(chains and chains[0]["ts"].startswith("2020-06-15"), f"time-shifted: verification time {chains}")
f.check(chains and any("expired" in n for n in chains[0]["notes"]), f"time-shifted: notes {chains}")
r, evs = audit("audit-time-shifted", now="2020-07-01")
chains = [e for e in evs if e.get("event") == "chain"]
f.check(len(chains) == 1 and chains[0]["verifies_today"], f"time-shifted, now 2020: {chains}")
r = common.run_tlslens(["-r", os.path.join(A, "audit-expired.pcap"), "--ca-file", ROOT, "--now", NOW])
f.check("CERT_EXPIRED" in r.stdout and "still expired today" in r.stdout or "expired" in r.stdout,
        f"expired: text output {r.stdout[-800:]}")

# Without --ca-file the system store is used: the test root is not in it.
r, evs = events(["-r", os.path.join(A, "audit-good.pcap"), "-l", os.path.join(A, "audit-good.keys")])
f.check(findings_by_connection(evs).get(1) == {"CHAIN_UNTRUSTED"} or
        findings_by_connection(evs).get(1) == {"CHAIN_INCOMPLETE"},
        f"good with the system store: {findings_by_connection(evs)}")

# --fail-on
base = ["--ca-file", ROOT, "--now", NOW, "-q"]
r = common.run_tlslens(["-r", os.path.join(A, "audit-expired.pcap")] + base + ["--fail-on", "high"])
f.check(r.returncode == 1 and "reaches --fail-on high" in r.stderr, f"--fail-on high: {r.returncode} {r.stderr}")
r = common.run_tlslens(["-r", os.path.join(A, "audit-expired.pcap")] + base + ["--fail-on", "critical"])
f.check(r.returncode == 0, f"--fail-on critical on a high finding: exit {r.returncode}")
r = common.run_tlslens(["-r", os.path.join(A, "audit-good.pcap"), "-l", os.path.join(A, "audit-good.keys")] + base +
                       ["--fail-on", "low"])
f.check(r.returncode == 0, f"--fail-on low on a good capture: exit {r.returncode} {r.stderr}")
r = common.run_tlslens(["-r", os.path.join(A, "audit-good.pcap")] + base + ["--fail-on", "severe"])
f.check(r.returncode == 2 and "must be info, low, medium, high or critical" in r.stderr,
        f"--fail-on severe: {r.returncode} {r.stderr!r}")
r = common.run_tlslens(["-r", os.path.join(A, "audit-good.pcap"), "--ca-file", "/nonexistent/roots.pem"])
f.check(r.returncode == 2 and "/nonexistent/roots.pem" in r.stderr and r.stderr.count("\n") == 1,
        f"missing --ca-file: {r.returncode} {r.stderr!r}")
r = common.run_tlslens(["-r", os.path.join(A, "audit-good.pcap"), "--no-audit", "--fail-on", "low"])
f.check(r.returncode == 2, f"--no-audit --fail-on: {r.returncode}")

# --no-audit: no chain or finding events, no audit member.
r, evs = events(["-r", os.path.join(A, "audit-expired.pcap"), "--no-audit"])
f.check(not any(e.get("event") in ("chain", "finding") for e in evs), "--no-audit still audits")
f.check(all(e.get("audit") is None for e in evs if e.get("event") == "summary"), "--no-audit: summary audit")

# --audit: one block per server, worst first.
r = common.run_tlslens(["-r", os.path.join(A, "audit-wildcard.pcap"), "-l", os.path.join(A, "audit-wildcard.keys"),
                        "--ca-file", ROOT, "--now", NOW, "--audit"])
blocks = re.findall(r"^Server (\S+) \(", r.stdout, re.M)
f.check(blocks == ["x.a.wild.test", "a.wild.test"], f"--audit: server blocks {blocks}\n{r.stdout}")
f.check("CERT_HOSTNAME_MISMATCH" in r.stdout and "seen on:  #2" in r.stdout, f"--audit text:\n{r.stdout}")
f.check("New TCP connection" not in r.stdout, "--audit prints the records too")
r, evs = events(["-r", os.path.join(A, "audit-client-cert.pcap"), "-l", os.path.join(A, "audit-client-cert.keys"),
                 "--ca-file", ROOT, "--now", NOW, "--audit"])
servers = [e for e in evs if e.get("event") == "server_audit"]
f.check(len(servers) == 1 and servers[0]["connections"] == 4, f"--audit -j: {servers}")
parties = sorted(c["party"] for c in servers[0]["chains"]) if servers else []
f.check(parties == ["client", "client", "server"], f"--audit -j: chains by party {parties}")
f.check(evs and evs[-1].get("event") == "audit_end" and evs[-1]["findings"]["high"] == 1,
        f"--audit -j: audit_end {evs[-1] if evs else None}")

# One chain, one verification: four connections send the same server chain, two client chains.
r = common.run_tlslens(["-r", os.path.join(A, "audit-client-cert.pcap"), "-l", os.path.join(A, "audit-client-cert.keys"),
                        "--ca-file", ROOT, "--now", NOW, "-q", "--stats"])
verified = re.search(r"chains verified\s+(\d+)", r.stdout)
reused = re.search(r"chain verifications reused\s+(\d+)", r.stdout)
f.check(verified and reused and (verified.group(1), reused.group(1)) == ("3", "5"),
        f"--stats chain verifications: {verified and verified.group(0)}, {reused and reused.group(0)}")

# A chain that lacks its issuer (the system store does not hold the test root) is verified once
# for three connections to servers that send the same chain, merged into one capture. With
# --use-seen-intermediates its result depends on the intermediates seen so far: the second
# connection verifies again (the first one's intermediate was added), the third reuses.
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
if shutil.which("mergecap"):
    merged = os.path.join(tempfile.mkdtemp(prefix="tlslens-audit-"), "same-chain.pcap")
    subprocess.run(["mergecap", "-F", "pcap", "-w", merged] +
                   [os.path.join(common.CAPTURES_DIR, n + ".pcap") for n in
                    ["tls12-ecdhe-aes128gcm", "tls12-ecdhe-chacha20", "tls12-ecdhe-aes128cbc-sha256"]], check=True)
    for extra, expected in (([], ("1", "2")), (["--use-seen-intermediates"], ("2", "1"))):
        r = common.run_tlslens(["-r", merged, "-q", "--stats"] + extra)
        verified = re.search(r"chains verified\s+(\d+)", r.stdout)
        reused = re.search(r"chain verifications reused\s+(\d+)", r.stdout)
        f.check(verified and reused and (verified.group(1), reused.group(1)) == expected,
                f"incomplete chain reuse {extra}: {verified and verified.group(0)}, {reused and reused.group(0)}")
    f.check(r.stdout.count("CHAIN_INCOMPLETE  the issuer") == 3, "the reused result must still be reported each time")
else:
    print("SKIPPED part: mergecap (wireshark-common) is not installed")

# docs/audit.md documents every code the program knows.
source = open(os.path.join(common.SOURCE_DIR, "core", "audit", "finding.cpp")).read()
codes = re.findall(r'CodeInfo\{\w+, "(\w+)"', source)
doc = open(os.path.join(common.SOURCE_DIR, "docs", "audit.md")).read()
f.check(len(codes) >= 30, f"codes found in finding.cpp: {len(codes)}")
for code in codes:
    f.check(f"`{code}`" in doc, f"docs/audit.md does not document {code}")

# The new scenarios: what needs the key log and what does not; evidence and severities.
r, evs = events(["-r", os.path.join(A, "audit-tls13-ocsp-revoked.pcap"), "--ca-file", ROOT, "--now", NOW])
f.check(findings_by_connection(evs) == {1: set()}, f"tls13-ocsp-revoked without keys: {findings_by_connection(evs)}")
r, evs = events(["-r", os.path.join(A, "audit-ocsp-revoked.pcap"), "--ca-file", ROOT, "--now", NOW])
f.check(findings_by_connection(evs) == {1: {"CERT_REVOKED"}},
        f"ocsp-revoked (TLS 1.2 staple in clear) without keys: {findings_by_connection(evs)}")
for name in ("audit-ocsp-revoked", "audit-tls13-ocsp-revoked"):
    r, evs = audit(name)
    rev = [e for e in evs if e.get("event") == "finding" and e["code"] == "CERT_REVOKED"]
    f.check(len(rev) == 1 and rev[0]["severity"] == "critical" and rev[0]["party"] == "server" and
            rev[0]["evidence"].get("serial_number") == "1013" and
            rev[0]["evidence"].get("revocation_reason") == "keyCompromise" and
            rev[0]["evidence"].get("revocation_time") == "2026-12-01 00:00:00 UTC" and
            rev[0]["evidence"].get("response_signature", "").startswith("verified") and
            rev[0]["evidence"].get("response_freshness") == "current", f"{name}: {rev}")
r, evs = audit("audit-downgrade")
dg = [e for e in evs if e.get("event") == "finding" and e["code"] == "DOWNGRADE_SENTINEL"]
f.check(len(dg) == 1 and dg[0]["severity"] == "critical" and dg[0]["connection"] == 1 and
        dg[0]["evidence"].get("client_highest_version") == "TLS 1.3", f"downgrade: {dg}")
r, evs = events(["-r", os.path.join(A, "audit-host-mismatch.pcap"), "--ca-file", ROOT, "--now", NOW])
f.check(findings_by_connection(evs) == {1: set(), 2: set()},
        f"host-mismatch without keys: {findings_by_connection(evs)}")
r, evs = audit("audit-host-mismatch")
hm = [e for e in evs if e.get("event") == "finding" and e["code"] == "HOST_HEADER_MISMATCH"]
f.check(len(hm) == 2 and all(e["evidence"].get("host_header") == "other.example.test" and
                             e["evidence"].get("sni") == "localhost" for e in hm), f"host-mismatch: {hm}")

f.finish("audit")
