// The GUI tests are one executable (gui_tests) built from every tests/gui/*.cpp. Each test file
// holds one Qt Test class and a function that makes it; gui_test_main.cpp runs them all under one
// QApplication.
#pragma once

#include <memory>

#include <QObject>
#include <QString>

namespace tlslens::gui::tests {

std::unique_ptr<QObject> make_connection_table_model_test();
std::unique_ptr<QObject> make_capture_loader_test();
std::unique_ptr<QObject> make_main_window_test();
std::unique_ptr<QObject> make_connection_filter_test();
std::unique_ptr<QObject> make_tls_rows_test();
std::unique_ptr<QObject> make_connection_detail_test();
std::unique_ptr<QObject> make_certificate_view_test();
std::unique_ptr<QObject> make_audit_panel_test();
std::unique_ptr<QObject> make_live_capture_test();
std::unique_ptr<QObject> make_exports_test();
std::unique_ptr<QObject> make_offset_index_test();

// The path of a file under the source tree's captures/ (TLSLENS_SOURCE_DIR, or the tree the test
// was compiled from).
QString captures_file(const QString& relative_path);

// The path of a file of the shared corpus (../shared beside the source tree), or an empty string
// when the corpus is not present on this machine.
QString shared_corpus_file(const QString& relative_path);

inline const QString kChacha20Capture = QStringLiteral("corpus/wireshark/captures/tls12-chacha20poly1305.pcap");

}  // namespace tlslens::gui::tests
