// Runs every GUI test class; the exit status is non-zero if any test failed.
//
// Qt Test's command line names test functions of one class. With several classes in one
// executable, each class is given only the names it has (and skipped if names were given and
// none is its), so `gui_tests proxy_sorts_bytes_numerically` works as with a single class.
#include <memory>
#include <vector>

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMetaMethod>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

QString shared_corpus_file(const QString& relative_path) {
  // ctest sets TLSLENS_SOURCE_DIR; run by hand, the test finds the tree it was compiled from.
  QString shared_dir = qEnvironmentVariable("TLSLENS_SHARED_DIR");
  if (shared_dir.isEmpty()) {
    QString source_dir = qEnvironmentVariable("TLSLENS_SOURCE_DIR");
    if (source_dir.isEmpty()) source_dir = QFileInfo(QStringLiteral(__FILE__)).absoluteDir().filePath("../..");
    shared_dir = QDir(source_dir).filePath(QStringLiteral("../shared"));
  }
  const QString path = QDir::cleanPath(QDir(shared_dir).filePath(relative_path));
  return QFileInfo::exists(path) ? path : QString();
}

QString captures_file(const QString& relative_path) {
  QString source_dir = qEnvironmentVariable("TLSLENS_SOURCE_DIR");
  if (source_dir.isEmpty()) source_dir = QFileInfo(QStringLiteral(__FILE__)).absoluteDir().filePath("../..");
  return QDir::cleanPath(QDir(source_dir).filePath(QStringLiteral("captures/") + relative_path));
}

}  // namespace tlslens::gui::tests

namespace {

bool has_test_function(const QObject& test, const QString& name_and_tag) {
  const QByteArray name = name_and_tag.section(QLatin1Char(':'), 0, 0).toUtf8();
  const QMetaObject* meta = test.metaObject();
  for (int i = meta->methodOffset(); i < meta->methodCount(); ++i) {
    const QMetaMethod method = meta->method(i);
    if (method.methodType() == QMetaMethod::Slot && method.parameterCount() == 0 && method.name() == name) return true;
  }
  return false;
}

// The arguments for one test class, or an empty list when the command line names only other
// classes' functions.
QStringList arguments_for(const QObject& test, const QStringList& all) {
  static const QSet<QString> options_with_value{QStringLiteral("-o"),          QStringLiteral("-maxwarnings"),
                                                QStringLiteral("-eventdelay"), QStringLiteral("-keydelay"),
                                                QStringLiteral("-mousedelay"), QStringLiteral("-seed"),
                                                QStringLiteral("-platform"),   QStringLiteral("-repeat")};
  QStringList mine{all.first()};
  bool names_given = false;
  bool names_mine = false;
  for (qsizetype i = 1; i < all.size(); ++i) {
    const QString& arg = all[i];
    if (options_with_value.contains(arg) && i + 1 < all.size()) {
      mine << arg << all[++i];
    } else if (arg.startsWith(QLatin1Char('-'))) {
      mine << arg;
    } else {
      names_given = true;
      if (has_test_function(test, arg)) {
        mine << arg;
        names_mine = true;
      }
    }
  }
  if (names_given && !names_mine) return {};
  return mine;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  // The window remembers settings and recent files; tests must not touch the user's.
  QStandardPaths::setTestModeEnabled(true);
  namespace t = tlslens::gui::tests;
  std::vector<std::unique_ptr<QObject>> tests;
  tests.push_back(t::make_connection_table_model_test());
  tests.push_back(t::make_capture_loader_test());
  tests.push_back(t::make_main_window_test());
  tests.push_back(t::make_connection_filter_test());
  tests.push_back(t::make_tls_rows_test());
  tests.push_back(t::make_connection_detail_test());
  tests.push_back(t::make_certificate_view_test());
  tests.push_back(t::make_audit_panel_test());
  tests.push_back(t::make_live_capture_test());
  tests.push_back(t::make_exports_test());
  tests.push_back(t::make_offset_index_test());

  const QStringList arguments = QCoreApplication::arguments();
  int failures = 0;
  for (const auto& test : tests) {
    const QStringList mine = arguments_for(*test, arguments);
    if (mine.isEmpty()) continue;
    failures += QTest::qExec(test.get(), mine);
  }
  return failures == 0 ? 0 : 1;
}
