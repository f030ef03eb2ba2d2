// The packet offset index: built for classic pcap files only; a late connection re-read from
// its first packet (few packets read, same result as from the file's start), resumed sessions
// left out, and a wrong offset falling back to the start.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "gui/capture_exports.h"
#include "gui/capture_loader.h"
#include "gui/connection_detail_loader.h"
#include "gui/connection_inspector.h"
#include "tests/gui/gui_test_suites.h"
#include "tests/gui/synthetic_capture.h"

namespace tlslens::gui::tests {

namespace {

struct Loaded {
  CaptureLoadResult result;
  QList<ConnectionRow> rows;
};

Loaded load(const QString& path, const AnalysisSettings& settings = {}) {
  CaptureLoader loader;
  Loaded loaded;
  QObject::connect(&loader, &CaptureLoader::connections_found,
                   [&](quint64, const QList<ConnectionRow>& rows) { loaded.rows += rows; });
  QObject::connect(&loader, &CaptureLoader::load_finished,
                   [&](quint64, const CaptureLoadResult& result) { loaded.result = result; });
  loader.load(1, path, settings);
  return loaded;
}

std::shared_ptr<const ConnectionDetail> detail_of(const Loaded& loaded, uint64_t id,
                                                  std::shared_ptr<const PacketOffsetIndex> offsets) {
  ConnectionDetailLoader loader;
  std::shared_ptr<const ConnectionDetail> detail;
  QObject::connect(&loader, &ConnectionDetailLoader::detail_ready,
                   [&](quint64, std::shared_ptr<const ConnectionDetail> d) { detail = std::move(d); });
  loader.load(1, loaded.result.path, loaded.result.analysis, id, std::move(offsets));
  return detail;
}

const ConnectionRow* row_of(const Loaded& loaded, uint64_t id) {
  for (const ConnectionRow& row : loaded.rows)
    if (row.id == id) return &row;
  return nullptr;
}

// Classic pcap, four TLS 1.2/1.3 connections with full handshakes (no resumption).
const QString kFourConnections = QStringLiteral("audit/audit-client-cert.pcap");
const QString kFourConnectionsKeys = QStringLiteral("audit/audit-client-cert.keys");

AnalysisSettings with_keys(const QString& key_log) {
  AnalysisSettings settings;
  settings.key_log_file = captures_file(key_log);
  return settings;
}

}  // namespace

class OffsetIndexTest : public QObject {
  Q_OBJECT

 private slots:
  void only_classic_pcap_is_indexed() {
    const Loaded pcap = load(captures_file(kFourConnections));
    QVERIFY(pcap.result.offsets);
    QCOMPARE(pcap.result.offsets->indexed(), size_t{4});
    QCOMPARE(pcap.result.offsets->find(1)->start.offset, uint64_t{24});  // right after the file header
    QCOMPARE(pcap.result.offsets->find(1)->start.first_number, uint64_t{1});
    QVERIFY(pcap.result.offsets->find(4)->start.offset > pcap.result.offsets->find(3)->start.offset);
    QVERIFY(pcap.result.offsets->find(4)->start.first_number > 1);
    QVERIFY(!pcap.result.offsets->find(5));

    QVERIFY(!load(captures_file(QStringLiteral("demo.pcapng"))).result.offsets);
    QVERIFY(!load(captures_file(QStringLiteral("tls12-ecdhe-aes128gcm.pcap.gz"))).result.offsets);
  }

  void resumed_sessions_are_read_from_the_start() {
    // Connection 2 resumes connection 1's session: its keys need connection 1.
    const Loaded loaded = load(captures_file(QStringLiteral("tls12-resume-ticket.pcap")),
                               with_keys(QStringLiteral("tls12-resume-ticket.keys")));
    QVERIFY(loaded.result.offsets);
    QVERIFY(loaded.result.offsets->find(1));
    QVERIFY(!loaded.result.offsets->find(2));
    const auto detail = detail_of(loaded, 2, loaded.result.offsets);
    QVERIFY(detail && detail->found);
    QVERIFY(!detail->read_from_index);
    QVERIFY(std::any_of(detail->entries.begin(), detail->entries.end(),
                        [](const TimelineEntry& e) { return e.decrypted; }));
  }

  void late_connection_is_read_from_its_first_packet() {
    constexpr int kConnections = 2000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("many.pcap"));
    QVERIFY(write_synthetic_capture(path, kConnections, 100));
    const Loaded loaded = load(path);
    QVERIFY(loaded.result.offsets);
    QCOMPARE(loaded.result.offsets->indexed(), size_t{kConnections});

