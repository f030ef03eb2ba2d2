#include "gui/connection_detail_loader.h"

#include "gui/connection_detail_collector.h"
#include "gui/connection_reread.h"

namespace tlslens::gui {

ConnectionDetailLoader::ConnectionDetailLoader(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const ConnectionDetail>>();
  qRegisterMetaType<std::shared_ptr<const PreparedAnalysis>>();
  qRegisterMetaType<std::shared_ptr<const PacketOffsetIndex>>();
}

void ConnectionDetailLoader::cancel_up_to(quint64 request_id) {
  quint64 current = cancelled_up_to_.load();
  while (current < request_id && !cancelled_up_to_.compare_exchange_weak(current, request_id)) {
  }
}

void ConnectionDetailLoader::load(quint64 request_id, const QString& path,
                                  std::shared_ptr<const PreparedAnalysis> analysis, quint64 connection_id,
                                  std::shared_ptr<const PacketOffsetIndex> offsets) {
  if (is_cancelled(request_id)) return;
  if (!analysis) {
    emit detail_failed(request_id, QStringLiteral("the capture has not been analysed yet"));
    return;
  }
  ConnectionDetailCollector collector(connection_id);
  const RereadOutcome outcome = reread_connection(path, *analysis, connection_id, offsets.get(), collector,
                                                  [&] { return is_cancelled(request_id); });
  if (outcome.cancelled) return;
  if (outcome.pass.status == CapturePassOutcome::Status::failed) {
    emit detail_failed(request_id, outcome.pass.error);
    return;
  }
  auto detail = std::make_shared<ConnectionDetail>(collector.take());
  detail->read_from_index = outcome.from_index;
  detail->packets_read = outcome.packets_read;
  if (!detail->found) {
    emit detail_failed(request_id, QStringLiteral("connection #%1 was not found when the capture was read again "
                                                  "(has the file changed?)")
                                       .arg(connection_id));
    return;
  }
  emit detail_ready(request_id, std::move(detail));
}

}  // namespace tlslens::gui
