#!/usr/bin/env python3
"""Decryption coverage of tlslens, ssldump and tshark on one capture (used by run_bench.sh -m decrypt).

  decrypt_coverage.py --json TLSLENS_J_OUT [--ssldump SSLDUMP_D_OUT] [--tshark TSHARK_FIELDS]

Prints Markdown on stdout. How each tool's decrypted records are counted:

- tlslens: `tlslens -j -l K` "record" events with "decrypted":true; the summaries'
  decryption.undecryptable_records (should be 0) and missing_keys, per version and cipher suite.
- ssldump (`ssldump -n -d -l K`): a record counts as decrypted when its body shows plaintext that
  only decryption can give: application_data followed by its "-----" data dump, an Alert with its
  level/value lines, or a Handshake message line (e.g. "Finished") after that direction's
  ChangeCipherSpec. ssldump 1.5 does not decrypt TLS 1.3: those records print with an empty body.
- tshark (`-o tls.keylog_file:K -Y tls -T fields -E occurrence=a -e tcp.stream -e tls.record.length
  -e tls.record.content_type -e tls.record.opaque_type -e tls.segment.data -e tls.alert_message.level
  -e tls.handshake.type -e data.len`): in a TLS 1.3 stream (one with opaque_type) a decrypted record
  shows its inner [Content Type] beside the opaque type, so decrypted = content_type + opaque_type -
  records; in other streams decrypted = application_data records whose plaintext shows (per frame:
  min(application_data records, "TLS segment data" items + data items), since no dissector is
  registered for the bench ports the plaintext goes to TLS reassembly and then to data) + decoded
  alerts + Finished messages. An estimate from dissection fields, not a count tshark reports.
"""
import argparse, json, re, sys
from collections import Counter, defaultdict


def tlslens(path):
    tot = Counter()
    by = defaultdict(Counter)
    bad = []
    for line in open(path):
        if '"event":"record"' in line:
            tot["records"] += 1
            if '"encrypted":true' in line:
                tot["encrypted"] += 1
            if '"decrypted":true' in line:
                tot["decrypted"] += 1
        elif '"event":"summary"' in line:
            e = json.loads(line)
            d = e.get("decryption") or {}
            und = sum((d.get("undecryptable_records") or {}).values())
            dec = sum((d.get("decrypted_records") or {}).values())
            key = ((e.get("version") or {}).get("name", "?"), (e.get("cipher_suite") or {}).get("name", "?"))
            by[key]["connections"] += 1
            by[key]["decrypted"] += dec
            by[key]["undecryptable"] += und
            tot["connections"] += 1
            tot["undecryptable"] += und
            if und or d.get("missing_keys"):
                bad.append((e["connection"], key, und, d.get("missing_keys")))
    return tot, by, bad


def ssldump(path):
    rec = re.compile(r"^(\d+) +(\d+) +\d+\.\d+ +\(\d+\.\d+\) +([CS]>[CS]) +(\S+)")
    n = dec = 0
    ccs = set()
    cur = None  # [type, conn, dir, body lines]
    def close():
        nonlocal dec
        if not cur:
            return
        typ, conn, d, body = cur
        if typ == "application_data" and any(l.strip().startswith("-----") for l in body):
            dec += 1
        elif typ == "Alert" and (conn, d) in ccs and any("level" in l for l in body):
            dec += 1
        elif typ == "Handshake" and (conn, d) in ccs and any(l.strip() for l in body):
            dec += 1
    for line in open(path, errors="replace"):
        m = rec.match(line)
        if m:
            close()
            n += 1
            conn, d, typ = m.group(1), m.group(3), m.group(4)
            cur = [typ, conn, d, []]
            if typ == "ChangeCipherSpec":
                ccs.add((conn, d))
        elif line.startswith("New TCP") or not line.strip():
            continue
        elif cur is not None:
            cur[3].append(line)
    close()
    return n, dec


def tshark(path):
    n13 = n12 = records = 0
    streams = defaultdict(Counter)
    cnt = lambda x: len([v for v in x.split(",") if v])
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 8 or not f[0]:
            continue
        c = streams[f[0]]
        c["records"] += cnt(f[1])
        c["ct"] += cnt(f[2])
        c["ot"] += cnt(f[3])
        # TLS 1.2 application data decrypted in this frame: each decrypted record's plaintext shows
        # as a "TLS segment data" item or, ending a PDU, as data (both for the last record of one).
        app = sum(1 for v in f[2].split(",") if v == "23")
        c["app"] += min(app, cnt(f[4]) + cnt(f[7]))
        c["alert"] += cnt(f[5])
        c["fin"] += sum(1 for v in f[6].split(",") if v == "20")
    for c in streams.values():
        records += c["records"]
        if c["ot"]:
            n13 += c["ct"] + c["ot"] - c["records"]
        else:
            n12 += c["app"] + c["alert"] + c["fin"]
    return records, n13, n12, len(streams)


ap = argparse.ArgumentParser()
ap.add_argument("--json")
ap.add_argument("--ssldump")
ap.add_argument("--tshark")
a = ap.parse_args()
print("Decryption coverage (records decrypted per tool, counted from the warm-up outputs):\n")
print("| tool | TLS records seen | decrypted records | notes |")
print("|---|---:|---:|---|")
if a.json:
    tot, by, bad = tlslens(a.json)
    print(f"| tlslens -j | {tot['records']:,} | {tot['decrypted']:,} | {tot['encrypted']:,} records encrypted; "
          f"undecryptable (summaries): {tot['undecryptable']}; connections with undecryptable records or "
          f"missing keys: {len(bad)} of {tot['connections']} |")
if a.ssldump:
    n, dec = ssldump(a.ssldump)
    print(f"| ssldump -d | {n:,} | {dec:,} | records with decrypted content in the -d output |")
if a.tshark:
    records, n13, n12, ns = tshark(a.tshark)
    print(f"| tshark | {records:,} | {n13 + n12:,} | TLS 1.3 streams {n13:,} (inner content type shown); "
          f"others {n12:,} (application data with plaintext + decoded alerts + Finished); {ns:,} streams |")
if a.json:
    print("\ntlslens by version and cipher suite:\n")
    print("| version | cipher suite | connections | decrypted records | undecryptable |")
    print("|---|---|---:|---:|---:|")
    for (v, cs), c in sorted(by.items()):
        print(f"| {v} | {cs} | {c['connections']:,} | {c['decrypted']:,} | {c['undecryptable']:,} |")
    for conn, key, und, missing in bad[:20]:
        print(f"decrypt_coverage: connection {conn} {key}: {und} undecryptable, missing keys {missing}",
              file=sys.stderr)
