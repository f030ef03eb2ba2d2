#!/usr/bin/env python3
"""Seeds of the audit fuzz targets (run through fuzz/make_seeds.py) and their fixtures.

Writes
  fuzz/fixtures/*.key          fixed test keys (made once, kept: the seeds' signatures use them)
  fuzz/audit_fixtures.h        the PEM certificates and public keys the targets use (generated)
  fuzz/corpus/audit_signatures ServerKeyExchange / CertificateVerify / OCSP / transcript inputs
  fuzz/corpus/chain_audit      certificate chains (from the captures and captures/certs/audit)
  fuzz/corpus/audited_stream   whole TLS connections from captures/audit and captures/
The input formats are documented in the fuzz_<target>.cpp files. TLS streams, ServerKeyExchange
messages and chains are extracted from the pcaps with a small pcap/TCP reader (Ethernet, VLAN,
SLL, SLL2, RAW, NULL; IPv4/IPv6; in-order reassembly). ECDSA, DSA and PSS signatures are
randomised, so rerunning changes those seed bytes (not what they cover); everything else is
deterministic. Files that start with crash- are never touched."""
import glob
import hashlib
import os
import struct
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
CAPTURES = os.path.join(ROOT, "captures")
PKI = os.path.join(CAPTURES, "certs", "audit")
FIXTURES = os.path.join(FUZZ, "fixtures")
CORPUS = os.path.join(FUZZ, "corpus")

# ---------------------------------------------------------------------------------------
# Fixed keys and certificates (the order is the fuzz targets' key/certificate index)

# Certificates from captures/certs/audit, index = position (audit_fixtures.h kCertificates).
PKI_CERTS = ["good", "intermediate-ca", "root-ca", "rsa1024", "expired", "md5", "self-signed",
             "other-leaf", "other-intermediate-ca", "other-root-ca", "wildcard", "ip-only",
             "intermediate-2020-ca", "leaf-2020", "cn-only", "client"]
# Extra keys (kKeys in audit_fixtures.h come after the certificates' keys).
GENERATED_KEYS = ["ec-p256", "ec-p384", "ec-p521", "ec-brainpool256", "ed25519", "ed448", "dsa2048",
                  "rsa-pss2048"]


def load_pem_cert(name):
    with open(os.path.join(PKI, name + ".pem"), "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def generated_key_path(name):
    return os.path.join(FIXTURES, name + ".key")


def make_fixture_keys():
    os.makedirs(FIXTURES, exist_ok=True)
    makers = {
        "ec-p256": lambda: ec.derive_private_key(0x5EED0001, ec.SECP256R1()),
        "ec-p384": lambda: ec.derive_private_key(0x5EED0002, ec.SECP384R1()),
        "ec-p521": lambda: ec.derive_private_key(0x5EED0003, ec.SECP521R1()),
        "ec-brainpool256": lambda: ec.derive_private_key(0x5EED0004, ec.BrainpoolP256R1()),
        "ed25519": lambda: ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32))),
        "ed448": lambda: ed448.Ed448PrivateKey.from_private_bytes(bytes(range(57))),
        "dsa2048": lambda: dsa.generate_private_key(2048),
    }
    for name in GENERATED_KEYS:
        path = generated_key_path(name)
        if os.path.exists(path):
            continue
        if name == "rsa-pss2048":  # an RSASSA-PSS key (id-RSASSA-PSS): only openssl makes one
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
                            "-out", path], check=True, capture_output=True)
            continue
        key = makers[name]()
        with open(path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))


def public_pem(path):
    out = subprocess.run(["openssl", "pkey", "-in", path, "-pubout"], check=True, capture_output=True)
    return out.stdout.decode()


def make_ocsp_responder():
    """A delegated OCSP responder certified by the intermediate (with and without the EKU)."""
    issuer = load_pem_cert("intermediate-ca")
    issuer_key = load_key(os.path.join(PKI, "intermediate-ca.key"))
    responder_key = load_key(generated_key_path("ec-p256"))
    out = {}
    for eku in (True, False):
        b = (x509.CertificateBuilder()
             .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                         "fuzz OCSP responder" + ("" if eku else " without EKU"))]))
             .issuer_name(issuer.subject)
             .public_key(responder_key.public_key())
             .serial_number(0x0C5B + eku)
             .not_valid_before(datetime(2025, 1, 1, tzinfo=timezone.utc))
             .not_valid_after(datetime(2034, 1, 1, tzinfo=timezone.utc)))
        if eku:
            b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        out[eku] = b.sign(issuer_key, hashes.SHA256())
    return out


def c_string(text):
    lines = text.strip("\n").split("\n")
    return "\n".join('    "%s\\n"' % line for line in lines)


