// What tlslens-gui remembers between runs, in QSettings (~/.config/tlslens/tlslens-gui.conf):
// the analysis settings (key log, RSA keys, CA file, audit on/off) and the recent files.
#pragma once

#include <QStringList>

#include "gui/analysis_settings.h"

namespace tlslens::gui {

inline constexpr int kMaxRecentFiles = 10;

AnalysisSettings read_analysis_settings();
void write_analysis_settings(const AnalysisSettings& settings);

QStringList read_recent_files();
void write_recent_files(const QStringList& files);

// `files` with `path` moved (or added) to the front, at most kMaxRecentFiles long.
QStringList with_recent_file(QStringList files, const QString& path);

}  // namespace tlslens::gui
