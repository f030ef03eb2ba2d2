#include "core/output/audit_text.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/x509/display_text.h"

namespace tlslens {

namespace {

std::string safe(std::string_view text) { return x509::display_text(text, x509::Backslash::keep); }

constexpr std::array kSeveritiesWorstFirst = {audit::Severity::critical, audit::Severity::high,
                                              audit::Severity::medium, audit::Severity::low, audit::Severity::info};

}  // namespace

std::string chain_verdict(const audit::ChainAudit& chain) {
  std::string out;
  if (chain.trusted) {
    out = "verified";
    if (!chain.path.empty()) {
      const audit::PathCertificate& root = chain.path.back();
      out += fmt::format(" to {} ({})", safe(root.subject), audit::to_string(root.source));
    }
    if (chain.completed_with_seen_intermediates) out += " only with intermediates seen on other connections";
  } else {
    out = "NOT verified: " + safe(chain.error_text);
    if (!chain.errors.empty() && !chain.errors.front().subject.empty())
      out += fmt::format(" (depth {}, {})", chain.errors.front().depth, safe(chain.errors.front().subject));
  }
  if (chain.trusted && !chain.verifies_today) out += "; would not verify today";
  if (!chain.trusted && chain.verifies_today) out += "; verifies today";
  return out;
}

std::string hostname_verdict(const audit::HostnameCheck& check) {
  if (!check.checked) return {};
  if (check.matched) return fmt::format("{} matched {}", safe(check.name), safe(check.matched_by));
  return fmt::format("{} does NOT match: {}", safe(check.name), safe(check.reason));
}

void append_chain_line(fmt::memory_buffer& out, const audit::ChainEvent& chain, std::string_view indent) {
  if (chain.audit == nullptr) return;
  out.append(indent);
  fmt::format_to(std::back_inserter(out), "chain ({}): {}", audit::to_string(chain.party), chain_verdict(*chain.audit));
  std::string host = hostname_verdict(chain.audit->hostname);
  if (!host.empty()) fmt::format_to(std::back_inserter(out), "; {}", host);
  out.push_back('\n');
}

void append_finding_lines(fmt::memory_buffer& out, const audit::Finding& finding, bool with_evidence,
                          std::string_view indent) {
  out.append(indent);
  fmt::format_to(std::back_inserter(out), "! {:<8} {}  {}\n", audit::to_string(finding.severity),
                 audit::to_string(finding.code), safe(finding.explanation));
  if (!with_evidence || finding.evidence.empty()) return;
  size_t width = 0;
  for (const auto& [key, value] : finding.evidence) width = std::max(width, key.size());
  for (const auto& [key, value] : finding.evidence) {
    out.append(indent);
    fmt::format_to(std::back_inserter(out), "             {:<{}}  {}\n", key + ":", width + 1, safe(value));
  }
}

std::string findings_digest(const audit::ConnectionAudit& audit) {
  if (audit.findings.empty()) return "no findings";
  std::string out;
  for (audit::Severity severity : kSeveritiesWorstFirst) {
    std::string codes;
    std::vector<audit::Code> named;
    for (const audit::FindingEvent& f : audit.findings) {
      if (f.finding.severity != severity) continue;
      if (std::find(named.begin(), named.end(), f.finding.code) != named.end()) continue;  // once per code
      named.push_back(f.finding.code);
      if (!codes.empty()) codes += ", ";
      codes += audit::to_string(f.finding.code);
    }
    if (codes.empty()) continue;
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", audit::to_string(severity), codes);
  }
  return out;
}

}  // namespace tlslens
