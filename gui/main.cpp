// tlslens-gui: the Qt front end. `tlslens-gui [options] [capture]` opens the window, and the
// capture if given; -l/-k/--ca-file apply to this run only (Edit > Preferences remembers).
#include <cstdio>

#include <QApplication>
#include <QCommandLineParser>

#include "gui/load_benchmark.h"
#include "gui/main_window.h"
#include "gui/screenshot_tour.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("tlslens-gui"));
  QApplication::setApplicationVersion(QStringLiteral(TLSLENS_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("TLS traffic analyzer: the connections of a capture file."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption key_log({QStringLiteral("l"), QStringLiteral("keylog")},
                                   QStringLiteral("Decrypt with this NSS key log (SSLKEYLOGFILE)."), QStringLiteral("file"));
  const QCommandLineOption rsa_key({QStringLiteral("k"), QStringLiteral("rsa-key")},
                                   QStringLiteral("Decrypt with this RSA private key (repeatable)."), QStringLiteral("file"));
  const QCommandLineOption ca_file(QStringLiteral("ca-file"), QStringLiteral("Audit against these roots (PEM)."),
                                   QStringLiteral("file"));
  const QCommandLineOption no_audit(QStringLiteral("no-audit"), QStringLiteral("Do not audit."));
  const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                       QStringLiteral("Save screenshots of the capture's first connection into "
                                                      "this directory, then quit (scripts/screenshots.sh)."),
                                       QStringLiteral("dir"));
  const QCommandLineOption load_and_quit(
      QStringLiteral("load-and-quit"),
      QStringLiteral("Open the capture, time its load and the detail of its last connection, print the times and "
                     "the event loop's worst latency, then quit (docs/gui.md, the 1 GB measurement)."));
  parser.addOptions({key_log, rsa_key, ca_file, no_audit, screenshots, load_and_quit});
  parser.addPositionalArgument(QStringLiteral("capture"), QStringLiteral("A pcap or pcapng file to open."),
                               QStringLiteral("[capture]"));
  parser.process(app);
  const QStringList files = parser.positionalArguments();
  if (files.size() > 1) {
    std::fprintf(stderr, "tlslens-gui: one capture at a time, got %lld\n", static_cast<long long>(files.size()));
    return 2;  // the CLI's exit code for usage errors
  }

  tlslens::gui::MainWindow window;
  tlslens::gui::AnalysisSettings settings = window.analysis_settings();
  if (parser.isSet(key_log)) settings.key_log_file = parser.value(key_log);
  if (parser.isSet(rsa_key)) settings.rsa_key_files = parser.values(rsa_key);
  if (parser.isSet(ca_file)) settings.ca_file = parser.value(ca_file);
  if (parser.isSet(no_audit)) settings.audit = false;
  window.set_analysis_settings(settings, /*remember=*/false);
  if (parser.isSet(screenshots)) new tlslens::gui::ScreenshotTour(window, parser.value(screenshots));
  if (parser.isSet(load_and_quit) && files.isEmpty()) {
    std::fprintf(stderr, "tlslens-gui: --load-and-quit needs a capture\n");
    return 2;
  }
  window.show();
  if (parser.isSet(load_and_quit)) new tlslens::gui::LoadBenchmark(window);
  if (!files.isEmpty()) window.open_capture(files.first());
  return QApplication::exec();
}
