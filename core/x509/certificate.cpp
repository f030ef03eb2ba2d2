// Certificate::parse: the facts tlslens shows about a certificate, read through OpenSSL's
// accessors. Nothing here trusts the certificate: every pointer OpenSSL may return as null
// is checked, every string goes through display_text, and OpenSSL's error queue is empty
// when parse() returns.
#include "core/x509/certificate.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <ctime>
#include <optional>
#include <string_view>
#include <utility>

#include "core/util/openssl_scope.h"
#include "core/x509/display_text.h"

namespace tlslens::x509 {
namespace {

using openssl::FreeWith;
template <typename T, auto Free>
using Owned = std::unique_ptr<T, FreeWith<Free>>;

void free_openssl_bytes(unsigned char* p) {
  OPENSSL_free(p);
}

// OpenSSL reports failures on a thread-local queue. It is cleared on entry, so the first
// error after a failed d2i is this certificate's and not something stale, and on exit, so
// nothing parse() provoked (a failed d2i, an extension that does not decode, a key type the
// providers do not know) is later mistaken by another OpenSSL caller on this thread (the
// decryptor, the chain verifier) for its own failure.
using openssl::ErrorQueueScope;

// The earliest error on the queue is the most specific one ("header too long"); the later
// ones only say which enclosing structure failed.
std::string first_error(std::string_view fallback) {
  unsigned long code = ERR_get_error();
  if (code == 0) return std::string(fallback);
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return display_text(text.data(), Backslash::keep);
}

std::string_view raw_bytes(const ASN1_STRING* s) {
  if (s == nullptr || ASN1_STRING_length(s) <= 0) return {};
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s))};
}

// A string of any ASN.1 string type (BMPString, T61String...) as UTF-8; the raw bytes,
// escaped, when OpenSSL cannot convert it (an invalid UTF8String, a non-string type).
std::string string_text(const ASN1_STRING* s) {
  if (s == nullptr) return {};
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, s);
  if (length < 0) return display_text(raw_bytes(s));
  Owned<unsigned char, free_openssl_bytes> owner(utf8);
  return display_text(std::string_view(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length)));
}

std::string oid_text(const ASN1_OBJECT* object) {
  if (object == nullptr) return "<no OID>";
  int length = OBJ_obj2txt(nullptr, 0, object, 1);
  if (length <= 0) return "<invalid OID>";
  std::string text(static_cast<size_t>(length) + 1, '\0');
  OBJ_obj2txt(text.data(), length + 1, object, 1);
  text.resize(static_cast<size_t>(length));
  return text;
}

// OpenSSL's short name for a known OID ("serverAuth"), the dotted form otherwise.
std::string object_name(const ASN1_OBJECT* object) {
  int nid = object != nullptr ? OBJ_obj2nid(object) : NID_undef;
  if (nid != NID_undef)
    if (const char* name = OBJ_nid2sn(nid)) return name;
  return oid_text(object);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  if (data == nullptr || length <= 0) return {};
  return std::string(data, static_cast<size_t>(length));
}

// RFC 2253 as OpenSSL writes it, except that non-ASCII characters stay UTF-8 instead of
// becoming \XX bytes (ESC_MSB off): a Japanese O= should read as Japanese. OpenSSL passes a
// UTF8String's bytes through unchecked, so display_text still guards against invalid UTF-8.
std::string name_text(const X509_NAME* name) {
  if (name == nullptr) return {};
  auto print = [name](unsigned long flags) -> std::optional<std::string> {
    Owned<BIO, BIO_free> bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return std::nullopt;
    return bio_text(bio.get());
  };
  constexpr unsigned long kUtf8 = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (auto text = print(kUtf8)) return display_text(*text, Backslash::keep);
  // A BMPString of odd length or an out-of-range UniversalString makes the conversion fail;
  // reading every value as single bytes (non-ASCII escaped as \XX) cannot fail.
  constexpr unsigned long kBytes =
      (XN_FLAG_RFC2253 | ASN1_STRFLGS_IGNORE_TYPE) & ~static_cast<unsigned long>(ASN1_STRFLGS_UTF8_CONVERT);
  if (auto text = print(kBytes)) return display_text(*text, Backslash::keep);
  return "<unprintable name>";
}

std::string last_common_name(const X509_NAME* name) {
  if (name == nullptr) return {};
  int last = -1;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i))
    last = i;
  if (last < 0) return {};
  return string_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
}

