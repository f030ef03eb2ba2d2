// The selected connection's detail: re-read on demand (ConnectionDetailLoader), shown as a
// timeline tree whose nodes expand into every decoded field, with the bytes of a node
// highlighted in the hex view and the decrypted data as text.
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include "gui/connection_detail_loader.h"
#include "gui/connection_inspector.h"
#include "gui/decrypted_data_text.h"
#include "gui/hex_view.h"
#include "gui/timeline_model.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

constexpr int kTimeoutMs = 30'000;

std::shared_ptr<const PreparedAnalysis> prepared(const QString& capture, const QString& keys) {
  AnalysisSettings settings;
  settings.key_log_file = keys.isEmpty() ? QString() : captures_file(keys);
  QString error;
  auto analysis = prepare_analysis(settings, captures_file(capture), error);
  if (!analysis) qWarning("%s", qPrintable(error));
  return analysis ? std::make_shared<const PreparedAnalysis>(std::move(*analysis)) : nullptr;
}

std::shared_ptr<const ConnectionDetail> load_detail(const QString& capture, const QString& keys, uint64_t id) {
  ConnectionDetailLoader loader;
  QSignalSpy ready(&loader, &ConnectionDetailLoader::detail_ready);
  loader.load(1, captures_file(capture), prepared(capture, keys), id);
  if (ready.isEmpty()) return nullptr;
  return ready.at(0).at(1).value<std::shared_ptr<const ConnectionDetail>>();
}

QString text(const QAbstractItemModel& model, const QModelIndex& index, int column = 0) {
  return model.data(index.siblingAtColumn(column)).toString();
}

// The child of `parent` whose first column is `name`.
QModelIndex child_named(const QAbstractItemModel& model, const QModelIndex& parent, const QString& name) {
  for (int row = 0; row < model.rowCount(parent); ++row) {
    const QModelIndex index = model.index(row, 0, parent);
    if (text(model, index) == name) return index;
  }
  return {};
}

}  // namespace

class ConnectionDetailTest : public QObject {
  Q_OBJECT

 private slots:
  void timeline_lists_every_record_with_direction_and_messages() {
    const auto detail = load_detail(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"),
                                    QStringLiteral("tls12-ecdhe-aes128gcm.keys"), 1);
    QVERIFY(detail != nullptr);
    QCOMPARE(detail->records_seen, 19u);
    QVERIFY(!detail->capped);
    TimelineModel model;
    model.set_detail(detail);
    QCOMPARE(model.rowCount(), 19 + 2);  // 19 records and the two findings of the system-store audit
    const QModelIndex first = model.index_of_record(1);
    QCOMPARE(text(model, first), QStringLiteral("1  C→S  handshake"));
    QCOMPARE(text(model, first, TimelineModel::value), QStringLiteral("ClientHello"));
    QCOMPARE(model.data(first.siblingAtColumn(TimelineModel::size)).toUInt(), detail->entries.front().wire_length);
    QCOMPARE(text(model, model.index_of_record(2)), QStringLiteral("2  S→C  handshake"));
    QCOMPARE(text(model, model.index_of_record(8)), QStringLiteral("8  C→S  handshake (decrypted)"));
    QCOMPARE(text(model, model.index_of_record(8), TimelineModel::value), QStringLiteral("Finished"));
    QCOMPARE(text(model, model.index_of_record(12)), QStringLiteral("12  C→S  application_data (decrypted)"));
    QVERIFY(text(model, model.index_of_record(12), TimelineModel::value).startsWith(QStringLiteral("GET ")));
  }

