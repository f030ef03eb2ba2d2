#include "core/audit/ocsp_status.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <memory>
#include <utility>

#include "core/util/openssl_scope.h"
#include "core/x509/certificate.h"

namespace tlslens::audit {
namespace {

constexpr int64_t kLeewaySeconds = 300;

using openssl::ErrorQueueScope;

using openssl::FreeWith;
using ResponsePtr = std::unique_ptr<OCSP_RESPONSE, FreeWith<OCSP_RESPONSE_free>>;
using BasicPtr = std::unique_ptr<OCSP_BASICRESP, FreeWith<OCSP_BASICRESP_free>>;
using CertIdPtr = std::unique_ptr<OCSP_CERTID, FreeWith<OCSP_CERTID_free>>;
using StorePtr = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
struct CertStackFree {
  // The stack borrows its certificates.
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;

// OpenSSL's reason (and the text it attached, e.g. the X.509 verify error) for the latest
// error, or `fallback`; the queue is emptied.
std::string take_openssl_error(std::string_view fallback) {
  const char* data = nullptr;
  int flags = 0;
  const unsigned long code = ERR_peek_last_error_data(&data, &flags);
  std::string text;
  if (code != 0) {
    if (const char* reason = ERR_reason_error_string(code); reason != nullptr) text = reason;
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0') {
      text += text.empty() ? data : std::string(" (") + data + ")";
    }
  }
  ERR_clear_error();
  return text.empty() ? std::string(fallback) : text;
}

// RFC 6960 4.2.1 names.
std::string_view response_status_name(int status) {
  switch (status) {
    case OCSP_RESPONSE_STATUS_SUCCESSFUL:
      return "successful";
    case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST:
      return "malformedRequest";
    case OCSP_RESPONSE_STATUS_INTERNALERROR:
      return "internalError";
    case OCSP_RESPONSE_STATUS_TRYLATER:
      return "tryLater";
    case OCSP_RESPONSE_STATUS_SIGREQUIRED:
      return "sigRequired";
    case OCSP_RESPONSE_STATUS_UNAUTHORIZED:
      return "unauthorized";
    default:
      return "";
  }
}

std::string serial_hex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return "";
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Seconds since the epoch in the proleptic Gregorian calendar (64-bit, no timegm).
std::optional<int64_t> unix_seconds(const ASN1_GENERALIZEDTIME* time) {
  if (time == nullptr) return std::nullopt;  // ASN1_TIME_to_tm(nullptr) would mean "now"
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                            day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok()) return std::nullopt;
  const int64_t days = sys_days{date}.time_since_epoch().count();
  return days * 86400 + int64_t{tm.tm_hour} * 3600 + int64_t{tm.tm_min} * 60 + tm.tm_sec;
}

std::string time_text(const ASN1_GENERALIZEDTIME* time) {
  const std::optional<int64_t> seconds = unix_seconds(time);
  return seconds ? x509::format_utc_seconds(*seconds) : std::string();
}

std::string digest_label(int nid) {
  const char* name = OBJ_nid2sn(nid);
  if (name == nullptr) return "unknown hash";
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What the response says about one certificate.
struct SingleStatus {
  int status = -1;
  int reason = OCSP_REVOKED_STATUS_NOSTATUS;
  ASN1_GENERALIZEDTIME* revoked_at = nullptr;
  ASN1_GENERALIZEDTIME* this_update = nullptr;
  ASN1_GENERALIZEDTIME* next_update = nullptr;
};

int certid_digest_nid(const OCSP_SINGLERESP* single) {
  ASN1_OBJECT* md = nullptr;
  auto* id = const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single));
  if (id == nullptr || OCSP_id_get0_info(nullptr, &md, nullptr, nullptr, id) != 1 || md == nullptr) return NID_undef;
  return OBJ_obj2nid(md);
}

