#!/usr/bin/python3
"""Check every capture in CAPTURES_DIR with tshark (decrypting with its .keys) and print one line of facts each.

  verify.py CAPTURES_DIR [--markdown] [FILE...]

Per capture: link type, frames, TCP streams, per ServerHello the negotiated version and suite (HRR marked),
handshake message counts (as tshark decodes them, i.e. after decryption), decrypted HTTP requests/responses,
alerts, and tshark's complaints (stderr).  tshark runs with tcp.reassemble_out_of_order on and our test ports
decoded as TLS.  Compressed files (.gz/.zst/.lz4) are decompressed to a temporary file first.
"""
import collections
import glob
import os
import subprocess
import sys
import tempfile

D = sys.argv[1]
MARKDOWN = "--markdown" in sys.argv
FILES = [a for a in sys.argv[2:] if a != "--markdown"] or sorted(glob.glob(os.path.join(D, "*.pcap")) + glob.glob(os.path.join(D, "*.pcapng")) +
                               glob.glob(os.path.join(D, "*.pcap.*")))
FILES = [f if os.path.isabs(f) or os.path.exists(f) else os.path.join(D, f) for f in FILES]

SUITES = {
    0xC02F: "ECDHE-RSA-AES128-GCM-SHA256", 0xCCA8: "ECDHE-RSA-CHACHA20-POLY1305",
    0xC027: "ECDHE-RSA-AES128-SHA256", 0x009C: "AES128-GCM-SHA256 (static RSA)",
    0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384", 0x1303: "TLS_CHACHA20_POLY1305_SHA256",
}
HS = {1: "CH", 2: "SH", 4: "NST", 5: "EOED", 8: "EE", 11: "Cert", 12: "SKE", 13: "CR", 14: "SHD", 15: "CV",
      16: "CKE", 20: "Fin", 24: "KeyUpdate", 0: "HelloRequest"}
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
          42: "bad_certificate", 46: "certificate_unknown", 48: "unknown_ca", 70: "protocol_version",
          80: "internal_error", 90: "user_canceled", 100: "no_renegotiation", 116: "certificate_required"}
FIELDS = ["frame.number", "tcp.stream", "tls.handshake.type", "tls.handshake.version",
          "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite", "tls.handshake.random",
          "http.request", "http.response", "tls.alert_message.desc", "tls.handshake.session_id_length",
          "tls.handshake.extensions.psk.identity.identity_length", "tls.record.content_type", "tls.handshake.certificate"]


def tshark(path, keys):
    cmd = ["tshark", "-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE",
           "-d", "tcp.port==4431-4499,tls", "-d", "tcp.port==8443,tls", "-d", "tcp.port==9443,tls",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    if keys and os.path.exists(keys):
        cmd += ["-o", "tls.keylog_file:" + keys]
    for f in FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True)
    err = [ln for ln in p.stderr.splitlines() if "Running as user" not in ln and ln.strip()]
    return [dict(zip(FIELDS, ln.split("\t"))) for ln in p.stdout.splitlines()], err


def encap(path):
    p = subprocess.run(["capinfos", "-E", "-M", path], capture_output=True, text=True)
    for ln in p.stdout.splitlines():
        if "encapsulation" in ln:
            return ln.split(":", 1)[1].strip()
    return "?"


def keys_for(path):
    base = os.path.basename(path)
    for ext in (".gz", ".zst", ".lz4"):
        if base.endswith(ext):
            base = base[:-len(ext)]
    base = base.rsplit(".", 1)[0]
    return os.path.join(os.path.dirname(path), base + ".keys")


def summarize(path):
    keys = keys_for(path)
    tmp = None
    src = path
    for ext, tool in ((".gz", "gzip"), (".zst", "zstd"), (".lz4", "lz4")):
        if path.endswith(ext):
            tmp = tempfile.NamedTemporaryFile(suffix=".pcap", delete=False)
            subprocess.run([tool, "-d", "-c", path], stdout=tmp, check=True)
            tmp.close()
            src = tmp.name
    rows, err = tshark(src, keys)
    link = encap(src)
    if tmp:
        os.unlink(tmp.name)
    streams = sorted({r["tcp.stream"] for r in rows if r.get("tcp.stream")}, key=int)
    hellos, hs, alerts = [], collections.Counter(), collections.Counter()
    req = sum(1 for r in rows if r.get("http.request"))
    resp = sum(1 for r in rows if r.get("http.response"))
    certs = 0
    for r in rows:
        types = [int(t) for t in r.get("tls.handshake.type", "").split(",") if t]
        for t in types:
            hs[HS.get(t, str(t))] += 1
        if 2 in types:
            sv = r["tls.handshake.extensions.supported_version"].split(",")
            v = "TLS1.3" if "0x0304" in sv else {"0x0303": "TLS1.2", "0x0302": "TLS1.1", "0x0301": "TLS1.0"}.get(
                r["tls.handshake.version"].split(",")[-1], r["tls.handshake.version"])
            # the ServerHello's suite is the last suite field in a frame that holds no ClientHello
            cs = r["tls.handshake.ciphersuite"].split(",")[-1]
            name = SUITES.get(int(cs, 16), cs) if cs else "?"
            rnd = r["tls.handshake.random"].replace(":", "").split(",")
            hrr = any(x == HRR_RANDOM for x in rnd)
            hellos.append(f"s{r['tcp.stream']}:{v} {name}{' (HRR)' if hrr else ''}")
        for a in r.get("tls.alert_message.desc", "").split(","):
            if a:
                alerts[ALERTS.get(int(a), a)] += 1
        certs += len([c for c in r.get("tls.handshake.certificate", "").split(",") if c])
    if MARKDOWN:
        hsm = " ".join(f"{k}{v}" for k, v in hs.items())
        al = " ".join(f"{k}x{v}" for k, v in alerts.items()) or "-"
        hel = "<br>".join(hellos) or "-"
        note = (" (tshark: " + err[0].replace("tshark: ", "").replace(path, "file") + ")") if err else ""
        return (f"| {os.path.basename(path)} | {link} | {len(rows)} | {len(streams)} | {hel} | {hsm or '-'} | "
                f"{req}/{resp} | {al}{note} |")
    out = (f"{os.path.basename(path)}: link={link}; frames={len(rows)}; tcp streams={len(streams)}; "
           f"server hellos=[{'; '.join(hellos)}]; handshake msgs={dict(hs)}; certificates seen={certs}; "
           f"decrypted http: {req} req / {resp} resp; alerts={dict(alerts)}")
    if err:
        out += "; tshark says: " + " | ".join(e.strip() for e in err[:2])
    return out


if MARKDOWN:
    print("| file | link | frames | streams | ServerHello per stream (version, suite) | handshake msgs (decrypted) "
          "| http req/resp | alerts |")
    print("|---|---|---|---|---|---|---|---|")
for f in FILES:
    print(summarize(f))
