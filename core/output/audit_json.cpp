#include "core/output/audit_json.h"

#include <algorithm>
#include <vector>

namespace tlslens {

namespace {

void write_optional_index(JsonWriter& json, std::string_view name, const std::optional<size_t>& value) {
  json.key(name);
  if (value) json.uint(*value);
  else json.null();
}

void write_hostname(JsonWriter& json, const audit::HostnameCheck& check) {
  json.key("hostname");
  if (!check.checked) {
    json.null();
    return;
  }
  json.begin_object();
  json.member("name", check.name);
  json.member_bool("is_ip", check.is_ip);
  json.member_bool("matched", check.matched);
  json.member("matched_by", check.matched_by);
  json.key("compared");
  json.begin_array();
  for (const std::string& c : check.compared) json.string(c);
  json.end_array();
  json.member("reason", check.reason);
  json.end_object();
}

}  // namespace

void write_chain_audit_members(JsonWriter& json, const audit::ChainAudit& chain) {
  json.member_bool("trusted", chain.trusted);
  json.member_bool("reaches_trusted_root", chain.reaches_trusted_root);
  json.member_bool("completed_with_seen_intermediates", chain.completed_with_seen_intermediates);
  json.member_bool("verifies_today", chain.verifies_today);
  json.key("error");
  json.begin_object();
  json.key("code");
  json.integer(chain.error_code);
  json.member("text", chain.error_text);
  json.end_object();
  json.key("errors");
  json.begin_array();
  for (const audit::VerifyError& e : chain.errors) {
    json.begin_object();
    json.key("code");
    json.integer(e.code);
    json.key("depth");
    json.integer(e.depth);
    json.member("text", e.text);
    json.member("subject", e.subject);
    json.end_object();
  }
  json.end_array();
  json.key("path");
  json.begin_array();
  for (const audit::PathCertificate& p : chain.path) {
    json.begin_object();
    json.member("subject", p.subject);
    json.member("source", audit::to_string(p.source));
    write_optional_index(json, "sent_index", p.sent_index);
    json.member("at_capture", audit::to_string(p.at_capture));
    json.member("today", audit::to_string(p.today));
    json.end_object();
  }
  json.end_array();
  json.key("certificates");
  json.begin_array();
  for (const audit::CertificateStatus& c : chain.certificates) {
    json.begin_object();
    json.member_uint("index", c.index);
    json.member("subject", c.subject);
    json.member("role", c.role);
    write_optional_index(json, "path_depth", c.path_depth);
    json.member("at_capture", audit::to_string(c.at_capture));
    json.member("today", audit::to_string(c.today));
    json.end_object();
  }
  json.end_array();
  write_hostname(json, chain.hostname);
  json.key("notes");
  json.begin_array();
  for (const std::string& n : chain.notes) json.string(n);
  json.end_array();
}

void write_chain_members(JsonWriter& json, const audit::ChainEvent& chain) {
  json.member("party", audit::to_string(chain.party));
  json.member("name_checked", chain.name_checked);
  if (chain.audit != nullptr) write_chain_audit_members(json, *chain.audit);
}

void write_finding_members(JsonWriter& json, const audit::Finding& finding) {
  json.member("code", audit::to_string(finding.code));
  json.member("severity", audit::to_string(finding.severity));
  json.member("party", audit::to_string(finding.party));
  json.member("explanation", finding.explanation);
  json.key("evidence");
  json.begin_object();
  for (const auto& [key, value] : finding.evidence) json.member(key, value);
  json.end_object();
}

void write_audit_summary(JsonWriter& json, const audit::ConnectionAudit* audit) {
  json.key("audit");
  if (audit == nullptr) {
    json.null();
    return;
  }
  json.begin_object();
  json.key("worst");
  if (auto worst = audit->worst()) json.string(audit::to_string(*worst));
  else json.null();
  json.member_uint("findings", audit->findings.size());
  json.key("codes");
  json.begin_array();
  std::vector<audit::Code> named;
  for (const audit::FindingEvent& f : audit->findings) {
    if (std::find(named.begin(), named.end(), f.finding.code) != named.end()) continue;
    named.push_back(f.finding.code);
    json.string(audit::to_string(f.finding.code));
  }
  json.end_array();
  json.key("server_chain_trusted");
  if (audit->server_chain) json.boolean(audit->server_chain->trusted);
  else json.null();
  json.key("client_chain_trusted");
  if (audit->client_chain) json.boolean(audit->client_chain->trusted);
  else json.null();
  json.end_object();
}

}  // namespace tlslens