std::string hex(std::string_view bytes, bool upper, std::string_view separator) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * (2 + separator.size()));
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out += separator;
    auto b = static_cast<uint8_t>(bytes[i]);
    out += digits[b >> 4];
    out += digits[b & 0x0f];
  }
  return out;
}

// OpenSSL keeps an INTEGER as sign + magnitude (minimal, big-endian), so the hex of the
// magnitude is the serial as `openssl x509 -serial` shows it, in lowercase.
std::string serial_text(const ASN1_INTEGER* serial) {
  if (serial == nullptr) return {};
  std::string magnitude = hex(raw_bytes(serial), false, "");
  if (magnitude.empty()) magnitude = "00";
  return ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" + magnitude : magnitude;
}

// Seconds since the epoch, computed with the proleptic Gregorian calendar in 64 bits: not
// timegm, whose -1 is also 1969-12-31 23:59:59 and whose time_t may be 32 bits elsewhere.
std::optional<int64_t> unix_seconds(const ASN1_TIME* time) {
  if (time == nullptr) return std::nullopt;  // ASN1_TIME_to_tm(nullptr) would mean "now"
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  using namespace std::chrono;
  year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                      day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok()) return std::nullopt;
  int64_t days_since_epoch = sys_days{date}.time_since_epoch().count();
  return days_since_epoch * 86400 + int64_t{tm.tm_hour} * 3600 + int64_t{tm.tm_min} * 60 + tm.tm_sec;
}

Timestamp clamped_timestamp(int64_t seconds) {
  constexpr int64_t kLimit = INT64_MAX / 1'000'000'000;
  return Timestamp::from_sec_nsec(std::clamp(seconds, -kLimit, kLimit), 0);
}

void read_validity(const X509* x, CertificateInfo& info) {
  if (auto seconds = unix_seconds(X509_get0_notBefore(x))) {
    info.not_before_seconds = *seconds;
    info.not_before = clamped_timestamp(*seconds);
    info.not_before_readable = true;
  } else {
    info.warnings.emplace_back("notBefore could not be read");
  }
  if (auto seconds = unix_seconds(X509_get0_notAfter(x))) {
    info.not_after_seconds = *seconds;
    info.not_after = clamped_timestamp(*seconds);
    info.not_after_readable = true;
  } else {
    info.warnings.emplace_back("notAfter could not be read");
  }
}

std::string key_type_name(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return "RSA";
    case EVP_PKEY_RSA_PSS:
      return "RSA-PSS";
    case EVP_PKEY_EC:
      return "EC";
    case EVP_PKEY_ED25519:
      return "Ed25519";
    case EVP_PKEY_ED448:
      return "Ed448";
    case EVP_PKEY_X25519:
      return "X25519";
    case EVP_PKEY_X448:
      return "X448";
    case EVP_PKEY_DSA:
      return "DSA";
    case EVP_PKEY_DH:
    case EVP_PKEY_DHX:
      return "DH";
    case EVP_PKEY_SM2:
      return "SM2";
    default:
      break;
  }
  // A key only a provider knows has no legacy id, but it has a name.
  if (const char* name = EVP_PKEY_get0_type_name(key)) return name;
  return "unknown";
}

void read_public_key(const X509* x, CertificateInfo& info) {
  EVP_PKEY* key = X509_get0_pubkey(x);  // owned by the X509
  if (key == nullptr) {
    // An algorithm OpenSSL does not support, or key bytes that do not decode: name the
    // algorithm from SubjectPublicKeyInfo at least.
    ASN1_OBJECT* algorithm = nullptr;
    X509_PUBKEY* spki = X509_get_X509_PUBKEY(x);
    if (spki != nullptr && X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, spki) == 1 &&
        algorithm != nullptr)
      info.public_key_type = object_name(algorithm);
    info.warnings.emplace_back("the public key could not be decoded");
    return;
  }
  info.public_key_type = key_type_name(key);
  info.public_key_bits = std::max(0, EVP_PKEY_get_bits(key));
  int base = EVP_PKEY_get_base_id(key);
  if (base == EVP_PKEY_EC || base == EVP_PKEY_SM2) {
    std::array<char, 80> group{};
    size_t length = 0;
    // Fails for explicit curve parameters, which have no name: ec_curve stays "".
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(), &length) == 1)
      info.ec_curve = display_text(std::string_view(group.data(), std::min(length, group.size())));
  }
}

