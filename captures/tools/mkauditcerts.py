#!/usr/bin/python3
"""Generate the PKI of the certificate/handshake AUDIT captures (captures/audit/, see captures/README.md).

  mkauditcerts.py OUTDIR                 make whatever is missing (an existing PKI is kept as it is)
  mkauditcerts.py OUTDIR --check         exit 1 if the date-relative leaves do not fit *now* (see below)
  mkauditcerts.py OUTDIR --redate        re-issue every leaf for today's date (CA certs and all keys are kept)
  mkauditcerts.py OUTDIR --force         throw everything away and start again (new keys, new CAs)
  mkauditcerts.py OUTDIR --list          print one line per certificate (file, subject, issuer, validity, ...)

Trust: `root-ca.pem` ("tlslens Audit Root CA") is THE trusted root (`tlslens --ca-file certs/audit/root-ca.pem`).
`other-root-ca.pem` ("tlslens Audit Untrusted Root CA") is a second, unrelated root that is never passed to tlslens.

  root-ca             tlslens Audit Root CA                 2019-01-01 .. 2046-01-01  self-signed, pathlen 1
  intermediate-ca     tlslens Audit Intermediate CA         2025-01-01 .. 2035-01-01  <- root-ca, pathlen 0
  intermediate-2020-ca tlslens Audit 2020 Intermediate CA   2019-01-01 .. 2020-12-31  <- root-ca, pathlen 0
  other-root-ca       tlslens Audit Untrusted Root CA       2025-01-01 .. 2045-01-01  self-signed, pathlen 1
  other-intermediate-ca tlslens Audit Untrusted Intermediate CA 2025-01-01 .. 2035-01-01 <- other-root-ca

Leaves (LEAVES below): RSA 2048, sha256WithRSAEncryption, basicConstraints CA:FALSE (critical), keyUsage
digitalSignature+keyEncipherment (critical), EKU serverAuth, SAN DNS:localhost + IP:127.0.0.1, 365 days of
validity (anchor-30d .. anchor+335d), issued by intermediate-ca -- unless the table says otherwise.  The dates of
some leaves are relative to the ANCHOR date (the day the leaves were issued, kept in OUTDIR/ANCHOR; the captures
are made that day): expired (anchor-200d .. anchor-10d), not-yet-valid (anchor+10d .. anchor+375d),
expires-soon (anchor-300d .. anchor+10d), long-validity (anchor-30d .. anchor+795d = 825 days).  --check tells
whether the captures can still be made today with them; if not, --redate re-issues the leaves (same keys).

Chain files (what a server sends, in this order) are written beside: NAME-chain.pem = leaf + its intermediate, and
the special ones listed in CHAINS.  dh1024.pem: a 1024-bit finite-field DH group (openssl dhparam, generated once).
Keys are unencrypted PKCS#8 PEM; every certificate and key is committed.  Needs python3-cryptography (Debian's 38:
it can still sign with SHA-1 and MD5) and openssl.
"""
import datetime
import ipaddress
import os
import subprocess
import sys
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

warnings.filterwarnings("ignore", message=".*signatures are deprecated.*")   # SHA-1 / MD5 on purpose

UTC = datetime.timezone.utc
DAY = datetime.timedelta(days=1)


def d(y, m, dd, hh=0, mm=0, ss=0):
    return datetime.datetime(y, m, dd, hh, mm, ss, tzinfo=UTC)


