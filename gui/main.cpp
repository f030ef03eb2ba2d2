// tlslens-gui: the Qt front end. `tlslens-gui [capture]` opens the window, and the capture if given.
#include <cstdio>

#include <QApplication>
#include <QCommandLineParser>

#include "gui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("tlslens-gui"));
  QApplication::setApplicationVersion(QStringLiteral(TLSLENS_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("TLS traffic analyzer: the connections of a capture file."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("capture"), QStringLiteral("A pcap or pcapng file to open."),
                               QStringLiteral("[capture]"));
  parser.process(app);
  const QStringList files = parser.positionalArguments();
  if (files.size() > 1) {
    std::fprintf(stderr, "tlslens-gui: one capture at a time, got %lld\n", static_cast<long long>(files.size()));
    return 2;  // the CLI's exit code for usage errors
  }

  tlslens::gui::MainWindow window;
  window.show();
  if (!files.isEmpty()) window.open_capture(files.first());
  return QApplication::exec();
}
