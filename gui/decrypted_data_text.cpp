#include "gui/decrypted_data_text.h"

#include <QStringDecoder>

#include "core/tls/handshake_decoders.h"
#include "gui/hex_view.h"

namespace tlslens::gui {

namespace {

bool reads_as_text(const QByteArray& data, QString& text) {
  QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
  text = decoder.decode(data);
  if (decoder.hasError()) return false;
  for (const QChar c : text)
    if (c.category() == QChar::Other_Control && c != QLatin1Char('\n') && c != QLatin1Char('\r') &&
        c != QLatin1Char('\t'))
      return false;
  return true;
}

}  // namespace

QString decrypted_data_text(const ConnectionDetail& detail, bool always_hex) {
  QString out;
  int shown = 0;
  for (const TimelineEntry& entry : detail.entries) {
    if (entry.kind != TimelineEntry::Kind::record || !entry.decrypted ||
        entry.inner_content_type != tls::content_type::application_data)
      continue;
    ++shown;
    out += QStringLiteral("── record %1  %2  %3 s  %4 bytes%5 ──\n")
               .arg(entry.record_number)
               .arg(entry.dir == Direction::client_to_server ? QStringLiteral("C→S") : QStringLiteral("S→C"))
               .arg((entry.ts - detail.first_seen).seconds(), 0, 'f', 4)
               .arg(entry.plaintext_length)
               .arg(entry.plaintext.size() < entry.plaintext_length ? QStringLiteral(" (cut)") : QString());
    QString text;
    if (!always_hex && reads_as_text(entry.plaintext, text)) {
      out += text;
      if (!text.endsWith(QLatin1Char('\n'))) out += QLatin1Char('\n');
    } else {
      for (qsizetype offset = 0; offset < entry.plaintext.size(); offset += HexView::kBytesPerLine)
        out += HexView::dump_line(entry.plaintext, offset) + QLatin1Char('\n');
    }
  }
  if (shown == 0) return {};
  return out;
}

}  // namespace tlslens::gui