void read_signature(X509* x, CertificateInfo& info) {
  const X509_ALGOR* outer = nullptr;
  X509_get0_signature(nullptr, &outer, x);
  int nid = X509_get_signature_nid(x);
  const char* long_name = nid != NID_undef ? OBJ_nid2ln(nid) : nullptr;
  if (long_name != nullptr) {
    info.signature_algorithm = long_name;
  } else if (outer != nullptr) {
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, outer);
    info.signature_algorithm = oid_text(oid);
  }
  // The digest behind the algorithm, also for RSA-PSS where the name alone does not say it.
  int digest = NID_undef;
  int security_bits = 0;
  uint32_t flags = 0;
  if (X509_get_signature_info(x, &digest, nullptr, &security_bits, &flags) == 1) {
    if (digest != NID_undef)
      if (const char* name = OBJ_nid2sn(digest)) info.signature_hash = name;
    info.signature_security_bits = std::max(0, security_bits);
  }
  // RFC 5280 4.1.1.2: the algorithm outside the signed part must equal the one inside; only
  // the outer one is reported above.
  const X509_ALGOR* inner = X509_get0_tbs_sigalg(x);
  if (outer != nullptr && inner != nullptr && X509_ALGOR_cmp(outer, inner) != 0)
    info.warnings.emplace_back("the signature algorithm differs inside and outside the signed part");
}

std::optional<std::string> ip_address_text(const ASN1_OCTET_STRING* address) {
  std::string_view bytes = raw_bytes(address);
  std::array<char, INET6_ADDRSTRLEN> text{};
  int family = bytes.size() == 4 ? AF_INET : bytes.size() == 16 ? AF_INET6 : 0;
  if (family == 0 || inet_ntop(family, bytes.data(), text.data(), text.size()) == nullptr) return std::nullopt;
  return std::string(text.data());
}

// A GeneralName with the prefix OpenSSL's own printing uses.
std::string general_name_text(const GENERAL_NAME* name) {
  int type = -1;
  void* value = GENERAL_NAME_get0_value(name, &type);
  switch (type) {
    case GEN_DNS:
      return "DNS:" + display_text(raw_bytes(static_cast<ASN1_IA5STRING*>(value)));
    case GEN_EMAIL:
      return "email:" + display_text(raw_bytes(static_cast<ASN1_IA5STRING*>(value)));
    case GEN_URI:
      return "URI:" + display_text(raw_bytes(static_cast<ASN1_IA5STRING*>(value)));
    case GEN_IPADD: {
      auto* address = static_cast<ASN1_OCTET_STRING*>(value);
      if (auto text = ip_address_text(address)) return "IP:" + *text;
      return "IP:#" + hex(raw_bytes(address), false, "");
    }
    case GEN_DIRNAME:
      return "DirName:" + name_text(static_cast<X509_NAME*>(value));
    case GEN_RID:
      return "RID:" + oid_text(static_cast<ASN1_OBJECT*>(value));
    case GEN_OTHERNAME: {
      ASN1_OBJECT* oid = nullptr;
      ASN1_TYPE* other = nullptr;
      std::string text = "othername:";
      if (GENERAL_NAME_get0_otherName(name, &oid, &other) != 1) return text;
      text += object_name(oid);
      // Most othernames (UPN, SmtpUTF8Mailbox, XMPP) hold a string; show it when they do.
      if (other == nullptr) return text;
      switch (other->type) {
        case V_ASN1_UTF8STRING:
        case V_ASN1_IA5STRING:
        case V_ASN1_PRINTABLESTRING:
        case V_ASN1_VISIBLESTRING:
        case V_ASN1_NUMERICSTRING:
        case V_ASN1_T61STRING:
        case V_ASN1_BMPSTRING:
        case V_ASN1_UNIVERSALSTRING:
          text += ":" + string_text(other->value.asn1_string);
          break;
        default:
          break;
      }
      return text;
    }
    case GEN_X400:
      return "X400Name";
    case GEN_EDIPARTY:
      return "EdiPartyName";
    default:
      return "unknown";
  }
}

// The decoded value of an extension, and whether the extension is there at all (it may be
// there and still yield nothing: twice, or bytes that do not decode, each a warning).
template <typename T, auto Free>
struct Extension {
  Owned<T, Free> value;
  bool present = false;
};

template <typename T, auto Free>
Extension<T, Free> read_extension(const X509* x, int nid, CertificateInfo& info) {
  int critical = -1;
  Extension<T, Free> out;
  out.value.reset(static_cast<T*>(X509_get_ext_d2i(x, nid, &critical, nullptr)));
  out.present = out.value != nullptr || critical != -1;
  if (out.value == nullptr && critical == -2)
    info.warnings.push_back(fmt::format("the {} extension appears more than once", OBJ_nid2ln(nid)));
  else if (out.value == nullptr && critical >= 0)
    info.warnings.push_back(fmt::format("the {} extension could not be decoded", OBJ_nid2ln(nid)));
  return out;
}

