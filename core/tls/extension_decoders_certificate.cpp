// Decoders of the extensions about certificates: status requests and stapled OCSP responses
// (RFC 6066 8, RFC 6961, RFC 8446 4.4.2.1), Certificate Transparency SCTs (RFC 6962 3.3),
// certificate compression (RFC 8879), certificate_authorities and oid_filters (RFC 8446
// 4.2.4-5), delegated credentials (RFC 9345).
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "core/tls/extension_decoders.h"
#include "core/tls/field_reading.h"
#include "core/tls/ocsp.h"
#include "core/tls/registry.h"
#include "core/util/timestamp.h"

namespace tlslens::tls::hello_internal {
namespace {

constexpr uint8_t kStatusTypeOcsp = 1;

std::string_view sct_version_name(uint8_t code) {
  return code == 0 ? "v1" : "";
}

// How many length-prefixed (16-bit) elements `items` holds, counting only whole ones.
size_t count_prefixed16(Reader items) {
  size_t count = 0;
  Reader element;
  while (items.prefixed16(element)) ++count;
  return count;
}

// ---- OpenSSL views of DER: a distinguished name, an object identifier

struct X509NameDeleter {
  void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct Asn1ObjectDeleter {
  void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); }
};

// "CN=Example CA,O=Example" (RFC 2253 order), or "" when `der` is not exactly one Name.
std::string distinguished_name_text(Bytes der) {
  const unsigned char* p = der.data();
  std::unique_ptr<X509_NAME, X509NameDeleter> name(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
  std::string text;
  if (name && p == der.data() + der.size()) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
    // UTF-8 rather than \XX escapes for non-ASCII; escaped_text then makes any byte that is
    // not printable ASCII (and so any UTF-8) unambiguous.
    unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
    if (bio && X509_NAME_print_ex(bio.get(), name.get(), 0, flags) >= 0) {
      char* data = nullptr;
      long size = BIO_get_mem_data(bio.get(), &data);
      if (data != nullptr && size > 0)
        text = escaped_text(Bytes(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(size)));
    }
  }
  ERR_clear_error();
  return text;
}

// "2.5.29.37 (X509v3 Extended Key Usage)" for the DER contents of an OID (RFC 8446 leaves it
// open whether the tag and length come too; both are accepted), "" when it is not one.
std::string object_identifier_text(Bytes oid) {
  std::vector<uint8_t> der;
  if (oid.size() >= 2 && oid[0] == 0x06 && oid[1] == oid.size() - 2) {
    der.assign(oid.begin(), oid.end());
  } else if (oid.size() < 128) {
    der = {0x06, static_cast<uint8_t>(oid.size())};
    der.insert(der.end(), oid.begin(), oid.end());
  } else {
    return {};
  }
  const unsigned char* p = der.data();
  std::unique_ptr<ASN1_OBJECT, Asn1ObjectDeleter> object(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(der.size())));
  std::string text;
  char buffer[128];
  if (object && p == der.data() + der.size() && OBJ_obj2txt(buffer, sizeof buffer, object.get(), 1) > 0) {
    text = buffer;
    if (int nid = OBJ_obj2nid(object.get()); nid != NID_undef) text += fmt::format(" ({})", OBJ_nid2ln(nid));
  }
  ERR_clear_error();
  return text;
}

// ---- status_request forms

// OCSPStatusRequest (RFC 6066 8): ResponderID responder_id_list<0..2^16-1>; Extensions
// request_extensions (DER, opaque here).
void decode_ocsp_status_request(Reader& data, ExtensionContext& e) {
  std::optional<Reader> ids =
      read_vector(data, e.d, e.out, {.what = "responder_id_list", .length_key = "responder_id_list_length"});
  if (!ids) return;
  Field& list = e.out.add_list("responder_ids").at(e.d.offset(*ids), ids->remaining());
  while (!ids->empty()) {
    size_t start = e.d.offset(*ids);
    std::optional<Reader> id = read_vector(*ids, e.d, list, {.what = "responder_id", .min = 1});
    if (!id) return;
    list.add_bytes("responder_id", id->rest()).at(start, 2 + id->remaining()).set_detail();
  }
  std::optional<Reader> extensions =
      read_vector(data, e.d, e.out, {.what = "request_extensions", .length_key = "request_extensions_length"});
  if (extensions && !extensions->empty()) read_rest_as_bytes(*extensions, e.d, e.out, "request_extensions");
}

// CertificateStatus in a TLS 1.3 Certificate entry: OCSPResponse ocsp_response<1..2^24-1>,
// described as the CertificateStatus message's is.
void decode_stapled_ocsp_response(Reader& data, ExtensionContext& e) {
  std::optional<Reader> response = read_vector(
      data, e.d, e.out,
      {.what = "ocsp_response", .length_key = "ocsp_response_length", .prefix = 3, .min = 1, .show_length = true});
  if (!response) return;
  e.facts().ocsp_staple_seen = true;
  if (response->empty()) return;
  size_t at = e.d.offset(*response);
  Bytes der = response->rest();
  response->skip(der.size());
  Field& described = e.out.add_group("ocsp_response").at(at, der.size());
  describe_ocsp_response(der, described);
  place_unlocated(described, static_cast<uint32_t>(at), static_cast<uint32_t>(der.size()));
}

