#include "gui/export_menu.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QThread>

namespace tlslens::gui {

namespace {

struct FormatChoice {
  AuditReportFormat format;
  const char* label;
  const char* suffix;
  const char* filter;
};

constexpr FormatChoice kReportFormats[] = {
    {AuditReportFormat::html, "Audit report as &HTML…", "html", "HTML (*.html)"},
    {AuditReportFormat::markdown, "Audit report as &Markdown…", "md", "Markdown (*.md)"},
    {AuditReportFormat::json, "Audit report as &JSON…", "json", "JSON lines (*.json *.jsonl)"},
    {AuditReportFormat::text, "Audit report as &text…", "txt", "Text (*.txt)"},
};

const FormatChoice& choice_of(AuditReportFormat format) {
  for (const FormatChoice& choice : kReportFormats)
    if (choice.format == format) return choice;
  return kReportFormats[0];
}

}  // namespace

ExportMenu::ExportMenu(QMenu* menu, QWidget* dialog_parent, SourceQuery source, SelectionQuery selected)
    : QObject(menu), dialog_parent_(dialog_parent), source_(std::move(source)), selected_(std::move(selected)) {
  qRegisterMetaType<ExportOutcome>();
  audit_menu_ = menu;
  for (const FormatChoice& choice : kReportFormats)
    menu->addAction(tr(choice.label), this, [this, format = choice.format] { choose_audit_report(format); });
  menu->addSeparator();
  connection_text_action_ =
      menu->addAction(tr("Selected connection as te&xt…"), this, &ExportMenu::choose_connection_text);
  connection_text_action_->setToolTip(tr("What `tlslens -r CAPTURE` prints for this connection"));
  decrypted_streams_action_ =
      menu->addAction(tr("Selected connection's &decrypted streams…"), this, &ExportMenu::choose_decrypted_streams);
  decrypted_streams_action_->setToolTip(tr("One file per direction, named like `tlslens --write-decrypted DIR`"));
  update_actions();
}

ExportMenu::~ExportMenu() {
  if (thread_ != nullptr) {
    cancel_ = true;
    thread_->wait();
    delete thread_;
  }
}

void ExportMenu::update_actions() {
  const bool source = source_().has_value() && !is_running();
  for (QAction* action : audit_menu_->actions())
    if (action != connection_text_action_ && action != decrypted_streams_action_) action->setEnabled(source);
  const bool connection = source && selected_().has_value();
  connection_text_action_->setEnabled(connection);
  decrypted_streams_action_->setEnabled(connection);
}

void ExportMenu::choose_audit_report(AuditReportFormat format) {
  const std::optional<ExportSource> source = source_();
  if (!source) return;
  const FormatChoice& choice = choice_of(format);
  const QString suggested = QDir(last_directory_)
                                .filePath(QFileInfo(source->capture_path).completeBaseName() +
                                          QStringLiteral("-audit.") + QLatin1String(choice.suffix));
  const QString path =
      QFileDialog::getSaveFileName(dialog_parent_, tr("Export audit report"), suggested, tr(choice.filter));
  if (!path.isEmpty()) export_audit_report_to(format, path);
}

void ExportMenu::choose_connection_text() {
  const std::optional<uint64_t> id = selected_();
  if (!id) return;
  const QString suggested = QDir(last_directory_).filePath(QStringLiteral("connection-%1.txt").arg(*id));
  const QString path = QFileDialog::getSaveFileName(dialog_parent_, tr("Export connection #%1 as text").arg(*id),
                                                    suggested, tr("Text (*.txt)"));
  if (!path.isEmpty()) export_connection_text_to(*id, path);
}

void ExportMenu::choose_decrypted_streams() {
  const std::optional<uint64_t> id = selected_();
  if (!id) return;
  const QString directory = QFileDialog::getExistingDirectory(
      dialog_parent_, tr("Directory for the decrypted streams of connection #%1").arg(*id), last_directory_);
  if (!directory.isEmpty()) export_decrypted_streams_to(*id, directory);
}

void ExportMenu::export_audit_report_to(AuditReportFormat format, const QString& path) {
  last_directory_ = QFileInfo(path).absolutePath();
  run(tr("the audit report"), [format, path](const ExportSource& source, const CancelCheck& cancelled) {
    return export_audit_report(source, format, path, cancelled);
  });
}

void ExportMenu::export_connection_text_to(uint64_t connection_id, const QString& path) {
  last_directory_ = QFileInfo(path).absolutePath();
  run(tr("connection #%1").arg(connection_id), [connection_id, path](const ExportSource& source, const CancelCheck& c) {
    return export_connection_text(source, connection_id, path, c);
  });
}

void ExportMenu::export_decrypted_streams_to(uint64_t connection_id, const QString& directory) {
  last_directory_ = directory;
  run(tr("the decrypted streams of connection #%1").arg(connection_id),
      [connection_id, directory](const ExportSource& source, const CancelCheck& c) {
        return export_decrypted_streams(source, connection_id, directory, c);
      });
}

void ExportMenu::run(const QString& what, std::function<ExportOutcome(const ExportSource&, const CancelCheck&)> job) {
  const std::optional<ExportSource> source = source_();
  if (!source || is_running()) {
    ExportOutcome refused;
    refused.error = is_running() ? tr("another export is running") : tr("no capture is open");
    on_finished(what, refused);
    return;
  }
  cancel_ = false;
  thread_ = QThread::create([this, what, job = std::move(job), source = *source] {
    const ExportOutcome outcome = job(source, [this] { return cancel_.load(); });
    // Back on the window's thread to report.
    QMetaObject::invokeMethod(
        this, [this, what, outcome] { on_finished(what, outcome); }, Qt::QueuedConnection);
  });
  thread_->setObjectName(QStringLiteral("export"));
  thread_->start();
  update_actions();
}

void ExportMenu::on_finished(const QString& what, const ExportOutcome& outcome) {
  if (thread_ != nullptr) {
    thread_->wait();
    delete thread_;
    thread_ = nullptr;
  }
  update_actions();
  // Not exec(): a nested event loop would let other signals run inside this slot.
  auto* box = outcome.ok ? new QMessageBox(QMessageBox::Information, tr("Export"),
                                           tr("Exported %1 to:\n%2").arg(what, outcome.files.join(QLatin1Char('\n'))),
                                           QMessageBox::Ok, dialog_parent_)
                         : new QMessageBox(QMessageBox::Warning, tr("Export"),
                                           tr("Could not export %1: %2").arg(what, outcome.error), QMessageBox::Ok,
                                           dialog_parent_);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setObjectName(QStringLiteral("export result"));
  box->open();
  emit export_finished(outcome);
}

}  // namespace tlslens::gui
