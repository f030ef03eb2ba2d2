// The revocation status a stapled OCSP response gives for the leaf certificate.
//
// What is promised: from the DER OCSPResponse the server stapled (TLS 1.2 CertificateStatus,
// or the status_request extension of the leaf's TLS 1.3 CertificateEntry: see
// stapled_ocsp_response) and the leaf and issuer certificates, check_stapled_ocsp() says
// whether the response covers the leaf at all and, if it does, what it says: good, revoked
// (CERT_REVOKED, critical: a revocation is final, so it is reported whatever the response's
// age or signature, both of which are given as evidence) or unknown.
//
// Offline only: nothing is fetched, no responder is asked. What can be checked offline is
// checked and reported beside the status, never silently required:
//   - the response's signature, made either by the issuer itself or by a delegated
//     responder whose certificate is included in the response, is certified by the issuer
//     and carries the OCSPSigning extended key usage (RFC 6960 4.2.2.2) — so it holds as
//     far as the issuer can be trusted, which is the chain audit's business, not this one's;
//     a responder certificate's validity is judged at the capture time when one is given;
//   - the response's freshness against the capture time: thisUpdate no later than the
//     capture, nextUpdate (when present) not before it, each with 5 minutes' leeway for
//     clock skew (as OCSP_check_validity allows).
// The leaf is found with OCSP_cert_to_id + OCSP_resp_find_status, once for each CertID
// hash the response uses (SHA-1 usually, SHA-256 sometimes). Without the issuer certificate
// the leaf is matched by serial number and issuer name hash only, and the signature is not
// checked; the detail says so.
//
// Never throws; leaves OpenSSL's thread-local error queue empty; keeps no pointer to its
// arguments (which are borrowed).
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/finding.h"
#include "core/util/reader.h"
#include "core/util/timestamp.h"

namespace tlslens::audit {

// The DER OCSPResponse inside a CertificateStatus structure (RFC 6066 8: the body of the TLS
// 1.2 CertificateStatus message, or the extension data of a TLS 1.3 CertificateEntry's
// status_request): status_type ocsp (1) and a u24-length response; or ocsp_multi (2, RFC 6961),
// a u24-length list of u24-length responses whose first is the leaf's. nullopt (with `error`
// set when given) for another status type, a truncated or over-long structure, or an empty
// response for the leaf.
std::optional<Bytes> stapled_ocsp_response(Bytes certificate_status, std::string* error = nullptr);

enum class OcspLeafStatus : uint8_t {
  good,
  revoked,
  unknown,      // the responder does not know the certificate
  not_covered,  // a usable response, but no SingleResponse for the leaf
  unusable,     // not an OCSP response, not "successful", not a basic response, or no leaf
};
std::string_view to_string(OcspLeafStatus status);  // "good", "revoked", "unknown", "not covered", "unusable"

enum class OcspSignatureStatus : uint8_t {
  verified,     // signed by the issuer, or by a responder the issuer certified for OCSP
  invalid,      // the signature, or the responder's authority, does not verify
  not_checked,  // no issuer certificate, or the responder's certificate is not in the response
};
std::string_view to_string(OcspSignatureStatus status);  // "verified", "invalid", "not checked"

enum class OcspFreshness : uint8_t {
  current,
  not_yet_valid,  // thisUpdate is after the capture time (beyond the leeway)
  expired,        // nextUpdate is before the capture time
  not_checked,    // no capture time given, or the times cannot be read
};
std::string_view to_string(OcspFreshness freshness);  // "current", "not yet valid", "expired", "not checked"

struct OcspStatus {
  OcspLeafStatus status = OcspLeafStatus::unusable;
  std::string detail;           // why unusable / not covered, or how the leaf was matched
  std::string response_status;  // RFC 6960 name ("successful", "tryLater", ...); "" when not parsed
  std::string serial_number;    // the leaf's, lowercase hex
  // Times as "2024-01-01 00:00:00 UTC"; "" when absent (next_update is optional).
  std::string produced_at;
  std::string this_update;
  std::string next_update;
  std::string revocation_time;    // revoked only
  std::string revocation_reason;  // revoked only, when given: "keyCompromise", ...
  OcspSignatureStatus signature = OcspSignatureStatus::not_checked;
  std::string signature_detail;  // who signed it, or why it does not verify / was not checked
  OcspFreshness freshness = OcspFreshness::not_checked;
  // CERT_REVOKED for a revoked leaf (party `owner`), with evidence serial_number,
  // revocation_time, revocation_reason (when given), this_update, response_signature,
  // response_freshness.
  std::vector<Finding> findings;
};

// `der` is the OCSPResponse alone (see stapled_ocsp_response); bytes after it make the
// response unusable. `issuer` may be null (see above); `capture_time` is the time of the
// handshake, used for freshness and for the responder certificate's validity (without it
// freshness is not checked and validity is not judged).
OcspStatus check_stapled_ocsp(Bytes der, X509* leaf, X509* issuer, std::optional<Timestamp> capture_time = std::nullopt,
                              Party owner = Party::server);

}  // namespace tlslens::audit
