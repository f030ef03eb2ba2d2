#!/usr/bin/python3
"""Check the audit captures with tshark: each one decodes, and per TCP connection shows what README.md says.

  auditcheck.py AUDIT_DIR [--markdown] [FILE...]

Per connection (tcp.stream): the negotiated version and suite, the SNI the client sent, the Certificate chains as
sent (server, and client for mutual TLS) named by their files in certs/audit/, the ClientHello/ServerHello
extensions that the audit reads (extended_master_secret, encrypt_then_mac, renegotiation_info and the SCSV,
heartbeat), whether the ClientHello offered TLS 1.3 and the ServerHello random ends with the RFC 8446 downgrade
sentinel DOWNGRD\x01, a stapled OCSP status (TLS 1.2 CertificateStatus or the TLS 1.3 CertificateEntry), alerts other
than close_notify, decrypted HTTP requests/responses and a Host header that differs from the SNI.  tshark runs twice: with NAME.keys (TLS 1.3
Certificates must then be visible) and without (they must not be).  Each capture is compared with EXPECT below;
exit status 1 if anything differs.  --markdown prints the table of README.md.
"""
import datetime
import glob
import hashlib
import os
import subprocess
import sys

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

D = sys.argv[1]
MARKDOWN = "--markdown" in sys.argv
ARGS = [a for a in sys.argv[2:] if a != "--markdown"]
FILES = [a if os.path.isabs(a) or os.path.exists(a) else os.path.join(D, a) for a in ARGS] or \
    sorted(glob.glob(os.path.join(D, "*.pcap")))
CERTS = os.path.join(os.path.dirname(os.path.abspath(D)), "certs", "audit")

SUITES = {0xC02F: "ECDHE-RSA-AES128-GCM-SHA256", 0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
          0x1303: "TLS_CHACHA20_POLY1305_SHA256", 0xC013: "ECDHE-RSA-AES128-SHA", 0x009C: "AES128-GCM-SHA256",
          0xC027: "ECDHE-RSA-AES128-SHA256", 0x009E: "DHE-RSA-AES128-GCM-SHA256", 0xC011: "ECDHE-RSA-RC4-SHA",
          0xC012: "ECDHE-RSA-DES-CBC3-SHA", 0xC010: "ECDHE-RSA-NULL-SHA", 0xC030: "ECDHE-RSA-AES256-GCM-SHA384"}
OCSP_STATUS = {"0": "good", "1": "revoked", "2": "unknown"}
SENTINEL12 = "444f574e47524401"    # "DOWNGRD\x01": the last 8 bytes of a TLS 1.3 server's random when it negotiates 1.2
VERSIONS = {"0x0304": "TLS1.3", "0x0303": "TLS1.2", "0x0302": "TLS1.1", "0x0301": "TLS1.0"}
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
          42: "bad_certificate", 43: "unsupported_certificate", 45: "certificate_expired",
          46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 70: "protocol_version", 80: "internal_error",
          90: "user_canceled", 100: "no_renegotiation", 116: "certificate_required"}
FIELDS = ["frame.number", "frame.time_epoch", "tcp.stream", "tcp.srcport", "tls.handshake.type",
          "tls.handshake.version", "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite",
          "tls.handshake.extension.type", "tls.handshake.extensions_server_name", "tls.handshake.certificate",
          "tls.alert_message.level", "tls.alert_message.desc", "http.request", "http.response", "tls.handshake.random",
          "ocsp.certStatus", "http.host"]
SERVER_PORTS = ("443", "4443")     # 4443: the real server behind the proxy of audit-downgrade

G12 = "ECDHE-RSA-AES128-GCM-SHA256"
G12_256 = "ECDHE-RSA-AES256-GCM-SHA384"    # what OpenSSL and gnutls choose by default for TLS 1.2
A256 = "TLS_AES_256_GCM_SHA384"
GOOD = ["good", "intermediate-ca"]
CLEAN12 = dict(ems=True, ri=True, hb=False, sentinel=False, ocsp=None, host=None, http=(1, 1), alerts=[])        # what every OpenSSL<->OpenSSL TLS 1.2 conn shows
CLEAN13 = dict(hb=False, ocsp=None, host=None, http=(1, 1), alerts=[])


def s12(chain, sni="localhost", suite=G12, v="TLS1.2", **kw):
    e = dict(CLEAN12, v=v, suite=suite, sni=sni, chain=chain)
    e.update(kw)
    return e


def s13(chain, sni="localhost", **kw):
    e = dict(CLEAN13, v="TLS1.3", suite=A256, sni=sni, chain=chain)
    e.update(kw)
    return e


