// audit_chain: OpenSSL verifies (X509_verify_cert with a recording callback), this file
// judges. The mapping from OpenSSL's errors to findings, and the checks OpenSSL does not make,
// are listed in chain_audit.h; the comments here say why the code is shaped as it is.
#include "core/audit/chain_audit.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <limits>
#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <initializer_list>
#include <map>
#include <memory>
#include <utility>

#include "core/util/openssl_scope.h"
#include "core/x509/display_text.h"

namespace tlslens::audit {
namespace {

using openssl::FreeWith;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
void free_x509_stack(STACK_OF(X509) * stack) {
  sk_X509_free(stack);
}  // the certificates are not owned
using X509StackPtr = std::unique_ptr<STACK_OF(X509), FreeWith<free_x509_stack>>;
void free_openssl_string(char* p) {
  OPENSSL_free(p);
}
using OpensslString = std::unique_ptr<char, FreeWith<free_openssl_string>>;

// Verification pushes errors (a missing issuer is looked up and not found); none may reach
// the next OpenSSL caller on this thread.
using openssl::ErrorQueueScope;

constexpr int64_t kDay = 86400;

// ---- facts of certificates that have no CertificateInfo (roots from the store) ----------

std::string name_text(const X509_NAME* name) {
  if (name == nullptr) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  // The flags x509::Certificate uses, so a store root's subject reads like a sent one's.
  constexpr unsigned long kUtf8 = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, kUtf8) < 0) return "<unprintable name>";
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  if (data == nullptr || length <= 0) return {};
  return x509::display_text(std::string_view(data, static_cast<size_t>(length)), x509::Backslash::keep);
}

std::string last_common_name(const X509_NAME* name) {
  if (name == nullptr) return {};
  int last = -1;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i))
    last = i;
  if (last < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return {};
  std::string text =
      x509::display_text(std::string_view(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length)));
  OPENSSL_free(utf8);
  return text;
}

std::optional<int64_t> unix_seconds(const ASN1_TIME* time) {
  if (time == nullptr) return std::nullopt;
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  using namespace std::chrono;
  year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                      day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok()) return std::nullopt;
  return int64_t{sys_days{date}.time_since_epoch().count()} * kDay + int64_t{tm.tm_hour} * 3600 +
         int64_t{tm.tm_min} * 60 + tm.tm_sec;
}

// What the judging needs of one certificate, sent, seen or from the store.
struct Facts {
  X509* x = nullptr;
  const x509::CertificateInfo* info = nullptr;  // null for a store certificate nobody sent
  std::string subject;
  std::string issuer;
  std::string cn;
  int64_t not_before = 0;
  int64_t not_after = 0;
  bool times_readable = false;
};

Facts facts_of(const x509::Certificate& cert) {
  const x509::CertificateInfo& info = cert.info();
  Facts f;
  f.x = cert.x509();
  f.info = &info;
  f.subject = info.subject;
  f.issuer = info.issuer;
  f.cn = info.subject_cn;
  f.not_before = info.not_before_seconds;
  f.not_after = info.not_after_seconds;
  f.times_readable = info.not_before_readable && info.not_after_readable;
  return f;
}

Facts facts_of(X509* x) {
  Facts f;
  f.x = x;
  f.subject = name_text(X509_get_subject_name(x));
  f.issuer = name_text(X509_get_issuer_name(x));
  f.cn = last_common_name(X509_get_subject_name(x));
  auto not_before = unix_seconds(X509_get0_notBefore(x));
  auto not_after = unix_seconds(X509_get0_notAfter(x));
  if (not_before && not_after) {
    f.not_before = *not_before;
    f.not_after = *not_after;
    f.times_readable = true;
  }
  return f;
}

// "CN=www.example.com" for text; the whole subject stays in the evidence.
std::string label(const Facts& f) {
  if (!f.cn.empty()) return "CN=" + f.cn;
  if (!f.subject.empty()) return f.subject;
  return "(empty subject)";
}

// The rule OpenSSL applies (x509_vfy.c check_cert_time): not yet valid when notBefore is
// after the time, expired when notAfter is not after it.
Validity validity_at(const Facts& f, int64_t t) {
  if (!f.times_readable) return Validity::unknown;
  if (f.not_before > t) return Validity::not_yet_valid;
  if (f.not_after <= t) return Validity::expired;
  return Validity::valid;
}

bool self_signed(X509* x) {
  return x != nullptr && X509_self_signed(x, 0) == 1;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// ---- verification -----------------------------------------------------------------------

struct RawError {
  int code = 0;
  int depth = 0;
};

struct Verification {
  std::vector<RawError> errors;
  std::vector<x509::X509Ptr> chain;  // the path OpenSSL built, leaf first (references of our own)
  size_t num_untrusted = 0;          // chain[0 .. num_untrusted) came from the peer (or seen)
};

// Records every error and lets verification carry on, so all of them are known.
int record_error(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  auto* errors = static_cast<std::vector<RawError>*>(X509_STORE_CTX_get_app_data(ctx));
  if (errors != nullptr) errors->push_back({X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx)});
  return 1;
}

