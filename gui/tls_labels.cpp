#include "gui/tls_labels.h"

#include "core/tls/registry.h"

namespace tlslens::gui {

namespace {

QString hex_code(uint16_t code) { return QStringLiteral("0x%1").arg(code, 4, 16, QLatin1Char('0')); }

}  // namespace

QString version_label(uint16_t version) {
  if (version == 0) return {};
  const std::string_view name = tls::version_name(version);
  return name.empty() ? hex_code(version) : QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

QString cipher_suite_label(uint16_t suite) {
  if (suite == 0) return {};
  const std::string_view name = tls::cipher_suite_name(suite);
  return name.empty() ? hex_code(suite) : QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

QString outcome_label(tls::HandshakeOutcome outcome) {
  switch (outcome) {
    case tls::HandshakeOutcome::not_tls:
      return QStringLiteral("not TLS");
    case tls::HandshakeOutcome::complete:
      return QStringLiteral("complete");
    case tls::HandshakeOutcome::resumed:
      return QStringLiteral("resumed");
    case tls::HandshakeOutcome::alert:
      return QStringLiteral("fatal alert");
    case tls::HandshakeOutcome::reset:
      return QStringLiteral("reset");
    case tls::HandshakeOutcome::gap:
      return QStringLiteral("gap");
    case tls::HandshakeOutcome::incomplete:
      return QStringLiteral("incomplete");
    case tls::HandshakeOutcome::midstream:
      return QStringLiteral("mid-stream");
  }
  return {};
}

QString decryption_label(DecryptionState state) {
  switch (state) {
    case DecryptionState::not_tls:
      return {};
    case DecryptionState::nothing_encrypted:
      return QStringLiteral("nothing encrypted");
    case DecryptionState::no_keys:
      return QStringLiteral("no keys");
    case DecryptionState::none:
      return QStringLiteral("no");
    case DecryptionState::partial:
      return QStringLiteral("partly");
    case DecryptionState::full:
      return QStringLiteral("yes");
  }
  return {};
}

QString audit_verdict_label(const TlsColumns& tls) {
  if (!tls.audited) return {};
  if (!tls.worst) return QStringLiteral("ok");
  return QStringLiteral("%1 (%2)")
      .arg(QString::fromUtf8(audit::to_string(*tls.worst)))
      .arg(tls.finding_codes.size());
}

QColor severity_background(audit::Severity severity) {
  switch (severity) {
    case audit::Severity::info:
      return {0xdd, 0xe6, 0xf0};
    case audit::Severity::low:
      return {0xd8, 0xf0, 0xd0};
    case audit::Severity::medium:
      return {0xfa, 0xee, 0xb0};
    case audit::Severity::high:
      return {0xfa, 0xc8, 0x90};
    case audit::Severity::critical:
      return {0xf4, 0x9a, 0x9a};
  }
  return {};
}

}  // namespace tlslens::gui
