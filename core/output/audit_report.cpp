#include "core/output/audit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <vector>

#include "core/output/audit_json.h"
#include "core/output/audit_text.h"
#include "core/output/json_writer.h"
#include "core/tls/registry.h"
#include "core/x509/display_text.h"

namespace tlslens {

namespace {

constexpr size_t kMaxConnectionsListed = 20;  // per finding and per server; the count stays exact

std::string safe(std::string_view text) { return x509::display_text(text, x509::Backslash::keep); }

std::string name_or_hex(std::string_view name, uint16_t code) {
  return name.empty() ? fmt::format("0x{:04x}", code) : std::string(name);
}

struct ConnectionList {
  uint64_t count = 0;
  std::vector<uint64_t> first;
  void add(uint64_t id) {
    ++count;
    if (first.size() < kMaxConnectionsListed) first.push_back(id);
  }
  std::string text() const {
    std::string out;
    for (size_t i = 0; i < first.size(); ++i) out += fmt::format("{}#{}", i ? ", " : "", first[i]);
    if (count > first.size()) out += fmt::format(" and {} more", count - first.size());
    return out;
  }
};

struct ChainSeen {
  audit::Party party = audit::Party::server;
  std::vector<x509::Certificate> certificates;
  audit::ChainAudit verification;  // of the first connection that sent it
  ConnectionList connections;
};

struct FindingSeen {
  audit::Finding finding;  // the first occurrence (its evidence)
  ConnectionList connections;
};

std::string chain_key(audit::Party party, const std::vector<x509::Certificate>& chain) {
  std::string key(audit::to_string(party));
  for (const x509::Certificate& c : chain) key += "|" + c.info().sha256_fingerprint;
  return key;
}

std::string validity_text(const x509::CertificateInfo& info) {
  return fmt::format("{} .. {}", x509::format_utc_seconds(info.not_before_seconds),
                     x509::format_utc_seconds(info.not_after_seconds));
}

std::string key_text(const x509::CertificateInfo& info) {
  std::string out = info.public_key_type;
  if (info.public_key_bits != 0) out += fmt::format(" {} bits", info.public_key_bits);
  if (!info.ec_curve.empty()) out += " " + info.ec_curve;
  return out;
}

}  // namespace

struct AuditReport::Server {
  std::string sni;
  Endpoint address;
  ConnectionList connections;
  std::set<std::string> negotiated;  // "TLS 1.2, TLS_ECDHE_..."
  std::vector<ChainSeen> chains;
  std::vector<std::string> chain_keys;
  std::vector<FindingSeen> findings;
  std::optional<audit::Severity> worst;
};

AuditReport::AuditReport(OutputStream& out, bool json) : out_(out), json_(json) {}
AuditReport::~AuditReport() = default;

void AuditReport::tls_summary(const Connection& conn, const tls::SessionSummary& summary) {
  if (summary.outcome == tls::HandshakeOutcome::not_tls || summary.audit == nullptr) return;
  ++tls_connections_;
  const tls::TlsFacts* facts = summary.facts;
  const std::string sni = facts != nullptr ? facts->sni : std::string();
  auto& slot = servers_[sni + "|" + conn.server.to_string()];
  if (!slot) {
    slot = std::make_unique<Server>();
    slot->sni = sni;
    slot->address = conn.server;
  }
  Server& server = *slot;
  server.connections.add(conn.id);
  if (facts != nullptr && facts->server_hello_seen) {
    server.negotiated.insert(fmt::format("{}, {}", name_or_hex(tls::version_name(facts->negotiated_version),
                                                               facts->negotiated_version),
                                         name_or_hex(tls::cipher_suite_name(facts->cipher_suite), facts->cipher_suite)));
  }
  const audit::ConnectionAudit& a = *summary.audit;
  auto add_chain = [&](audit::Party party, const std::vector<x509::Certificate>& certs,
                       const std::optional<audit::ChainAudit>& verification) {
    if (certs.empty() || !verification) return;
    std::string key = chain_key(party, certs);
    auto it = std::find(server.chain_keys.begin(), server.chain_keys.end(), key);
    if (it == server.chain_keys.end()) {
      server.chain_keys.push_back(key);
      server.chains.push_back(ChainSeen{party, certs, *verification, {}});
      it = server.chain_keys.end() - 1;
    }
    server.chains[static_cast<size_t>(it - server.chain_keys.begin())].connections.add(conn.id);
  };
  add_chain(audit::Party::server, a.server_certificates, a.server_chain);
  add_chain(audit::Party::client, a.client_certificates, a.client_chain);
  for (const audit::FindingEvent& f : a.findings) {
    auto it = std::find_if(server.findings.begin(), server.findings.end(), [&](const FindingSeen& s) {
      return s.finding.code == f.finding.code && s.finding.party == f.finding.party &&
             s.finding.explanation == f.finding.explanation;
    });
    if (it == server.findings.end()) {
      server.findings.push_back(FindingSeen{f.finding, {}});
      it = server.findings.end() - 1;
    }
    if (it->connections.first.empty() || it->connections.first.back() != conn.id) it->connections.add(conn.id);
    if (!server.worst || f.finding.severity > *server.worst) server.worst = f.finding.severity;
  }
}

void AuditReport::print_text(const Server& server) {
  fmt::memory_buffer b;
  auto out = std::back_inserter(b);
  fmt::format_to(out, "Server {} ({}): {} connection{} ({}); worst finding: {}\n",
                 server.sni.empty() ? std::string("(no SNI)") : safe(server.sni), server.address.to_string(),
                 server.connections.count, server.connections.count == 1 ? "" : "s", server.connections.text(),
                 server.worst ? std::string(audit::to_string(*server.worst)) : std::string("none"));
  for (const std::string& n : server.negotiated) fmt::format_to(out, "  negotiated     {}\n", n);
  for (const ChainSeen& chain : server.chains) {
    fmt::format_to(out, "  {} chain as sent ({} certificate{}; {}):\n", audit::to_string(chain.party),
                   chain.certificates.size(), chain.certificates.size() == 1 ? "" : "s", chain.connections.text());
    for (size_t i = 0; i < chain.certificates.size(); ++i) {
      const x509::CertificateInfo& info = chain.certificates[i].info();
      const std::string role = i < chain.verification.certificates.size() ? chain.verification.certificates[i].role : "";
      if (!info.parsed) {
        fmt::format_to(out, "    [{}] unparsable: {}\n", i, safe(info.parse_error));
        continue;
      }
      fmt::format_to(out, "    [{}] {}{}\n", i, safe(info.subject), role.empty() ? "" : "  (" + role + ")");
      fmt::format_to(out, "        issuer     {}\n", safe(info.issuer));
      fmt::format_to(out, "        validity   {}", validity_text(info));
      if (i < chain.verification.certificates.size()) {
        const audit::CertificateStatus& st = chain.verification.certificates[i];
        fmt::format_to(out, " ({} at capture time, {} today)", audit::to_string(st.at_capture), audit::to_string(st.today));
      }
      b.push_back('\n');
      fmt::format_to(out, "        key        {}; signed {}\n", key_text(info), info.signature_algorithm);
    }
    fmt::format_to(out, "    verification   {}\n", chain_verdict(chain.verification));
    std::string host = hostname_verdict(chain.verification.hostname);
    if (!host.empty()) fmt::format_to(out, "    hostname       {}\n", host);
    for (const std::string& note : chain.verification.notes) fmt::format_to(out, "    note           {}\n", safe(note));
  }
  if (server.findings.empty()) {
    fmt::format_to(out, "  findings: none\n");
  } else {
    fmt::format_to(out, "  findings:\n");
    std::vector<const FindingSeen*> sorted;
    for (const FindingSeen& f : server.findings) sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(), [](const FindingSeen* a, const FindingSeen* b) {
      return a->finding.severity > b->finding.severity;
    });
    for (const FindingSeen* f : sorted) {
      append_finding_lines(b, f->finding, true, "    ");
      fmt::format_to(out, "                 seen on:  {}\n", f->connections.text());
    }
  }
  b.push_back('\n');
  out_.write(std::string_view(b.data(), b.size()));
}