// ---- SCTs

// SignedCertificateTimestamp (RFC 6962 3.2), v1; other versions are shown as bytes.
void decode_sct(Reader& sct, Decoding& d, Field& out) {
  uint8_t version;
  if (!read_code8(sct, d, out, "version", sct_version_name, version)) return;
  if (version != 0) {
    read_rest_as_bytes(sct, d, out, "data");
    return;
  }
  size_t log_id_start = d.offset(sct);
  Bytes log_id;
  if (!sct.bytes(32, log_id)) {
    d.fail(sct, fmt::format("truncated log_id: needs 32 bytes, {} left", sct.remaining()));
    return;
  }
  out.add_text("log_id", hex_string(log_id)).at(log_id_start, 32);
  size_t timestamp_start = d.offset(sct);
  uint64_t timestamp_ms;
  if (!read_uint64(sct, d, out, "timestamp", timestamp_ms)) return;
  // Milliseconds since the epoch; beyond what Timestamp holds (year 2262) there is no date.
  if (timestamp_ms <= static_cast<uint64_t>(INT64_MAX / 1'000'000))
    out.add_text("time", format_utc(Timestamp{static_cast<int64_t>(timestamp_ms) * 1'000'000})).at(timestamp_start, 8);
  std::optional<Reader> extensions =
      read_vector(sct, d, out, {.what = "sct extensions", .length_key = "extensions_length"});
  if (!extensions) return;
  if (!extensions->empty()) read_rest_as_bytes(*extensions, d, out, "extensions");
  uint16_t algorithm;
  if (!read_signature_scheme(sct, d, out, "signature_algorithm", algorithm)) return;
  std::optional<Reader> signature =
      read_vector(sct, d, out, {.what = "sct signature", .length_key = "signature_length"});
  if (signature && !signature->empty()) read_rest_as_bytes(*signature, d, out, "signature");
  expect_consumed(sct, d, "the SCT");
}

}  // namespace

// The ClientHello (and a TLS 1.3 CertificateRequest) asks with a CertificateStatusRequest;
// a TLS 1.2 ServerHello acknowledges with an empty extension; a TLS 1.3 Certificate entry
// carries the CertificateStatus itself.
void decode_status_request(Reader& data, ExtensionContext& e) {
  if (data.empty()) return;
  uint8_t status_type;
  if (!read_code8(data, e.d, e.out, "status_type", certificate_status_type_name, status_type)) return;
  if (e.in_certificate_entry())
    decode_stapled_ocsp_response(data, e);
  else if (status_type == kStatusTypeOcsp)
    decode_ocsp_status_request(data, e);
  else
    read_rest_as_bytes(data, e.d, e.out, "request");
}

// RFC 6961 2.2: CertificateStatusRequestItemV2 certificate_status_req_list<1..2^16-1>, each a
// status type and a length-prefixed request; the server's is empty.
void decode_status_request_v2(Reader& data, ExtensionContext& e) {
  if (data.empty()) return;
  std::optional<Reader> requests = read_vector(
      data, e.d, e.out,
      {.what = "certificate_status_req_list", .length_key = "certificate_status_req_list_length", .min = 1});
  if (!requests) return;
  Field& list = e.out.add_list("requests").at(e.d.offset(*requests), requests->remaining());
  while (!requests->empty()) {
    Field& item = list.add_group("request");
    size_t start = e.d.offset(*requests);
    uint8_t status_type;
    if (!read_code8(*requests, e.d, item, "status_type", certificate_status_type_name, status_type)) return;
    std::optional<Reader> request =
        read_vector(*requests, e.d, item, {.what = "request", .length_key = "request_length"});
    if (!request) return;
    if (!request->empty()) read_rest_as_bytes(*request, e.d, item, "request");
    item.at(start, e.d.offset(*requests) - start);
  }
}

// RFC 6962 3.3: empty in the ClientHello; a SignedCertificateTimestampList (SerializedSCT
// sct_list<1..2^16-1>) from the server, in a TLS 1.2 ServerHello or a TLS 1.3 Certificate entry.
void decode_signed_certificate_timestamp(Reader& data, ExtensionContext& e) {
  if (data.empty()) return;
  std::optional<Reader> scts =
      read_vector(data, e.d, e.out, {.what = "sct_list", .length_key = "sct_list_length", .min = 1});
  if (!scts) return;
  e.out.add_uint("sct_count", count_prefixed16(*scts)).at(e.d.offset(*scts), scts->remaining());
  Field& list = e.out.add_list("scts").at(e.d.offset(*scts), scts->remaining());
  while (!scts->empty()) {
    Field& entry = list.add_group("sct");
    size_t start = e.d.offset(*scts);
    std::optional<Reader> sct =
        read_vector(*scts, e.d, entry, {.what = "SerializedSCT", .length_key = "sct_length", .min = 1});
    if (!sct) return;
    entry.at(start, 2 + sct->remaining());
    decode_sct(*sct, e.d, entry);
  }
}