// The leaf's entry by full CertID (name hash, key hash, serial), for each hash the response uses.
std::optional<SingleStatus> find_with_issuer(OCSP_BASICRESP* basic, X509* leaf, X509* issuer, std::string& how) {
  std::vector<int> tried;
  const int count = OCSP_resp_count(basic);
  for (int i = 0; i < count; ++i) {
    const int nid = certid_digest_nid(OCSP_resp_get0(basic, i));
    if (nid == NID_undef || std::ranges::find(tried, nid) != tried.end()) continue;
    tried.push_back(nid);
    const EVP_MD* md = EVP_get_digestbynid(nid);
    if (md == nullptr) continue;
    CertIdPtr id(OCSP_cert_to_id(md, leaf, issuer));
    if (!id) continue;
    SingleStatus s;
    if (OCSP_resp_find_status(basic, id.get(), &s.status, &s.reason, &s.revoked_at, &s.this_update, &s.next_update) ==
        1) {
      how = fmt::format("matched by CertID ({}: issuer name and key hashes, serial number)", digest_label(nid));
      return s;
    }
  }
  ERR_clear_error();
  return std::nullopt;
}

// Without the issuer: serial number and issuer name hash (the key hash needs the issuer's key).
std::optional<SingleStatus> find_without_issuer(OCSP_BASICRESP* basic, X509* leaf, std::string& how) {
  const ASN1_INTEGER* leaf_serial = X509_get0_serialNumber(leaf);
  const X509_NAME* issuer_name = X509_get_issuer_name(leaf);
  const int count = OCSP_resp_count(basic);
  for (int i = 0; i < count; ++i) {
    OCSP_SINGLERESP* single = OCSP_resp_get0(basic, i);
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* md_oid = nullptr;
    ASN1_INTEGER* serial = nullptr;
    auto* id = const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single));
    if (id == nullptr || OCSP_id_get0_info(&name_hash, &md_oid, nullptr, &serial, id) != 1) continue;
    if (serial == nullptr || ASN1_INTEGER_cmp(serial, leaf_serial) != 0) continue;
    const EVP_MD* md = EVP_get_digestbyobj(md_oid);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (md == nullptr || X509_NAME_digest(issuer_name, md, digest, &length) != 1) continue;
    if (name_hash == nullptr || ASN1_STRING_length(name_hash) != static_cast<int>(length) ||
        !std::equal(digest, digest + length, ASN1_STRING_get0_data(name_hash))) {
      continue;
    }
    SingleStatus s;
    s.status = OCSP_single_get0_status(single, &s.reason, &s.revoked_at, &s.this_update, &s.next_update);
    how =
        "matched by serial number and issuer name hash only: without the issuer certificate its key hash "
        "cannot be checked";
    return s;
  }
  ERR_clear_error();
  return std::nullopt;
}

// Every serial number the response speaks for, to say what it covers instead.
std::string covered_serials(OCSP_BASICRESP* basic) {
  std::string out;
  const int count = OCSP_resp_count(basic);
  for (int i = 0; i < count; ++i) {
    ASN1_INTEGER* serial = nullptr;
    auto* id = const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(OCSP_resp_get0(basic, i)));
    if (id == nullptr || OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id) != 1) continue;
    if (!out.empty()) out += ", ";
    out += serial_hex(serial);
  }
  return out;
}

