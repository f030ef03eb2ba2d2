#!/usr/bin/env python3
"""TLS traffic for benchmark captures: a threaded HTTP-ish server and a concurrent client.

Run by bench/make_capture.sh inside a private network namespace, on loopback:

  tls_traffic.py server --port 4431 --cert CHAIN --key KEY      (one process per server profile;
                                                                OPENSSL_CONF picks its TLS 1.3 suites)
  tls_traffic.py client --pcap FILE --target-bytes N --keylog FILE [--concurrency 40] [--rate B/s]

The client runs `concurrency` workers, each mostly holding one connection open, until the capture
file reaches the target size. Each connection picks a profile (TLS 1.3 AES-256-GCM / AES-128-GCM /
ChaCha20, TLS 1.2 ECDHE with AES-GCM / ChaCha20 / AES-CBC, TLS 1.2 static RSA with AES-GCM /
AES-CBC), makes 1-4 requests on it (request bodies and responses from a few hundred bytes to a few
hundred KB, most of them small) with think time between them, and closes it (mostly with
close_notify). The think time adapts so the capture grows at --rate bytes per second: a few dozen
mostly idle keep-alive connections, as real clients hold them, rather than a flood.
The client's SSLContext writes every secret to the key log (SSLKEYLOGFILE format).

Wire protocol (plain, inside TLS):  "GET /<resp_size> HTTP/1.1\r\nContent-Length: <n>\r\n\r\n"
+ n body bytes; the server answers "HTTP/1.1 200 OK\r\nContent-Length: <resp_size>\r\n\r\n" + body.
"""
import argparse
import os
import random
import socket
import ssl
import sys
import threading
import time

# One random megabyte reused as payload: incompressible like real encrypted content.
PAYLOAD = random.Random(0).randbytes(1 << 20)