void AuditReport::print_json(const Server& server) {
  fmt::memory_buffer b;
  JsonWriter json(b);
  json.begin_object();
  json.member_uint("schema", 1);
  json.member("event", "server_audit");
  json.key("sni");
  if (server.sni.empty()) json.null();
  else json.string(server.sni);
  json.key("server");
  json.begin_object();
  json.member("ip", server.address.addr.to_string());
  json.member_uint("port", server.address.port);
  json.end_object();
  json.member_uint("connections", server.connections.count);
  json.key("connection_ids");
  json.begin_array();
  for (uint64_t id : server.connections.first) json.uint(id);
  json.end_array();
  json.key("worst");
  if (server.worst) json.string(audit::to_string(*server.worst));
  else json.null();
  json.key("negotiated");
  json.begin_array();
  for (const std::string& n : server.negotiated) json.string(n);
  json.end_array();
  json.key("chains");
  json.begin_array();
  for (const ChainSeen& chain : server.chains) {
    json.begin_object();
    json.member("party", audit::to_string(chain.party));
    json.member_uint("connections", chain.connections.count);
    json.key("sent");
    json.begin_array();
    for (const x509::Certificate& c : chain.certificates) {
      const x509::CertificateInfo& info = c.info();
      json.begin_object();
      json.member("subject", info.subject);
      json.member("issuer", info.issuer);
      json.member("not_before", x509::format_utc_seconds(info.not_before_seconds));
      json.member("not_after", x509::format_utc_seconds(info.not_after_seconds));
      json.member("key", key_text(info));
      json.member("signature_algorithm", info.signature_algorithm);
      json.member("sha256_fingerprint", info.sha256_fingerprint);
      json.end_object();
    }
    json.end_array();
    json.key("verification");
    json.begin_object();
    write_chain_audit_members(json, chain.verification);
    json.end_object();
    json.end_object();
  }
  json.end_array();
  json.key("findings");
  json.begin_array();
  for (const FindingSeen& f : server.findings) {
    json.begin_object();
    write_finding_members(json, f.finding);
    json.member_uint("connections", f.connections.count);
    json.key("connection_ids");
    json.begin_array();
    for (uint64_t id : f.connections.first) json.uint(id);
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.end_object();
  b.push_back('\n');
  out_.write(std::string_view(b.data(), b.size()));
}

void AuditReport::finished(const AnalysisSummary& /*summary*/) {
  std::vector<const Server*> sorted;
  for (const auto& [key, server] : servers_) sorted.push_back(server.get());
  // Worst first; servers without findings last; then by name and address (the map's order).
  std::stable_sort(sorted.begin(), sorted.end(), [](const Server* a, const Server* b) {
    const int wa = a->worst ? static_cast<int>(*a->worst) : -1;
    const int wb = b->worst ? static_cast<int>(*b->worst) : -1;
    return wa > wb;
  });
  std::array<uint64_t, 5> by_severity{};
  for (const Server* s : sorted) {
    for (const FindingSeen& f : s->findings) by_severity[static_cast<size_t>(f.finding.severity)] += 1;
    if (json_) print_json(*s);
    else print_text(*s);
  }
  if (json_) {
    fmt::memory_buffer b;
    JsonWriter json(b);
    json.begin_object();
    json.member_uint("schema", 1);
    json.member("event", "audit_end");
    json.member_uint("servers", servers_.size());
    json.member_uint("tls_connections", tls_connections_);
    json.key("findings");
    json.begin_object();
    for (audit::Severity s : {audit::Severity::critical, audit::Severity::high, audit::Severity::medium,
                              audit::Severity::low, audit::Severity::info})
      json.member_uint(audit::to_string(s), by_severity[static_cast<size_t>(s)]);
    json.end_object();
    json.end_object();
    b.push_back('\n');
    out_.write(std::string_view(b.data(), b.size()));
  } else {
    out_.print("Audit: {} server{}, {} TLS connection{}; distinct findings: {} critical, {} high, {} medium, {} low, "
               "{} info\n",
               servers_.size(), servers_.size() == 1 ? "" : "s", tls_connections_, tls_connections_ == 1 ? "" : "s",
               by_severity[4], by_severity[3], by_severity[2], by_severity[1], by_severity[0]);
  }
}

}  // namespace tlslens
