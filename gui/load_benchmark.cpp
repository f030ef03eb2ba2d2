#include "gui/load_benchmark.h"

#include <cstdio>

#include <QApplication>
#include <QTableView>

#include "gui/capture_status_bar.h"
#include "gui/connection_detail_loader.h"
#include "gui/connection_inspector.h"
#include "gui/connection_table_model.h"
#include "gui/findings_model.h"
#include "gui/main_window.h"

namespace tlslens::gui {

namespace {

constexpr int kTickIntervalMs = 10;

}  // namespace

LoadBenchmark::LoadBenchmark(MainWindow& window) : QObject(&window), window_(window) {
  connect(&window_, &MainWindow::loading_ended, this, &LoadBenchmark::on_loaded, Qt::QueuedConnection);
  connect(window_.inspector(), &ConnectionInspector::detail_shown, this, &LoadBenchmark::on_detail_shown,
          Qt::QueuedConnection);
  ticker_.setTimerType(Qt::PreciseTimer);
  ticker_.setInterval(kTickIntervalMs);
  connect(&ticker_, &QTimer::timeout, this, &LoadBenchmark::on_tick);
  load_clock_.start();
  tick_clock_.start();
  ticker_.start();
}

void LoadBenchmark::on_tick() {
  const qint64 lateness = tick_clock_.restart() - kTickIntervalMs;
  if (lateness > worst_tick_lateness_ms_) worst_tick_lateness_ms_ = lateness;
  if (lateness > 50) ++ticks_late_50ms_;
  ++ticks_;
}

void LoadBenchmark::on_loaded() {
  if (loaded_) return;
  loaded_ = true;
  const double seconds = static_cast<double>(load_clock_.nsecsElapsed()) / 1e9;
  ConnectionTableModel* model = window_.connection_model();
  std::printf("load_seconds: %.2f\n", seconds);
  int decrypted = 0;
  for (const ConnectionRow& row : model->rows()) decrypted += row.tls.decryption == DecryptionState::full ? 1 : 0;
  std::printf("connections: %d (%d fully decrypted), audit findings: %lld\n", model->rowCount(), decrypted,
              static_cast<long long>(window_.findings_model()->findings().size()));
  std::printf("status: %s | %s\n", qPrintable(window_.capture_status_bar()->counts_text()),
              qPrintable(window_.capture_status_bar()->problem_text()));
  std::printf(
      "event_loop_worst_latency_during_load_ms: %lld (%llu ticks of %d ms, %llu of them more than 50 ms late)\n",
      static_cast<long long>(worst_tick_lateness_ms_), static_cast<unsigned long long>(ticks_), kTickIntervalMs,
      static_cast<unsigned long long>(ticks_late_50ms_));
  std::fflush(stdout);
  if (model->rowCount() == 0) {
    finish(window_.capture_status_bar()->problem_text().isEmpty() ? 0 : 2);
    return;
  }
  // The connection whose first packet comes last in the file: its re-read is the longest
  // without the offset index. Rows arrive in end order, so look at the start times.
  int last_row = 0;
  for (int row = 1; row < model->rowCount(); ++row)
    if (model->row_at(row).first_seen > model->row_at(last_row).first_seen) last_row = row;
  selected_id_ = model->row_at(last_row).id;
  worst_tick_lateness_ms_ = 0;
  detail_clock_.start();
  window_.select_connection(selected_id_);
}

void LoadBenchmark::on_detail_shown(quint64 connection_id) {
  if (!loaded_ || connection_id != selected_id_) return;
  const double seconds = static_cast<double>(detail_clock_.nsecsElapsed()) / 1e9;
  const ConnectionDetail* detail = window_.inspector()->detail();
  std::printf("last_connection: #%llu\n", static_cast<unsigned long long>(selected_id_));
  std::printf("last_connection_detail_seconds: %.3f\n", seconds);
  if (detail != nullptr)
    std::printf("last_connection_read_from_index: %s (%llu packets read, %llu records)\n",
                detail->read_from_index ? "yes" : "no", static_cast<unsigned long long>(detail->packets_read),
                static_cast<unsigned long long>(detail->records_seen));
  std::printf("event_loop_worst_latency_during_detail_ms: %lld\n", static_cast<long long>(worst_tick_lateness_ms_));
  time_reread_from_file_start();
  finish(0);
}

void LoadBenchmark::time_reread_from_file_start() {
  const std::optional<ExportSource> source = window_.export_source();
  if (!source) return;
  ConnectionDetailLoader loader;
  bool found = false;
  uint64_t packets = 0;
  connect(&loader, &ConnectionDetailLoader::detail_ready, this,
          [&](quint64, std::shared_ptr<const ConnectionDetail> detail) {
            found = detail->found;
            packets = detail->packets_read;
          });
  QElapsedTimer clock;
  clock.start();
  loader.load(1, source->capture_path, source->analysis, selected_id_, nullptr);  // signals arrive synchronously
  std::printf("last_connection_detail_from_file_start_seconds: %.3f (%s, %llu packets read)\n",
              static_cast<double>(clock.nsecsElapsed()) / 1e9, found ? "found" : "not found",
              static_cast<unsigned long long>(packets));
}

void LoadBenchmark::finish(int exit_code) {
  std::fflush(stdout);
  ticker_.stop();
  QApplication::exit(exit_code);
}

}  // namespace tlslens::gui
