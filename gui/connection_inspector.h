// ConnectionInspector: the lower half of the window — the selected connection's timeline tree
// with its hex view, its decrypted data, and its certificates — and the owner of the thread that
// re-reads connections (ConnectionDetailLoader).
//
// show_connection() asks for a connection's detail; the last few details stay cached, so going
// back and forth between connections does not re-read the capture. A capped timeline says so
// above the tree. set_capture() forgets the cache (a new file, or new keys); with the load's
// PacketOffsetIndex, connections are re-read from their first packet.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include <QString>
#include <QThread>
#include <QWidget>

#include "gui/analysis_settings.h"
#include "gui/connection_detail.h"
#include "gui/packet_offset_index.h"

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTreeView;

namespace tlslens::gui {

class CertificateView;
class ConnectionDetailLoader;
class HexView;
class TimelineModel;

class ConnectionInspector final : public QWidget {
  Q_OBJECT

 public:
  static constexpr size_t kCachedDetails = 8;

  explicit ConnectionInspector(QWidget* parent = nullptr);
  ~ConnectionInspector() override;

  void set_capture(const QString& path, std::shared_ptr<const PreparedAnalysis> analysis,
                   std::shared_ptr<const PacketOffsetIndex> offsets = nullptr);
  void show_connection(uint64_t connection_id);
  // Shows the connection and, once its detail is there, selects record `record_number`.
  void show_record(uint64_t connection_id, uint64_t record_number);
  void clear();

  // For tests and the screenshot script.
  uint64_t shown_connection() const { return shown_id_; }
  const ConnectionDetail* detail() const;
  TimelineModel* timeline_model() const { return timeline_model_; }
  QTreeView* timeline_view() const { return timeline_view_; }
  HexView* hex_view() const { return hex_view_; }
  QPlainTextEdit* data_view() const { return data_view_; }
  CertificateView* certificate_view() const { return certificate_view_; }
  QTabWidget* tabs() const { return tabs_; }
  QString status_text() const;

 signals:
  // The detail of `connection_id` is now shown (or failed: the status says why).
  void detail_shown(quint64 connection_id);
  void detail_requested(quint64 request_id, const QString& path,
                        std::shared_ptr<const tlslens::gui::PreparedAnalysis> analysis, quint64 connection_id,
                        std::shared_ptr<const tlslens::gui::PacketOffsetIndex> offsets);

 private:
  void on_detail_ready(quint64 request_id, std::shared_ptr<const tlslens::gui::ConnectionDetail> detail);
  void on_detail_failed(quint64 request_id, const QString& message);
  void present(std::shared_ptr<const ConnectionDetail> detail);
  void show_selected_bytes();
  void show_data();
  void select_pending_record();

  QString path_;
  std::shared_ptr<const PreparedAnalysis> analysis_;
  std::shared_ptr<const PacketOffsetIndex> offsets_;
  std::deque<std::shared_ptr<const ConnectionDetail>> cache_;
  uint64_t shown_id_ = 0;
  uint64_t pending_record_ = 0;
  quint64 request_id_ = 0;

  QLabel* status_label_;
  QTabWidget* tabs_;
  TimelineModel* timeline_model_;
  QTreeView* timeline_view_;
  HexView* hex_view_;
  QLabel* hex_title_;
  QPlainTextEdit* data_view_;
  QCheckBox* data_as_hex_;
  CertificateView* certificate_view_;

  QThread loader_thread_;
  ConnectionDetailLoader* loader_ = nullptr;
};

}  // namespace tlslens::gui