# ------------------------------------------------------------------------------------------------ the PKI
# name: (CN, issuer, not_before, not_after, pathlen, serial)
CAS = {
    "root-ca": ("tlslens Audit Root CA", None, d(2019, 1, 1), d(2046, 1, 1), 1, 0xA001),
    "intermediate-ca": ("tlslens Audit Intermediate CA", "root-ca", d(2025, 1, 1), d(2035, 1, 1), 0, 0xA002),
    "intermediate-2020-ca": ("tlslens Audit 2020 Intermediate CA", "root-ca", d(2019, 1, 1),
                             d(2020, 12, 31, 23, 59, 59), 0, 0xA003),
    "other-root-ca": ("tlslens Audit Untrusted Root CA", None, d(2025, 1, 1), d(2045, 1, 1), 1, 0xB001),
    "other-intermediate-ca": ("tlslens Audit Untrusted Intermediate CA", "other-root-ca", d(2025, 1, 1),
                              d(2035, 1, 1), 0, 0xB002),
}

SAN_LOCAL = [("dns", "localhost"), ("ip", "127.0.0.1")]
KU_SERVER = ("digital_signature", "key_encipherment")
KU_CLIENT = ("digital_signature",)

# validity kinds: (days relative to the anchor for not_before, for not_after) or fixed datetimes
VALIDITY = {
    "valid": (-30, 335),            # 365 days, > 30 days left at capture time
    "expired": (-200, -10),         # ended 10 days before the capture
    "not-yet-valid": (10, 375),     # starts 10 days after the capture
    "expires-soon": (-300, 10),     # ends 10 days after the capture (310 days in all)
    "long-validity": (-30, 795),    # 825 days
    "2020": (d(2020, 1, 1), d(2020, 12, 31, 23, 59, 59)),   # fixed: for the time-shifted capture (2020-06-15)
}

# name: dict(cn, issuer, validity, san, ku, eku, bits, hash, serial)   (defaults: see leaf())
LEAVES = {
    "good": dict(serial=0x1001),
    "expired": dict(validity="expired", serial=0x1002),
    "not-yet-valid": dict(validity="not-yet-valid", serial=0x1003),
    "expires-soon": dict(validity="expires-soon", serial=0x1004),
    "long-validity": dict(validity="long-validity", serial=0x1005),
    "wildcard": dict(cn="*.wild.test", san=[("dns", "*.wild.test")], serial=0x1006),
    "ip-only": dict(cn="127.0.0.1", san=[("ip", "127.0.0.1")], serial=0x1007),
    "cn-only": dict(san=[], serial=0x1008),
    "self-signed": dict(issuer="self", serial=0x1009),
    "rsa1024": dict(bits=1024, serial=0x100A),
    "sha1": dict(hash="sha1", serial=0x100B),
    "md5": dict(hash="md5", serial=0x100C),
    "eku-clientauth": dict(eku=["clientAuth"], serial=0x100D),
    "ku-nonrepudiation": dict(ku=("content_commitment",), serial=0x100E),
    "other-leaf": dict(issuer="other-intermediate-ca", serial=0x100F),
    "leaf-2020": dict(issuer="intermediate-2020-ca", validity="2020", serial=0x1010),
    "client": dict(cn="tlslens audit client", san=[("email", "audit-client@tlslens.invalid")], ku=KU_CLIENT,
                   eku=["clientAuth"], serial=0x1011),
    "client-serverauth": dict(cn="tlslens audit client without clientAuth",
                              san=[("email", "audit-client@tlslens.invalid")], ku=KU_CLIENT, eku=["serverAuth"],
                              serial=0x1012),
    # OCSP (audit-ocsp-*): a leaf that the stapled response says is revoked, and a delegated OCSP responder
    # (certified by intermediate-ca for OCSPSigning only) that signs that response
    "revoked": dict(serial=0x1013),
    "ocsp-responder": dict(cn="tlslens Audit OCSP Responder", san=[], ku=("digital_signature",), eku=["OCSPSigning"],
                           serial=0x1014),
}

# extra chain files: name -> list of certificates, in the order a server sends them
CHAINS = {
    "good-wrong-order-chain": ["good", "root-ca", "intermediate-ca"],
    "good-extra-chain": ["good", "intermediate-ca", "other-intermediate-ca"],
    "other-full-chain": ["other-leaf", "other-intermediate-ca", "other-root-ca"],
}

