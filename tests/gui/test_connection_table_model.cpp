// ConnectionTableModel with hand-made rows: shape, headers, what each cell shows, and that the
// proxy sorts numbers and endpoints by value, not by their text.
#include <array>

#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "gui/connection_table_model.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

using Model = ConnectionTableModel;

Endpoint ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  const std::array<uint8_t, 4> bytes{a, b, c, d};
  return Endpoint{IpAddress::v4(bytes), port};
}

ConnectionRow make_row(uint64_t id) {
  ConnectionRow row;
  row.id = id;
  row.client = ipv4(10, 0, 0, 1, 50000);
  row.server = ipv4(93, 184, 216, 34, 443);
  row.first_seen = Timestamp::from_sec_usec(1709294400, 250000);  // 2024-03-01 12:00:00.25 UTC
  row.last_seen = row.first_seen + Timestamp{1'500'000'000};
  row.packets = 42;
  row.bytes_client_to_server = 517;
  row.bytes_server_to_client = 12345;
  row.end_reason = EndReason::fin;
  row.handshake_seen = true;
  return row;
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
  return model.data(model.index(row, column), role).toString();
}

// The connection numbers down a column of the (sorted) model, top to bottom.
QList<qulonglong> numbers_in_order(const QAbstractItemModel& model) {
  QList<qulonglong> numbers;
  for (int r = 0; r < model.rowCount(); ++r) numbers.append(model.data(model.index(r, Model::number)).toULongLong());
  return numbers;
}

}  // namespace

class ConnectionTableModelTest : public QObject {
  Q_OBJECT

