#include "gui/settings_store.h"

#include <QSettings>

namespace tlslens::gui {

namespace {

QSettings settings() { return QSettings(QStringLiteral("tlslens"), QStringLiteral("tlslens-gui")); }

}  // namespace

AnalysisSettings read_analysis_settings() {
  QSettings s = settings();
  AnalysisSettings out;
  out.key_log_file = s.value(QStringLiteral("analysis/key_log_file")).toString();
  out.rsa_key_files = s.value(QStringLiteral("analysis/rsa_key_files")).toStringList();
  out.ca_file = s.value(QStringLiteral("analysis/ca_file")).toString();
  out.audit = s.value(QStringLiteral("analysis/audit"), true).toBool();
  return out;
}

void write_analysis_settings(const AnalysisSettings& in) {
  QSettings s = settings();
  s.setValue(QStringLiteral("analysis/key_log_file"), in.key_log_file);
  s.setValue(QStringLiteral("analysis/rsa_key_files"), in.rsa_key_files);
  s.setValue(QStringLiteral("analysis/ca_file"), in.ca_file);
  s.setValue(QStringLiteral("analysis/audit"), in.audit);
}

QStringList read_recent_files() { return settings().value(QStringLiteral("recent_files")).toStringList(); }

void write_recent_files(const QStringList& files) { settings().setValue(QStringLiteral("recent_files"), files); }

QStringList with_recent_file(QStringList files, const QString& path) {
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  return files;
}

}  // namespace tlslens::gui
