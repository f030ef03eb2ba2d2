#!/usr/bin/python3
"""Generate the test PKI for tlslens captures (run once; the results are committed and kept).

certs/
  ca.pem / ca.key                 root CA  "tlslens Test Root CA"          (RSA 2048, self-signed)
  intermediate.pem / .key         "tlslens Test Intermediate CA"          (RSA 2048, signed by root)
  server.pem / server.key         leaf CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1 (RSA 2048)
  server-chain.pem                server.pem + intermediate.pem (what servers send)
  client.pem / client.key         client leaf CN="tlslens test client", EKU clientAuth (RSA 2048)
  client-chain.pem                client.pem + intermediate.pem
Validity: 2024-01-01 .. 2124-01-01 (UTC), so the chain verifies at any capture time we make.
Keys are unencrypted PKCS#8 PEM.  Usage: mkcerts.py OUTDIR [--force]
"""
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOT_BEFORE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2124, 1, 1, tzinfo=datetime.timezone.utc)


def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "XX"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tlslens test"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def newkey():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def build(subject_cn, key, issuer_cert, issuer_key, serial, ca, pathlen=None, eku=None, san=None):
    b = (x509.CertificateBuilder()
         .subject_name(name(subject_cn))
         .issuer_name(issuer_cert.subject if issuer_cert else name(subject_cn))
         .public_key(key.public_key())
         .serial_number(serial)
         .not_valid_before(NOT_BEFORE)
         .not_valid_after(NOT_AFTER)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                          data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                          crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    else:
        b = b.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                          crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    if issuer_cert is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                            critical=False)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def write_key(path, key):
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def main():
    out = sys.argv[1]
    force = "--force" in sys.argv
    if os.path.exists(os.path.join(out, "server.pem")) and not force:
        print(f"mkcerts: {out}/server.pem exists, keeping the PKI (use --force to regenerate)")
        return
    os.makedirs(out, exist_ok=True)
    ca_key, int_key, srv_key, cli_key = newkey(), newkey(), newkey(), newkey()
    ca = build("tlslens Test Root CA", ca_key, None, ca_key, 0x1001, True, pathlen=1)
    inter = build("tlslens Test Intermediate CA", int_key, ca, ca_key, 0x2001, True, pathlen=0)
    srv = build("localhost", srv_key, inter, int_key, 0x3001, False, eku=[ExtendedKeyUsageOID.SERVER_AUTH],
                san=[x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                     x509.IPAddress(ipaddress.ip_address("::1"))])
    cli = build("tlslens test client", cli_key, inter, int_key, 0x4001, False,
                eku=[ExtendedKeyUsageOID.CLIENT_AUTH])
    for fn, key in (("ca.key", ca_key), ("intermediate.key", int_key), ("server.key", srv_key),
                    ("client.key", cli_key)):
        write_key(os.path.join(out, fn), key)
    for fn, data in (("ca.pem", pem(ca)), ("intermediate.pem", pem(inter)), ("server.pem", pem(srv)),
                     ("client.pem", pem(cli)), ("server-chain.pem", pem(srv) + pem(inter)),
                     ("client-chain.pem", pem(cli) + pem(inter))):
        with open(os.path.join(out, fn), "wb") as f:
            f.write(data)
    print(f"mkcerts: wrote PKI to {out}")


if __name__ == "__main__":
    main()
