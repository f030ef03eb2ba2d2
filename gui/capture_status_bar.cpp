#include "gui/capture_status_bar.h"

#include <algorithm>

#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "gui/capture_loader.h"
#include "gui/display_format.h"
#include "gui/live_capture_worker.h"

namespace tlslens::gui {

namespace {

const QString kErrorStyle = QStringLiteral("QLabel { color: #b00020; font-weight: bold; }");
const QString kWarningStyle = QStringLiteral("QLabel { color: #b04a00; }");
// The bar counts in tenths of a percent: smooth on a large file, and far from int's range.
constexpr int kProgressSteps = 1000;

QString plural(quint64 n, const char* one, const char* many) {
  return QStringLiteral("%1 %2").arg(format_count(n), QString::fromLatin1(n == 1 ? one : many));
}

}  // namespace

CaptureStatusBar::CaptureStatusBar(QWidget* parent)
    : QStatusBar(parent),
      file_label_(new QLabel(this)),
      counts_label_(new QLabel(this)),
      problem_label_(new QLabel(this)),
      busy_bar_(new QProgressBar(this)),
      cancel_button_(new QPushButton(tr("Cancel"), this)) {
  // A long error must not widen the window; the full text stays available as a tooltip.
  problem_label_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  problem_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  busy_bar_->setMaximumWidth(200);
  busy_bar_->setFormat(QStringLiteral("%p%"));
  set_indeterminate();

  addWidget(file_label_);
  addWidget(counts_label_);
  addWidget(problem_label_, 1);
  addPermanentWidget(busy_bar_);
  addPermanentWidget(cancel_button_);
  connect(cancel_button_, &QPushButton::clicked, this, &CaptureStatusBar::cancel_requested);

  set_busy(false);
  file_label_->setText(tr("No capture open"));
}

void CaptureStatusBar::show_loading(const QString& path) {
  show_file(path);
  show_counts(0, 0);
  show_problem({}, false);
  set_indeterminate();
  set_busy(true);
}

void CaptureStatusBar::show_progress(quint64 packets, quint64 connections, quint64 bytes_read, quint64 total_bytes) {
  show_counts(packets, connections);
  if (total_bytes == 0) {
    set_indeterminate();
    return;
  }
  busy_bar_->setRange(0, kProgressSteps);
  busy_bar_->setTextVisible(true);
  busy_bar_->setValue(static_cast<int>(std::min(bytes_read, total_bytes) * kProgressSteps / total_bytes));
}

void CaptureStatusBar::show_loaded(const CaptureLoadResult& result, quint64 connections) {
  set_busy(false);
  show_counts(result.summary.packets, connections);
  if (!result.problem.isEmpty()) {
    // The core's message is already long; what it means for the table goes in the tooltip.
    show_problem(tr("⚠ %1").arg(result.problem), true);
    problem_label_->setToolTip(tr("%1\nThe connections read before this point are shown.").arg(result.problem));
  } else if (!result.warnings.isEmpty()) {
    show_problem(tr("⚠ %1").arg(result.warnings.join(QStringLiteral("; "))), false);
  } else {
    show_problem({}, false);
  }
}

void CaptureStatusBar::show_failed(const QString& path, const QString& message) {
  set_busy(false);
  show_file(path);
  counts_label_->clear();
  show_problem(tr("⚠ Could not open: %1").arg(message), true);
}

void CaptureStatusBar::show_cancelled(quint64 connections) {
  set_busy(false);
  show_problem(tr("Loading cancelled — %1 shown").arg(plural(connections, "connection", "connections")), false);
}

void CaptureStatusBar::show_live(const QString& interface) {
  file_label_->setText(tr("live: %1").arg(interface));
  file_label_->setToolTip(tr("Live capture on %1 (stop it in File > Capture live…)").arg(interface));
  show_counts(0, 0);
  show_problem({}, false);
  set_indeterminate();
  busy_bar_->setVisible(true);
  cancel_button_->setVisible(false);  // stopping belongs to the capture dialog
}

void CaptureStatusBar::show_live_stopped(const LiveCaptureResult& result, quint64 connections) {
  set_busy(false);
  show_counts(result.packets, connections);
  if (!result.error.isEmpty()) show_problem(tr("⚠ %1").arg(result.error), true);
  else if (!result.warnings.isEmpty()) show_problem(tr("⚠ %1").arg(result.warnings.join(QStringLiteral("; "))), false);
  else show_problem(tr("Live capture stopped"), false);
}

QString CaptureStatusBar::file_text() const {
  return file_label_->text();
}
QString CaptureStatusBar::counts_text() const {
  return counts_label_->text();
}
QString CaptureStatusBar::problem_text() const {
  return problem_label_->text();
}

int CaptureStatusBar::progress_percent() const {
  if (busy_bar_->isHidden() || busy_bar_->maximum() == 0) return -1;
  return busy_bar_->value() * 100 / kProgressSteps;
}

bool CaptureStatusBar::is_cancellable() const { return !cancel_button_->isHidden(); }

void CaptureStatusBar::set_indeterminate() {
  busy_bar_->setRange(0, 0);  // a compressed file does not say how much of it is left
  busy_bar_->setTextVisible(false);
}

void CaptureStatusBar::show_file(const QString& path) {
  file_label_->setText(QFileInfo(path).fileName());
  file_label_->setToolTip(path);
}

void CaptureStatusBar::show_counts(quint64 packets, quint64 connections) {
  counts_label_->setText(QStringLiteral("%1 · %2").arg(plural(packets, "packet", "packets"),
                                                       plural(connections, "connection", "connections")));
}

void CaptureStatusBar::show_problem(const QString& text, bool is_error) {
  problem_label_->setText(text);
  problem_label_->setToolTip(text);
  problem_label_->setStyleSheet(is_error ? kErrorStyle : kWarningStyle);
}

void CaptureStatusBar::set_busy(bool busy) {
  busy_bar_->setVisible(busy);
  cancel_button_->setVisible(busy);
}

}  // namespace tlslens::gui