Verification verify(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted, Party party, int64_t at) {
  Verification v;
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, untrusted) != 1) {
    v.errors.push_back({X509_V_ERR_OUT_OF_MEM, 0});
    return v;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
  bool client = party == Party::client;
  X509_VERIFY_PARAM_set_purpose(param, client ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_trust(param, client ? X509_TRUST_SSL_CLIENT : X509_TRUST_SSL_SERVER);
  // Small keys and weak digests are reported as findings of their own, not as failures.
  X509_VERIFY_PARAM_set_auth_level(param, 0);
  X509_STORE_CTX_set_app_data(ctx.get(), &v.errors);
  X509_STORE_CTX_set_verify_cb(ctx.get(), record_error);
  int rc = X509_verify_cert(ctx.get());
  if (rc <= 0 && v.errors.empty()) {
    // An internal failure the callback never saw (out of memory, a store lookup error).
    int code = X509_STORE_CTX_get_error(ctx.get());
    v.errors.push_back({code == X509_V_OK ? X509_V_ERR_UNSPECIFIED : code, X509_STORE_CTX_get_error_depth(ctx.get())});
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* x = sk_X509_value(chain, i);
    if (x != nullptr && X509_up_ref(x) == 1) v.chain.emplace_back(x);
  }
  if (v.chain.empty() && X509_up_ref(leaf) == 1) v.chain.emplace_back(leaf);
  v.num_untrusted = static_cast<size_t>(std::max(0, X509_STORE_CTX_get_num_untrusted(ctx.get())));
  return v;
}

enum class Cause {
  missing_issuer,
  self_signed_leaf,
  untrusted_root,
  expired,
  not_yet_valid,
  usage,
  security_level,
  invalid
};

Cause cause_of(int code) {
  switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return Cause::missing_issuer;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return Cause::self_signed_leaf;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return Cause::untrusted_root;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return Cause::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Cause::not_yet_valid;
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_INVALID_NON_CA:
    case X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
    case X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED:
    case X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA:
    case X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN:
    case X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA:
      return Cause::usage;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
      return Cause::security_level;
    default:
      return Cause::invalid;
  }
}

bool has_cause(const Verification& v, std::initializer_list<Cause> causes) {
  return std::any_of(v.errors.begin(), v.errors.end(), [&](const RawError& e) {
    return std::find(causes.begin(), causes.end(), cause_of(e.code)) != causes.end();
  });
}

bool reaches_root(const Verification& v) {
  return !v.chain.empty() && !has_cause(v, {Cause::missing_issuer, Cause::self_signed_leaf, Cause::untrusted_root});
}

std::string error_text(int code) {
  return X509_verify_cert_error_string(code);
}
std::string error_evidence(int code) {
  return fmt::format("{} ({})", code, error_text(code));
}

// ---- the path, matched with what was sent ----------------------------------------------

struct PathEntry {
  Facts facts;
  PathCertificate::Source source = PathCertificate::Source::sent;
  std::optional<size_t> sent_index;
};

std::string where(const PathEntry& e) {
  if (e.sent_index) return fmt::format("sent #{}", *e.sent_index);
  return std::string(to_string(e.source));
}

bool same_certificate(X509* a, X509* b) {
  return a != nullptr && b != nullptr && (a == b || X509_cmp(a, b) == 0);
}

std::vector<PathEntry> match_path(const Verification& v, std::span<const x509::Certificate> sent,
                                  std::span<const x509::Certificate> seen) {
  std::vector<PathEntry> path;
  std::vector<bool> assigned(sent.size(), false);
  for (size_t depth = 0; depth < v.chain.size(); ++depth) {
    X509* x = v.chain[depth].get();
    PathEntry entry;
    for (size_t i = 0; i < sent.size(); ++i) {
      if (!assigned[i] && same_certificate(sent[i].x509(), x)) {
        assigned[i] = true;
        entry.sent_index = i;
        break;
      }
    }
    const x509::Certificate* seen_match = nullptr;
    if (!entry.sent_index)
      for (const x509::Certificate& s : seen)
        if (same_certificate(s.x509(), x)) {
          seen_match = &s;
          break;
        }
    if (depth >= v.num_untrusted)
      entry.source = PathCertificate::Source::trust_store;
    else
      entry.source = entry.sent_index ? PathCertificate::Source::sent : PathCertificate::Source::seen_intermediate;
    // The sent copy's facts when there is one (same DER as the store's): no second reading.
    if (entry.sent_index) {
      entry.facts = facts_of(sent[*entry.sent_index]);
      entry.facts.x = x;
    } else if (seen_match != nullptr) {
      entry.facts = facts_of(*seen_match);
      entry.facts.x = x;
    } else {
      entry.facts = facts_of(x);
    }
    path.push_back(std::move(entry));
  }
  return path;
}

// ---- hostname ---------------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::optional<std::string> canonical_ip(std::string_view text) {
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  for (int family : {AF_INET, AF_INET6})
    if (inet_pton(family, s.c_str(), bytes.data()) == 1 &&
        inet_ntop(family, bytes.data(), out.data(), out.size()) != nullptr)
      return std::string(out.data());
  return std::nullopt;
}

// Why a certificate name (DNS SAN or CN) does not cover `host`, by the rules of
// X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS; nullopt when it does. Both lowercase.
std::optional<std::string> name_mismatch(std::string_view pattern, std::string_view host) {
  if (pattern == host) return std::nullopt;
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return "a different name";
  size_t first_dot = pattern.find('.');
  if (first_dot == std::string_view::npos || star > first_dot)
    return "a wildcard is only allowed in the leftmost label";
  if (pattern.find('*', star + 1) != std::string_view::npos) return "more than one wildcard";
  if (first_dot != 1) return "a wildcard must be the whole leftmost label (partial wildcards are not accepted)";
  std::string_view suffix = pattern.substr(first_dot);  // ".example.com"
  if (std::count(suffix.begin(), suffix.end(), '.') < 2) return "a wildcard needs at least two labels after it";
  if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix) {
    std::string_view head = host.substr(0, host.size() - suffix.size());
    if (head.find('.') != std::string_view::npos) return "a wildcard covers exactly one label";
    return std::nullopt;
  }
  if (host == suffix.substr(1)) return "a wildcard does not cover the bare domain";
  return "a different domain";
}

std::string list_for_text(const std::vector<std::string>& items, size_t limit) {
  if (items.size() <= limit) return join(items, ", ");
  std::vector<std::string> head(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(limit));
  return fmt::format("{}, and {} more", join(head, ", "), items.size() - limit);
}

