// PreferencesDialog: edits the AnalysisSettings — the key log, the RSA private keys and the
// CA file the audit trusts (empty: the system store), and whether the audit runs. The window
// applies the result by analysing the open capture again.
#pragma once

#include <QDialog>

#include "gui/analysis_settings.h"

class QCheckBox;
class QLineEdit;

namespace tlslens::gui {

class PreferencesDialog final : public QDialog {
  Q_OBJECT

 public:
  explicit PreferencesDialog(const AnalysisSettings& settings, QWidget* parent = nullptr);

  AnalysisSettings settings() const;

 private:
  QLineEdit* key_log_edit_;
  QLineEdit* rsa_keys_edit_;
  QLineEdit* ca_file_edit_;
  QCheckBox* audit_box_;
};

}  // namespace tlslens::gui
