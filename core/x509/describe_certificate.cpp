// describe_certificate: CertificateInfo as a Field tree, the one description every front
// end renders (text with -N, JSON, the GUI).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/x509/certificate.h"

namespace tlslens::x509 {
namespace {

using tls::Field;

// A list of text under `key`, omitted when empty; `item` names the elements (JSON ignores it).
void add_text_list(Field& out, std::string_view key, std::string_view item, const std::vector<std::string>& values) {
  if (values.empty()) return;
  Field& list = out.add_list(key).set_cert_detail();
  list.children.reserve(values.size());
  for (const std::string& value : values) list.add_text(item, value).set_cert_detail();
}

std::string validity_text(bool readable, int64_t seconds) {
  return readable ? format_utc_seconds(seconds) : "unreadable";
}

}  // namespace

std::string format_utc_seconds(int64_t seconds) {
  // RFC 5280 times run from 0000 to 9999; anything else did not come from a certificate.
  constexpr int64_t kYear0 = -62167219200;      // 0000-01-01 00:00:00
  constexpr int64_t kYear10000 = 253402300800;  // 10000-01-01 00:00:00
  if (seconds < kYear0 || seconds >= kYear10000) return fmt::format("{} s since 1970 UTC", seconds);
  using namespace std::chrono;
  int64_t day_count = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {  // division truncates toward zero; days start at midnight before it
    second_of_day += 86400;
    --day_count;
  }
  year_month_day date{sys_days{days{day_count}}};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), second_of_day / 3600,
                     second_of_day / 60 % 60, second_of_day % 60);
}

void describe_certificate(const CertificateInfo& info, Field& out) {
  if (!info.parsed) {
    out.add_text("parse_error", info.parse_error);
    return;
  }
  out.add_text("subject", info.subject);
  out.add_text("issuer", info.issuer);
  out.add_uint("version", static_cast<uint64_t>(std::max(0, info.version))).set_cert_detail();
  out.add_text("serial_number", info.serial_hex).set_cert_detail();
  out.add_text("not_before", validity_text(info.not_before_readable, info.not_before_seconds)).set_cert_detail();
  out.add_text("not_after", validity_text(info.not_after_readable, info.not_after_seconds)).set_cert_detail();

  Field& key = out.add_group("public_key").set_cert_detail();
  key.add_text("type", info.public_key_type).set_cert_detail();
  key.add_uint("bits", static_cast<uint64_t>(std::max(0, info.public_key_bits))).set_cert_detail();
  if (!info.ec_curve.empty()) key.add_text("curve", info.ec_curve).set_cert_detail();

  out.add_text("signature_algorithm", info.signature_algorithm).set_cert_detail();
  if (!info.signature_hash.empty()) out.add_text("signature_hash", info.signature_hash).set_detail();

  // One list in the form people know from `openssl x509 -text`, grouped by kind (the order
  // within a kind is the certificate's).
  std::vector<std::string> names;
  for (const std::string& name : info.san_dns) names.push_back("DNS:" + name);
  for (const std::string& ip : info.san_ip) names.push_back("IP:" + ip);
  for (const std::string& email : info.san_email) names.push_back("email:" + email);
  for (const std::string& uri : info.san_uri) names.push_back("URI:" + uri);
  names.insert(names.end(), info.san_other.begin(), info.san_other.end());
  add_text_list(out, "subject_alt_names", "name", names);

  add_text_list(out, "key_usage", "usage", info.key_usage);
  add_text_list(out, "extended_key_usage", "purpose", info.extended_key_usage);
  if (info.has_basic_constraints) {
    Field& constraints = out.add_group("basic_constraints").set_cert_detail();
    constraints.add_bool("ca", info.is_ca).set_cert_detail();
    if (info.path_length >= 0)
      constraints.add_uint("path_length", static_cast<uint64_t>(info.path_length)).set_cert_detail();
  }
  add_text_list(out, "ocsp_urls", "url", info.ocsp_urls);
  add_text_list(out, "ca_issuer_urls", "url", info.ca_issuer_urls);
  if (info.sct_count > 0) out.add_uint("sct_count", static_cast<uint64_t>(info.sct_count)).set_cert_detail();
  out.add_text("sha256_fingerprint", info.sha256_fingerprint).set_cert_detail();
  out.add_text("sha1_fingerprint", info.sha1_fingerprint).set_cert_detail();
  out.add_bool("self_issued", info.self_issued).set_cert_detail();
  add_text_list(out, "warnings", "warning", info.warnings);
}

}  // namespace tlslens::x509
