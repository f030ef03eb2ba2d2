#!/usr/bin/env python3
"""Live capture on lo: a loopback TLS server and client, `tlslens -i lo` with a port filter.

Needs root (or CAP_NET_RAW); skips with the reason otherwise. Traffic stays on 127.0.0.1.
"""
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

if os.geteuid() != 0:
    common.skip("live capture on lo needs root (CI runs as root)")

f = common.Failures()
tmp = tempfile.mkdtemp(prefix="tlslens-live-")
cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                "-days", "2", "-subj", "/CN=localhost"], check=True, capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_once(listener, ctx):
    conn, _ = listener.accept()
    with ctx.wrap_socket(conn, server_side=True) as tls:
        tls.recv(1024)
        tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")


def tls_exchange(port):
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    t = threading.Thread(target=serve_once, args=(listener, server_ctx))
    t.start()
    client_ctx = ssl.create_default_context(cafile=cert)
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
            while tls.recv(1024):
                pass
    t.join()
    listener.close()
    return


watched, ignored = free_port(), free_port()
proc = subprocess.Popen([common.TLSLENS, "-i", "lo", "tcp", "port", str(watched)], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
time.sleep(1.5)  # let libpcap activate the capture before traffic starts
try:
    tls_exchange(watched)
    tls_exchange(ignored)
    time.sleep(1.0)
finally:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)

print(out)
print(err, file=sys.stderr)
f.check(proc.returncode == 0, f"tlslens -i lo exited with {proc.returncode}: {err!r}")
pattern = rf"New TCP connection #1: 127\.0\.0\.1\((\d+)\) <-> 127\.0\.0\.1\({watched}\)"
f.check(re.search(pattern, out) is not None, f"the connection to port {watched} was not reported")
f.check(re.search(r"Connection #1 ended \((fin|rst)\)", out) is not None, "the connection's end was not reported")
f.check(str(ignored) not in out, f"the filter let port {ignored} through")
f.check("#2" not in out, "only one connection should pass the filter")

# Scenario 2: a key log that does not exist when the capture starts, written by the client
# (python's ssl, keylog_filename) during the handshake, which then sends its request at once.
# The secrets are written after the ServerHello (and the server's encrypted handshake, in the
# same flight) went by, so tlslens must look them up late: the client's Finished and
# everything after it decrypt.
import json  # noqa: E402

keylog = os.path.join(tmp, "live.keys")
keylog_port = free_port()


def serve_keylog_once(listener, ctx):
    listener.settimeout(10)
    conn, _ = listener.accept()
    conn.settimeout(10)
    with ctx.wrap_socket(conn, server_side=True) as tls:
        tls.recv(1024)
        tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nlive")


def tls13_exchange_with_keylog(port):
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    server_ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    t = threading.Thread(target=serve_keylog_once, args=(listener, server_ctx))
    t.start()
    client_ctx = ssl.create_default_context(cafile=cert)
    client_ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    client_ctx.keylog_filename = keylog  # created now, secrets written while the handshake runs
    response = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET /live-keylog HTTP/1.0\r\n\r\n")
            while True:
                chunk = tls.recv(1024)
                if not chunk:
                    break
                response += chunk
    t.join(timeout=10)
    listener.close()
    return response


f.check(not os.path.exists(keylog), "the key log must not exist before the capture starts")
exported = os.path.join(tmp, "live-export.pcapng")
proc = subprocess.Popen([common.TLSLENS, "-i", "lo", "-l", keylog, "-j", "-d", "--export-dsb", exported,
                         "tcp", "port", str(keylog_port)],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(1.5)  # let libpcap activate the capture before traffic starts
response = b""
try:
    if proc.poll() is None:
        response = tls13_exchange_with_keylog(keylog_port)
        time.sleep(1.5)
finally:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=20)

print(out)
print(err, file=sys.stderr)
f.check(proc.returncode == 0, f"tlslens -i lo -l (missing key log) exited with {proc.returncode}: {err!r}")
f.check(f"tlslens: warning: key log '{keylog}' does not exist yet; it will be read when it appears" in err,
        f"no warning about the missing key log: {err!r}")
f.check(response.endswith(b"live"), f"the TLS exchange did not complete: {response!r}")
f.check(os.path.exists(keylog), "the client did not write the key log")
events = []
for line in out.split("\n"):
    if not line.strip():
        continue
    try:
        events.append(json.loads(line))
    except ValueError as e:
        f.check(False, f"not a JSON line ({e}): {line[:200]!r}")
# The key log written during the capture was read by refresh(): capture_end counts its
# secrets (a TLS 1.3 client logs 4 that decryption uses), and the request and response were
# decrypted with keys that appeared after the ServerHello.
records = [e for e in events if isinstance(e, dict) and e.get("event") == "record"]
previews = " ".join(str(e.get("data_preview", "")) for e in records)
f.check("GET /live-keylog" in previews, f"the request was not decrypted with the late key log: {records!r}")
f.check("live" in previews and "200 OK" in previews, f"the response was not decrypted: {previews!r}")
ends = [e for e in events if isinstance(e, dict) and e.get("event") == "capture_end"]
f.check(len(ends) == 1, f"expected one capture_end event, found {len(ends)}")
usage = (ends[0].get("decryption") or {}) if ends else {}
f.check(usage.get("key_log_entries", 0) >= 4,
        f"the key log written during the capture was not read: capture_end decryption {usage!r}")

# --export-dsb during the live capture: the secrets the key log gained are embedded as they
# came, so the export decrypts on its own (no -l).
f.check(os.path.exists(exported), "--export-dsb wrote nothing during live capture")
if os.path.exists(exported):
    r = common.run_tlslens(["-r", exported, "-j", "-d", "--no-audit"])
    previews = " ".join(json.loads(line).get("data_preview", "") for line in common.output_lines(r)
                        if '"event":"record"' in line)
    f.check(r.returncode == 0 and "GET /live-keylog" in previews,
            f"the live export does not decrypt on its own: {r.returncode} {r.stderr!r}")
    with open(exported, "rb") as fh:
        f.check(fh.read().count(b"CLIENT_TRAFFIC_SECRET_0 ") == 1, "the live export does not hold the secrets once")
f.finish("live")
