// CaptureSummary: the counts the audit panel's summary bar shows — connections (and how many
// were TLS), TLS versions, cipher suites, findings by severity — computed from the rows and
// findings the models hold.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include <QString>

#include "gui/connection_row.h"
#include "gui/finding_row.h"

namespace tlslens::gui {

struct CaptureSummary {
  uint64_t connections = 0;
  uint64_t tls_connections = 0;
  uint64_t decrypted_connections = 0;  // fully or partly
  std::map<QString, uint64_t> versions;  // "TLS 1.3" -> count
  std::map<QString, uint64_t> suites;
  std::array<uint64_t, 5> findings_by_severity{};  // indexed by audit::Severity

  static CaptureSummary of(const std::vector<ConnectionRow>& rows, const std::vector<FindingRow>& findings);

  // One line: "12 connections (10 TLS, 4 decrypted) · TLS 1.3: 6, TLS 1.2: 4 · 3 suites:
  // TLS_AES_128_GCM_SHA256 5, … · findings: 1 critical, 2 high, 0 medium, 3 low, 1 info".
  QString text() const;
};

}  // namespace tlslens::gui
