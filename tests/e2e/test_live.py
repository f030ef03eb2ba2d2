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
f.finish("live")