  void client_hello_expands_into_its_fields_and_highlights_their_bytes() {
    const auto detail = load_detail(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"),
                                    QStringLiteral("tls12-ecdhe-aes128gcm.keys"), 1);
    QVERIFY(detail != nullptr);
    TimelineModel model;
    model.set_detail(detail);
    const QModelIndex hello = child_named(model, model.index_of_record(1), QStringLiteral("ClientHello"));
    QVERIFY(hello.isValid());
    const QModelIndex version = child_named(model, hello, QStringLiteral("legacy version"));
    QVERIFY(version.isValid());
    QCOMPARE(text(model, version, TimelineModel::value), QStringLiteral("TLS 1.2 (0x0303)"));
    QVERIFY(child_named(model, hello, QStringLiteral("random")).isValid());
    const QModelIndex suites = child_named(model, hello, QStringLiteral("cipher suites"));
    QVERIFY(suites.isValid());
    QVERIFY(model.rowCount(suites) >= 1);
    QCOMPARE(text(model, model.index(0, 0, suites), TimelineModel::value),
             QStringLiteral("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f)"));
    const QModelIndex extensions = child_named(model, hello, QStringLiteral("extensions"));
    QVERIFY(extensions.isValid());
    QVERIFY(model.rowCount(extensions) >= 5);

    // The field's bytes: offset 4 of the message (after the 4-byte header), two bytes.
    const ByteSelection selection = model.bytes_of(version);
    QCOMPARE(selection.start, 4);
    QCOMPARE(selection.length, 2);
    QCOMPARE(selection.data.at(0), char(1));  // handshake type client_hello
    HexView hex;
    hex.show_bytes(selection.data, selection.start, selection.length);
    QCOMPARE(hex.highlighted_hex(), QStringLiteral("03 03"));
    QVERIFY(hex.toPlainText().startsWith(QStringLiteral("00000000  01 00 ")));

    // A record node is its wire bytes, header first.
    const ByteSelection record = model.bytes_of(model.index_of_record(1));
    QCOMPARE(record.data.left(3), QByteArray::fromHex("160301"));
    QCOMPARE(record.length, record.data.size());
  }

  void decrypted_data_reads_as_text() {
    const auto detail = load_detail(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"),
                                    QStringLiteral("tls12-ecdhe-aes128gcm.keys"), 1);
    QVERIFY(detail != nullptr);
    const QString data = decrypted_data_text(*detail, false);
    QVERIFY2(data.contains(QStringLiteral("GET /")), qPrintable(data.left(300)));
    QVERIFY(data.contains(QStringLiteral("record 12  C→S")));
    const QString hex = decrypted_data_text(*detail, true);
    QVERIFY(hex.contains(QStringLiteral("00000000  47 45 54 20")));  // "GET "
  }

  void hex_view_highlights_across_lines() {
    QByteArray data(40, 'a');
    HexView hex;
    hex.show_bytes(data, 14, 4);
    QCOMPARE(hex.highlighted_hex(), QStringLiteral("61 61 61 61"));
    QCOMPARE(hex.extraSelections().size(), 4);  // hex and ASCII on each of two lines
  }

  void inspector_reads_the_selected_connection_on_demand() {
    ConnectionInspector inspector;
    const QString capture = QStringLiteral("tls12-ecdhe-aes128gcm.pcap");
    inspector.set_capture(captures_file(capture), prepared(capture, QStringLiteral("tls12-ecdhe-aes128gcm.keys")));
    QSignalSpy shown(&inspector, &ConnectionInspector::detail_shown);
    inspector.show_record(1, 12);
    QVERIFY(shown.wait(kTimeoutMs));
    QVERIFY(inspector.detail() != nullptr);
    QVERIFY2(inspector.status_text().contains(QStringLiteral("19 records")), qPrintable(inspector.status_text()));
    // Record 12 is selected and its bytes are in the hex view.
    QCOMPARE(inspector.timeline_view()->currentIndex(), inspector.timeline_model()->index_of_record(12));
    QVERIFY(!inspector.hex_view()->toPlainText().isEmpty());
    QVERIFY(inspector.data_view()->toPlainText().contains(QStringLiteral("GET /")));
  }

  void a_connection_not_in_the_capture_fails_clearly() {
    ConnectionDetailLoader loader;
    QSignalSpy failed(&loader, &ConnectionDetailLoader::detail_failed);
    const QString capture = QStringLiteral("tls12-ecdhe-aes128gcm.pcap");
    loader.load(1, captures_file(capture), prepared(capture, {}), 99);
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("#99")));
  }
};

std::unique_ptr<QObject> make_connection_detail_test() { return std::make_unique<ConnectionDetailTest>(); }

}  // namespace tlslens::gui::tests

#include "test_connection_detail.moc"