DATED = ("expired", "not-yet-valid", "expires-soon", "long-validity")


# ------------------------------------------------------------------------------------------------ helpers
def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "XX"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tlslens audit test"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def key_for(out, base, bits=2048):
    path = os.path.join(out, base + ".key")
    if os.path.exists(path):
        with open(path, "rb") as f:
            k = serialization.load_pem_private_key(f.read(), None)
        if k.key_size == bits:
            return k
    k = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    with open(path, "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    return k


def load_cert(out, base):
    with open(os.path.join(out, base + ".pem"), "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def write_cert(out, base, cert):
    with open(os.path.join(out, base + ".pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def ku(bits):
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                 key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
    for b in bits:
        flags[b] = True
    return x509.KeyUsage(**flags)


def san(entries):
    out = []
    for kind, v in entries:
        out.append({"dns": x509.DNSName, "email": x509.RFC822Name}[kind](v) if kind != "ip"
                   else x509.IPAddress(ipaddress.ip_address(v)))
    return x509.SubjectAlternativeName(out)


HASHES = {"sha256": hashes.SHA256, "sha1": hashes.SHA1, "md5": hashes.MD5}
EKUS = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
        "OCSPSigning": ExtendedKeyUsageOID.OCSP_SIGNING}


def make_ca(out, base):
    cn, issuer, nb, na, pathlen, serial = CAS[base]
    key = key_for(out, base)
    if issuer:
        icert, ikey = load_cert(out, issuer), key_for(out, issuer)
    else:
        icert, ikey = None, key
    b = (x509.CertificateBuilder()
         .subject_name(name(cn)).issuer_name(icert.subject if icert else name(cn))
         .public_key(key.public_key()).serial_number(serial).not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=True, path_length=pathlen), critical=True)
         .add_extension(ku(("digital_signature", "key_cert_sign", "crl_sign")), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if icert:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ikey.public_key()), critical=False)
    write_cert(out, base, b.sign(ikey, hashes.SHA256()))


def make_leaf(out, base, anchor):
    spec = dict(cn="localhost", issuer="intermediate-ca", validity="valid", san=SAN_LOCAL, ku=KU_SERVER,
                eku=["serverAuth"], bits=2048, hash="sha256")
    spec.update(LEAVES[base])
    key = key_for(out, base, spec["bits"])
    v = VALIDITY[spec["validity"]]
    if isinstance(v[0], datetime.datetime):
        nb, na = v
    else:
        nb, na = anchor + v[0] * DAY, anchor + v[1] * DAY
    if spec["issuer"] == "self":
        icert, ikey, iname = None, key, name(spec["cn"])
    else:
        icert, ikey = load_cert(out, spec["issuer"]), key_for(out, spec["issuer"])
        iname = icert.subject
    b = (x509.CertificateBuilder()
         .subject_name(name(spec["cn"])).issuer_name(iname)
         .public_key(key.public_key()).serial_number(spec["serial"]).not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(ku(spec["ku"]), critical=True)
         .add_extension(x509.ExtendedKeyUsage([EKUS[e] for e in spec["eku"]]), critical=False)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if icert:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ikey.public_key()), critical=False)
    if spec["san"]:
        b = b.add_extension(san(spec["san"]), critical=False)
    write_cert(out, base, b.sign(ikey, HASHES[spec["hash"]]()))


def pem_of(out, base):
    with open(os.path.join(out, base + ".pem"), "rb") as f:
        return f.read()


def write_chains(out):
    for base, spec in LEAVES.items():
        issuer = spec.get("issuer", "intermediate-ca")
        parts = [base] if issuer == "self" else [base, issuer]
        with open(os.path.join(out, base + "-chain.pem"), "wb") as f:
            f.write(b"".join(pem_of(out, p) for p in parts))
    for chain, parts in CHAINS.items():
        with open(os.path.join(out, chain + ".pem"), "wb") as f:
            f.write(b"".join(pem_of(out, p) for p in parts))