constexpr size_t kNamesInText = 8;

void check_ip(X509* x, const x509::CertificateInfo& info, const std::string& ip, HostnameCheck& out) {
  int rc = X509_check_ip_asc(x, ip.c_str(), 0);
  if (rc == 1) {
    out.matched = true;
    out.matched_by = "IP:" + ip;
    return;
  }
  for (const std::string& san : info.san_ip) out.compared.push_back("IP:" + san + " (a different address)");
  for (const std::string& dns : info.san_dns)
    if (lower(dns) == lower(ip) || lower(dns) == lower(out.name))
      out.compared.push_back("DNS:" + dns + " (an IP address must be an IP SAN, not a DNS name)");
  if (!info.subject_cn.empty() && (info.subject_cn == ip || info.subject_cn == out.name))
    out.compared.push_back("CN:" + info.subject_cn + " (the CN is never compared with an IP address)");
  if (info.san_ip.empty())
    out.reason = fmt::format("{} is not among the certificate's names: it has no IP address SAN", out.name);
  else
    out.reason = fmt::format("{} matches none of the certificate's IP addresses", out.name);
  if (!out.compared.empty()) out.reason += ": " + list_for_text(out.compared, kNamesInText);
  if (rc < 0) out.reason += " (OpenSSL could not compare it)";
}

void check_host(X509* x, const x509::CertificateInfo& info, HostnameCheck& out) {
  char* peer = nullptr;
  int rc = X509_check_host(x, out.name.data(), out.name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, &peer);
  OpensslString peer_owner(peer);
  if (rc == 1) {
    out.matched = true;
    std::string matched = peer != nullptr ? x509::display_text(peer) : out.name;
    out.matched_by = (info.san_dns.empty() ? "CN:" : "DNS:") + matched;
    return;
  }
  std::string host = lower(out.name);
  auto why = [&](const std::string& pattern) {
    return name_mismatch(lower(pattern), host).value_or("not accepted by OpenSSL's matching rules");
  };
  if (!info.san_dns.empty()) {
    for (const std::string& dns : info.san_dns) out.compared.push_back("DNS:" + dns + " (" + why(dns) + ")");
    if (!info.subject_cn.empty() && !name_mismatch(lower(info.subject_cn), host))
      out.compared.push_back("CN:" + info.subject_cn + " (ignored: the certificate has DNS SANs)");
    out.reason = fmt::format("{} matches none of the certificate's DNS names: {}", out.name,
                             list_for_text(out.compared, kNamesInText));
  } else if (!info.subject_cn.empty()) {
    out.compared.push_back("CN:" + info.subject_cn + " (" + why(info.subject_cn) + ")");
    out.reason = fmt::format("{} does not match the certificate's only name, its subject CN (it has no DNS SAN): {}",
                             out.name, out.compared.front());
  } else {
    out.reason = fmt::format("{} cannot match: the certificate names no host (no DNS SAN, no subject CN)", out.name);
  }
  if (!is_ascii(out.name))
    out.reason += "; the name is not ASCII, and certificates hold internationalized names in their xn-- form";
  if (rc < 0) out.reason += " (OpenSSL could not compare it)";
}

// ---- findings ---------------------------------------------------------------------------

struct Judge {
  Party party;
  int64_t captured = 0;
  int64_t now = 0;
  std::vector<Finding>& findings;

  Finding& add(Code code, std::string explanation) {
    return findings.emplace_back(code, party, std::move(explanation));
  }
  Finding& add_for(Code code, const PathEntry& e, std::string explanation) {
    return add(code, std::move(explanation)).with("subject", e.facts.subject).with("position", where(e));
  }
};

std::string purpose_name(Party party) {
  return party == Party::client ? "TLS client authentication" : "TLS server authentication";
}

std::string list_or_none(const std::vector<std::string>& items) {
  return items.empty() ? "nothing" : join(items, ", ");
}