def write_fixture_header(responders):
    parts = ["// Generated by fuzz/make_seeds.py (audit_seeds.py): do not edit.",
             "// Certificates from captures/certs/audit and fuzz/fixtures, public keys of fuzz/fixtures/*.key.",
             "#pragma once", "", "namespace tlslens_fuzz {", "",
             "// Certificates, by index (the seeds refer to them by this index).",
             "inline const char* const kCertificatePems[] = {"]
    for name in PKI_CERTS:
        with open(os.path.join(PKI, name + ".pem")) as f:
            parts.append("    // %s.pem\n%s," % (name, c_string(f.read())))
    for eku, cert in sorted(responders.items(), reverse=True):
        parts.append("    // OCSP responder certified by intermediate-ca%s\n%s," %
                     ("" if eku else " (no OCSPSigning EKU)",
                      c_string(cert.public_bytes(serialization.Encoding.PEM).decode())))
    parts.append("};")
    parts.append("inline const char* const kCertificateNames[] = {%s};" % ", ".join(
        '"%s"' % n for n in PKI_CERTS + ["ocsp-responder", "ocsp-responder-no-eku"]))
    parts.append("")
    parts.append("// Public keys that have no certificate, by index (after the certificates' keys).")
    parts.append("inline const char* const kPublicKeyPems[] = {")
    for name in GENERATED_KEYS:
        parts.append("    // fixtures/%s.key\n%s," % (name, c_string(public_pem(generated_key_path(name)))))
    parts.append("};")
    parts.append("")
    parts.append("}  // namespace tlslens_fuzz")
    with open(os.path.join(FUZZ, "audit_fixtures.h"), "w") as f:
        f.write("\n".join(parts) + "\n")


def key_index(name):
    """The fuzz targets' key index: certificates first, then the generated keys."""
    if name in PKI_CERTS:
        return PKI_CERTS.index(name)
    return len(PKI_CERTS) + 2 + GENERATED_KEYS.index(name)


# ---------------------------------------------------------------------------------------
# pcap reading and TCP reassembly

def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None, []  # pcapng: not read here
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
    off, packets = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        packets.append((sec + frac / (1e9 if nano else 1e6), data[off:off + incl]))
        off += incl
    return linktype, packets


def ip_payload(linktype, frame):
    if linktype == 1:  # Ethernet
        ethertype, off = struct.unpack(">H", frame[12:14])[0], 14
        while ethertype in (0x8100, 0x88A8):
            ethertype, off = struct.unpack(">H", frame[off + 2:off + 4])[0], off + 4
        return frame[off:] if ethertype in (0x0800, 0x86DD) else None
    if linktype == 113:  # SLL
        return frame[16:]
    if linktype == 276:  # SLL2
        return frame[20:]
    if linktype in (101, 12, 14):  # RAW
        return frame
    if linktype in (0, 108):  # NULL / LOOP
        return frame[4:]
    return None


def tcp_segment(ip):
    if not ip:
        return None
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        if ip[9] != 6 or struct.unpack(">H", ip[6:8])[0] & 0x3FFF:
            return None  # not TCP, or a fragment
        src, dst, tcp = ip[12:16], ip[16:20], ip[ihl:total]
    elif ip[0] >> 4 == 6:
        if ip[6] != 6:
            return None
        src, dst, tcp = ip[8:24], ip[24:40], ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
    else:
        return None
    if len(tcp) < 20:
        return None
    sport, dport, seq, _, off_flags = struct.unpack(">HHIIH", tcp[:14])
    return (src, sport), (dst, dport), seq, off_flags & 0x3F, tcp[(off_flags >> 12) * 4:]


class Conn:
    def __init__(self, client, server):
        self.client, self.server = client, server
        self.next = [None, None]    # next expected seq per direction (0 = C>S)
        self.pending = [{}, {}]
        self.chunks = []            # (direction, time, bytes) in delivery order
        self.streams = [bytearray(), bytearray()]
        self.handshake_seen = False

    def segment(self, d, t, seq, flags, payload):
        if flags & 0x02:
            self.next[d] = (seq + 1) & 0xFFFFFFFF
            self.handshake_seen = True
            return
        if self.next[d] is None:
            self.next[d] = seq
        if payload:
            self.pending[d][seq] = payload
        progressed = True
        while progressed:
            progressed = False
            for s, p in list(self.pending[d].items()):
                rel = (self.next[d] - s) & 0xFFFFFFFF
                if rel < len(p):  # covers the next byte
                    new = p[rel:]
                    self.chunks.append((d, t, bytes(new)))
                    self.streams[d] += new
                    self.next[d] = (self.next[d] + len(new)) & 0xFFFFFFFF
                    del self.pending[d][s]
                    progressed = True
                elif rel < 0x80000000:  # entirely old: a retransmission
                    del self.pending[d][s]