def read_anchor(out):
    with open(os.path.join(out, "ANCHOR")) as f:
        y, m, dd = (int(x) for x in f.read().split()[0].split("-"))
    return d(y, m, dd)


def today():
    n = datetime.datetime.now(UTC)
    return d(n.year, n.month, n.day)


def check(out, now):
    """Problems with using the leaves for a capture made at `now` (a list of strings; empty = fine)."""
    bad = []
    for base, spec in LEAVES.items():
        c = load_cert(out, base)
        nb, na = c.not_valid_before.replace(tzinfo=UTC), c.not_valid_after.replace(tzinfo=UTC)
        kind = spec.get("validity", "valid")
        ok = {"valid": nb + DAY < now and na - 31 * DAY > now,
              "long-validity": nb + DAY < now and na - 31 * DAY > now,
              "expired": na < now,
              "not-yet-valid": nb > now + DAY,
              "expires-soon": now + DAY < na < now + 29 * DAY,
              "2020": True}[kind]
        if not ok:
            bad.append(f"{base}.pem ({kind}: {nb:%Y-%m-%d} .. {na:%Y-%m-%d})")
    return bad


def listing(out):
    for base in list(CAS) + list(LEAVES):
        c = load_cert(out, base)
        try:
            sans = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            s = ",".join(str(g.value) for g in sans)
        except x509.ExtensionNotFound:
            s = "-"
        try:
            e = ",".join(o._name for o in c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        except x509.ExtensionNotFound:
            e = "-"
        kuv = c.extensions.get_extension_for_class(x509.KeyUsage).value
        kus = [n for n in ("digital_signature", "content_commitment", "key_encipherment", "key_cert_sign", "crl_sign")
               if getattr(kuv, n)]
        nb, na = c.not_valid_before, c.not_valid_after
        print(f"{base + '.pem':28s} CN={c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value!r} "
              f"issuer={c.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value!r} "
              f"{nb:%Y-%m-%d}..{na:%Y-%m-%d} ({(na - nb).days}d) RSA-{c.public_key().key_size} "
              f"{c.signature_hash_algorithm.name} SAN={s} KU={'+'.join(kus)} EKU={e}")


def main():
    out = sys.argv[1]
    flags = set(sys.argv[2:])
    os.makedirs(out, exist_ok=True)
    if "--list" in flags:
        listing(out)
        return 0
    if "--check" in flags:
        bad = check(out, datetime.datetime.now(UTC))
        for b in bad:
            print(f"mkauditcerts: does not fit today: {b}", file=sys.stderr)
        return 1 if bad else 0
    if "--force" in flags:
        for fn in os.listdir(out):
            if fn.endswith((".pem", ".key")) or fn == "ANCHOR":
                os.unlink(os.path.join(out, fn))
    made = []
    for base in CAS:                                  # in order: issuers first
        if not os.path.exists(os.path.join(out, base + ".pem")):
            make_ca(out, base)
            made.append(base)
    if "--redate" in flags or not os.path.exists(os.path.join(out, "ANCHOR")):
        with open(os.path.join(out, "ANCHOR"), "w") as f:
            f.write(today().strftime("%Y-%m-%d") + "\n")
        redo = set(LEAVES)
    else:
        redo = {b for b in LEAVES if not os.path.exists(os.path.join(out, b + ".pem"))}
    anchor = read_anchor(out)
    for base in LEAVES:
        if base in redo:
            make_leaf(out, base, anchor)
            made.append(base)
    write_chains(out)
    dh = os.path.join(out, "dh1024.pem")
    if not os.path.exists(dh):
        subprocess.run(["openssl", "dhparam", "-out", dh, "1024"], check=True, capture_output=True)
        made.append("dh1024")
    print(f"mkauditcerts: anchor {anchor:%Y-%m-%d}; " + (f"made {', '.join(made)}" if made else "kept everything"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