 private slots:
  void empty_model_has_all_columns_and_no_rows() {
    Model model;
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 18);
    // A table: items have no children.
    model.append_rows({make_row(1)});
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
    QCOMPARE(model.columnCount(model.index(0, 0)), 0);
  }

  void headers_name_every_column() {
    Model model;
    const QStringList expected{"#",         "Client",    "Server",   "SNI",          "Version", "Cipher suite",
                               "ALPN",      "Handshake", "Decrypted", "Audit",      "Bytes C→S", "Bytes S→C",
                               "Start",     "Duration",  "Packets",  "End",          "TCP open", "Gaps"};
    QStringList actual;
    for (int c = 0; c < model.columnCount(); ++c) actual.append(model.headerData(c, Qt::Horizontal).toString());
    QCOMPARE(actual, expected);
    QVERIFY(!model.headerData(Model::gaps, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
  }

  void cells_show_formatted_values() {
    Model model;
    model.append_rows({make_row(7)});
    QCOMPARE(cell(model, 0, Model::number), QStringLiteral("7"));
    QCOMPARE(cell(model, 0, Model::client), QStringLiteral("10.0.0.1:50000"));
    QCOMPARE(cell(model, 0, Model::server), QStringLiteral("93.184.216.34:443"));
    QCOMPARE(cell(model, 0, Model::start), QStringLiteral("2024-03-01 12:00:00.250000 UTC"));
    QCOMPARE(cell(model, 0, Model::duration), QStringLiteral("1.500 s"));
    QCOMPARE(cell(model, 0, Model::packets), QStringLiteral("42"));
    QCOMPARE(cell(model, 0, Model::bytes_client_to_server), QStringLiteral("517"));
    QCOMPARE(cell(model, 0, Model::bytes_server_to_client), QStringLiteral("12,345"));
    QCOMPARE(cell(model, 0, Model::end_reason), QStringLiteral("FIN"));
    QCOMPARE(cell(model, 0, Model::tcp_open), QStringLiteral("SYN seen"));
    QCOMPARE(cell(model, 0, Model::gaps), QStringLiteral("none"));
    QVERIFY(!cell(model, 0, Model::end_reason, Qt::ToolTipRole).isEmpty());
  }

  void incomplete_connections_are_marked() {
    ConnectionRow row = make_row(1);
    row.handshake_seen = false;
    row.gaps = 2;
    row.gap_bytes = 2920;
    Model model;
    model.append_rows({row});
    QCOMPARE(cell(model, 0, Model::tcp_open), QStringLiteral("mid-stream"));
    QCOMPARE(cell(model, 0, Model::gaps), QStringLiteral("2 (2,920 bytes)"));
    // Coloured so they stand out; a complete connection's cells are not.
    QVERIFY(model.data(model.index(0, Model::gaps), Qt::ForegroundRole).isValid());
    QVERIFY(model.data(model.index(0, Model::tcp_open), Qt::ForegroundRole).isValid());
    model.append_rows({make_row(2)});
    QVERIFY(!model.data(model.index(1, Model::gaps), Qt::ForegroundRole).isValid());
  }

  void numbers_are_right_aligned() {
    Model model;
    model.append_rows({make_row(1)});
    const auto alignment = [&](int column) {
      return Qt::Alignment(model.data(model.index(0, column), Qt::TextAlignmentRole).toInt());
    };
    QVERIFY(alignment(Model::bytes_server_to_client) & Qt::AlignRight);
    QVERIFY(alignment(Model::client) & Qt::AlignLeft);
  }

  void invalid_index_has_no_data() {
    Model model;
    model.append_rows({make_row(1)});
    QVERIFY(!model.data(QModelIndex()).isValid());
    QVERIFY(!model.data(model.index(5, 0)).isValid());
  }

  void batches_insert_rows_once_each_and_clear_resets() {
    Model model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.append_rows({make_row(1), make_row(2), make_row(3)});
    model.append_rows({});
    model.append_rows({make_row(4), make_row(5)});
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 3);  // first new row
    QCOMPARE(inserted.at(1).at(2).toInt(), 4);  // last new row
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.row_at(4).id, 5u);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void proxy_sorts_bytes_numerically() {
    ConnectionRow small = make_row(1), large = make_row(2), medium = make_row(3);
    small.bytes_server_to_client = 50;
    large.bytes_server_to_client = 10000;  // "10,000" sorts before "50" as text
    medium.bytes_server_to_client = 900;
    Model model;
    model.append_rows({small, large, medium});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(Model::SortRole);

    proxy.sort(Model::bytes_server_to_client, Qt::AscendingOrder);
    QCOMPARE(numbers_in_order(proxy), (QList<qulonglong>{1, 3, 2}));
    proxy.sort(Model::bytes_server_to_client, Qt::DescendingOrder);
    QCOMPARE(numbers_in_order(proxy), (QList<qulonglong>{2, 3, 1}));
  }

  void proxy_sorts_endpoints_by_address_then_port() {
    ConnectionRow a = make_row(1), b = make_row(2), c = make_row(3), d = make_row(4);
    a.client = ipv4(10, 0, 0, 1, 50000);
    b.client = ipv4(10, 0, 0, 1, 6000);  // as text "…:6000" > "…:50000"
    c.client = ipv4(9, 0, 0, 200, 1);    // as text "9." > "10."
    d.client = ipv4(192, 168, 1, 1, 1);
    Model model;
    model.append_rows({a, b, c, d});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(Model::SortRole);

    proxy.sort(Model::client, Qt::AscendingOrder);
    QCOMPARE(numbers_in_order(proxy), (QList<qulonglong>{3, 2, 1, 4}));
  }

  void proxy_sorts_by_number_duration_and_gaps() {
    ConnectionRow a = make_row(10), b = make_row(9), c = make_row(100);
    a.last_seen = a.first_seen + Timestamp{20'000'000'000};  // 20 s
    b.last_seen = b.first_seen + Timestamp{3'000'000'000};   // 3 s
    c.last_seen = c.first_seen + Timestamp{100'000'000};     // 0.1 s
    b.gaps = 1;
    b.gap_bytes = 100;
    Model model;
    model.append_rows({a, b, c});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(Model::SortRole);

    proxy.sort(Model::number, Qt::AscendingOrder);
    QCOMPARE(numbers_in_order(proxy), (QList<qulonglong>{9, 10, 100}));
    proxy.sort(Model::duration, Qt::AscendingOrder);
    QCOMPARE(numbers_in_order(proxy), (QList<qulonglong>{100, 9, 10}));
    proxy.sort(Model::gaps, Qt::DescendingOrder);
    QCOMPARE(numbers_in_order(proxy).first(), 9u);
  }

  void live_rows_are_replaced_when_their_connection_ends() {
    ConnectionTableModel model;
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    ConnectionRow open_row = make_row(1);
    open_row.open = true;
    ConnectionRow other_open = make_row(2);
    other_open.open = true;
    model.update_or_append_rows({open_row});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cell(model, 0, ConnectionTableModel::end_reason), QStringLiteral("open"));
    QCOMPARE(cell(model, 0, ConnectionTableModel::handshake), QStringLiteral("in progress"));

    // Connection 1 ends; connection 2 starts and ends within one batch.
    model.update_or_append_rows({make_row(1), other_open, make_row(2)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.row_of(1), 0);
    QCOMPARE(model.row_of(2), 1);
    QVERIFY(!model.row_at(0).open);
    QVERIFY(!model.row_at(1).open);
    QVERIFY(cell(model, 0, ConnectionTableModel::end_reason) != QStringLiteral("open"));
  }
};

std::unique_ptr<QObject> make_connection_table_model_test() {
  return std::make_unique<ConnectionTableModelTest>();
}

}  // namespace tlslens::gui::tests

#include "test_connection_table_model.moc"
