// ConnectionDetailLoader: builds the ConnectionDetail of one connection on demand, by running
// the pipeline over the capture again with the same PreparedAnalysis and keeping only that
// connection's events (ConnectionDetailCollector). The pass stops as soon as the connection has
// ended, and starts at the connection's first packet when the load's PacketOffsetIndex knows
// where that is (classic pcap; see connection_reread.h), so a connection costs its own packets
// rather than the file up to it.
//
// Why re-read rather than keep: the GUI keeps nothing per record while loading (a row of a few
// hundred bytes per connection, and the findings), so memory follows the number of connections,
// not the size of the capture; the price is a re-read when a connection is selected.
//
// A worker like CaptureLoader: it lives on its own thread, is driven by a queued signal, and
// echoes the caller's request id; cancel_up_to() (thread-safe) abandons older requests.
#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>

#include "gui/analysis_settings.h"
#include "gui/connection_detail.h"
#include "gui/packet_offset_index.h"

namespace tlslens::gui {

class ConnectionDetailLoader final : public QObject {
  Q_OBJECT

 public:
  explicit ConnectionDetailLoader(QObject* parent = nullptr);

  void cancel_up_to(quint64 request_id);

 public slots:
  void load(quint64 request_id, const QString& path, std::shared_ptr<const tlslens::gui::PreparedAnalysis> analysis,
            quint64 connection_id, std::shared_ptr<const tlslens::gui::PacketOffsetIndex> offsets);
  void load(quint64 request_id, const QString& path, std::shared_ptr<const tlslens::gui::PreparedAnalysis> analysis,
            quint64 connection_id) {
    load(request_id, path, std::move(analysis), connection_id, nullptr);
  }

 signals:
  void detail_ready(quint64 request_id, std::shared_ptr<const tlslens::gui::ConnectionDetail> detail);
  void detail_failed(quint64 request_id, const QString& message);

 private:
  bool is_cancelled(quint64 request_id) const {
    return request_id <= cancelled_up_to_.load(std::memory_order_relaxed);
  }

  std::atomic<quint64> cancelled_up_to_{0};
};

}  // namespace tlslens::gui

Q_DECLARE_METATYPE(std::shared_ptr<const tlslens::gui::PreparedAnalysis>)
Q_DECLARE_METATYPE(std::shared_ptr<const tlslens::gui::PacketOffsetIndex>)