bool lists_code(const std::vector<int>& codes, int code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

bool lists(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Why a certificate of the path cannot act as a CA (X509_V_ERR_INVALID_CA, which OpenSSL 3
// also raises for a CA whose keyUsage lacks keyCertSign).
std::string ca_reason(const x509::CertificateInfo* info) {
  if (info != nullptr && !info->is_ca)
    return fmt::format("it issues a certificate of the path but is not a CA ({})",
                       info->has_basic_constraints ? "basicConstraints CA:FALSE" : "no basicConstraints");
  if (info != nullptr && info->has_key_usage && !lists(info->key_usage, "keyCertSign"))
    return fmt::format("it issues a certificate of the path but its keyUsage lacks keyCertSign (it lists {})",
                       list_or_none(info->key_usage));
  return fmt::format("it issues a certificate of the path but is not a valid CA ({})",
                     error_text(X509_V_ERR_INVALID_CA));
}

// Why OpenSSL rejected a certificate for the purpose (X509_V_ERR_INVALID_PURPOSE), from the
// extensions it checks (x509_purp.c: extendedKeyUsage; keyUsage for the leaf; for a CA, that
// it is one). Empty when another error of the same certificate already says it.
std::string purpose_reason(const PathEntry& e, size_t depth, Party party, const std::vector<int>& codes) {
  const x509::CertificateInfo* info = e.facts.info;
  std::string_view eku = party == Party::client ? "clientAuth" : "serverAuth";
  if (info != nullptr) {
    const auto& ekus = info->extended_key_usage;
    if (info->has_extended_key_usage && !lists(ekus, eku))
      return fmt::format("{}extendedKeyUsage lacks {} (it lists {})", depth == 0 ? "" : "the CA's ", eku,
                         list_or_none(ekus));
    if (depth == 0 && info->has_key_usage) {
      const auto& ku = info->key_usage;
      bool usable = party == Party::client
                        ? lists(ku, "digitalSignature") || lists(ku, "keyAgreement")
                        : lists(ku, "digitalSignature") || lists(ku, "keyEncipherment") || lists(ku, "keyAgreement");
      if (!usable) return fmt::format("keyUsage allows no TLS use (it lists {})", list_or_none(ku));
    }
  }
  if (depth > 0 && (lists_code(codes, X509_V_ERR_INVALID_CA) || lists_code(codes, X509_V_ERR_KEYUSAGE_NO_CERTSIGN)))
    return {};  // not a valid CA: said by that error
  return fmt::format("{}not valid for {} ({})", depth == 0 ? "" : "as a CA, ", purpose_name(party),
                     error_text(X509_V_ERR_INVALID_PURPOSE));
}

// One reason per OpenSSL usage error of a certificate; several errors with one cause (OpenSSL 3
// reports a CA without keyCertSign as INVALID_CA, INVALID_PURPOSE and KEYUSAGE_NO_CERTSIGN)
// give one reason.
std::vector<std::string> usage_reasons(const std::vector<int>& codes, const PathEntry& e, size_t depth, Party party) {
  std::vector<std::string> reasons;
  for (int code : codes) {
    std::string reason;
    switch (code) {
      case X509_V_ERR_INVALID_PURPOSE:
        reason = purpose_reason(e, depth, party, codes);
        break;
      case X509_V_ERR_INVALID_CA:
      case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
        reason = ca_reason(e.facts.info);
        break;
      case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        reason = "more CAs follow it in the path than its pathLenConstraint allows";
        break;
      default:
        reason = error_text(code);
        break;
    }
    if (!reason.empty() && !lists(reasons, reason)) reasons.push_back(std::move(reason));
  }
  return reasons;
}

bool is_weak_key(const x509::CertificateInfo& info) {
  const std::string& type = info.public_key_type;
  if (type == "RSA" || type == "RSA-PSS" || type == "DSA") return info.public_key_bits < 2048;
  if (type == "EC" || type == "SM2") return info.public_key_bits < 224;
  return false;
}

bool is_weak_signature(const x509::CertificateInfo& info) {
  static constexpr std::array<std::string_view, 4> kWeak = {"MD2", "MD4", "MD5", "SHA1"};
  if (std::find(kWeak.begin(), kWeak.end(), info.signature_hash) != kWeak.end()) return true;
  return info.signature_security_bits > 0 && info.signature_security_bits < 80;
}

// The CA/Browser Forum's maximum validity of a TLS server certificate, by issuance date.
int max_validity_days(int64_t not_before) {
  if (not_before >= 1598918400) return 398;   // 2020-09-01
  if (not_before >= 1519862400) return 825;   // 2018-03-01
  if (not_before >= 1427846400) return 1187;  // 2015-04-01: 39 months
  return 1827;                                // 60 months
}

std::string today_text(Validity today) {
  switch (today) {
    case Validity::valid:
      return "valid today";
    case Validity::expired:
      return "expired today";
    case Validity::not_yet_valid:
      return "still not valid today";
    case Validity::unknown:
      return "validity today unknown";
  }
  return "";
}

std::string_view key_use_bit(KeyUse use) {
  switch (use) {
    case KeyUse::signature:
      return "digitalSignature";
    case KeyUse::key_encipherment:
      return "keyEncipherment";
    case KeyUse::key_agreement:
      return "keyAgreement";
    case KeyUse::unknown:
      break;
  }
  return {};
}

std::string_view key_use_need(KeyUse use) {
  switch (use) {
    case KeyUse::signature:
      return "a signing key exchange";
    case KeyUse::key_encipherment:
      return "static RSA key exchange";
    case KeyUse::key_agreement:
      return "static (EC)DH key exchange";
    case KeyUse::unknown:
      break;
  }
  return {};
}

// What OpenSSL does not check about a leaf: CA:TRUE (unless self-signed: CERT_SELF_SIGNED says
// it), and the keyUsage bit this handshake's key exchange needs.
std::vector<std::string> leaf_usage_reasons(const x509::CertificateInfo& info, X509* x, KeyUse key_use) {
  std::vector<std::string> reasons;
  if (info.is_ca && !self_signed(x))
    reasons.emplace_back("a CA certificate (basicConstraints CA:TRUE) is used as the leaf");
  std::string_view bit = key_use_bit(key_use);
  if (!bit.empty() && info.has_key_usage && !lists(info.key_usage, bit))
    reasons.push_back(fmt::format("keyUsage lacks {}, which {} needs (it lists {})", bit, key_use_need(key_use),
                                  list_or_none(info.key_usage)));
  return reasons;
}

void add_bad_usage(Judge& judge, const PathEntry& e, const std::vector<std::string>& reasons,
                   const std::vector<std::string>& openssl_errors) {
  Finding& f = judge.add_for(Code::CERT_BAD_USAGE, e, fmt::format("{}: {}", label(e.facts), join(reasons, "; ")));
  if (!openssl_errors.empty()) f.with("openssl_error", join(openssl_errors, "; "));
  const x509::CertificateInfo* info = e.facts.info;
  if (info == nullptr) return;
  if (info->has_key_usage) f.with("key_usage", list_or_none(info->key_usage));
  if (info->has_extended_key_usage) f.with("extended_key_usage", list_or_none(info->extended_key_usage));
  if (info->has_basic_constraints) {
    std::string text = !info->is_ca             ? "CA:FALSE"
                       : info->path_length >= 0 ? fmt::format("CA:TRUE, pathlen:{}", info->path_length)
                                                : "CA:TRUE";
    f.with("basic_constraints", text);
  }
}

}  // namespace

std::string_view to_string(Validity validity) {
  switch (validity) {
    case Validity::valid:
      return "valid";
    case Validity::expired:
      return "expired";
    case Validity::not_yet_valid:
      return "not yet valid";
    case Validity::unknown:
      return "unknown";
  }
  return "?";
}

std::string_view to_string(PathCertificate::Source source) {
  switch (source) {
    case PathCertificate::Source::sent:
      return "sent";
    case PathCertificate::Source::trust_store:
      return "trust store";
    case PathCertificate::Source::seen_intermediate:
      return "seen on another connection";
  }
  return "?";
}

bool ChainAudit::has(Code code) const {
  return find(code) != nullptr;
}

const Finding* ChainAudit::find(Code code) const {
  for (const Finding& f : findings)
    if (f.code == code) return &f;
  return nullptr;
}

HostnameCheck check_hostname(const x509::Certificate& leaf, std::string_view name) {
  HostnameCheck out;
  X509* x = leaf.x509();
  if (name.empty() || x == nullptr) return out;
  ErrorQueueScope errors;
  out.checked = true;
  out.name = std::string(name);
  if (out.name.size() > 1 && out.name.back() == '.') out.name.pop_back();
  if (auto ip = canonical_ip(out.name)) {
    out.is_ip = true;
    check_ip(x, leaf.info(), *ip, out);
  } else {
    check_host(x, leaf.info(), out);
  }
  return out;
}

ChainAudit audit_chain(const ChainAuditInput& in, const TrustStore& trust) {
  ErrorQueueScope errors;
  ChainAudit out;
  const Party party = in.party == Party::client ? Party::client : Party::server;
  Judge judge{party, in.captured.whole_seconds(), in.now.whole_seconds(), out.findings};
  const std::span<const x509::Certificate> sent = in.chain;

  // Unparsable certificates: reported, left out of verification.
  bool any_unparsable = false;
  for (size_t i = 0; i < sent.size(); ++i) {
    if (sent[i].x509() != nullptr) continue;
    any_unparsable = true;
    judge
        .add(Code::CERT_UNPARSABLE,
             fmt::format("certificate #{} ({}) could not be parsed: {}", i, i == 0 ? "the leaf" : "a chain certificate",
                         sent[i].info().parse_error))
        .with("position", fmt::format("sent #{}", i))
        .with("parse_error", sent[i].info().parse_error);
  }
  if (sent.empty() || sent[0].x509() == nullptr) {
    out.error_code = -1;
    out.error_text =
        sent.empty() ? "no certificate was sent" : "not verified: the leaf certificate could not be parsed";
    for (size_t i = 0; i < sent.size(); ++i) {
      CertificateStatus& s = out.certificates.emplace_back();
      s.index = i;
      s.subject = sent[i].info().subject;
      s.role = sent[i].x509() == nullptr ? "unparsable" : "not part of the path";
    }
    return out;
  }

  // Verification as sent, at capture time.
  X509* leaf = sent[0].x509();
  X509StackPtr untrusted(sk_X509_new_null());
  for (size_t i = 1; i < sent.size(); ++i)
    if (sent[i].x509() != nullptr) sk_X509_push(untrusted.get(), sent[i].x509());
  Verification as_sent = verify(trust.store(), leaf, untrusted.get(), party, judge.captured);

  // An issuer is missing: would the intermediates seen elsewhere complete the path?
  std::optional<Verification> with_seen;
  bool seen_completes = false;
  if (has_cause(as_sent, {Cause::missing_issuer}) && !in.seen_intermediates.empty()) {
    X509StackPtr pool(sk_X509_dup(untrusted.get()));
    for (const x509::Certificate& s : in.seen_intermediates)
      if (s.x509() != nullptr) sk_X509_push(pool.get(), s.x509());
    with_seen = verify(trust.store(), leaf, pool.get(), party, judge.captured);
    seen_completes = reaches_root(*with_seen);
  }
  out.completed_with_seen_intermediates = in.use_seen_intermediates && seen_completes;
  const Verification& v = out.completed_with_seen_intermediates ? *with_seen : as_sent;

  out.trusted = std::none_of(as_sent.errors.begin(), as_sent.errors.end(),
                             [](const RawError& e) { return cause_of(e.code) != Cause::security_level; });
  out.reaches_trusted_root = reaches_root(v);
  for (const RawError& e : v.errors) {
    VerifyError& r = out.errors.emplace_back();
    r.code = e.code;
    r.depth = e.depth;
    r.text = error_text(e.code);
  }
  if (!v.errors.empty()) {
    out.error_code = v.errors.front().code;
    out.error_text = error_text(out.error_code);
  } else {
    out.error_text = error_text(X509_V_OK);
  }

  const std::vector<PathEntry> path = match_path(v, sent, in.seen_intermediates);
  for (VerifyError& r : out.errors)
    if (r.depth >= 0 && static_cast<size_t>(r.depth) < path.size())
      r.subject = path[static_cast<size_t>(r.depth)].facts.subject;
  const bool top_self_signed = !path.empty() && self_signed(path.back().facts.x);
  const bool path_complete = out.reaches_trusted_root || (!has_cause(v, {Cause::missing_issuer}) && top_self_signed);
  for (const PathEntry& e : path) {
    PathCertificate& p = out.path.emplace_back();
    p.subject = e.facts.subject;
    p.source = e.source;
    p.sent_index = e.sent_index;
    p.at_capture = validity_at(e.facts, judge.captured);
    p.today = validity_at(e.facts, judge.now);
  }

  // The certificates as sent: where each sits in the path.
  std::vector<std::optional<size_t>> depth_of(sent.size());
  for (size_t d = 0; d < path.size(); ++d)
    if (path[d].sent_index) depth_of[*path[d].sent_index] = d;
  // A first certificate that issued another one sent: the leaf was not sent first.
  std::vector<size_t> issued_by_first;
  if (!self_signed(leaf))
    for (size_t i = 1; i < sent.size(); ++i)
      if (sent[i].x509() != nullptr && !depth_of[i] && X509_check_issued(leaf, sent[i].x509()) == X509_V_OK)
        issued_by_first.push_back(i);
  const bool leaf_misplaced = !issued_by_first.empty();
  std::vector<size_t> extras;
  for (size_t i = 0; i < sent.size(); ++i) {
    CertificateStatus& s = out.certificates.emplace_back();
    s.index = i;
    s.subject = sent[i].info().subject;
    if (sent[i].x509() == nullptr) {
      s.role = "unparsable";
      continue;
    }
    Facts f = facts_of(sent[i]);
    s.at_capture = validity_at(f, judge.captured);
    s.today = validity_at(f, judge.now);
    s.path_depth = depth_of[i];
    if (s.path_depth) {
      size_t d = *s.path_depth;
      if (d == 0)
        s.role = "leaf";
      else if (d + 1 == path.size() && out.reaches_trusted_root)
        s.role = "root";
      else if (d + 1 == path.size() && top_self_signed)
        s.role = "untrusted root";
      else
        s.role = "intermediate";
      continue;
    }
    std::optional<size_t> original;
    for (size_t j = 0; j < i && !original; ++j)
      if (same_certificate(sent[j].x509(), sent[i].x509())) original = j;
    s.role = original ? fmt::format("duplicate of #{}", *original) : "not part of the path";
    if (std::find(issued_by_first.begin(), issued_by_first.end(), i) == issued_by_first.end()) extras.push_back(i);
  }
  auto sent_label = [&](size_t i) { return fmt::format("#{} {}", i, label(facts_of(sent[i]))); };
  std::vector<std::string> extra_labels;
  for (size_t i : extras)
    extra_labels.push_back(sent_label(i) + (out.certificates[i].role.starts_with("duplicate")
                                                ? " (" + out.certificates[i].role + ")"
                                                : ""));

  // Errors grouped by certificate and cause, each code once.
  std::map<std::pair<size_t, Cause>, std::vector<int>> by_depth;
  for (const RawError& e : v.errors) {
    size_t depth = static_cast<size_t>(std::clamp(e.depth, 0, static_cast<int>(path.size()) - 1));
    auto& codes = by_depth[{depth, cause_of(e.code)}];
    if (std::find(codes.begin(), codes.end(), e.code) == codes.end()) codes.push_back(e.code);
  }
  auto codes_at = [&](size_t depth, Cause cause) -> const std::vector<int>* {
    auto it = by_depth.find({depth, cause});
    return it == by_depth.end() ? nullptr : &it->second;
  };
  auto first_error_of = [&](Cause cause) -> std::optional<RawError> {
    for (const RawError& e : v.errors)
      if (cause_of(e.code) == cause) return e;
    return std::nullopt;
  };

  // Trust: self-signed leaf, untrusted root, missing issuer (one finding for the chain).
  const PathEntry& top = path.back();
  if (codes_at(0, Cause::self_signed_leaf) != nullptr) {
    judge
        .add_for(Code::CERT_SELF_SIGNED, path[0],
                 fmt::format("the leaf {} is self-signed and not in the trust store", label(path[0].facts)))
        .with("sha256_fingerprint", sent[0].info().sha256_fingerprint);
  } else if (auto e = first_error_of(Cause::untrusted_root)) {
    std::string text;
    if (e->code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
      text = fmt::format("the chain ends at {}, a self-signed root that is not in the trust store", label(top.facts));
    else
      text = fmt::format("the root {} is in the trust store, but its trust settings there exclude {}", label(top.facts),
                         purpose_name(party));
    judge.add(Code::CHAIN_UNTRUSTED, std::move(text))
        .with("last_issuer", top.facts.subject)
        .with("position", where(top))
        .with("openssl_error", error_evidence(e->code));
  } else if (has_cause(as_sent, {Cause::missing_issuer})) {
    // Named from the path as sent, whichever path the rest of the audit uses.
    X509* last = as_sent.chain.back().get();
    auto sent_copy = std::find_if(sent.begin(), sent.end(),
                                  [&](const x509::Certificate& c) { return same_certificate(c.x509(), last); });
    Facts sent_top = sent_copy != sent.end() ? facts_of(*sent_copy) : facts_of(last);
    if (out.completed_with_seen_intermediates) {
      std::vector<std::string> used;
      for (const PathEntry& e : path)
        if (e.source == PathCertificate::Source::seen_intermediate) used.push_back(label(e.facts));
      judge
          .add(Code::CHAIN_ONLY_WITH_SEEN_INTERMEDIATES,
               fmt::format("the chain verifies only with {} seen on other connections ({}): the issuer of {} was "
                           "not sent, and clients without those certificates cached reject it",
                           used.size() == 1 ? "an intermediate" : "intermediates", join(used, ", "), label(sent_top)))
          .with("missing_issuer", sent_top.issuer)
          .with("certificate", sent_top.subject)
          .with("seen_intermediates", join(used, "; "));
    } else if (!any_unparsable) {
      std::string text =
          seen_completes ? fmt::format(
                               "the issuer of {} ({}) was not sent; an intermediate seen on another connection "
                               "completes the chain to a trusted root",
                               label(sent_top), sent_top.issuer)
                         : fmt::format(
                               "the issuer of {} ({}) was neither sent nor found in the trust store: an intermediate "
                               "certificate is missing, or the chain leads to a root the store lacks",
                               label(sent_top), sent_top.issuer);
      Finding& f = judge.add(Code::CHAIN_INCOMPLETE, std::move(text))
                       .with("missing_issuer", sent_top.issuer)
                       .with("certificate", sent_top.subject);
      if (!extra_labels.empty()) f.with("sent_not_in_path", join(extra_labels, "; "));
    }
  }

  // Order: the path's sent certificates must appear in path order, the leaf first.
  {
    std::vector<size_t> sent_order;
    for (const PathEntry& e : path)
      if (e.sent_index) sent_order.push_back(*e.sent_index);
    bool in_order = std::is_sorted(sent_order.begin(), sent_order.end());
    if (!in_order || !issued_by_first.empty()) {
      std::vector<std::string> as_sent_labels, path_labels;
      for (size_t i = 0; i < sent.size(); ++i)
        if (sent[i].x509() != nullptr) as_sent_labels.push_back(sent_label(i));
      for (const PathEntry& e : path) path_labels.push_back(label(e.facts));
      std::string text;
      if (!issued_by_first.empty()) {
        std::vector<std::string> issued;
        for (size_t i : issued_by_first) issued.push_back(sent_label(i));
        text = fmt::format("the first certificate sent, {}, is not the leaf: it issued {}, which should come first",
                           label(path[0].facts), join(issued, ", "));
      } else {
        text = fmt::format(
            "the certificates were not sent in path order (each followed by its issuer): sent {}; "
            "the path is {}",
            join(as_sent_labels, ", "), join(path_labels, ", "));
      }
      judge.add(Code::CHAIN_ORDER, std::move(text))
          .with("sent_order", join(as_sent_labels, "; "))
          .with("path_order", join(path_labels, "; "));
    }
  }

  // Extra certificates, when the path is complete enough to say what belongs to it.
  if (path_complete && !extras.empty()) {
    judge
        .add(Code::CHAIN_EXTRA_CERT,
             fmt::format("{} sent {} not part of the path: {}", plural(extras.size(), "certificate", "certificates"),
                         extras.size() == 1 ? "is" : "are", join(extra_labels, ", ")))
        .with("extra", join(extra_labels, "; "));
  }

  // Per certificate of the path, in path order.
  for (size_t d = 0; d < path.size(); ++d) {
    const PathEntry& e = path[d];
    const std::string name = label(e.facts);
    if (const auto* codes = codes_at(d, Cause::invalid)) {
      std::vector<std::string> texts, evidence;
      for (int code : *codes) {
        texts.push_back(error_text(code));
        evidence.push_back(error_evidence(code));
      }
      judge.add_for(Code::CHAIN_INVALID, e, fmt::format("{} fails verification: {}", name, join(texts, "; ")))
          .with("openssl_error", join(evidence, "; "));
    }
    Validity today = validity_at(e.facts, judge.now);
    if (codes_at(d, Cause::expired) != nullptr) {
      std::string when = e.facts.times_readable ? x509::format_utc_seconds(e.facts.not_after) : "unknown";
      judge
          .add_for(Code::CERT_EXPIRED, e,
                   fmt::format("{} had expired at capture time ({}), {}", name, when,
                               today == Validity::expired ? "still expired today" : today_text(today)))
          .with("not_after", when)
          .with("capture_time", x509::format_utc_seconds(judge.captured))
          .with("valid_today", today == Validity::valid ? "yes" : "no");
    }
    if (codes_at(d, Cause::not_yet_valid) != nullptr) {
      std::string when = e.facts.times_readable ? x509::format_utc_seconds(e.facts.not_before) : "unknown";
      judge
          .add_for(
              Code::CERT_NOT_YET_VALID, e,
              fmt::format("{} was not yet valid at capture time (valid from {}), {}", name, when, today_text(today)))
          .with("not_before", when)
          .with("capture_time", x509::format_utc_seconds(judge.captured))
          .with("valid_today", today == Validity::valid ? "yes" : "no");
    }
    Validity at_capture = validity_at(e.facts, judge.captured);
    if (at_capture == Validity::valid && today == Validity::expired)
      out.notes.push_back(fmt::format("{} was valid at capture time but has expired since {}", name,
                                      x509::format_utc_seconds(e.facts.not_after)));
    if (at_capture == Validity::valid && e.facts.not_after - judge.captured <= 30 * kDay) {
      int64_t left = e.facts.not_after - judge.captured;
      std::string when = x509::format_utc_seconds(e.facts.not_after);
      judge
          .add_for(Code::CERT_EXPIRES_SOON, e,
                   left < kDay ? fmt::format("{} expires on {}, less than a day after the capture", name, when)
                               : fmt::format("{} expires on {}, {} after the capture", name, when,
                                             plural(static_cast<size_t>(left / kDay), "day", "days")))
          .with("not_after", when)
          .with("capture_time", x509::format_utc_seconds(judge.captured))
          .with("days_left", std::to_string(left / kDay));
    }

    // Usage: OpenSSL's errors, and what it does not check.
    std::vector<std::string> usage;
    std::vector<std::string> usage_errors;
    const auto* usage_codes = codes_at(d, Cause::usage);
    // OpenSSL's leaf-purpose errors are about the wrong certificate when the leaf was not sent
    // first (CHAIN_ORDER says so); the real leaf is judged below.
    if (usage_codes != nullptr && !(d == 0 && leaf_misplaced)) {
      std::vector<int> kept = *usage_codes;
      // A root whose trust settings exclude the purpose also fails the purpose check: one cause.
      if (codes_at(d, Cause::untrusted_root) != nullptr) std::erase(kept, X509_V_ERR_INVALID_PURPOSE);
      usage = usage_reasons(kept, e, d, party);
      for (int code : kept) usage_errors.push_back(error_evidence(code));
    }
    const x509::CertificateInfo* info = e.facts.info;
    if (d == 0 && info != nullptr && !leaf_misplaced)
      for (std::string& reason : leaf_usage_reasons(*info, e.facts.x, in.key_use)) usage.push_back(std::move(reason));
    if (!usage.empty()) add_bad_usage(judge, e, usage, usage_errors);

    // Key and signature strength: every certificate except a trusted root (its key is the
    // store's business) and a self-signed top's own signature.
    const bool is_top = d + 1 == path.size();
    if (info != nullptr && !(is_top && out.reaches_trusted_root) && is_weak_key(*info)) {
      std::string_view minimum = info->public_key_type == "EC" || info->public_key_type == "SM2" ? "224" : "2048";
      judge
          .add_for(Code::CERT_WEAK_KEY, e,
                   fmt::format("{} has a {}-bit {} key (at least {} bits expected)", name, info->public_key_bits,
                               info->public_key_type, minimum))
          .with("key_type", info->public_key_type)
          .with("key_bits", std::to_string(info->public_key_bits));
    }
    if (info != nullptr && !(is_top && top_self_signed) && is_weak_signature(*info)) {
      std::string hash = info->signature_hash.empty() ? info->signature_algorithm : info->signature_hash;
      judge
          .add_for(Code::CERT_WEAK_SIGNATURE, e,
                   fmt::format("{} is signed with {} ({}), which can be forged", name, hash, info->signature_algorithm))
          .with("signature_algorithm", info->signature_algorithm)
          .with("signature_hash", info->signature_hash);
    }
  }

  // The leaf alone: the first certificate sent, or, when that one is a CA that issued a later
  // one, that later one (the real leaf, misplaced: CHAIN_ORDER).
  PathEntry leaf_entry;
  leaf_entry.sent_index = leaf_misplaced ? issued_by_first.front() : 0;
  const x509::Certificate& judged_leaf = sent[*leaf_entry.sent_index];
  leaf_entry.facts = facts_of(judged_leaf);
  const x509::CertificateInfo& leaf_info = judged_leaf.info();
  if (leaf_misplaced) {
    std::vector<std::string> usage = leaf_usage_reasons(leaf_info, judged_leaf.x509(), in.key_use);
    if (!usage.empty()) add_bad_usage(judge, leaf_entry, usage, {});
  }
  if (party == Party::server && leaf_info.not_before_readable && leaf_info.not_after_readable) {
    int64_t span = leaf_info.not_after_seconds - leaf_info.not_before_seconds;
    int limit = max_validity_days(leaf_info.not_before_seconds);
    if (span > int64_t{limit} * kDay) {
      judge
          .add_for(
              Code::CERT_LONG_VALIDITY, leaf_entry,
              fmt::format("the leaf {} is valid for {} days ({} to {}), more than the {} days browsers accept",
                          label(leaf_entry.facts), span / kDay, x509::format_utc_seconds(leaf_info.not_before_seconds),
                          x509::format_utc_seconds(leaf_info.not_after_seconds), limit))
          .with("not_before", x509::format_utc_seconds(leaf_info.not_before_seconds))
          .with("not_after", x509::format_utc_seconds(leaf_info.not_after_seconds))
          .with("validity_days", std::to_string(span / kDay))
          .with("limit_days", std::to_string(limit));
    }
  }
  if (party == Party::server && leaf_info.san_dns.empty() && leaf_info.san_ip.empty()) {
    bool has_extension = X509_get_ext_by_NID(judged_leaf.x509(), NID_subject_alt_name, -1) >= 0;
    Finding& f = judge.add_for(
        Code::CERT_NO_SAN, leaf_entry,
        has_extension
            ? fmt::format("the leaf {} has no DNS name or IP address in its subjectAltName", label(leaf_entry.facts))
            : fmt::format("the leaf {} has no subjectAltName: browsers ignore the subject CN and reject it",
                          label(leaf_entry.facts)));
    if (!leaf_info.subject_cn.empty()) f.with("subject_cn", leaf_info.subject_cn);
  }

  out.hostname = check_hostname(judged_leaf, in.name);
  if (out.hostname.checked && !out.hostname.matched) {
    std::vector<std::string> names;
    for (const std::string& dns : leaf_info.san_dns) names.push_back("DNS:" + dns);
    for (const std::string& ip : leaf_info.san_ip) names.push_back("IP:" + ip);
    Finding& f = judge.add_for(Code::CERT_HOSTNAME_MISMATCH, leaf_entry, out.hostname.reason)
                     .with("name", out.hostname.name)
                     .with("subject_alt_names", names.empty() ? "none" : join(names, ", "));
    if (!leaf_info.subject_cn.empty()) f.with("subject_cn", leaf_info.subject_cn);
  }

  // Today: the same path, judged at `now`. Only validity can change, so no second verification.
  bool other_errors = std::any_of(as_sent.errors.begin(), as_sent.errors.end(), [](const RawError& e) {
    Cause c = cause_of(e.code);
    return c != Cause::expired && c != Cause::not_yet_valid && c != Cause::security_level;
  });
  out.verifies_today = !other_errors && !out.completed_with_seen_intermediates &&
                       std::all_of(path.begin(), path.end(), [&](const PathEntry& e) {
                         return validity_at(e.facts, judge.now) == Validity::valid;
                       });

  std::stable_sort(out.findings.begin(), out.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.code < b.code; });

  // For which capture times this very result holds: it changes only where a certificate of
  // the path or of the chain as sent becomes valid, expires, or enters its last 30 days
  // (whose findings count the days left, so no window at all inside them).
  std::vector<Facts> judged;
  for (const PathEntry& e : path) judged.push_back(e.facts);
  for (const x509::Certificate& c : sent)
    if (c.x509() != nullptr) judged.push_back(facts_of(c));
  out.stable_from = std::numeric_limits<int64_t>::min();
  out.stable_until = std::numeric_limits<int64_t>::max();
  const int64_t t = judge.captured;
  for (const Facts& f : judged) {
    if (!f.times_readable || (t >= f.not_after - 30 * kDay && t < f.not_after)) {
      out.stable_from = t;
      out.stable_until = t + 1;
      break;
    }
    for (int64_t boundary : {f.not_before, f.not_after - 30 * kDay, f.not_after}) {
      if (boundary <= t) out.stable_from = std::max(out.stable_from, boundary);
      else out.stable_until = std::min(out.stable_until, boundary);
    }
  }
  return out;
}

}  // namespace tlslens::audit
