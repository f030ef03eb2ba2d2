// Certificate: an X.509 certificate parsed by OpenSSL, with the facts tlslens shows and audits.
//
// Parsing never throws: a certificate OpenSSL cannot parse yields `parsed == false` and
// `parse_error` (OpenSSL's reason), and decoding of the connection carries on. The X509
// object is kept (reference-counted) so the audit can verify chains without re-parsing.
//
// Every string in CertificateInfo is valid UTF-8 fit for a terminal and for JSON: bytes that
// are not valid UTF-8, control characters (C0, DEL, C1) and, in raw strings such as SAN
// entries and the CN, the backslash itself are written as \xNN, so an escape is never
// ambiguous. Names keep OpenSSL's RFC 2253 escaping (\, \+ \"...), but non-ASCII characters
// appear as UTF-8 instead of RFC 2253's \XX bytes.
//
// Parsing leaves OpenSSL's thread-local error queue empty, whatever happened.
#pragma once

#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/tls/field.h"
#include "core/util/reader.h"
#include "core/util/timestamp.h"

namespace tlslens::x509 {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

struct CertificateInfo {
  bool parsed = false;
  std::string parse_error;

  int version = 0;         // 1, 2 or 3
  std::string serial_hex;  // lowercase hex, no separators ("-" in front of a negative serial)
  std::string subject;     // RFC 2253 one-line form ("CN=example.com,O=Example")
  std::string issuer;
  std::string subject_cn;  // the last CN of the subject, "" if none
  // Validity. The Timestamps are clamped to what int64 nanoseconds hold (1677..2262), so
  // "99991231235959Z" (RFC 5280's "no expiry") becomes 2262-04-11; the *_seconds fields
  // hold the exact time (years 0000..9999) and are what describe_certificate prints.
  Timestamp not_before;
  Timestamp not_after;
  int64_t not_before_seconds = 0;  // seconds since the Unix epoch, negative before 1970
  int64_t not_after_seconds = 0;
  bool not_before_readable = false;  // false: OpenSSL could not read the time (left 0)
  bool not_after_readable = false;
  std::string public_key_type;  // "RSA", "EC", "Ed25519", "Ed448", "DSA", "DH", "RSA-PSS", or OpenSSL's name
  int public_key_bits = 0;
  std::string ec_curve;             // "prime256v1" for EC keys
  std::string signature_algorithm;  // OpenSSL's long name, "sha256WithRSAEncryption"
  std::string signature_hash;       // the digest the signature uses ("SHA256", "MD5"), "" if none (Ed25519) or unknown
  // OpenSSL's security bits for the signature's digest (MD5 39, SHA-1 63, SHA-256 128), 0 if unknown.
  int signature_security_bits = 0;
  std::vector<std::string> san_dns;
  std::vector<std::string> san_ip;  // "127.0.0.1", "::1"
  std::vector<std::string> san_email;
  std::vector<std::string> san_uri;
  // The other GeneralName kinds, prefixed as OpenSSL prints them: "DirName:CN=x", "RID:1.2.3",
  // "othername:msUPN:user@example.com", "X400Name", "EdiPartyName", and "IP:#0a0b0c" for an
  // IP address whose length is neither 4 nor 16.
  std::vector<std::string> san_other;
  bool has_key_usage = false;          // the extension is present (it may list nothing)
  std::vector<std::string> key_usage;  // "digitalSignature", "keyEncipherment", ...
  bool has_extended_key_usage = false;
  std::vector<std::string> extended_key_usage;  // "serverAuth", "clientAuth", or the OID
  bool has_basic_constraints = false;
  bool is_ca = false;
  int path_length = -1;  // -1 when absent
  std::vector<std::string> ocsp_urls;
  std::vector<std::string> ca_issuer_urls;
  int sct_count = 0;               // embedded SCTs
  std::string sha256_fingerprint;  // "AB:CD:..." uppercase, colon separated
  std::string sha1_fingerprint;
  bool self_issued = false;  // subject == issuer
  // What OpenSSL parsed but could not make sense of: an extension that appears twice or does
  // not decode, a time or public key it cannot read. Facts, not policy: the audit judges.
  std::vector<std::string> warnings;
};

class Certificate {
 public:
  // Parses DER bytes (the whole span must be one certificate).
  static Certificate parse(Bytes der);

  Certificate() = default;
  // Copies share the X509 object (OpenSSL reference count), and copy the facts and the DER.
  Certificate(const Certificate& other);
  Certificate& operator=(const Certificate& other);
  Certificate(Certificate&&) noexcept = default;
  Certificate& operator=(Certificate&&) noexcept = default;
  ~Certificate() = default;

  const CertificateInfo& info() const { return info_; }
  X509* x509() const { return x509_.get(); }  // null when not parsed
  const std::vector<uint8_t>& der() const { return der_; }

 private:
  CertificateInfo info_;
  X509Ptr x509_;
  std::vector<uint8_t> der_;
};

// Describes a certificate into `out` (a group): subject and issuer always; the rest as
// Show::with_cert_details (text output shows it with -N), everything for JSON and the GUI.
// Offsets are left 0: the caller places the group over the certificate's bytes.
//
// Keys: parse_error (only when not parsed, then nothing else); subject, issuer; version,
// serial_number, not_before, not_after ("2024-01-01 00:00:00 UTC"), public_key {type, bits,
// curve}, signature_algorithm, signature_hash (-A), subject_alt_names (a list of text:
// "DNS:localhost", "IP:127.0.0.1", "email:a@b", "URI:https://x", then san_other's entries),
// key_usage, extended_key_usage (lists of text), basic_constraints {ca, path_length},
// ocsp_urls, ca_issuer_urls (lists of text), sct_count, sha256_fingerprint,
// sha1_fingerprint, self_issued, warnings (a list of text). Lists, the curve, path_length and
// sct_count appear only when there is something to say.
void describe_certificate(const CertificateInfo& info, tls::Field& out);
// The most fields describe_certificate adds to `out` (one per key above, nested ones not
// counted), so a caller can reserve room for them.
constexpr size_t kMostCertificateDescriptionFields = 20;

// "2024-01-01 00:00:00 UTC" for seconds since the Unix epoch, exact for years 0000..9999.
std::string format_utc_seconds(int64_t seconds);

}  // namespace tlslens::x509