// RFC 8879 3: CertificateCompressionAlgorithm algorithms<2..2^8-2>.
void decode_compress_certificate(Reader& data, ExtensionContext& e) {
  std::optional<Reader> algorithms = read_vector(
      data, e.d, e.out,
      {.what = "algorithms", .length_key = "algorithms_length", .prefix = 1, .min = 2, .max = 254, .unit = 2});
  if (!algorithms) return;
  Field& list = e.out.add_list("algorithms").at(e.d.offset(*algorithms), algorithms->remaining());
  read_code16_items(*algorithms, e.d, list, "algorithm", certificate_compression_algorithm_name);
}

// RFC 8446 4.2.4: DistinguishedName authorities<3..2^16-1> (each opaque<1..2^16-1>, a DER Name).
void decode_certificate_authorities(Reader& data, ExtensionContext& e) {
  std::optional<Reader> names =
      read_vector(data, e.d, e.out, {.what = "authorities", .length_key = "authorities_length", .min = 3});
  if (!names) return;
  e.out.add_uint("count", count_prefixed16(*names)).at(e.d.offset(*names), names->remaining());
  Field& list = e.out.add_list("authorities").at(e.d.offset(*names), names->remaining());
  while (!names->empty()) {
    Field& entry = list.add_group("distinguished_name");
    size_t start = e.d.offset(*names);
    std::optional<Reader> der =
        read_vector(*names, e.d, entry, {.what = "distinguished_name", .length_key = "name_length", .min = 1});
    if (!der) return;
    entry.at(start, 2 + der->remaining());
    if (std::string text = distinguished_name_text(der->rest()); !text.empty())
      entry.add_text("name", std::move(text)).at(e.d.offset(*der), der->remaining());
    if (!der->empty()) read_rest_as_bytes(*der, e.d, entry, "der");
  }
}

// RFC 8446 4.2.5: OIDFilter filters<0..2^16-1>; each an extension OID and the DER values
// the certificate's extension must hold.
void decode_oid_filters(Reader& data, ExtensionContext& e) {
  std::optional<Reader> filters = read_vector(data, e.d, e.out, {.what = "filters", .length_key = "filters_length"});
  if (!filters) return;
  Field& list = e.out.add_list("filters").at(e.d.offset(*filters), filters->remaining());
  while (!filters->empty()) {
    Field& filter = list.add_group("filter");
    size_t start = e.d.offset(*filters);
    std::optional<Reader> oid =
        read_vector(*filters, e.d, filter,
                    {.what = "certificate_extension_oid", .length_key = "oid_length", .prefix = 1, .min = 1});
    if (!oid) return;
    if (std::string text = object_identifier_text(oid->rest()); !text.empty())
      filter.add_text("oid", std::move(text)).at(e.d.offset(*oid), oid->remaining());
    else if (!oid->empty())
      filter.add_bytes("oid", oid->rest()).at(e.d.offset(*oid), oid->remaining());
    std::optional<Reader> values =
        read_vector(*filters, e.d, filter, {.what = "certificate_extension_values", .length_key = "values_length"});
    if (!values) return;
    if (!values->empty()) read_rest_as_bytes(*values, e.d, filter, "values");
    filter.at(start, e.d.offset(*filters) - start);
  }
}

// RFC 9345 4: in the ClientHello or CertificateRequest, the signature schemes accepted for
// delegated credentials; in a Certificate entry, the DelegatedCredential itself.
void decode_delegated_credential(Reader& data, ExtensionContext& e) {
  if (!e.in_certificate_entry()) {
    std::optional<Reader> schemes =
        read_vector(data, e.d, e.out,
                    {.what = "signature_algorithms", .length_key = "signature_algorithms_length", .min = 2, .unit = 2});
    if (!schemes) return;
    Field& list = e.out.add_list("signature_algorithms").at(e.d.offset(*schemes), schemes->remaining());
    read_signature_scheme_items(*schemes, e.d, list);
    return;
  }
  uint32_t valid_time;
  uint16_t scheme;
  if (!read_uint32(data, e.d, e.out, "valid_time", valid_time) ||
      !read_signature_scheme(data, e.d, e.out, "dc_cert_verify_algorithm", scheme))
    return;
  std::optional<Reader> key = read_vector(data, e.d, e.out,
                                          {.what = "ASN1_subjectPublicKeyInfo",
                                           .length_key = "public_key_length",
                                           .prefix = 3,
                                           .min = 1,
                                           .show_length = true});
  if (!key) return;
  if (!key->empty()) read_rest_as_bytes(*key, e.d, e.out, "public_key");
  if (!read_signature_scheme(data, e.d, e.out, "algorithm", scheme)) return;
  std::optional<Reader> signature =
      read_vector(data, e.d, e.out, {.what = "signature", .length_key = "signature_length", .min = 1});
  if (signature && !signature->empty()) read_rest_as_bytes(*signature, e.d, e.out, "signature");
}

}  // namespace tlslens::tls::hello_internal
