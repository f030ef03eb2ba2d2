// LiveCaptureDialog (File > Capture live…): the face of the window's LiveCaptureController —
// choose an interface (pcap_findalldevs), type a BPF filter (checked as it is typed: a filter
// libpcap rejects shows libpcap's message and cannot be started), Start, Stop, and Save the
// stopped capture as pcapng. The connections appear in the window's table, not here; the
// dialog shows the counts and, in red, why a capture could not start (permission denied comes
// with the fix, as the CLI words it).
//
// Non-modal: the user watches the table while the dialog stays open. Closing it does not stop
// the capture.
#pragma once

#include <functional>

#include <QDialog>

#include "gui/analysis_settings.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace tlslens::gui {

class LiveCaptureController;
struct LiveCaptureResult;

class LiveCaptureDialog final : public QDialog {
  Q_OBJECT

 public:
  // `settings` gives the key material and CA file to analyse with when Start is pressed.
  LiveCaptureDialog(LiveCaptureController& controller, std::function<AnalysisSettings()> settings,
                    QWidget* parent = nullptr);

  // For tests and the screenshot tour.
  QComboBox* interface_box() const { return interface_box_; }
  QLineEdit* filter_edit() const { return filter_edit_; }
  QPushButton* start_button() const { return start_button_; }
  QPushButton* stop_button() const { return stop_button_; }
  QPushButton* save_button() const { return save_button_; }
  QString status_text() const;
  QString filter_error_text() const;
  void select_interface(const QString& name);

 private:
  void refresh_interfaces();
  void check_filter();
  void start();
  void save();
  void update_buttons();
  void show_status(const QString& text, bool is_error);
  void on_stopped(const LiveCaptureResult& result);

  LiveCaptureController& controller_;
  std::function<AnalysisSettings()> settings_;
  QComboBox* interface_box_;
  QLineEdit* filter_edit_;
  QLabel* filter_error_;
  QLabel* status_;
  QPushButton* refresh_button_;
  QPushButton* start_button_;
  QPushButton* stop_button_;
  QPushButton* save_button_;
  quint64 packets_ = 0;
  quint64 connections_ = 0;
};

}  // namespace tlslens::gui