    const auto indexed = detail_of(loaded, kConnections, loaded.result.offsets);
    QVERIFY(indexed && indexed->found);
    QVERIFY(indexed->read_from_index);
    // Its own 5 packets (up to its end), not the 12 000 before it.
    QCOMPARE(indexed->packets_read, uint64_t{5});
    QCOMPARE(indexed->first_seen, row_of(loaded, kConnections)->first_seen);

    const auto from_start = detail_of(loaded, kConnections, nullptr);
    QVERIFY(from_start && from_start->found && !from_start->read_from_index);
    QVERIFY(from_start->packets_read > uint64_t{6} * (kConnections - 1));
    QCOMPARE(indexed->first_seen, from_start->first_seen);

    // The inspector says how the connection was read.
    ConnectionInspector inspector;
    inspector.set_capture(path, loaded.result.analysis, loaded.result.offsets);
    QSignalSpy shown(&inspector, &ConnectionInspector::detail_shown);
    inspector.show_connection(kConnections);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 30'000);
    QVERIFY2(inspector.status_text().contains(QStringLiteral("read from its first packet: 5 packets")),
             qPrintable(inspector.status_text()));
  }

  void index_gives_what_the_file_start_gives() {
    // Four full handshakes, all decrypted, the last two with a client certificate the audit flags.
    const Loaded loaded = load(captures_file(kFourConnections), with_keys(kFourConnectionsKeys));
    QVERIFY(loaded.result.offsets && loaded.result.offsets->find(4));
    const auto indexed = detail_of(loaded, 4, loaded.result.offsets);
    const auto from_start = detail_of(loaded, 4, nullptr);
    QVERIFY(indexed && indexed->found && indexed->read_from_index);
    QVERIFY(from_start && from_start->found && !from_start->read_from_index);
    QVERIFY(indexed->packets_read < from_start->packets_read);
    QCOMPARE(indexed->entries.size(), from_start->entries.size());
    for (size_t i = 0; i < indexed->entries.size(); ++i) {
      QCOMPARE(indexed->entries[i].ts, from_start->entries[i].ts);
      QCOMPARE(indexed->entries[i].wire, from_start->entries[i].wire);
      QCOMPARE(indexed->entries[i].decrypted, from_start->entries[i].decrypted);
      QCOMPARE(indexed->entries[i].plaintext, from_start->entries[i].plaintext);
      QCOMPARE(indexed->entries[i].text, from_start->entries[i].text);
    }
    QVERIFY(std::any_of(indexed->entries.begin(), indexed->entries.end(),
                        [](const TimelineEntry& e) { return e.decrypted; }));
    QVERIFY(indexed->audit && from_start->audit);
    QCOMPARE(indexed->audit->findings.size(), from_start->audit->findings.size());
    QVERIFY(!indexed->audit->findings.empty());

    // The text export, which prints the connection's number and frame times, is the same too.
    QTemporaryDir dir;
    const ExportSource with_index{loaded.result.path, loaded.result.analysis, loaded.result.offsets};
    const ExportSource without_index{loaded.result.path, loaded.result.analysis, nullptr};
    QVERIFY(export_connection_text(with_index, 4, dir.filePath(QStringLiteral("a.txt"))).ok);
    QVERIFY(export_connection_text(without_index, 4, dir.filePath(QStringLiteral("b.txt"))).ok);
    QFile a(dir.filePath(QStringLiteral("a.txt")));
    QFile b(dir.filePath(QStringLiteral("b.txt")));
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    const QByteArray text = a.readAll();
    QVERIFY(text.startsWith("New TCP connection #4: "));
    QVERIFY(text.contains("CERT_BAD_USAGE"));
    QCOMPARE(text, b.readAll());
  }

  void wrong_offset_falls_back_to_the_file_start() {
    const Loaded loaded = load(captures_file(kFourConnections));
    const ConnectionRow* second = row_of(loaded, 2);
    QVERIFY(second != nullptr);
    auto wrong = std::make_shared<PacketOffsetIndex>();
    // Connection 1's first packet claimed as connection 2's; then an offset inside a record.
    wrong->record(2, loaded.result.offsets->find(1)->start, second->first_seen);
    auto detail = detail_of(loaded, 2, wrong);
    QVERIFY(detail && detail->found && !detail->read_from_index);
    QCOMPARE(detail->first_seen, second->first_seen);

    wrong->record(2, SeekPoint{loaded.result.offsets->find(2)->start.offset + 7, 9}, second->first_seen);
    detail = detail_of(loaded, 2, wrong);
    QVERIFY(detail && detail->found && !detail->read_from_index);
    QCOMPARE(detail->first_seen, second->first_seen);
  }
};

std::unique_ptr<QObject> make_offset_index_test() {
  return std::make_unique<OffsetIndexTest>();
}

}  // namespace tlslens::gui::tests

#include "test_offset_index.moc"
