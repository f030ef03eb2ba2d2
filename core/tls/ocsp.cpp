#include "core/tls/ocsp.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <string>

namespace tlslens::tls {

namespace {

struct OcspResponseDeleter {
  void operator()(OCSP_RESPONSE* r) const { OCSP_RESPONSE_free(r); }
};
struct OcspBasicDeleter {
  void operator()(OCSP_BASICRESP* r) const { OCSP_BASICRESP_free(r); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct BignumDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

// OpenSSL's reason for the last failure, and a clean error queue for whoever comes next.
std::string take_openssl_error(std::string_view fallback) {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? std::string(reason) : std::string(fallback);
}

// RFC 6960 4.2.1 names (OpenSSL's own strings are lowercased).
// clang-format off
std::string_view response_status_name(int status) {
  switch (status) {
    case OCSP_RESPONSE_STATUS_SUCCESSFUL: return "successful";
    case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST: return "malformedRequest";
    case OCSP_RESPONSE_STATUS_INTERNALERROR: return "internalError";
    case OCSP_RESPONSE_STATUS_TRYLATER: return "tryLater";
    case OCSP_RESPONSE_STATUS_SIGREQUIRED: return "sigRequired";
    case OCSP_RESPONSE_STATUS_UNAUTHORIZED: return "unauthorized";
    default: return "";
  }
}
// clang-format on

std::string lowercase_hex(const unsigned char* data, int length) {
  std::string hex;
  hex.reserve(static_cast<size_t>(length) * 2);
  for (int i = 0; i < length; ++i) hex += fmt::format("{:02x}", data[i]);
  return hex;
}

std::string hex_of(const ASN1_OCTET_STRING* s) {
  return s == nullptr ? std::string() : lowercase_hex(ASN1_STRING_get0_data(s), ASN1_STRING_length(s));
}

std::string serial_hex(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, BignumDeleter> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return "";
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string utc_text(const ASN1_GENERALIZEDTIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "";
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string rfc2253_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

std::string object_name(const ASN1_OBJECT* object) {
  const int nid = OBJ_obj2nid(object);
  if (nid != NID_undef) return OBJ_nid2ln(nid);
  char buffer[128];
  const int n = OBJ_obj2txt(buffer, sizeof buffer, object, 1);
  return n > 0 ? std::string(buffer) : std::string();
}

void describe_responder(const OCSP_BASICRESP* basic, Field& out) {
  const ASN1_OCTET_STRING* key_hash = nullptr;
  const X509_NAME* name = nullptr;
  if (OCSP_resp_get0_id(basic, &key_hash, &name) != 1) return;
  if (name != nullptr)
    out.add_text("responder_name", rfc2253_text(name));
  else
    out.add_text("responder_key_hash", hex_of(key_hash));
}

void describe_cert_id(const OCSP_SINGLERESP* single, Field& out) {
  ASN1_OCTET_STRING* name_hash = nullptr;
  ASN1_OCTET_STRING* key_hash = nullptr;
  ASN1_OBJECT* hash_algorithm = nullptr;
  ASN1_INTEGER* serial = nullptr;
  // OCSP_id_get0_info only reads the id; its parameter lacks const for historical reasons.
  auto* id = const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single));
  if (id == nullptr || OCSP_id_get0_info(&name_hash, &hash_algorithm, &key_hash, &serial, id) != 1) return;
  out.add_text("hash_algorithm", hash_algorithm != nullptr ? object_name(hash_algorithm) : "");
  out.add_text("issuer_name_hash", hex_of(name_hash)).set_detail();
  out.add_text("issuer_key_hash", hex_of(key_hash)).set_detail();
  out.add_text("serial_number", serial != nullptr ? serial_hex(serial) : "");
}

void describe_single_response(OCSP_SINGLERESP* single, Field& out) {
  describe_cert_id(single, out);
  int reason = -1;
  ASN1_GENERALIZEDTIME* revoked_at = nullptr;
  ASN1_GENERALIZEDTIME* this_update = nullptr;
  ASN1_GENERALIZEDTIME* next_update = nullptr;
  const int status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
  if (status < 0) return;
  out.add_code("cert_status", static_cast<uint64_t>(status), OCSP_cert_status_str(status));
  if (status == V_OCSP_CERTSTATUS_REVOKED) {
    out.add_text("revocation_time", utc_text(revoked_at));
    if (reason >= 0) out.add_code("revocation_reason", static_cast<uint64_t>(reason), OCSP_crl_reason_str(reason));
  }
  out.add_text("this_update", utc_text(this_update));
  if (next_update != nullptr) out.add_text("next_update", utc_text(next_update));
}

void describe_basic_response(OCSP_BASICRESP* basic, Field& out) {
  describe_responder(basic, out);
  out.add_text("produced_at", utc_text(OCSP_resp_get0_produced_at(basic)));
  Field& responses = out.add_list("responses");
  const int count = OCSP_resp_count(basic);
  for (int i = 0; i < count; ++i)
    describe_single_response(OCSP_resp_get0(basic, i), responses.add_group("single_response"));
  const ASN1_OBJECT* algorithm = nullptr;
  X509_ALGOR_get0(&algorithm, nullptr, nullptr, OCSP_resp_get0_tbs_sigalg(basic));
  if (algorithm != nullptr) out.add_text("signature_algorithm", object_name(algorithm)).set_cert_detail();
  const STACK_OF(X509)* certs = OCSP_resp_get0_certs(basic);
  out.add_uint("responder_certificates", certs != nullptr ? sk_X509_num(certs) : 0).set_cert_detail();
}

}  // namespace

void describe_ocsp_response(Bytes der, Field& out) {
  const unsigned char* cursor = der.data();
  std::unique_ptr<OCSP_RESPONSE, OcspResponseDeleter> response(
      d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size())));
  if (!response) {
    out.add_text("parse_error", take_openssl_error("not an OCSP response"));
    return;
  }
  const int status = OCSP_response_status(response.get());
  out.add_code("response_status", static_cast<uint64_t>(status), response_status_name(status));
  if (status == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    std::unique_ptr<OCSP_BASICRESP, OcspBasicDeleter> basic(OCSP_response_get1_basic(response.get()));
    if (basic)
      describe_basic_response(basic.get(), out);
    else
      out.add_text("parse_error", take_openssl_error("not a basic OCSP response"));
  }
  const auto consumed = static_cast<size_t>(cursor - der.data());
  if (consumed != der.size() && out.find("parse_error") == nullptr)
    out.add_text("parse_error", fmt::format("{} bytes after the OCSP response", der.size() - consumed));
}

}  // namespace tlslens::tls
