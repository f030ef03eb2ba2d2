#include "gui/connection_detail_loader.h"

#include "gui/capture_pass.h"
#include "gui/connection_detail_collector.h"

namespace tlslens::gui {

ConnectionDetailLoader::ConnectionDetailLoader(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const ConnectionDetail>>();
  qRegisterMetaType<std::shared_ptr<const PreparedAnalysis>>();
}

void ConnectionDetailLoader::cancel_up_to(quint64 request_id) {
  quint64 current = cancelled_up_to_.load();
  while (current < request_id && !cancelled_up_to_.compare_exchange_weak(current, request_id)) {
  }
}

void ConnectionDetailLoader::load(quint64 request_id, const QString& path,
                                  std::shared_ptr<const PreparedAnalysis> analysis, quint64 connection_id) {
  if (is_cancelled(request_id)) return;
  if (!analysis) {
    emit detail_failed(request_id, QStringLiteral("the capture has not been analysed yet"));
    return;
  }
  ConnectionDetailCollector collector(connection_id);
  bool cancelled = false;
  const CapturePassOutcome outcome = run_capture_pass(path, *analysis, collector, [&](uint64_t) {
    cancelled = is_cancelled(request_id);
    return !cancelled && !collector.done();
  });
  if (cancelled) return;
  if (outcome.status == CapturePassOutcome::Status::failed) {
    emit detail_failed(request_id, outcome.error);
    return;
  }
  auto detail = std::make_shared<ConnectionDetail>(collector.take());
  if (!detail->found) {
    emit detail_failed(request_id, QStringLiteral("connection #%1 was not found when the capture was read again "
                                                  "(has the file changed?)")
                                       .arg(connection_id));
    return;
  }
  emit detail_ready(request_id, std::move(detail));
}

}  // namespace tlslens::gui
