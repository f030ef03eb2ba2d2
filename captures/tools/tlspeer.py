#!/usr/bin/python3
"""A tiny TLS client/server pair (python3 ssl) that speaks an HTTP/1.1-like exchange, for making captures.

  tlspeer.py server --port P [--host ADDR] [--conns N] [options]
  tlspeer.py client --port P [--host ADDR] [--conns N] [--resume] [options]

The server answers every request ("GET /path ...\r\n\r\n") with "HTTP/1.1 200 OK" and a deterministic text body
of --body bytes, written as one TLS record per --chunks entry (so records span several TCP segments).
The client sends --requests requests per connection, reads each response, then closes with close_notify
(both sides send one).  With --resume each connection after the first offers the session of the previous one
(TLS 1.2 ticket or session id, TLS 1.3 PSK).  Only the client writes the key log (SSLKEYLOGFILE format).

--ossl KEY=VALUE (repeatable) sets OpenSSL's system_default SSL configuration through a generated OPENSSL_CONF,
which is the only way python's ssl module can pick TLS 1.3 cipher suites (Ciphersuites=...) or groups (Groups=...).

For the audit captures (make_audit_captures.sh): --min/--max 1.0 and 1.1 (with --ciphers '...:@SECLEVEL=0'),
--no-sni, --host-header (client: a Host header other than the SNI), --dhparams (server: a finite-field DH group for
DHE suites), --expect-fail (the handshake is meant to fail: the client reports the error and exits 0, the server
goes on to its next connection), and a client that reads a response without Content-Length up to the end of the
connection.
"""
import argparse
import os
import socket
import sys
import tempfile


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["server", "client"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--conns", type=int, default=1, help="connections to accept/make, one after the other")
    p.add_argument("--min", dest="minv", choices=["1.0", "1.1", "1.2", "1.3"], default="1.2")
    p.add_argument("--max", dest="maxv", choices=["1.0", "1.1", "1.2", "1.3"], default="1.3")
    p.add_argument("--ciphers", help="OpenSSL cipher string for TLS <= 1.2")
    p.add_argument("--ossl", action="append", default=[], help="KEY=VALUE for OpenSSL's system_default section")
    p.add_argument("--options", type=lambda s: int(s, 0), default=0, help="extra SSL_OP_* bits to set")
    p.add_argument("--no-tickets", action="store_true", help="server: SSL_OP_NO_TICKET (session-id resumption)")
    p.add_argument("--num-tickets", type=int, help="server: TLS 1.3 tickets to send")
    p.add_argument("--alpn", default="http/1.1")
    # certificates
    p.add_argument("--cert", help="certificate chain PEM (server: required; client: for mutual TLS)")
    p.add_argument("--key", help="private key PEM")
    p.add_argument("--ca", help="CA file: client verifies the server with it; server requires a client cert")
    p.add_argument("--pha", action="store_true", help="TLS 1.3 post-handshake client auth (both sides)")
    p.add_argument("--expect-fail", action="store_true", help="the handshake is meant to fail (e.g. the client "
                   "rejects the server's chain): report it and go on")
    # client
    p.add_argument("--sni", default="localhost", help="server name (an IP address sends no SNI, as in python)")
    p.add_argument("--no-sni", action="store_true", help="send no server_name extension (needs no --ca)")
    p.add_argument("--keylog")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--requests", type=int, default=1)
    p.add_argument("--path", default="/index.html")
    p.add_argument("--host-header", help="client: the Host header of the requests (default: the --sni name)")
    # server
    p.add_argument("--dhparams", help="server: DH parameters PEM for DHE suites")
    p.add_argument("--body", type=int, default=8192)
    p.add_argument("--chunks", default="5000,1000,1000,1192", help="body write sizes (one TLS record each)")
    return p.parse_args()


args = parse()
if args.ossl:
    conf = tempfile.NamedTemporaryFile("w", suffix=".cnf", delete=False)
    conf.write("openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\n"
               "system_default = system_default_sect\n[system_default_sect]\n")
    for kv in args.ossl:
        conf.write(kv + "\n")
    conf.close()
    os.environ["OPENSSL_CONF"] = conf.name

import ssl  # noqa: E402  (after OPENSSL_CONF is set)

VERS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2,
        "1.3": ssl.TLSVersion.TLSv1_3}


def body_bytes(n):
    out = bytearray()
    i = 0
    while len(out) < n:
        out += b"line %05d of the tlslens test body: the quick brown fox jumps over the lazy dog\n" % i
        i += 1
    return bytes(out[:n])


