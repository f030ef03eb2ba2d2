#include "gui/live_capture_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/display_format.h"
#include "gui/live_capture_controller.h"

namespace tlslens::gui {

namespace {

const QString kErrorStyle = QStringLiteral("QLabel { color: #b00020; }");

}  // namespace

LiveCaptureDialog::LiveCaptureDialog(LiveCaptureController& controller, std::function<AnalysisSettings()> settings,
                                     QWidget* parent)
    : QDialog(parent),
      controller_(controller),
      settings_(std::move(settings)),
      interface_box_(new QComboBox(this)),
      filter_edit_(new QLineEdit(this)),
      filter_error_(new QLabel(this)),
      status_(new QLabel(this)),
      refresh_button_(new QPushButton(tr("Refresh"), this)),
      start_button_(new QPushButton(tr("&Start"), this)),
      stop_button_(new QPushButton(tr("S&top"), this)),
      save_button_(new QPushButton(tr("Save as &pcapng…"), this)) {
  setWindowTitle(tr("Capture live — tlslens"));
  interface_box_->setMinimumContentsLength(40);
  interface_box_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  filter_edit_->setPlaceholderText(tr("BPF filter, e.g. tcp port 443 (empty: everything)"));
  filter_edit_->setClearButtonEnabled(true);
  filter_error_->setStyleSheet(kErrorStyle);
  filter_error_->setWordWrap(true);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* interface_row = new QHBoxLayout;
  interface_row->addWidget(interface_box_, 1);
  interface_row->addWidget(refresh_button_);
  auto* form = new QFormLayout;
  form->addRow(tr("&Interface:"), interface_row);
  form->addRow(tr("&Filter:"), filter_edit_);
  form->addRow(QString(), filter_error_);

  auto* buttons = new QDialogButtonBox(this);
  buttons->addButton(start_button_, QDialogButtonBox::ActionRole);
  buttons->addButton(stop_button_, QDialogButtonBox::ActionRole);
  buttons->addButton(save_button_, QDialogButtonBox::ActionRole);
  buttons->addButton(QDialogButtonBox::Close);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(status_);
  layout->addStretch(1);
  layout->addWidget(buttons);

  connect(refresh_button_, &QPushButton::clicked, this, &LiveCaptureDialog::refresh_interfaces);
  connect(filter_edit_, &QLineEdit::textChanged, this, &LiveCaptureDialog::check_filter);
  connect(filter_edit_, &QLineEdit::returnPressed, this, &LiveCaptureDialog::start);
  connect(start_button_, &QPushButton::clicked, this, &LiveCaptureDialog::start);
  connect(stop_button_, &QPushButton::clicked, &controller_, &LiveCaptureController::stop);
  connect(save_button_, &QPushButton::clicked, this, &LiveCaptureDialog::save);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);

  connect(&controller_, &LiveCaptureController::capture_started, this, [this](const QString& interface) {
    packets_ = connections_ = 0;
    show_status(tr("Capturing on %1…").arg(interface), false);
    update_buttons();
  });
  connect(&controller_, &LiveCaptureController::progress, this, [this](quint64 packets, quint64 dropped) {
    packets_ = packets;
    QString text = tr("Capturing on %1: %2 packets, %3 connections")
                       .arg(controller_.interface(), format_count(packets_), format_count(connections_));
    if (dropped > 0) text += tr(" (%1 dropped by the kernel)").arg(format_count(dropped));
    show_status(text, false);
  });
  connect(&controller_, &LiveCaptureController::connections_found, this, [this](const QList<ConnectionRow>& rows) {
    for (const ConnectionRow& row : rows) connections_ += row.open ? 1 : 0;
  });
  connect(&controller_, &LiveCaptureController::capture_stopped, this, &LiveCaptureDialog::on_stopped);

  refresh_interfaces();
  update_buttons();
  resize(640, 240);
}

QString LiveCaptureDialog::status_text() const {
  return status_->text();
}
QString LiveCaptureDialog::filter_error_text() const {
  return filter_error_->text();
}

void LiveCaptureDialog::select_interface(const QString& name) {
  const int index = interface_box_->findData(name);
  if (index >= 0) interface_box_->setCurrentIndex(index);
}

void LiveCaptureDialog::refresh_interfaces() {
  const QString chosen = interface_box_->currentData().toString();
  QString error;
  const QList<CaptureInterface> interfaces = LiveCaptureController::interfaces(error);
  interface_box_->clear();
  for (const CaptureInterface& interface : interfaces) interface_box_->addItem(interface.label(), interface.name);
  if (!chosen.isEmpty()) select_interface(chosen);
  if (!error.isEmpty())
    show_status(error, true);
  else if (interfaces.isEmpty())
    show_status(tr("libpcap lists no interface to capture on"), true);
  update_buttons();
}

void LiveCaptureDialog::check_filter() {
  filter_error_->setText(LiveCaptureController::filter_problem(filter_edit_->text()));
  update_buttons();
}

void LiveCaptureDialog::start() {
  if (!start_button_->isEnabled()) return;
  LiveCaptureRequest request{interface_box_->currentData().toString(), filter_edit_->text(), settings_()};
  if (!controller_.start(request)) show_status(controller_.error(), true);
  update_buttons();
}

void LiveCaptureDialog::save() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save live capture"),
                                                    QStringLiteral("live-%1.pcapng").arg(controller_.interface()),
                                                    tr("pcapng (*.pcapng)"));
  if (path.isEmpty()) return;
  QString error;
  if (controller_.save(path, error))
    show_status(tr("Saved to %1").arg(path), false);
  else
    show_status(error, true);
}

void LiveCaptureDialog::on_stopped(const LiveCaptureResult& result) {
  QString text = tr("Stopped: %1 packets, %2 connections on %3")
                     .arg(format_count(result.packets), format_count(result.summary.connections), result.interface);
  if (!result.warnings.isEmpty()) text += QStringLiteral(" — ") + result.warnings.join(QStringLiteral("; "));
  show_status(result.error.isEmpty() ? text : result.error, !result.error.isEmpty());
  update_buttons();
}

void LiveCaptureDialog::update_buttons() {
  const bool capturing = controller_.is_capturing();
  const bool filter_ok = filter_error_->text().isEmpty();
  start_button_->setEnabled(!capturing && filter_ok && interface_box_->count() > 0);
  stop_button_->setEnabled(controller_.state() == LiveCaptureController::State::capturing);
  save_button_->setEnabled(controller_.state() == LiveCaptureController::State::stopped);
  interface_box_->setEnabled(!capturing);
  filter_edit_->setEnabled(!capturing);
  refresh_button_->setEnabled(!capturing);
}

void LiveCaptureDialog::show_status(const QString& text, bool is_error) {
  status_->setText(text);
  status_->setStyleSheet(is_error ? kErrorStyle : QString());
}

}  // namespace tlslens::gui