void read_subject_alt_names(const X509* x, CertificateInfo& info) {
  auto names = read_extension<GENERAL_NAMES, GENERAL_NAMES_free>(x, NID_subject_alt_name, info);
  if (!names.value) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.value.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.value.get(), i);
    int type = -1;
    void* value = GENERAL_NAME_get0_value(name, &type);
    std::optional<std::string> ip;
    switch (type) {
      case GEN_DNS:
        info.san_dns.push_back(display_text(raw_bytes(static_cast<ASN1_IA5STRING*>(value))));
        break;
      case GEN_EMAIL:
        info.san_email.push_back(display_text(raw_bytes(static_cast<ASN1_IA5STRING*>(value))));
        break;
      case GEN_URI:
        info.san_uri.push_back(display_text(raw_bytes(static_cast<ASN1_IA5STRING*>(value))));
        break;
      case GEN_IPADD:
        if ((ip = ip_address_text(static_cast<ASN1_OCTET_STRING*>(value)))) {
          info.san_ip.push_back(std::move(*ip));
          break;
        }
        info.warnings.emplace_back("an IP address in subjectAltName is neither 4 nor 16 bytes long");
        [[fallthrough]];
      default:
        info.san_other.push_back(general_name_text(name));
        break;
    }
  }
}

void read_key_usage(const X509* x, CertificateInfo& info) {
  // RFC 5280 4.2.1.3, bit by bit.
  static constexpr std::array<const char*, 9> kNames = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                                        "dataEncipherment", "keyAgreement",   "keyCertSign",
                                                        "cRLSign",          "encipherOnly",   "decipherOnly"};
  auto usage = read_extension<ASN1_BIT_STRING, ASN1_BIT_STRING_free>(x, NID_key_usage, info);
  info.has_key_usage = usage.present;
  if (!usage.value) return;
  for (size_t bit = 0; bit < kNames.size(); ++bit)
    if (ASN1_BIT_STRING_get_bit(usage.value.get(), static_cast<int>(bit)) == 1)
      info.key_usage.emplace_back(kNames[bit]);
  std::string_view bytes = raw_bytes(usage.value.get());
  bool unknown_bits = bytes.size() > 2 || (bytes.size() == 2 && (static_cast<uint8_t>(bytes[1]) & 0x7f) != 0);
  if (unknown_bits) info.warnings.emplace_back("keyUsage sets bits past decipherOnly");
}

void read_extended_key_usage(const X509* x, CertificateInfo& info) {
  auto purposes = read_extension<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>(x, NID_ext_key_usage, info);
  info.has_extended_key_usage = purposes.present;
  if (!purposes.value) return;
  for (int i = 0; i < sk_ASN1_OBJECT_num(purposes.value.get()); ++i)
    info.extended_key_usage.push_back(object_name(sk_ASN1_OBJECT_value(purposes.value.get(), i)));
}

void read_basic_constraints(const X509* x, CertificateInfo& info) {
  auto constraints = read_extension<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>(x, NID_basic_constraints, info);
  info.has_basic_constraints = constraints.present;
  if (!constraints.value) return;
  info.is_ca = constraints.value->ca != 0;
  if (constraints.value->pathlen == nullptr) return;
  int64_t length = 0;
  if (ASN1_INTEGER_get_int64(&length, constraints.value->pathlen) != 1) {
    info.path_length = INT_MAX;  // longer than 64 bits: no practical limit
  } else if (length < 0) {
    info.warnings.emplace_back("basicConstraints has a negative pathLenConstraint");
  } else {
    info.path_length = static_cast<int>(std::min<int64_t>(length, INT_MAX));
  }
}

void read_authority_info_access(const X509* x, CertificateInfo& info) {
  auto access = read_extension<AUTHORITY_INFO_ACCESS, AUTHORITY_INFO_ACCESS_free>(x, NID_info_access, info);
  if (!access.value) return;
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(access.value.get()); ++i) {
    const ACCESS_DESCRIPTION* description = sk_ACCESS_DESCRIPTION_value(access.value.get(), i);
    if (description == nullptr || description->location == nullptr) continue;
    int method = OBJ_obj2nid(description->method);
    std::vector<std::string>* urls = method == NID_ad_OCSP         ? &info.ocsp_urls
                                     : method == NID_ad_ca_issuers ? &info.ca_issuer_urls
                                                                   : nullptr;
    if (urls == nullptr) continue;
    // Always a URI in practice; anything else is shown with its kind.
    if (description->location->type == GEN_URI)
      urls->push_back(display_text(raw_bytes(description->location->d.uniformResourceIdentifier)));
    else
      urls->push_back(general_name_text(description->location));
  }
}