// Whether the issuer, or a responder it certified, signed the response.
void check_signature(OCSP_BASICRESP* basic, X509* issuer, std::optional<Timestamp> capture_time, OcspStatus& out) {
  if (issuer == nullptr) {
    out.signature = OcspSignatureStatus::not_checked;
    out.signature_detail = "the issuer certificate is not available";
    return;
  }
  StorePtr store(X509_STORE_new());
  CertStackPtr certs(sk_X509_new_null());
  if (!store || !certs || X509_STORE_add_cert(store.get(), issuer) != 1 || sk_X509_push(certs.get(), issuer) <= 0) {
    out.signature = OcspSignatureStatus::not_checked;
    out.signature_detail = "OpenSSL could not set up the check: " + take_openssl_error("out of memory");
    return;
  }
  // The issuer is the anchor, whether or not it is a root.
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (capture_time) {
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(capture_time->whole_seconds()));
  } else {
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
  }
  // TRUSTOTHER: a response signed by the issuer itself needs no chain; NOEXPLICIT: no
  // authority beyond the issuer's own (a delegated responder must be certified by it).
  const int rc = OCSP_basic_verify(basic, certs.get(), store.get(), OCSP_TRUSTOTHER | OCSP_NOEXPLICIT);
  if (rc != 1) {
    const unsigned long code = ERR_peek_last_error();
    const bool signer_missing =
        ERR_GET_LIB(code) == ERR_LIB_OCSP && ERR_GET_REASON(code) == OCSP_R_SIGNER_CERTIFICATE_NOT_FOUND;
    const std::string reason = take_openssl_error("verification failed");
    if (signer_missing) {
      out.signature = OcspSignatureStatus::not_checked;
      out.signature_detail = "signed neither by the issuer nor by a responder whose certificate is in the response";
    } else {
      out.signature = OcspSignatureStatus::invalid;
      out.signature_detail = "does not verify: " + reason;
    }
    return;
  }
  out.signature = OcspSignatureStatus::verified;
  X509* signer = nullptr;
  if (OCSP_resp_get0_signer(basic, &signer, certs.get()) == 1 && signer != nullptr && X509_cmp(signer, issuer) != 0) {
    out.signature_detail = "signed by a delegated responder the issuer certified for OCSP signing";
  } else {
    out.signature_detail = "signed by the issuer";
  }
  ERR_clear_error();
}

OcspFreshness freshness_at(const SingleStatus& s, std::optional<Timestamp> capture_time) {
  if (!capture_time) return OcspFreshness::not_checked;
  const int64_t now = capture_time->whole_seconds();
  const std::optional<int64_t> this_update = unix_seconds(s.this_update);
  if (!this_update) return OcspFreshness::not_checked;
  if (*this_update > now + kLeewaySeconds) return OcspFreshness::not_yet_valid;
  if (s.next_update != nullptr) {
    const std::optional<int64_t> next_update = unix_seconds(s.next_update);
    if (!next_update) return OcspFreshness::not_checked;
    if (*next_update < now - kLeewaySeconds) return OcspFreshness::expired;
  }
  return OcspFreshness::current;
}

}  // namespace

std::string_view to_string(OcspLeafStatus status) {
  switch (status) {
    case OcspLeafStatus::good:
      return "good";
    case OcspLeafStatus::revoked:
      return "revoked";
    case OcspLeafStatus::unknown:
      return "unknown";
    case OcspLeafStatus::not_covered:
      return "not covered";
    case OcspLeafStatus::unusable:
      return "unusable";
  }
  return "?";
}

std::string_view to_string(OcspSignatureStatus status) {
  switch (status) {
    case OcspSignatureStatus::verified:
      return "verified";
    case OcspSignatureStatus::invalid:
      return "invalid";
    case OcspSignatureStatus::not_checked:
      return "not checked";
  }
  return "?";
}

std::string_view to_string(OcspFreshness freshness) {
  switch (freshness) {
    case OcspFreshness::current:
      return "current";
    case OcspFreshness::not_yet_valid:
      return "not yet valid";
    case OcspFreshness::expired:
      return "expired";
    case OcspFreshness::not_checked:
      return "not checked";
  }
  return "?";
}

std::optional<Bytes> stapled_ocsp_response(Bytes certificate_status, std::string* error) {
  auto fail = [&](std::string text) -> std::optional<Bytes> {
    if (error != nullptr) *error = std::move(text);
    return std::nullopt;
  };
  constexpr uint8_t kOcsp = 1;
  constexpr uint8_t kOcspMulti = 2;
  Reader r(certificate_status);
  uint8_t type = 0;
  if (!r.u8(type)) return fail("empty CertificateStatus");
  Bytes response;
  if (type == kOcsp) {
    Reader field;
    if (!r.prefixed24(field)) return fail("the OCSP response is truncated");
    response = field.rest();
  } else if (type == kOcspMulti) {
    Reader list;
    if (!r.prefixed24(list)) return fail("the OCSP response list is truncated");
    bool first = true;
    while (!list.empty()) {
      Reader item;
      if (!list.prefixed24(item)) return fail("an OCSP response in the list is truncated");
      if (first) response = item.rest();
      first = false;
    }
    if (first) return fail("the OCSP response list is empty");
  } else {
    return fail(fmt::format("status_type {} is not OCSP", type));
  }
  if (!r.empty()) return fail(fmt::format("{} bytes after the CertificateStatus", r.remaining()));
  if (response.empty()) return fail("no OCSP response for the leaf certificate");
  return response;
}