def context(server):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = VERS[args.minv]
    ctx.maximum_version = VERS[args.maxv]
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    if args.options:
        ctx.options |= args.options
    if args.alpn:
        ctx.set_alpn_protocols([args.alpn])
    if args.no_tickets:
        ctx.options |= ssl.OP_NO_TICKET
    if server:
        ctx.load_cert_chain(args.cert, args.key)
        if args.dhparams:
            ctx.load_dh_params(args.dhparams)
        if args.num_tickets is not None:
            ctx.num_tickets = args.num_tickets
        if args.ca:
            ctx.load_verify_locations(args.ca)
            if args.pha:  # no CertificateRequest in the handshake; one is sent after the first request
                ctx.verify_mode = ssl.CERT_OPTIONAL
                ctx.post_handshake_auth = True
            else:
                ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        if args.ca:
            ctx.load_verify_locations(args.ca)
        else:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if args.cert:
            ctx.load_cert_chain(args.cert, args.key)
        if args.pha:
            ctx.post_handshake_auth = True
        if args.keylog:
            ctx.keylog_filename = args.keylog
    return ctx


def read_request(s, buf):
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return None, buf
        buf += d
    req, _, rest = buf.partition(b"\r\n\r\n")
    return req, rest


def serve():
    ctx = context(True)
    fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.host, args.port))
    ls.listen(8)
    body = body_bytes(args.body)
    chunks = [int(c) for c in args.chunks.split(",") if c]
    for _ in range(args.conns):
        raw, _ = ls.accept()
        try:
            s = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            if not args.expect_fail:
                raise
            print("server: handshake failed (expected): %s" % e, file=sys.stderr)
            raw.close()
            continue
        with s:
            buf = b""
            first = True
            while True:
                req, buf = read_request(s, buf)
                if req is None:
                    break
                if args.pha and first:
                    s.verify_client_post_handshake()  # CertificateRequest goes out with the first response
                first = False
                path = req.split(b" ")[1] if b" " in req else b"/"
                extra = b""
                if args.pha:
                    try:
                        cert = s.getpeercert()
                    except ValueError:  # post-handshake authentication still in progress
                        cert = None
                    who = dict(x[0] for x in cert["subject"])["commonName"] if cert else "nobody"
                    extra = b"X-Client: " + who.encode() + b"\r\n"
                hdr = (b"HTTP/1.1 200 OK\r\nServer: tlslens-test\r\nContent-Type: text/plain\r\n" + extra +
                       b"X-Path: " + path + b"\r\nContent-Length: %d\r\n\r\n" % len(body))
                s.sendall(hdr)
                off = 0
                for c in chunks:
                    s.sendall(body[off:off + c])
                    off += c
                if off < len(body):
                    s.sendall(body[off:])
            try:
                s.unwrap()
            except (ssl.SSLError, OSError):
                pass


def exchange(s):
    """Send --requests requests on s and read each response."""
    for r in range(args.requests):
        path = args.path if args.requests == 1 else "%s?r=%d" % (args.path, r + 1)
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlslens-test\r\nAccept: */*\r\n\r\n"
                   % (path, args.host_header or args.sni)).encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                raise SystemExit("client: server closed early")
            buf += d
        hdr, _, rest = buf.partition(b"\r\n\r\n")
        clens = [ln.split(b":")[1] for ln in hdr.split(b"\r\n") if ln.lower().startswith(b"content-length")]
        clen = int(clens[0]) if clens else None
        while clen is None:          # no Content-Length: the body ends with the connection
            try:
                d = s.recv(65536)
            except (ssl.SSLEOFError, ConnectionResetError):
                d = b""
            if not d:
                break
            rest += d
        while clen is not None and len(rest) < clen:
            d = s.recv(65536)
            if not d:
                raise SystemExit("client: short body")
            rest += d


def client():
    ctx = context(False)
    fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sess = None
    for n in range(args.conns):
        raw = socket.socket(fam, socket.SOCK_STREAM)
        raw.connect((args.host, args.port))
        try:
            s = ctx.wrap_socket(raw, server_hostname=None if args.no_sni else args.sni,
                                session=sess if args.resume else None)
            if args.expect_fail:      # TLS 1.3: a server that rejects our certificate tells us after our Finished
                exchange(s)
        except (ssl.SSLError, OSError) as e:
            if not args.expect_fail:
                raise
            print("client: conn %d failed (expected): %s" % (n + 1, e), file=sys.stderr)
            raw.close()
            continue
        if args.expect_fail:
            raise SystemExit("client: the connection was meant to fail but succeeded")
        with s:
            exchange(s)
            print("client: conn %d %s %s resumed=%s alpn=%s" % (n + 1, s.version(), s.cipher()[0], s.session_reused,
                                                                  s.selected_alpn_protocol()), file=sys.stderr)
            sess = s.session
            try:
                s.unwrap()
            except (ssl.SSLError, OSError):
                pass


if args.role == "server":
    serve()
else:
    client()