void free_sct_list(STACK_OF(SCT) * list) {
  SCT_LIST_free(list);
}

void read_embedded_scts(const X509* x, CertificateInfo& info) {
  auto scts = read_extension<STACK_OF(SCT), free_sct_list>(x, NID_ct_precert_scts, info);
  if (scts.value) info.sct_count = sk_SCT_num(scts.value.get());
}

std::string fingerprint(const std::vector<uint8_t>& der, const EVP_MD* digest) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> value{};
  unsigned int length = 0;
  if (digest == nullptr || EVP_Digest(der.data(), der.size(), value.data(), &length, digest, nullptr) != 1) return {};
  return hex(std::string_view(reinterpret_cast<const char*>(value.data()), length), true, ":");
}

void read_facts(X509* x, const std::vector<uint8_t>& der, CertificateInfo& info) {
  long version = X509_get_version(x);
  info.version = static_cast<int>(std::clamp(version, -1L, 1000L) + 1);
  info.serial_hex = serial_text(X509_get0_serialNumber(x));
  const X509_NAME* subject = X509_get_subject_name(x);
  const X509_NAME* issuer = X509_get_issuer_name(x);
  info.subject = name_text(subject);
  info.issuer = name_text(issuer);
  info.subject_cn = last_common_name(subject);
  info.self_issued = subject != nullptr && issuer != nullptr && X509_NAME_cmp(subject, issuer) == 0;
  read_validity(x, info);
  read_public_key(x, info);
  read_signature(x, info);

  size_t warnings_before = info.warnings.size();
  read_subject_alt_names(x, info);
  read_key_usage(x, info);
  read_extended_key_usage(x, info);
  read_basic_constraints(x, info);
  read_authority_info_access(x, info);
  read_embedded_scts(x, info);
  // OpenSSL's own pass over the extensions also catches what the reads above do not look
  // at (a duplicate of another extension, a malformed name constraint...).
  if (info.warnings.size() == warnings_before && (X509_get_extension_flags(x) & EXFLAG_INVALID) != 0)
    info.warnings.emplace_back("OpenSSL found the extensions invalid (a duplicate or an undecodable one)");

  // Of the bytes as received, so it matches `openssl x509 -fingerprint` on the same DER;
  // X509_digest would hash OpenSSL's re-encoding, which differs for BER-encoded input.
  info.sha256_fingerprint = fingerprint(der, EVP_sha256());
  info.sha1_fingerprint = fingerprint(der, EVP_sha1());
}

}  // namespace

Certificate Certificate::parse(Bytes der) {
  ErrorQueueScope errors;
  Certificate cert;
  cert.der_.assign(der.begin(), der.end());
  CertificateInfo& info = cert.info_;
  if (der.empty()) {
    info.parse_error = "no certificate bytes";
    return cert;
  }
  if (der.size() > static_cast<size_t>(LONG_MAX)) {
    info.parse_error = "certificate too large";
    return cert;
  }
  const unsigned char* cursor = cert.der_.data();
  X509Ptr x509(d2i_X509(nullptr, &cursor, static_cast<long>(cert.der_.size())));
  if (!x509) {
    info.parse_error = first_error("not a DER-encoded X.509 certificate");
    return cert;
  }
  size_t used = static_cast<size_t>(cursor - cert.der_.data());
  if (used != cert.der_.size()) {
    size_t trailing = cert.der_.size() - used;
    info.parse_error = fmt::format("{} trailing byte{} after the certificate", trailing, trailing == 1 ? "" : "s");
    return cert;
  }
  read_facts(x509.get(), cert.der_, info);
  info.parsed = true;
  cert.x509_ = std::move(x509);
  return cert;
}

Certificate::Certificate(const Certificate& other) : info_(other.info_), der_(other.der_) {
  if (other.x509_ && X509_up_ref(other.x509_.get()) == 1) x509_.reset(other.x509_.get());
}

Certificate& Certificate::operator=(const Certificate& other) {
  if (this != &other) *this = Certificate(other);
  return *this;
}

}  // namespace tlslens::x509
