// OCSP responses (RFC 6960) as they arrive stapled in TLS: the CertificateStatus message
// (TLS 1.2, RFC 6066/6961) and the status_request extension of a TLS 1.3 CertificateEntry.
#pragma once

#include "core/tls/field.h"
#include "core/util/reader.h"

namespace tlslens::tls {

// Describes a DER OCSPResponse into `out` (a group; offsets are left to the caller, which
// places the group over the DER bytes). Fields:
//   response_status   code  successful / malformedRequest / internalError / tryLater / sigRequired / unauthorized
//   — for a successful basic response —
//   responder_name    text  RFC 2253 one-line DN, or responder_key_hash (text, lowercase hex)
//   produced_at       text  "2026-11-29 16:37:23 UTC"
//   responses         list of groups "single_response":
//       hash_algorithm text ("sha1"), issuer_name_hash, issuer_key_hash (text hex, -A),
//       serial_number text (lowercase hex), cert_status code good(0)/revoked(1)/unknown(2),
//       revocation_time text and revocation_reason code (revoked only, reason when given),
//       this_update text, next_update text (when given)
//   signature_algorithm   text  OpenSSL's long name
//   responder_certificates uint  certificates included by the responder
//   parse_error       text  when OpenSSL cannot parse the DER (or bytes follow it)
// Never throws; the DER is not kept.
void describe_ocsp_response(Bytes der, Field& out);

}  // namespace tlslens::tls