def connections(path):
    linktype, packets = read_pcap(path)
    conns, active = [], {}
    for t, frame in packets:
        seg = tcp_segment(ip_payload(linktype, frame))
        if seg is None:
            continue
        src, dst, seq, flags, payload = seg
        key = tuple(sorted([src, dst]))
        conn = active.get(key)
        if flags & 0x02 and not flags & 0x10:  # SYN: a new connection (port reuse too)
            conn = Conn(src, dst)
            conn.first_time = t
            active[key] = conn
            conns.append(conn)
        if conn is None:
            conn = Conn(src, dst) if dst[1] in (443, 4433, 8443) else Conn(dst, src)
            conn.first_time = t
            active[key] = conn
            conns.append(conn)
        conn.segment(0 if src == conn.client else 1, t, seq, flags, payload)
    return [c for c in conns if c.chunks]


# ---------------------------------------------------------------------------------------
# TLS in the clear: records, handshake messages, what the hellos say

def handshake_messages(stream):
    """Handshake messages (type, whole message) sent in the clear, until ChangeCipherSpec."""
    off, buf, out = 0, b"", []
    while off + 5 <= len(stream):
        ctype, length = stream[off], struct.unpack(">H", stream[off + 3:off + 5])[0]
        fragment = bytes(stream[off + 5:off + 5 + length])
        off += 5 + length
        if ctype == 20 or ctype == 23:
            break
        if ctype != 22:
            continue
        buf += fragment
        while len(buf) >= 4:
            n = int.from_bytes(buf[1:4], "big")
            if len(buf) < 4 + n:
                break
            out.append((buf[0], buf[:4 + n]))
            buf = buf[4 + n:]
    return out


def hello_facts(conn):
    facts = {"version": None, "suite": None, "client_random": None, "server_random": None, "sni": "",
             "server_chain": [], "client_chain": [], "ske": None}
    for t, m in handshake_messages(conn.streams[0]):
        if t == 1 and facts["client_random"] is None:
            facts["client_random"] = m[6:38]
            facts["sni"] = client_sni(m)
        if t == 11:
            facts["client_chain"] = certificate_list(m)
    for t, m in handshake_messages(conn.streams[1]):
        if t == 2:
            facts["server_random"] = m[6:38]
            sid = m[38]
            facts["suite"] = struct.unpack(">H", m[39 + sid:41 + sid])[0]
            facts["version"] = struct.unpack(">H", m[4:6])[0]
            if server_supported_version(m, 42 + sid):
                facts["version"] = server_supported_version(m, 42 + sid)
        elif t == 11:
            facts["server_chain"] = certificate_list(m)
        elif t == 12:
            facts["ske"] = m[4:]
    return facts


def extensions(m, off):
    if off + 2 > len(m):
        return
    end = off + 2 + struct.unpack(">H", m[off:off + 2])[0]
    off += 2
    while off + 4 <= end:
        typ, n = struct.unpack(">HH", m[off:off + 4])
        yield typ, m[off + 4:off + 4 + n]
        off += 4 + n


def server_supported_version(m, off):
    for typ, data in extensions(m, off):
        if typ == 43 and len(data) == 2:
            return struct.unpack(">H", data)[0]
    return None


def client_sni(m):
    off = 38
    off += 1 + m[off]                                          # session id
    off += 2 + struct.unpack(">H", m[off:off + 2])[0]          # suites
    off += 1 + m[off]                                          # compression
    for typ, data in extensions(m, off):
        if typ == 0 and len(data) > 5:
            return data[5:5 + struct.unpack(">H", data[3:5])[0]].decode("ascii", "replace")
    return ""


def certificate_list(m):
    body, out = m[4:], []
    if len(body) < 3:
        return out
    off, end = 3, 3 + int.from_bytes(body[:3], "big")
    while off + 3 <= end:
        n = int.from_bytes(body[off:off + 3], "big")
        out.append(bytes(body[off + 3:off + 3 + n]))
        off += 3 + n
    return out


# Suite -> KeyExchange enum value (core/tls/registry.h order) for the suites of the captures.
KX = {"Null": 0, "RSA": 1, "RSA_EXPORT": 2, "DH_RSA": 3, "DH_DSS": 4, "DHE_RSA": 5, "DHE_DSS": 6, "DH_anon": 7,
      "ECDH_RSA": 8, "ECDH_ECDSA": 9, "ECDHE_RSA": 10, "ECDHE_ECDSA": 11, "ECDH_anon": 12, "PSK": 13,
      "DHE_PSK": 14, "RSA_PSK": 15, "ECDHE_PSK": 16, "SRP_SHA": 17, "SRP_SHA_RSA": 18, "SRP_SHA_DSS": 19,
      "KRB5": 20, "TLS13": 27}
