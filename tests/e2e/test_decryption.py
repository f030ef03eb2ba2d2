#!/usr/bin/env python3
"""Decryption of the project's own captures (captures/): every record of every suite decrypts
with the capture's key log (or the server's RSA key), and the HTTP exchange appears. Also
resumption from a session decrypted earlier in the capture, TLS 1.3 KeyUpdate and HRR, a gap
that damages one record, and a wrong key that must decrypt nothing."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import decryption_check  # noqa: E402

C = common.CAPTURES_DIR
f = common.Failures()


def capture(name):
    return os.path.join(C, name)


def expect_full(name, args, connections=1, requests=1):
    d = decryption_check.run(["-r", capture(name)] + args)
    f.check(d.result.returncode == 0, f"{name}: exit {d.result.returncode}: {d.result.stderr.strip()}")
    for conn in range(1, connections + 1):
        f.check(d.undecryptable.get(conn) == 0 and d.decrypted.get(conn, 0) > 0,
                f"{name} #{conn}: {d.decrypted.get(conn)} decrypted, {d.undecryptable.get(conn)} not "
                f"({d.missing.get(conn)})")
    f.check(d.all_text().count("GET /") == requests, f"{name}: {d.all_text().count('GET /')} requests decrypted, "
                                                     f"expected {requests}")
    f.check(d.all_text().count("HTTP/1.1 200 OK") == requests, f"{name}: responses missing")
    return d


def keys(name):
    return ["-l", capture(name + ".keys")]


for name in ["tls12-ecdhe-aes128gcm", "tls12-ecdhe-chacha20", "tls12-ecdhe-aes128cbc-sha256",
             "tls12-ecdhe-aes128cbc-sha256-noetm", "tls13-aes128gcm", "tls13-aes256gcm", "tls13-chacha20",
             "tls13-hrr", "tls13-ipv6", "sll2-tls12", "sll-tls13", "link-raw", "link-null", "vlan-qinq",
             "tcp-reorder", "tcp-retrans", "tcp-overlap", "tcp-overlap-conflict", "tcp-seqwrap", "ip-fragments",
             "tls12-mtls", "tls13-mtls"]:
    expect_full(name + ".pcap", keys(name))

# Static RSA: the server's private key alone, no key log; with and without extended master secret.
for name in ["tls12-rsa-aes128gcm", "tls12-rsa-aes128gcm-noems"]:
    expect_full(name + ".pcap", ["-k", capture("certs/server.key")])

# Several connections; TLS 1.3 PSK resumption; the demo with its embedded secrets (no -l).
expect_full("tls12-resume-ticket.pcap", keys("tls12-resume-ticket"), connections=2, requests=2)
expect_full("tls12-resume-sessionid.pcap", keys("tls12-resume-sessionid"), connections=2, requests=2)
expect_full("tls13-resume-psk.pcap", keys("tls13-resume-psk"), connections=2, requests=2)
expect_full("demo-dsb.pcapng", [], connections=6, requests=8)
expect_full("tls13-keyupdate.pcap", keys("tls13-keyupdate"), requests=2)
expect_full("tls12-renegotiation.pcap", keys("tls12-renegotiation"), requests=2)
d = decryption_check.run(["-r", capture("tls13-keyupdate.pcap")] + keys("tls13-keyupdate"))
f.check(d.messages.get(1, []).count(24) == 2, f"tls13-keyupdate: KeyUpdate messages {d.messages.get(1)}")
f.check("/after-keyupdate" in d.all_text(), "tls13-keyupdate: the request after the KeyUpdate was not decrypted")

# Resumption with only the first connection's secret: the second decrypts from the session
# the first one established (by ticket, then by session ID).
for name in ["tls12-resume-ticket", "tls12-resume-sessionid"]:
    with open(capture(name + ".keys")) as src:
        lines = [line for line in src if line.startswith("CLIENT_RANDOM")]
    with tempfile.NamedTemporaryFile("w", suffix=".keys", delete=False) as first_only:
        first_only.write(lines[0])
    d = decryption_check.run(["-r", capture(name + ".pcap"), "-l", first_only.name])
    os.unlink(first_only.name)
    f.check(d.undecryptable.get(2) == 0 and d.decrypted.get(2, 0) > 0,
            f"{name}: the resumed connection was not decrypted from the cached session ({d.missing.get(2)})")

# A gap inside one record: that record (5000 bytes of the body) is lost; the sequence number
# keeps counting, so every record after it still decrypts: 110 + 1000 + 1000 + 1192 bytes.
d = decryption_check.run(["-r", capture("tcp-gap.pcap")] + keys("tcp-gap"))
f.check(d.undecryptable.get(1) == 0, f"tcp-gap: {d.undecryptable.get(1)} undecryptable records, expected 0")
f.check(d.failures.get(1, 0) == 0, f"tcp-gap: {d.failures.get(1)} records failed authentication")
f.check("GET /index.html" in d.text(1, "C>S"), "tcp-gap: the request was not decrypted")
f.check(len(d.text(1, "S>C")) == 3302, f"tcp-gap: {len(d.text(1, 'S>C'))} response bytes decrypted, expected 3302")

# The wrong key log: nothing decrypts, the reason is given, no plaintext leaks out.
d = decryption_check.run(["-r", capture("tls13-aes128gcm.pcap")] + keys("tls12-ecdhe-aes128gcm"))
f.check(d.decrypted.get(1) == 0 and d.all_text() == "", "wrong key log: something was decrypted")
f.check("no key log entry" in (d.missing.get(1) or ""), f"wrong key log: reason {d.missing.get(1)!r}")
d = decryption_check.run(["-r", capture("tls12-rsa-aes128gcm.pcap"), "-k", capture("certs/client.key")])
f.check(d.decrypted.get(1) == 0, "wrong RSA key: something was decrypted")
f.check(d.missing.get(1), "wrong RSA key: no reason given")

# RSA_PSK (RFC 4279 s.4): the premaster is made of the PSK and an RSA-encrypted secret, so it
# takes both -k and --psk; either alone says what is missing.
PSK = "tlslens-client:1a2b3c4d5e6f708192a3b4c5d6e7f801"
d = decryption_check.run(["-r", capture("tls12-rsa-psk.pcap"), "-k", capture("certs/server.key"), "--psk", PSK])
f.check(d.decrypted.get(1, 0) == 5 and d.undecryptable.get(1) == 0,
        f"rsa-psk: {d.decrypted.get(1)} decrypted, {d.undecryptable.get(1)} not ({d.missing.get(1)})")
f.check("GET /rsa-psk HTTP/1.0" in d.text(1, "C>S"), "rsa-psk: the request was not decrypted")
d = decryption_check.run(["-r", capture("tls12-rsa-psk.pcap"), "-k", capture("certs/server.key")])
f.check(d.decrypted.get(1, 0) == 0 and "RSA_PSK suite: no pre-shared key (--psk) for identity 'tlslens-client'"
        in (d.missing.get(1) or ""), f"rsa-psk without --psk: {d.missing.get(1)}")
d = decryption_check.run(["-r", capture("tls12-rsa-psk.pcap"), "--psk", PSK])
f.check(d.decrypted.get(1, 0) == 0 and "RSA_PSK: no RSA key (-k)" in (d.missing.get(1) or ""),
        f"rsa-psk without -k: {d.missing.get(1)}")
d = decryption_check.run(["-r", capture("tls12-rsa-psk.pcap"), "-k", capture("certs/server.key"), "--psk",
                          "tlslens-client:00112233445566778899aabbccddeeff"])
f.check(d.decrypted.get(1, 0) == 0, "rsa-psk with the wrong PSK decrypted something")

f.finish("decryption")
