#include "gui/preferences_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace tlslens::gui {

namespace {

// RSA key files are one line separated by semicolons (file names rarely hold one).
constexpr QLatin1Char kListSeparator(';');

QWidget* with_browse_button(QLineEdit* edit, QWidget* parent, const QString& title, const QString& filter, bool many) {
  auto* row = new QWidget(parent);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* browse = new QPushButton(QObject::tr("Browse…"), row);
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  QObject::connect(browse, &QPushButton::clicked, row, [=] {
    if (many) {
      const QStringList files = QFileDialog::getOpenFileNames(parent, title, QString(), filter);
      if (!files.isEmpty()) edit->setText(files.join(kListSeparator));
    } else {
      const QString file = QFileDialog::getOpenFileName(parent, title, edit->text(), filter);
      if (!file.isEmpty()) edit->setText(file);
    }
  });
  return row;
}

}  // namespace

PreferencesDialog::PreferencesDialog(const AnalysisSettings& settings, QWidget* parent)
    : QDialog(parent),
      key_log_edit_(new QLineEdit(settings.key_log_file, this)),
      rsa_keys_edit_(new QLineEdit(settings.rsa_key_files.join(kListSeparator), this)),
      ca_file_edit_(new QLineEdit(settings.ca_file, this)),
      audit_box_(new QCheckBox(tr("Audit certificate chains and policy"), this)) {
  setWindowTitle(tr("Preferences"));
  audit_box_->setChecked(settings.audit);
  key_log_edit_->setPlaceholderText(tr("SSLKEYLOGFILE output; none"));
  rsa_keys_edit_->setPlaceholderText(tr("PEM, DER or PKCS#12 files, separated by ;"));
  ca_file_edit_->setPlaceholderText(tr("the system trust store"));

  auto* form = new QFormLayout;
  form->addRow(tr("Key log:"), with_browse_button(key_log_edit_, this, tr("Key log"),
                                                   tr("Key logs (*.keys *.log *.txt);;All files (*)"), false));
  form->addRow(tr("RSA private keys:"), with_browse_button(rsa_keys_edit_, this, tr("RSA private keys"),
                                                           tr("Keys (*.pem *.key *.der *.p12 *.pfx);;All files (*)"), true));
  form->addRow(tr("CA file:"), with_browse_button(ca_file_edit_, this, tr("Trusted certificates"),
                                                  tr("Certificates (*.pem *.crt *.cer);;All files (*)"), false));
  form->addRow(QString(), audit_box_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(buttons);
  resize(640, sizeHint().height());
}

AnalysisSettings PreferencesDialog::settings() const {
  AnalysisSettings out;
  out.key_log_file = key_log_edit_->text().trimmed();
  for (const QString& file : rsa_keys_edit_->text().split(kListSeparator, Qt::SkipEmptyParts))
    if (!file.trimmed().isEmpty()) out.rsa_key_files.append(file.trimmed());
  out.ca_file = ca_file_edit_->text().trimmed();
  out.audit = audit_box_->isChecked();
  return out;
}

}  // namespace tlslens::gui
