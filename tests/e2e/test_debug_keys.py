#!/usr/bin/env python3
"""--debug-keys prints the secrets and keys each connection used, to standard error, and they
are the real ones (the key log's own secrets; for static RSA, the master secret tshark's key
log would hold); without it no secret appears anywhere in any output mode."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

C = common.CAPTURES_DIR
f = common.Failures()


def capture(name):
    return os.path.join(C, name)


def key_log(path):
    """{(label, client_random): secret} of a key log file, lowercase hex."""
    out = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 3 and not parts[0].startswith("#"):
            out[(parts[0], parts[1].lower())] = parts[2].lower()
    return out


def debug_lines(stderr):
    """[(connection, what, hex)] of the --debug-keys lines."""
    found = []
    for line in stderr.split("\n"):
        m = re.fullmatch(r"tlslens: keys: connection (\d+): (.+) ([0-9a-f]*)", line)
        if m:
            found.append((int(m.group(1)), m.group(2), m.group(3)))
    return found


# TLS 1.2 from a key log: the master secret printed is the CLIENT_RANDOM line's, then six keys.
log12 = key_log(capture("tls12-ecdhe-aes128gcm.keys"))
r = common.run_tlslens(["-r", capture("tls12-ecdhe-aes128gcm.pcap"), "-l", capture("tls12-ecdhe-aes128gcm.keys"),
                        "--debug-keys"])
f.check(r.returncode == 0, f"tls12 --debug-keys exited {r.returncode}: {r.stderr}")
lines = debug_lines(r.stderr)
masters = [h for (_, what, h) in lines if what == "master_secret (key log CLIENT_RANDOM)"]
f.check(len(masters) == 1 and masters[0] in log12.values(), f"tls12: master secret lines {lines}")
whats = [what for (_, what, _) in lines]
for k in ["client_write_key", "server_write_key", "client_write_iv", "server_write_iv"]:
    f.check(k in whats, f"tls12: no {k} line in {whats}")
f.check(all(len(h) == 32 for (_, w, h) in lines if w.endswith("write_key")), f"tls12: AES-128 keys {lines}")

# TLS 1.3: the four traffic secrets, equal to the key log's.
log13 = key_log(capture("tls13-aes128gcm.keys"))
r = common.run_tlslens(["-r", capture("tls13-aes128gcm.pcap"), "-l", capture("tls13-aes128gcm.keys"), "--debug-keys"])
lines = debug_lines(r.stderr)
labels = sorted(what for (_, what, _) in lines)
f.check(labels == ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                   "SERVER_TRAFFIC_SECRET_0"], f"tls13: labels {labels}")
for (_, what, h) in lines:
    f.check(any(k[0] == what and v == h for k, v in log13.items()), f"tls13: {what} is not the key log's secret")

# Static RSA with -k: the master secret printed names its source and equals what tshark's
# RSA-key decryption would log (checked indirectly: it decrypts, so here only the form).
r = common.run_tlslens(["-r", capture("tls12-rsa-aes128gcm.pcap"), "-k", capture("certs/server.key"), "--debug-keys"])
lines = debug_lines(r.stderr)
f.check(any(what == "master_secret (RSA key)" and len(h) == 96 for (_, what, h) in lines),
        f"static RSA: master secret line {lines}")

# Without --debug-keys, no secret of the key log (nor a derived key) appears in any output.
secrets = list(log12.values()) + list(log13.values())
for name, keys in [("tls12-ecdhe-aes128gcm", "tls12-ecdhe-aes128gcm.keys"), ("tls13-aes128gcm", "tls13-aes128gcm.keys")]:
    for mode in [[], ["-A", "-x", "-d"], ["-j", "-x", "-d"], ["-N", "-X"]]:
        r = common.run_tlslens(["-r", capture(name + ".pcap"), "-l", capture(keys)] + mode)
        text = (r.stdout + r.stderr).lower()
        leaked = [s[:16] for s in secrets if s in text]
        f.check(not leaked, f"{name} {mode}: secrets printed without --debug-keys: {leaked}")
        f.check("tlslens: keys:" not in r.stderr, f"{name} {mode}: key lines without --debug-keys")

f.finish("debug-keys")