SUITE_KX = {0xC02F: "ECDHE_RSA", 0xC027: "ECDHE_RSA", 0xC013: "ECDHE_RSA", 0xC010: "ECDHE_RSA",
            0xC011: "ECDHE_RSA", 0xC012: "ECDHE_RSA", 0xCCA8: "ECDHE_RSA", 0x009E: "DHE_RSA", 0x009C: "RSA"}


# ---------------------------------------------------------------------------------------
# Writing

def clear(directory):
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*")):
        if not os.path.basename(path).startswith("crash-"):
            os.remove(path)


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def u16(n):
    return struct.pack(">H", n)


def u24(n):
    return n.to_bytes(3, "big")


def u32(n):
    return struct.pack(">I", n & 0xFFFFFFFF)


def pkcs1_md5_sha1(key_path, data):
    """TLS 1.0/1.1 RSA: PKCS #1 type 1 around MD5 || SHA-1, no DigestInfo."""
    digest = hashlib.md5(data).digest() + hashlib.sha1(data).digest()
    with tempfile.NamedTemporaryFile() as f:
        f.write(digest)
        f.flush()
        out = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key_path, "-in", f.name,
                              "-pkeyopt", "rsa_padding_mode:pkcs1"], check=True, capture_output=True)
    return out.stdout


def openssl_sign(key_path, data, digest, pss=False):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        cmd = ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key_path, "-in", f.name]
        if digest:
            cmd += ["-digest", digest]
        if pss:
            cmd += ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:digest",
                    "-pkeyopt", "rsa_mgf1_md:" + digest]
        return subprocess.run(cmd, check=True, capture_output=True).stdout


