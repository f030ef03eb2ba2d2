#include "gui/capture_summary.h"

#include <algorithm>
#include <utility>

#include <QStringList>

#include "gui/display_format.h"
#include "gui/tls_labels.h"

namespace tlslens::gui {

namespace {

// The most frequent entries first, at most `limit`, as "name count".
QString most_frequent(const std::map<QString, uint64_t>& counts, size_t limit) {
  std::vector<std::pair<QString, uint64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  QStringList parts;
  for (size_t i = 0; i < sorted.size() && i < limit; ++i)
    parts.append(QStringLiteral("%1: %2").arg(sorted[i].first, format_count(sorted[i].second)));
  if (sorted.size() > limit) parts.append(QStringLiteral("…"));
  return parts.join(QStringLiteral(", "));
}

}  // namespace

CaptureSummary CaptureSummary::of(const std::vector<ConnectionRow>& rows, const std::vector<FindingRow>& findings) {
  CaptureSummary summary;
  summary.connections = rows.size();
  for (const ConnectionRow& row : rows) {
    if (!row.tls.is_tls) continue;
    ++summary.tls_connections;
    if (row.tls.decryption == DecryptionState::full || row.tls.decryption == DecryptionState::partial)
      ++summary.decrypted_connections;
    if (row.tls.version != 0) ++summary.versions[version_label(row.tls.version)];
    if (row.tls.cipher_suite != 0) ++summary.suites[cipher_suite_label(row.tls.cipher_suite)];
  }
  for (const FindingRow& finding : findings) ++summary.findings_by_severity[static_cast<size_t>(finding.severity)];
  return summary;
}

QString CaptureSummary::text() const {
  QStringList parts;
  parts.append(QStringLiteral("%1 connections (%2 TLS, %3 decrypted)")
                   .arg(format_count(connections), format_count(tls_connections), format_count(decrypted_connections)));
  if (!versions.empty()) parts.append(most_frequent(versions, 4));
  if (!suites.empty()) parts.append(QStringLiteral("%1 suites: %2").arg(suites.size()).arg(most_frequent(suites, 3)));
  QStringList by_severity;
  for (int s = static_cast<int>(audit::Severity::critical); s >= 0; --s)
    by_severity.append(QStringLiteral("%1 %2")
                           .arg(format_count(findings_by_severity[static_cast<size_t>(s)]),
                                severity_name(static_cast<audit::Severity>(s))));
  parts.append(QStringLiteral("findings: ") + by_severity.join(QStringLiteral(", ")));
  return parts.join(QStringLiteral(" · "));
}

}  // namespace tlslens::gui
