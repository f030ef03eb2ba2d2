// CaptureLoader: runs the core pipeline over a capture file and reports what it found to the GUI.
//
// It is a worker: the window moves it to its own QThread and calls load() through a queued
// signal, so reading a large capture never blocks the event loop. Results arrive as queued
// signals: connection rows in batches (at most every kBatchInterval or kMaxBatchRows rows, so
// the table fills progressively without one view update per connection), progress (packets,
// and bytes of the file read out of its size when the format tells: see
// CaptureFilePosition), then exactly one of load_failed (nothing could be read) or
// load_finished (possibly with a problem such as a truncated file; everything before the
// problem was analysed and reported). A cancelled load stops at its next packet, hands over
// the rows it had collected, and finishes with `cancelled` set.
//
// For classic pcap files the load also records where each connection starts in the file
// (PacketOffsetIndex), so that a connection can later be re-read from there.
//
// Every load carries an id chosen by the caller, echoed in every signal, so that a window which
// started a new load can drop late signals of the one it abandoned. cancel_up_to() is the only
// member meant to be called from another thread.
//
// With the rows come the audit's findings (findings_found, just before the rows of the same
// batch). The loader prepares the key material and the trust store from the AnalysisSettings
// once per load and hands them back in the result, so that a connection re-read later (its
// timeline, its certificates) is analysed with exactly the same material.
//
// Tests may call load() directly on the test thread; the signals are then delivered synchronously.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

#include "core/output/event_sink.h"
#include "gui/analysis_settings.h"
#include "gui/connection_row.h"
#include "gui/finding_row.h"
#include "gui/packet_offset_index.h"

namespace tlslens::gui {

struct CaptureLoadResult {
  QString path;
  bool cancelled = false;
  // Set when reading stopped early (truncated file, read error): what was read is still shown.
  QString problem;
  // Data the analysis could not use fully (packets cut by the snap length, unsupported link
  // types, flow-cap evictions): shown as warnings beside the results.
  QList<QString> warnings;
  AnalysisSummary summary;
  // What the load analysed with; null when the load failed before reading.
  std::shared_ptr<const PreparedAnalysis> analysis;
  // Where the connections start in the file; null when the file is not classic pcap (or the
  // load was cancelled).
  std::shared_ptr<const PacketOffsetIndex> offsets;
};

class CaptureLoader final : public QObject {
  Q_OBJECT

 public:
  static constexpr int kMaxBatchRows = 500;
  static constexpr std::chrono::milliseconds kBatchInterval{100};

  explicit CaptureLoader(QObject* parent = nullptr);

  // Thread-safe. Loads whose id is <= load_id stop at their next packet (or, still queued, never
  // start) and finish with result.cancelled set.
  void cancel_up_to(quint64 load_id);

 public slots:
  void load(quint64 load_id, const QString& path, const tlslens::gui::AnalysisSettings& settings);
  // With default settings: no keys, the audit against the system trust store.
  void load(quint64 load_id, const QString& path) { load(load_id, path, AnalysisSettings{}); }

 signals:
  void connections_found(quint64 load_id, const QList<tlslens::gui::ConnectionRow>& rows);
  void findings_found(quint64 load_id, const QList<tlslens::gui::FindingRow>& findings);
  // total_bytes 0: the file's format does not tell how far the reading is (compressed files).
  void progress(quint64 load_id, quint64 packets_read, quint64 bytes_read, quint64 total_bytes);
  void load_failed(quint64 load_id, const QString& path, const QString& message);
  void load_finished(quint64 load_id, const tlslens::gui::CaptureLoadResult& result);

 private:
  bool is_cancelled(quint64 load_id) const { return load_id <= cancelled_up_to_.load(std::memory_order_relaxed); }

  std::atomic<quint64> cancelled_up_to_{0};
};

}  // namespace tlslens::gui

Q_DECLARE_METATYPE(tlslens::gui::CaptureLoadResult)
Q_DECLARE_METATYPE(tlslens::gui::AnalysisSettings)