# per capture, per TCP connection: the facts that must hold (keys not given are not compared)
EXPECT = {
    # SENTINEL: a TLS 1.3-capable server (OpenSSL, gnutls) negotiating TLS 1.2 with a client that offered 1.2 at
    # most puts DOWNGRD\x01 in its random: correct, no downgrade (audit-good s1, audit-no-reneg s1, audit-weak-cipher
    # s0 and s1)
    "audit-good": [s13(GOOD), s12(GOOD, sentinel=True)],
    "audit-expired": [s12(["expired", "intermediate-ca"])],
    "audit-not-yet-valid": [s12(["not-yet-valid", "intermediate-ca"])],
    "audit-wrong-host": [s12(GOOD, sni="www.example.test")],
    "audit-wildcard": [s12(["wildcard", "intermediate-ca"], sni="a.wild.test"),
                       s12(["wildcard", "intermediate-ca"], sni="x.a.wild.test")],
    "audit-ip-san": [s12(["ip-only", "intermediate-ca"], sni=None)],
    "audit-cn-only": [s12(["cn-only", "intermediate-ca"])],
    "audit-self-signed": [s12(["self-signed"])],
    "audit-missing-intermediate": [s12(["good"])],
    "audit-wrong-order": [s12(["good", "root-ca", "intermediate-ca"])],
    "audit-extra-cert": [s12(["good", "intermediate-ca", "other-intermediate-ca"])],
    "audit-untrusted-root": [s12(["other-leaf", "other-intermediate-ca", "other-root-ca"]),
                             s12(["other-leaf", "other-intermediate-ca"])],
    "audit-rsa1024": [s12(["rsa1024", "intermediate-ca"])],
    "audit-sha1-leaf": [s12(["sha1", "intermediate-ca"])],
    "audit-md5-leaf": [s12(["md5", "intermediate-ca"])],
    "audit-long-validity": [s12(["long-validity", "intermediate-ca"])],
    "audit-expires-soon": [s12(["expires-soon", "intermediate-ca"])],
    "audit-bad-usage": [s12(["eku-clientauth", "intermediate-ca"]), s12(["ku-nonrepudiation", "intermediate-ca"])],
    "audit-tls10": [s12(GOOD, v="TLS1.0", suite="ECDHE-RSA-AES128-SHA", etm=True)],
    "audit-tls11": [s12(GOOD, v="TLS1.1", suite="ECDHE-RSA-AES128-SHA", etm=True)],
    "audit-static-rsa": [s12(GOOD, suite="AES128-GCM-SHA256")],
    "audit-no-ems": [s12(GOOD, ems=False)],
    "audit-cbc-noetm": [s12(GOOD, suite="ECDHE-RSA-AES128-SHA256", etm=False)],
    "audit-dhe-1024": [s12(GOOD, suite="DHE-RSA-AES128-GCM-SHA256")],
    # gnutls-serv answers HTTP/1.0 without Content-Length and ends with an RST: tshark counts no response
    "audit-no-reneg": [s12(GOOD, ri=False, scsv=False, ch_ri=False), s12(GOOD, ri=False, scsv=True, ch_ri=False,
                                                                          http=(1, 0), sentinel=True)],
    "audit-tls13-bad-chain": [s13(["expired", "intermediate-ca"])],
    "audit-client-cert": [s12(GOOD, cchain=["client", "intermediate-ca"]), s13(GOOD, cchain=["client", "intermediate-ca"]),
                          s12(GOOD, cchain=["client-serverauth", "intermediate-ca"]),
                          s13(GOOD, cchain=["client-serverauth", "intermediate-ca"])],
    "audit-fatal-alert": [s12(GOOD, http=(0, 0), alerts=["client fatal unknown_ca"]),
                          s13(GOOD, http=(0, 0), alerts=["client fatal unknown_ca"]),
                          s13(GOOD, cchain=["client-serverauth", "intermediate-ca"], http=(0, 0),
                              alerts=["server fatal unsupported_certificate"])],
    "audit-time-shifted": [s12(["leaf-2020", "intermediate-2020-ca"], start="2020-06-15")],
    "audit-weak-cipher": [s12(GOOD, suite="ECDHE-RSA-RC4-SHA", etm=False, http=(1, 0), sentinel=True),
                          s12(GOOD, suite="ECDHE-RSA-DES-CBC3-SHA", etm=True, http=(1, 0), sentinel=True),
                          s12(GOOD, suite="ECDHE-RSA-NULL-SHA")],
    "audit-ocsp-good": [s12(GOOD, suite=G12_256, ocsp="good")],
    "audit-ocsp-revoked": [s12(["revoked", "intermediate-ca"], suite=G12_256, ocsp="revoked")],
    "audit-tls13-ocsp-revoked": [s13(["revoked", "intermediate-ca"], ocsp="revoked")],
    # s0 client <-> proxy: TLS 1.3 offered, sentinel; s1 proxy <-> server: the rewritten ClientHello offers TLS 1.2
    # at most (same randoms). The client aborts after the ServerHello flight and writes no key
    "audit-downgrade": [s12(GOOD, suite=G12_256, offer13=True, sentinel=True, http=(0, 0),
                            alerts=["client fatal illegal_parameter"]),
                        s12(GOOD, suite=G12_256, offer13=False, sentinel=True, http=(0, 0),
                            alerts=["client fatal illegal_parameter"])],
    "audit-host-mismatch": [s12(GOOD, host="other.example.test", sentinel=True), s13(GOOD, host="other.example.test")],
    # gnutls on both sides (see audit-no-reneg): no RI from OpenSSL's list, but gnutls-serv sends it
    "audit-heartbeat": [s12(GOOD, suite=G12_256, hb=True, http=(1, 0))],
    "audit-tls13-heartbeat": [s13(GOOD, hb=True, http=(1, 0))],
}


