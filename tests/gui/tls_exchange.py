#!/usr/bin/env python3
"""One TLS exchange on 127.0.0.1:PORT, server and client in this process (the live capture test).

Usage: tls_exchange.py PORT CERT_CHAIN KEY [KEYLOG]. The server presents CERT_CHAIN
(CN=localhost); the client sends SNI localhost, a request, reads the reply and closes; with
KEYLOG, the client appends its secrets there (SSLKEYLOGFILE format) during the handshake. Exit 0 when the reply came,
1 otherwise (the test then retries on another port). Traffic stays on loopback.
"""
import socket
import ssl
import sys
import threading

port, chain, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
keylog = sys.argv[4] if len(sys.argv) > 4 else None
server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(chain, key)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(1)
listener.settimeout(10)


def serve_once():
    try:
        conn, _ = listener.accept()
        conn.settimeout(10)
        with server_ctx.wrap_socket(conn, server_side=True) as tls:
            tls.recv(1024)
            tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nlive")
    except OSError as e:
        print(f"server: {e}", file=sys.stderr)


server = threading.Thread(target=serve_once)
server.start()
client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.check_hostname = False
client_ctx.verify_mode = ssl.CERT_NONE  # the test checks what the capture shows, not the PKI
if keylog:
    client_ctx.keylog_filename = keylog
reply = b""
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET /gui-live HTTP/1.0\r\n\r\n")
            while True:
                chunk = tls.recv(1024)
                if not chunk:
                    break
                reply += chunk
except OSError as e:
    print(f"client: {e}", file=sys.stderr)
server.join(timeout=10)
listener.close()
sys.exit(0 if reply.endswith(b"live") else 1)