# (name, weight, server port, TLS version cap, TLS 1.2 cipher string or None)
PROFILES = [
    ("tls13-aes256gcm", 20, 4431, None, None),
    ("tls13-aes128gcm", 12, 4432, None, None),
    ("tls13-chacha20", 10, 4433, None, None),
    ("tls12-ecdhe-aes128gcm", 16, 4431, ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-GCM-SHA256"),
    ("tls12-ecdhe-aes256gcm", 6, 4431, ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES256-GCM-SHA384"),
    ("tls12-ecdhe-chacha20", 8, 4431, ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-CHACHA20-POLY1305"),
    ("tls12-ecdhe-aes128cbc-sha", 6, 4431, ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-SHA"),
    ("tls12-ecdhe-aes256cbc-sha384", 6, 4431, ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES256-SHA384"),
    ("tls12-rsa-aes128gcm", 8, 4431, ssl.TLSVersion.TLSv1_2, "AES128-GCM-SHA256"),
    ("tls12-rsa-aes256cbc-sha256", 8, 4431, ssl.TLSVersion.TLSv1_2, "AES256-SHA256"),
]


def read_exact(sock, n):
    chunks = []
    while n > 0:
        b = sock.recv(min(n, 65536))
        if not b:
            raise ConnectionError("peer closed")
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read_head(sock, buf):
    """Reads up to the blank line; returns (head, rest)."""
    while b"\r\n\r\n" not in buf:
        b = sock.recv(16384)
        if not b:
            return None, b""
        buf += b
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def content_length(head):
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            return int(v)
    return 0


def body(n):
    out = []
    while n > 0:
        k = min(n, len(PAYLOAD))
        out.append(PAYLOAD[:k])
        n -= k
    return b"".join(out)


# ---- server -------------------------------------------------------------------------------

def serve_connection(ctx, raw):
    try:
        with ctx.wrap_socket(raw, server_side=True) as s:
            buf = b""
            while True:
                head, buf = read_head(s, buf)
                if head is None:
                    break
                n = content_length(head)
                if len(buf) < n:
                    buf += read_exact(s, n - len(buf))
                buf = buf[n:]
                size = int(head.split(" ", 2)[1].lstrip("/"))
                s.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                          b"Content-Length: %d\r\n\r\n" % size + body(size))
            try:
                s.unwrap()
            except (OSError, ssl.SSLError, ValueError):
                pass
    except (OSError, ssl.SSLError, ConnectionError, ValueError):
        pass


def run_server(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    ctx.set_ciphers("ALL:@SECLEVEL=1")  # allow static RSA key exchange
    ctx.options |= ssl.OP_NO_TICKET  # every connection is a full handshake
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.port))
    lsock.listen(512)
    while True:
        raw, _ = lsock.accept()
        threading.Thread(target=serve_connection, args=(ctx, raw), daemon=True).start()


# ---- client -------------------------------------------------------------------------------

def pick_size(rng, small, medium, large):
    r = rng.random()
    lo, hi = small if r < 0.70 else medium if r < 0.95 else large
    return int(lo * (hi / lo) ** rng.random())  # log-uniform


class Client:
    def __init__(self, args):
        self.args = args
        self.contexts = {}
        for name, _, _, cap, ciphers in PROFILES:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            if cap is not None:
                ctx.maximum_version = cap
            if ciphers:
                ctx.set_ciphers(ciphers + ":@SECLEVEL=1")
            ctx.keylog_filename = args.keylog
            self.contexts[name] = ctx
        self.weights = [p[1] for p in PROFILES]
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = 0
        self.errors = 0
        self.by_profile = {p[0]: 0 for p in PROFILES}
        # Mean think time (seconds) between requests and between connections; the monitor loop
        # adapts it so the capture grows at --rate bytes per second (0 = as fast as possible).
        # Start from an estimate: about 35 KB on the wire per request.
        self.think = args.concurrency * 35000 / args.rate if args.rate > 0 else 0.0
        self.t0 = time.time()
        self.size = 0

    def wait_for_budget(self):
        """Holds a request back while the capture is ahead of the --rate schedule."""
        if self.args.rate <= 0:
            return
        while not self.stop.is_set() and self.size > self.args.rate * (time.time() - self.t0) + 256 * 1024:
            time.sleep(0.01)

    def one_connection(self, rng):
        name, _, port, _, _ = rng.choices(PROFILES, weights=self.weights)[0]
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with self.contexts[name].wrap_socket(raw, server_hostname="localhost") as s:
                nreq = rng.choice((1, 1, 2, 2, 3, 4))
                buf = b""
                for i in range(nreq):
                    if i:
                        if self.stop.wait(rng.uniform(0.0, 2 * self.think)):  # think time
                            break
                    self.wait_for_budget()
                    up = pick_size(rng, (200, 2000), (2000, 60000), (60000, 300000))
                    down = pick_size(rng, (300, 8000), (8000, 64000), (64000, 400000))
                    s.sendall(b"GET /%d HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n"
                              % (down, up) + body(up))
                    head, buf = read_head(s, buf)
                    if head is None:
                        raise ConnectionError("server closed")
                    n = content_length(head)
                    if len(buf) < n:
                        read_exact(s, n - len(buf))
                    buf = b""
                    with self.lock:
                        self.requests += 1
                if rng.random() < 0.85:  # mostly a clean close_notify, sometimes just FIN
                    try:
                        s.unwrap()
                    except (OSError, ssl.SSLError, ValueError):
                        pass
        with self.lock:
            self.connections += 1
            self.by_profile[name] += 1

    def worker(self, seed):
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, 0.5))  # stagger the start
        while not self.stop.is_set():
            try:
                self.one_connection(rng)
            except (OSError, ssl.SSLError, ConnectionError) as e:
                with self.lock:
                    self.errors += 1
                if self.errors > 50:
                    print(f"tls_traffic: too many errors, last: {e}", file=sys.stderr)
                    self.stop.set()
            self.stop.wait(rng.uniform(0.0, 0.5 * self.think))

    def run(self):
        threads = [threading.Thread(target=self.worker, args=(self.args.seed * 1000 + i,), daemon=True)
                   for i in range(self.args.concurrency)]
        for t in threads:
            t.start()
        t0 = self.t0 = time.time()
        last = 0
        while not self.stop.is_set():
            time.sleep(0.05)
            size = self.size = os.path.getsize(self.args.pcap) if os.path.exists(self.args.pcap) else 0
            if size >= self.args.target_bytes:
                self.stop.set()
            if self.args.rate > 0:
                expected = self.args.rate * (time.time() - t0)
                if size > expected * 1.05:
                    self.think = min(self.think * 1.15, 10.0)
                elif size < expected * 0.95:
                    self.think = max(self.think / 1.15, 0.001)
            if time.time() - last > 5:
                last = time.time()
                print(f"tls_traffic: {size / 1e6:.1f} MB captured, {self.connections} connections, "
                      f"{time.time() - t0:.0f} s, think {self.think * 1000:.0f} ms", file=sys.stderr)
            if self.args.max_seconds and time.time() - t0 > self.args.max_seconds:
                print("tls_traffic: time limit reached", file=sys.stderr)
                self.stop.set()
        for t in threads:
            t.join(timeout=30)
        print(f"tls_traffic: {self.connections} connections, {self.requests} requests, "
              f"{self.errors} errors in {time.time() - t0:.1f} s", file=sys.stderr)
        print("tls_traffic: profiles: " + ", ".join(f"{k}={v}" for k, v in self.by_profile.items()),
              file=sys.stderr)
        return 0 if self.connections and self.errors <= 50 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    c = sub.add_parser("client")
    c.add_argument("--pcap", required=True, help="capture being written; its size is the stop condition")
    c.add_argument("--target-bytes", type=int, required=True)
    c.add_argument("--keylog", required=True)
    c.add_argument("--concurrency", type=int, default=40)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--rate", type=float, default=0,
                   help="pace the traffic so the capture grows by this many bytes per second (0 = no pacing)")
    c.add_argument("--max-seconds", type=float, default=900)
    a = ap.parse_args()
    if a.cmd == "server":
        run_server(a)
        return 0
    return Client(a).run()


if __name__ == "__main__":
    sys.exit(main())