def cert_names():
    """SHA-256 of DER -> file base name, for every single-certificate PEM of certs/audit."""
    out = {}
    for p in glob.glob(os.path.join(CERTS, "*.pem")):
        if p.endswith("-chain.pem") or os.path.basename(p) == "dh1024.pem":
            continue
        with open(p, "rb") as f:
            data = f.read()
        if data.count(b"BEGIN CERTIFICATE") != 1:
            continue
        c = x509.load_pem_x509_certificate(data)
        out[hashlib.sha256(c.public_bytes(Encoding.DER)).hexdigest()] = os.path.basename(p)[:-4]
    return out


NAMES = cert_names()


def tshark(path, keys):
    cmd = ["tshark", "-n", "-r", path, "-d", "tcp.port==4443,tls", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=|"]
    if keys:
        cmd += ["-o", "tls.keylog_file:" + keys]
    for f in FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True)
    err = [ln for ln in p.stderr.splitlines() if "Running as user" not in ln and ln.strip()]
    return [dict(zip(FIELDS, ln.split("\t"))) for ln in p.stdout.splitlines()], err, p.returncode


def split(v):
    return [x for x in v.split("|") if x] if v else []


def facts(rows):
    conns = {}
    for r in rows:
        st = r.get("tcp.stream", "")
        if st == "":
            continue
        c = conns.setdefault(int(st), dict(v=None, suite=None, sni=None, chain=None, cchain=None, ems=None,
                                           etm=None, ri=None, scsv=None, ch_ri=None, alerts=[], http=[0, 0],
                                           start=None, certs13_seen=False, hb=None, offer13=None, sentinel=None,
                                           ocsp=None, host=None))
        if c["start"] is None:
            t = datetime.datetime.fromtimestamp(float(r["frame.time_epoch"]), datetime.timezone.utc)
            c["start"] = t.strftime("%Y-%m-%d")
        server = r["tcp.srcport"] in SERVER_PORTS
        types = [int(t) for t in split(r["tls.handshake.type"])]
        exts = split(r["tls.handshake.extension.type"])
        if 1 in types:
            c["sni"] = (split(r["tls.handshake.extensions_server_name"]) or [None])[0]
            c["scsv"] = "0x00ff" in split(r["tls.handshake.ciphersuite"])
            c["ch_ri"] = "65281" in exts
            c["offer13"] = "0x0304" in split(r["tls.handshake.extensions.supported_version"])
        if 2 in types:
            sv = split(r["tls.handshake.extensions.supported_version"])
            c["v"] = "TLS1.3" if "0x0304" in sv else VERSIONS.get(split(r["tls.handshake.version"])[0], "?")
            cs = split(r["tls.handshake.ciphersuite"])[-1]
            c["suite"] = SUITES.get(int(cs, 16), cs)
            if c["v"] != "TLS1.3":
                c["ems"], c["etm"], c["ri"] = "23" in exts, "22" in exts, "65281" in exts
                c["hb"] = "15" in exts
            rnd = split(r["tls.handshake.random"])
            c["sentinel"] = bool(rnd) and rnd[-1].endswith(SENTINEL12)
        if 11 in types:
            der = split(r["tls.handshake.certificate"])
            chain = [NAMES.get(hashlib.sha256(bytes.fromhex(h)).hexdigest(), "?" + h[:16]) for h in der]
            c["chain" if server else "cchain"] = chain
            if c["v"] == "TLS1.3":
                c["certs13_seen"] = True
        if 8 in types and server:                    # EncryptedExtensions (TLS 1.3, decrypted)
            c["hb"] = "15" in exts
        lv, ds = split(r["tls.alert_message.level"]), split(r["tls.alert_message.desc"])
        for lvl, desc in zip(lv, ds):
            if desc != "0":
                c["alerts"].append("%s %s %s" % ("server" if server else "client", "fatal" if lvl == "2" else
                                                 "warning", ALERTS.get(int(desc), desc)))
        for st_ in split(r.get("ocsp.certStatus")):
            c["ocsp"] = OCSP_STATUS.get(st_, st_)
        if r.get("http.request"):
            c["http"][0] += 1
            host = (split(r.get("http.host")) or [None])[0]
            if host is not None and host != (c["sni"] or "127.0.0.1"):
                c["host"] = host
        if r.get("http.response"):
            c["http"][1] += 1
    for c in conns.values():
        c["http"] = tuple(c["http"])
    return [conns[k] for k in sorted(conns)]


