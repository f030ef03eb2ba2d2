// LoadBenchmark: `tlslens-gui --load-and-quit CAPTURE` — measures what a user waits for and
// whether the window stays responsive, then quits (docs/gui.md has the 1 GB numbers).
//
// It times the load from open_capture() to the window's loading_ended, then selects the
// connection that starts last in the file and times its detail (the re-read the offset index
// shortens). Throughout, a 10 ms timer on the GUI thread records how late each tick fires: the
// worst lateness is the longest the event loop was blocked, i.e. the longest the window could
// not repaint or react (on a loaded machine it includes waiting for a CPU). The results go to
// stdout, one `key: value` line each. Last, for comparison, the same connection is read again
// from the file's start (what selecting it cost before the offset index), on the GUI thread —
// the window has nothing left to do then.
#pragma once

#include <cstdint>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace tlslens::gui {

class MainWindow;

class LoadBenchmark final : public QObject {
  Q_OBJECT

 public:
  // Construct before open_capture(): the clocks start here.
  explicit LoadBenchmark(MainWindow& window);

 private:
  void on_tick();
  void on_loaded();
  void on_detail_shown(quint64 connection_id);
  void time_reread_from_file_start();
  void finish(int exit_code);

  MainWindow& window_;
  QElapsedTimer load_clock_;
  QElapsedTimer detail_clock_;
  QElapsedTimer tick_clock_;
  QTimer ticker_;
  qint64 worst_tick_lateness_ms_ = 0;
  uint64_t ticks_late_50ms_ = 0;
  uint64_t ticks_ = 0;
  uint64_t selected_id_ = 0;
  bool loaded_ = false;
};

}  // namespace tlslens::gui