HASHES = {"md5": hashes.MD5(), "sha1": hashes.SHA1(), "sha224": hashes.SHA224(), "sha256": hashes.SHA256(),
          "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}
# scheme -> (key name, kind, hash)
SCHEMES = {
    0x0401: ("good", "pkcs1", "sha256"), 0x0501: ("good", "pkcs1", "sha384"), 0x0601: ("good", "pkcs1", "sha512"),
    0x0201: ("good", "pkcs1", "sha1"), 0x0101: ("good", "pkcs1", "md5"), 0x0301: ("good", "pkcs1", "sha224"),
    0x0804: ("good", "pss", "sha256"), 0x0805: ("good", "pss", "sha384"), 0x0806: ("good", "pss", "sha512"),
    0x0809: ("rsa-pss2048", "psskey", "sha256"), 0x080A: ("rsa-pss2048", "psskey", "sha384"),
    0x080B: ("rsa-pss2048", "psskey", "sha512"),
    0x0403: ("ec-p256", "ecdsa", "sha256"), 0x0503: ("ec-p384", "ecdsa", "sha384"),
    0x0603: ("ec-p521", "ecdsa", "sha512"), 0x0203: ("ec-p256", "ecdsa", "sha1"),
    0x081A: ("ec-brainpool256", "ecdsa", "sha256"),
    0x0807: ("ed25519", "eddsa", None), 0x0808: ("ed448", "eddsa", None),
    0x0402: ("dsa2048", "dsa", "sha256"), 0x0202: ("dsa2048", "dsa", "sha1"),
}


def private_key_path(name):
    return os.path.join(PKI, name + ".key") if name in PKI_CERTS else generated_key_path(name)


def sign(scheme, data):
    name, kind, h = SCHEMES[scheme]
    path = private_key_path(name)
    if kind == "psskey":
        return openssl_sign(path, data, h, pss=True)
    key = load_key(path)
    if kind == "pkcs1":
        return key.sign(data, padding.PKCS1v15(), HASHES[h])
    if kind == "pss":
        return key.sign(data, padding.PSS(padding.MGF1(HASHES[h]), HASHES[h].digest_size), HASHES[h])
    if kind in ("ecdsa",):
        return key.sign(data, ec.ECDSA(HASHES[h]))
    if kind == "dsa":
        return key.sign(data, HASHES[h])
    return key.sign(data)  # EdDSA


def legacy_sign(key_name, data):
    """Before TLS 1.2: RSA MD5+SHA-1, DSA and ECDSA SHA-1."""
    path = private_key_path(key_name)
    key = load_key(path)
    if isinstance(key, rsa.RSAPrivateKey):
        return pkcs1_md5_sha1(path, data)
    if isinstance(key, dsa.DSAPrivateKey):
        return key.sign(data, hashes.SHA1())
    return key.sign(data, ec.ECDSA(hashes.SHA1()))


def flip(data, at=-1):
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


# ---------------------------------------------------------------------------------------
# audit_signatures

MODE_SKE, MODE_CV, MODE_OCSP, MODE_TRANSCRIPT = 0, 1, 2, 3


def ske_input(kx, version, key, client_random, server_random, body):
    return bytes([MODE_SKE, kx]) + u16(version) + bytes([key]) + client_random + server_random + body


def ske_params(kind):
    if kind in ("ECDHE_RSA", "ECDHE_ECDSA"):
        return b"\x03\x00\x17" + bytes([65]) + b"\x04" + bytes(range(64))
    if kind in ("DHE_RSA", "DHE_DSS"):
        return u16(128) + bytes([0xFF] * 128) + u16(1) + b"\x02" + u16(128) + bytes(range(128))
    if kind in ("RSA_EXPORT", "RSA"):
        return u16(64) + bytes([0xC3] * 64) + u16(3) + b"\x01\x00\x01"
    if kind in ("SRP_SHA_RSA", "SRP_SHA_DSS"):
        return u16(128) + bytes([0xEE] * 128) + u16(1) + b"\x02" + bytes([8]) + b"saltsalt" + u16(128) + bytes(128)
    return b""


def signature_seeds(out):
    seeds = {}
    # Real ServerKeyExchanges of the captures (the leaf must be one of the fixed certificates).
    fingerprints = {load_pem_cert(n).public_bytes(serialization.Encoding.DER): n for n in PKI_CERTS}
    seen = set()
    pcaps = sorted(glob.glob(os.path.join(CAPTURES, "audit", "*.pcap"))) + [
        os.path.join(CAPTURES, p) for p in ("tls12-ecdhe-aes128gcm.pcap", "tls12-ecdhe-chacha20.pcap")]
    for pcap in pcaps:
        for conn in connections(pcap):
            f = hello_facts(conn)
            if not f["ske"] or not f["server_chain"] or f["suite"] not in SUITE_KX:
                continue
            leaf = fingerprints.get(f["server_chain"][0])
            if leaf is None:
                continue
            tag = (SUITE_KX[f["suite"]], f["version"], leaf)
            if tag in seen:
                continue
            seen.add(tag)
            name = "ske-%s-%s" % (os.path.basename(pcap)[:-5], "%04x" % f["version"])
            seeds[name] = ske_input(KX[SUITE_KX[f["suite"]]], f["version"], key_index(leaf), f["client_random"],
                                    f["server_random"], f["ske"])
    # Synthetic: every signed key exchange kind, each version, each scheme, valid and invalid.
    cr, sr = bytes(range(32)), bytes(range(32, 64))
    kinds = {"ECDHE_RSA": "good", "ECDHE_ECDSA": "ec-p256", "DHE_RSA": "good", "DHE_DSS": "dsa2048",
             "RSA_EXPORT": "good", "SRP_SHA_RSA": "good", "SRP_SHA_DSS": "dsa2048"}
    for kind, key in kinds.items():
        params = ske_params(kind)
        for version in (0x0300, 0x0301, 0x0302, 0xFEFF):
            sig = legacy_sign(key, cr + sr + params)
            seeds["ske-%s-%04x" % (kind.lower(), version)] = ske_input(
                KX[kind], version, key_index(key), cr, sr, params + u16(len(sig)) + sig)
        for version in (0x0303, 0xFEFD):
            scheme = 0x0401 if key == "good" else 0x0403 if key == "ec-p256" else 0x0402
            sig = sign(scheme, cr + sr + params)
            seeds["ske-%s-%04x" % (kind.lower(), version)] = ske_input(
                KX[kind], version, key_index(key), cr, sr, params + u16(scheme) + u16(len(sig)) + sig)
        seeds["ske-%s-bad-signature" % kind.lower()] = flip(seeds["ske-%s-0303" % kind.lower()])
    params = ske_params("ECDHE_RSA")
    for scheme, (key, _, _) in SCHEMES.items():
        sig = sign(scheme, cr + sr + params)
        seeds["ske-scheme-%04x" % scheme] = ske_input(KX["ECDHE_ECDSA"], 0x0303, key_index(key), cr, sr,
                                                      params + u16(scheme) + u16(len(sig)) + sig)
    seeds["ske-wrong-key"] = ske_input(KX["ECDHE_RSA"], 0x0303, key_index("ec-p256"), cr, sr,
                                       params + u16(0x0401) + u16(256) + bytes(256))
    seeds["ske-explicit-prime"] = ske_input(KX["ECDHE_ECDSA"], 0x0303, key_index("ec-p256"), cr, sr,
                                            b"\x01" + b"".join(bytes([2, 1, i]) for i in range(7)) + u16(0x0403)
                                            + u16(8) + bytes(8))
    seeds["ske-explicit-char2"] = ske_input(KX["ECDHE_ECDSA"], 0x0301, key_index("ec-p256"), cr, sr,
                                            b"\x02" + u16(163) + b"\x02" + b"".join(bytes([1, i]) for i in range(9))
                                            + u16(8) + bytes(8))
    seeds["ske-tls13"] = ske_input(KX["ECDHE_RSA"], 0x0304, 0, cr, sr, params + u16(0x0804) + u16(0))
    seeds["ske-psk-not-signed"] = ske_input(KX["PSK"], 0x0303, 0, cr, sr, u16(4) + b"hint")
    seeds["ske-trailing"] = seeds["ske-ecdhe_rsa-0303"] + b"\x00"
    seeds["ske-no-key"] = ske_input(KX["DHE_RSA"], 0x0303, 0xFF, cr, sr, ske_params("DHE_RSA") + u16(0x0401)
                                    + u16(4) + bytes(4))

    # CertificateVerify (TLS 1.3): each scheme, server and client, valid and tampered.
    transcript_hash = hashlib.sha256(b"fuzz transcript").digest()
    for scheme, (key, _, _) in SCHEMES.items():
        for party, context in ((1, b"server"), (2, b"client")):
            content = b" " * 64 + b"TLS 1.3, " + context + b" CertificateVerify\x00" + transcript_hash
            sig = sign(scheme, content)
            data = (bytes([MODE_CV, key_index(key), party, len(transcript_hash)]) + transcript_hash
                    + u16(scheme) + u16(len(sig)) + sig)
            seeds["cv-%04x-%s" % (scheme, context.decode())] = data
    seeds["cv-0804-tampered"] = flip(seeds["cv-0804-server"])
    seeds["cv-0403-wrong-curve"] = seeds["cv-0503-server"][:1] + bytes([key_index("ec-p256")]) + \
        seeds["cv-0503-server"][2:]
    seeds["cv-sha384-hash"] = bytes([MODE_CV, 0, 1, 48]) + hashlib.sha384(b"x").digest() + u16(0x0805) + u16(2) + b"ab"
    seeds["cv-unknown-scheme"] = bytes([MODE_CV, 0, 1, 0]) + u16(0xFE00) + u16(1) + b"\x00"

    # Stapled OCSP responses for good.pem, from intermediate-ca or a delegated responder.
    responders = make_ocsp_responder()
    leaf, issuer = load_pem_cert("good"), load_pem_cert("intermediate-ca")
    issuer_key = load_key(os.path.join(PKI, "intermediate-ca.key"))
    responder_key = load_key(generated_key_path("ec-p256"))
    this_update = datetime(2026, 12, 1, tzinfo=timezone.utc)
    capture = int(datetime(2026, 12, 5, tzinfo=timezone.utc).timestamp())

    def response(status, signer="issuer", hash_alg=hashes.SHA1(), next_update=True, cert=leaf, reason=None,
                 extra_single=False):
        b = ocsp.OCSPResponseBuilder().add_response(
            cert=cert, issuer=issuer, algorithm=hash_alg, cert_status=status, this_update=this_update,
            next_update=this_update + timedelta(days=7) if next_update else None,
            revocation_time=this_update if status == ocsp.OCSPCertStatus.REVOKED else None,
            revocation_reason=reason)
        if signer == "issuer":
            b = b.responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
            return b.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        r = responders[signer == "responder"]
        b = b.responder_id(ocsp.OCSPResponderEncoding.NAME, r).certificates([r])
        return b.sign(responder_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_input(der, flags=1, time=capture, leaf_index=0):
        body = b"\x01" + u24(len(der)) + der if flags & 1 else der
        return bytes([MODE_OCSP, flags]) + u32(time) + bytes([leaf_index]) + body

    good = response(ocsp.OCSPCertStatus.GOOD)
    seeds["ocsp-good"] = ocsp_input(good)
    seeds["ocsp-good-raw"] = ocsp_input(good, flags=0)
    seeds["ocsp-good-no-issuer"] = ocsp_input(good, flags=1 | 2)
    seeds["ocsp-good-no-time"] = ocsp_input(good, flags=1 | 4)
    seeds["ocsp-good-expired"] = ocsp_input(good, time=capture + 30 * 86400)
    seeds["ocsp-good-not-yet-valid"] = ocsp_input(good, time=capture - 30 * 86400)
    seeds["ocsp-revoked"] = ocsp_input(response(ocsp.OCSPCertStatus.REVOKED, reason=x509.ReasonFlags.key_compromise))
    seeds["ocsp-revoked-no-reason"] = ocsp_input(response(ocsp.OCSPCertStatus.REVOKED, next_update=False),
                                                 flags=1 | 8)
    seeds["ocsp-unknown-sha256"] = ocsp_input(response(ocsp.OCSPCertStatus.UNKNOWN, hash_alg=hashes.SHA256()))
    seeds["ocsp-delegated"] = ocsp_input(response(ocsp.OCSPCertStatus.GOOD, signer="responder"))
    seeds["ocsp-delegated-no-eku"] = ocsp_input(response(ocsp.OCSPCertStatus.GOOD, signer="responder-no-eku"))
    seeds["ocsp-other-leaf"] = ocsp_input(good, leaf_index=PKI_CERTS.index("wildcard"))
    seeds["ocsp-tampered"] = ocsp_input(flip(good, -5))
    seeds["ocsp-try-later"] = ocsp_input(ocsp.OCSPResponseBuilder.build_unsuccessful(
        ocsp.OCSPResponseStatus.TRY_LATER).public_bytes(serialization.Encoding.DER))
    multi = b"\x02" + u24(3 + len(good) + 3 + len(good)) + u24(len(good)) + good + u24(len(good)) + good
    seeds["ocsp-multi"] = bytes([MODE_OCSP, 1]) + u32(capture) + b"\x00" + multi
    seeds["ocsp-trailing"] = ocsp_input(good + b"\x00", flags=0)
    with open(os.path.join(CORPUS, "handshake_message", "ocsp-certificate-status"), "rb") as f:
        seeds["ocsp-from-handshake-corpus"] = bytes([MODE_OCSP, 1]) + u32(capture) + b"\x00" + f.read()[5:]

    # Real TLS 1.2 CertificateStatus messages of the captures (leaf by fingerprint, issuer intermediate-ca).
    for pcap in sorted(glob.glob(os.path.join(CAPTURES, "audit", "*.pcap"))):
        for conn in connections(pcap):
            f = hello_facts(conn)
            leaf_name = fingerprints.get(f["server_chain"][0]) if f["server_chain"] else None
            for t, m in handshake_messages(conn.streams[1]):
                if t == 22 and leaf_name is not None:
                    seeds["ocsp-" + os.path.basename(pcap)[:-5]] = (bytes([MODE_OCSP, 1]) + u32(int(conn.first_time))
                                                                   + bytes([PKI_CERTS.index(leaf_name)]) + m[4:])

    # Transcript hashes: whole handshake messages of a TLS 1.3 capture (HRR one included).
    for pcap in ("tls13-hrr.pcap", "tls13-aes128gcm.pcap"):
        conn = connections(os.path.join(CAPTURES, pcap))[0]
        msgs = []
        c = handshake_messages(conn.streams[0])
        s = handshake_messages(conn.streams[1])
        msgs = [m for _, m in c[:1]] + [m for _, m in s[:1]] + [m for _, m in c[1:2]] + [m for _, m in s[1:2]]
        seeds["transcript-" + pcap[:-5]] = bytes([MODE_TRANSCRIPT, 1]) + b"".join(msgs)
    seeds["transcript-truncated"] = bytes([MODE_TRANSCRIPT, 0]) + b"\x01\x00\x10\x00abc"
    for name, data in seeds.items():
        write(out, name, data)
    return responders


# ---------------------------------------------------------------------------------------
# chain_audit

def chain_input(ders, captured, name="", flags=0, now=None, seen=0):
    if now is None:
        now = captured + 30 * 86400
    name = name.encode()[:255]
    out = bytes([flags]) + u32(captured) + u32(now) + bytes([seen, len(name)]) + name
    for d in ders:
        if isinstance(d, int):  # a fixed certificate by index
            out += u16(0xFF00 | d)
        else:
            out += u16(len(d)) + d
    return out


def chain_seeds(out):
    seeds = {}
    seen = set()
    for pcap in sorted(glob.glob(os.path.join(CAPTURES, "audit", "*.pcap"))) + [
            os.path.join(CAPTURES, p) for p in ("tls12-mtls.pcap", "tls12-ecdhe-aes128gcm.pcap")]:
        for conn in connections(pcap):
            f = hello_facts(conn)
            for party, chain in ((0, f["server_chain"]), (1, f["client_chain"])):
                if not chain:
                    continue
                h = hashlib.sha256(b"".join(chain) + f["sni"].encode()).digest()
                if h in seen:
                    continue
                seen.add(h)
                kx = SUITE_KX.get(f["suite"])
                key_use = 2 if kx == "RSA" else 1
                name = "%s-%s" % (os.path.basename(pcap)[:-5], "client" if party else "server")
                seeds[name] = chain_input(chain, int(conn.first_time), f["sni"] if not party else "",
                                          flags=party | key_use << 2)
    t2026 = int(datetime(2026, 12, 5, tzinfo=timezone.utc).timestamp())
    t2020 = int(datetime(2020, 6, 1, tzinfo=timezone.utc).timestamp())
    G, I, R = PKI_CERTS.index("good"), PKI_CERTS.index("intermediate-ca"), PKI_CERTS.index("root-ca")
    seeds["fixed-good"] = chain_input([G, I], t2026, "localhost", flags=1 << 2)
    seeds["fixed-good-with-root"] = chain_input([G, I, R], t2026, "127.0.0.1", flags=16)
    seeds["fixed-missing-intermediate-seen"] = chain_input([G], t2026, "localhost", flags=2, seen=1)
    seeds["fixed-reversed"] = chain_input([I, G], t2026, "LOCALHOST.")
    seeds["fixed-duplicate"] = chain_input([G, G, I, I], t2026, "www.localhost")
    seeds["fixed-2020"] = chain_input([PKI_CERTS.index("leaf-2020"), PKI_CERTS.index("intermediate-2020-ca")], t2020,
                                      "localhost", now=t2026, seen=4)
    seeds["fixed-untrusted"] = chain_input([PKI_CERTS.index("other-leaf"), PKI_CERTS.index("other-intermediate-ca"),
                                            PKI_CERTS.index("other-root-ca")], t2026, "localhost")
    seeds["fixed-wildcard-idn"] = chain_input([PKI_CERTS.index("wildcard"), I], t2026, "xn--bcher-kva.localhost",
                                              flags=16)
    seeds["fixed-client-key-agreement"] = chain_input([PKI_CERTS.index("client"), I], t2026, "", flags=1 | 3 << 2)
    seeds["garbage-then-good"] = chain_input([b"\x30\x03\x02\x01\x00", G, I], t2026, "localhost")
    for pem in sorted(glob.glob(os.path.join(PKI, "*-chain.pem"))):
        with open(pem, "rb") as f:
            certs = x509.load_pem_x509_certificates(f.read())
        ders = [c.public_bytes(serialization.Encoding.DER) for c in certs]
        seeds["pem-" + os.path.basename(pem)[:-4]] = chain_input(ders, t2026, "localhost", flags=16)
    for name, data in seeds.items():
        write(out, name, data)


# ---------------------------------------------------------------------------------------
# audited_stream

def key_log_for(keys_path, client_random):
    if not os.path.exists(keys_path) or client_random is None:
        return b""
    want = client_random.hex().encode()
    with open(keys_path, "rb") as f:
        return b"".join(line for line in f if want in line.lower())


def stream_input(conn, key_log=b"", flags=0, expect_host=b""):
    base = int(conn.first_time)
    flags |= 1 if conn.handshake_seen else 0
    out = bytes([flags | (8 if key_log else 0) | (4 if expect_host else 0)]) + u32(base)
    if expect_host:
        out += bytes([len(expect_host)]) + expect_host
    if key_log:
        out += u16(len(key_log)) + key_log
    for d, _, data in conn.chunks:
        for i in range(0, len(data), 0xFFFF):
            out += bytes([d]) + u16(len(data[i:i + 0xFFFF])) + data[i:i + 0xFFFF]
    return out


def stream_seeds(out):
    seeds = {}
    pcaps = sorted(glob.glob(os.path.join(CAPTURES, "audit", "*.pcap"))) + [
        os.path.join(CAPTURES, p) for p in ("tls13-mtls.pcap", "tls13-mtls-pha.pcap", "tls13-hrr.pcap",
                                            "tls12-mtls.pcap", "tls12-renegotiation.pcap", "tcp-midstream.pcap")]
    for pcap in pcaps:
        keys = pcap[:-5] + ".keys"
        for i, conn in enumerate(connections(pcap)[:2]):
            f = hello_facts(conn)
            name = os.path.basename(pcap)[:-5] + ("" if i == 0 else "-%d" % (i + 1))
            seeds[name] = stream_input(conn, key_log_for(keys, f["client_random"]))
    good = connections(os.path.join(CAPTURES, "audit", "audit-good.pcap"))
    f = hello_facts(good[0])
    kl = key_log_for(os.path.join(CAPTURES, "audit", "audit-good.keys"), f["client_random"])
    seeds["audit-good-expect-host"] = stream_input(good[0], kl, expect_host=b"example.com")
    seeds["audit-good-ipv6-no-keys"] = stream_input(good[0], flags=16)
    # Two connections in one input: the second (bit 3 of its first chunk) reuses the first's
    # intermediates (--use-seen-intermediates) for a chain that lacks one.
    missing = connections(os.path.join(CAPTURES, "audit", "audit-missing-intermediate.pcap"))[0]
    first = stream_input(good[1] if len(good) > 1 else good[0], flags=2)
    second = stream_input(missing)
    body = bytearray(second[5:])
    body[0] |= 8
    seeds["two-connections-seen-intermediates"] = first + bytes(body)
    for name, data in seeds.items():
        write(out, name, data)


def main():
    make_fixture_keys()
    dirs = {t: os.path.join(CORPUS, t) for t in ("audit_signatures", "chain_audit", "audited_stream")}
    for d in dirs.values():
        clear(d)
    responders = signature_seeds(dirs["audit_signatures"])
    write_fixture_header(responders)
    chain_seeds(dirs["chain_audit"])
    stream_seeds(dirs["audited_stream"])
    for t, d in dirs.items():
        files = os.listdir(d)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in files)
        print("wrote %d seeds (%d KB) to %s" % (len(files), size // 1024, d))


if __name__ == "__main__":
    main()