def describe(c):
    s = f"{c['v']} {c['suite']}; SNI {c['sni'] or '(none)'}; server chain [{', '.join(c['chain'] or [])}]"
    if c["cchain"]:
        s += f"; client chain [{', '.join(c['cchain'])}]"
    if c["v"] != "TLS1.3":
        s += "; SH ext: " + (" ".join(n for n, k in (("EMS", "ems"), ("ETM", "etm"), ("RI", "ri"), ("HB", "hb"))
                                      if c[k]) or "-")
        if not c["ch_ri"] and not c["scsv"]:
            s += " (CH: no RI, no SCSV)"
        if c["sentinel"]:
            s += "; SH random ends DOWNGRD\\x01 (CH %s TLS 1.3)" % ("offered" if c["offer13"] else "did not offer")
    elif c["hb"]:
        s += "; EE ext: HB"
    if c["ocsp"]:
        s += "; OCSP staple: " + c["ocsp"]
    if c["host"]:
        s += "; Host header " + c["host"]
    if c["alerts"]:
        s += "; alerts: " + ", ".join(c["alerts"])
    s += "; http %d/%d" % c["http"]
    return s


def main():
    bad = 0
    if MARKDOWN:
        print("| file | first packet (UTC) | frames | per connection: version suite; SNI; chain(s) as sent (files of "
              "certs/audit/); ServerHello (TLS <= 1.2) or EncryptedExtensions extensions, downgrade sentinel; OCSP staple; "
              "alerts; Host header if not the SNI; decrypted http req/resp |")
        print("|---|---|---|---|")
    for path in FILES:
        name = os.path.basename(path)[:-5]
        keys = path[:-5] + ".keys"
        rows, err, rc = tshark(path, keys)
        conns = facts(rows)
        problems = []
        if rc != 0 or err:
            problems.append("tshark: rc=%d %s" % (rc, " | ".join(err[:2])))
        exp = EXPECT.get(name)
        if exp is None:
            problems.append("no expectation in auditcheck.py")
        elif len(exp) != len(conns):
            problems.append("%d connections, expected %d" % (len(conns), len(exp)))
        else:
            for i, (e, c) in enumerate(zip(exp, conns)):
                for k, v in e.items():
                    if c[k] != v:
                        problems.append("s%d %s=%r, expected %r" % (i, k, c[k], v))
                if c["v"] == "TLS1.3" and not c["certs13_seen"]:
                    problems.append("s%d: TLS 1.3 Certificate not decrypted with %s" % (i, os.path.basename(keys)))
        # without the key log, no TLS 1.3 certificate may be visible
        nokeys = facts(tshark(path, None)[0])
        for i, c in enumerate(nokeys):
            if c["v"] == "TLS1.3" and (c["chain"] or c["cchain"]):
                problems.append("s%d: TLS 1.3 certificate visible without the key log?" % i)
        bad += bool(problems)
        if MARKDOWN:
            print(f"| {name}.pcap | {conns[0]['start'] if conns else '-'} | {len(rows)} | "
                  + "<br>".join(f"s{i}: {describe(c)}" for i, c in enumerate(conns)) + " |")
        else:
            print(f"{name}: {len(rows)} frames, {len(conns)} connection(s), first packet {conns[0]['start'] if conns else '-'}: "
                  + ("OK" if not problems else "MISMATCH"))
            for i, c in enumerate(conns):
                print(f"  s{i}: {describe(c)}")
            for p in problems:
                print(f"  !! {p}")
    if not MARKDOWN:
        print(f"auditcheck: {len(FILES) - bad} of {len(FILES)} captures as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
