#!/usr/bin/python3
"""A version-downgrading man in the middle, for the audit-downgrade capture (make_audit_captures.sh).

  downgrade_proxy.py --listen PORT --to PORT [--conns N]

Accepts N connections on 127.0.0.1:LISTEN and relays each to 127.0.0.1:TO.  From the client's first TLS record (its
ClientHello) it removes the supported_versions extension (43), fixing the extensions, handshake and record lengths;
everything else, in both directions, is relayed unchanged.  The server then sees a ClientHello that offers TLS 1.2
at most and, if it could have done TLS 1.3, answers TLS 1.2 with the RFC 8446 downgrade sentinel ("DOWNGRD\\x01")
at the end of its random; a TLS 1.3 client that sees it must abort (OpenSSL: illegal_parameter alert).  Loopback
only; the ClientHello must fit in one record (python's and OpenSSL's do).
"""
import argparse
import socket
import struct
import sys
import threading


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise EOFError("connection closed inside the first record")
        buf += d
    return buf


def strip_supported_versions(record):
    """The ClientHello record without extension 43 (same bytes if it has none)."""
    ctype, ver, rlen = struct.unpack("!BHH", record[:5])
    body = record[5:]
    assert ctype == 22 and body[0] == 1, "not a ClientHello record"
    hlen = int.from_bytes(body[1:4], "big")
    assert hlen + 4 == len(body) == rlen, "the ClientHello does not fill exactly one record"
    ch = body[4:]
    off = 2 + 32                                         # legacy_version, random
    off += 1 + ch[off]                                   # session id
    off += 2 + struct.unpack("!H", ch[off:off + 2])[0]   # cipher suites
    off += 1 + ch[off]                                   # compression methods
    ext_total = struct.unpack("!H", ch[off:off + 2])[0]
    exts, p, removed = b"", off + 2, []
    while p < off + 2 + ext_total:
        etype, elen = struct.unpack("!HH", ch[p:p + 4])
        if etype == 43:
            removed.append(ch[p + 4:p + 4 + elen].hex())
        else:
            exts += ch[p:p + 4 + elen]
        p += 4 + elen
    new_ch = ch[:off] + struct.pack("!H", len(exts)) + exts
    new_body = b"\x01" + len(new_ch).to_bytes(3, "big") + new_ch
    print("downgrade_proxy: removed supported_versions %s from the ClientHello" % removed, file=sys.stderr)
    return struct.pack("!BHH", ctype, ver, len(new_body)) + new_body


def pump(src, dst):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            dst.sendall(d)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def relay(c, to):
    s = socket.create_connection(("127.0.0.1", to))
    hdr = read_exact(c, 5)
    rec = hdr + read_exact(c, struct.unpack("!H", hdr[3:5])[0])
    s.sendall(strip_supported_versions(rec))
    t = threading.Thread(target=pump, args=(s, c))
    t.start()
    pump(c, s)
    t.join()
    c.close()
    s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--to", type=int, required=True)
    p.add_argument("--conns", type=int, default=1)
    a = p.parse_args()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.listen))
    ls.listen(4)
    for _ in range(a.conns):
        c, _ = ls.accept()
        relay(c, a.to)


if __name__ == "__main__":
    main()