OcspStatus check_stapled_ocsp(Bytes der, X509* leaf, X509* issuer, std::optional<Timestamp> capture_time, Party owner) {
  ErrorQueueScope guard;
  OcspStatus out;
  if (leaf == nullptr) {
    out.detail = "no leaf certificate";
    return out;
  }
  out.serial_number = serial_hex(X509_get0_serialNumber(leaf));

  const unsigned char* cursor = der.data();
  ResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size())));
  if (!response) {
    out.detail = "not an OCSP response: " + take_openssl_error("cannot be parsed");
    return out;
  }
  if (const auto consumed = static_cast<size_t>(cursor - der.data()); consumed != der.size()) {
    out.detail = fmt::format("{} bytes after the OCSP response", der.size() - consumed);
    return out;
  }
  const int response_status = OCSP_response_status(response.get());
  out.response_status = std::string(response_status_name(response_status));
  if (response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    out.detail = fmt::format("the responder answered {} instead of a status",
                             out.response_status.empty() ? std::to_string(response_status) : out.response_status);
    return out;
  }
  BasicPtr basic(OCSP_response_get1_basic(response.get()));
  if (!basic) {
    out.detail = "not a basic OCSP response: " + take_openssl_error("cannot be decoded");
    return out;
  }
  out.produced_at = time_text(OCSP_resp_get0_produced_at(basic.get()));

  std::string how;
  std::optional<SingleStatus> single = issuer != nullptr ? find_with_issuer(basic.get(), leaf, issuer, how)
                                                         : find_without_issuer(basic.get(), leaf, how);
  check_signature(basic.get(), issuer, capture_time, out);
  if (!single) {
    out.status = OcspLeafStatus::not_covered;
    const std::string serials = covered_serials(basic.get());
    out.detail = serials.empty() ? "the response has no entry for any certificate"
                                 : fmt::format("the response speaks for serial {}, not for the leaf ({})", serials,
                                               out.serial_number);
    return out;
  }
  out.detail = std::move(how);
  out.this_update = time_text(single->this_update);
  out.next_update = time_text(single->next_update);
  out.freshness = freshness_at(*single, capture_time);

  switch (single->status) {
    case V_OCSP_CERTSTATUS_GOOD:
      out.status = OcspLeafStatus::good;
      break;
    case V_OCSP_CERTSTATUS_UNKNOWN:
      out.status = OcspLeafStatus::unknown;
      break;
    case V_OCSP_CERTSTATUS_REVOKED: {
      out.status = OcspLeafStatus::revoked;
      out.revocation_time = time_text(single->revoked_at);
      if (single->reason != OCSP_REVOKED_STATUS_NOSTATUS) out.revocation_reason = OCSP_crl_reason_str(single->reason);
      Finding f(Code::CERT_REVOKED, owner,
                fmt::format("the stapled OCSP response says the certificate was revoked{}{}",
                            out.revocation_time.empty() ? "" : " on " + out.revocation_time,
                            out.revocation_reason.empty() ? "" : " (" + out.revocation_reason + ")"));
      f.with("serial_number", out.serial_number);
      f.with("revocation_time", out.revocation_time.empty() ? "unreadable" : out.revocation_time);
      if (!out.revocation_reason.empty()) f.with("revocation_reason", out.revocation_reason);
      f.with("this_update", out.this_update);
      f.with("response_signature", fmt::format("{}: {}", to_string(out.signature), out.signature_detail));
      f.with("response_freshness", std::string(to_string(out.freshness)));
      out.findings.push_back(std::move(f));
      break;
    }
    default:
      out.status = OcspLeafStatus::unusable;
      out.detail = fmt::format("unknown certificate status {}", single->status);
      break;
  }
  return out;
}

}  // namespace tlslens::audit
