#include "gui/hex_view.h"

#include <algorithm>

#include <QFontDatabase>
#include <QTextBlock>

namespace tlslens::gui {

namespace {

constexpr int kOffsetWidth = 10;  // "00000010  "
// Hex column of byte i of a line: two digits and a space each, one extra space after eight.
int hex_column(int i) { return kOffsetWidth + 3 * i + (i >= 8 ? 1 : 0); }
constexpr int kAsciiColumn = kOffsetWidth + 3 * HexView::kBytesPerLine + 2;

}  // namespace

HexView::HexView(QWidget* parent) : QPlainTextEdit(parent) {
  setReadOnly(true);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setPlaceholderText(tr("Select a record, message or field to see its bytes"));
}

QString HexView::dump_line(const QByteArray& data, qsizetype offset) {
  QString line = QStringLiteral("%1  ").arg(offset, 8, 16, QLatin1Char('0'));
  QString ascii;
  for (int i = 0; i < kBytesPerLine; ++i) {
    if (i == 8) line += QLatin1Char(' ');
    const qsizetype at = offset + i;
    if (at < data.size()) {
      const auto byte = static_cast<unsigned char>(data[at]);
      line += QStringLiteral("%1 ").arg(byte, 2, 16, QLatin1Char('0'));
      ascii += byte >= 0x20 && byte < 0x7f ? QChar(byte) : QLatin1Char('.');
    } else {
      line += QStringLiteral("   ");
    }
  }
  return line + QLatin1Char(' ') + ascii;
}

void HexView::show_bytes(const QByteArray& data, qsizetype highlight_start, qsizetype highlight_length) {
  const qsizetype shown = std::min(data.size(), kMaxShownBytes);
  QString text;
  text.reserve((shown / kBytesPerLine + 2) * (kAsciiColumn + kBytesPerLine + 1));
  for (qsizetype offset = 0; offset < shown; offset += kBytesPerLine) {
    if (offset > 0) text += QLatin1Char('\n');
    text += dump_line(data.left(shown), offset);
  }
  if (shown < data.size())
    text += QStringLiteral("\n… %1 more bytes not shown").arg(data.size() - shown);
  setPlainText(text);
  highlight_start_ = std::clamp<qsizetype>(highlight_start, 0, shown);
  highlight_length_ = std::clamp<qsizetype>(highlight_length, 0, shown - highlight_start_);
  highlight(highlight_start_, highlight_length_);
}

void HexView::highlight(qsizetype start, qsizetype length) {
  QList<QTextEdit::ExtraSelection> selections;
  QTextCharFormat format;
  format.setBackground(palette().highlight());
  format.setForeground(palette().highlightedText());
  for (qsizetype at = start; at < start + length;) {
    const auto line = static_cast<int>(at / kBytesPerLine);
    const auto first = static_cast<int>(at % kBytesPerLine);
    const int last = static_cast<int>(std::min<qsizetype>(kBytesPerLine - 1, first + (start + length - at) - 1));
    const QTextBlock block = document()->findBlockByNumber(line);
    if (!block.isValid()) break;
    QTextCursor hex(block);
    hex.setPosition(block.position() + hex_column(first));
    hex.setPosition(block.position() + hex_column(last) + 2, QTextCursor::KeepAnchor);
    QTextCursor ascii(block);
    ascii.setPosition(block.position() + kAsciiColumn + first);
    ascii.setPosition(block.position() + kAsciiColumn + last + 1, QTextCursor::KeepAnchor);
    selections.append({hex, format});
    selections.append({ascii, format});
    at += last - first + 1;
  }
  setExtraSelections(selections);
  if (!selections.isEmpty()) {
    QTextCursor cursor = selections.first().cursor;
    cursor.clearSelection();
    setTextCursor(cursor);
    ensureCursorVisible();
  }
}

QString HexView::highlighted_hex() const {
  QStringList parts;
  const QList<QTextEdit::ExtraSelection> selections = extraSelections();
  for (qsizetype i = 0; i < selections.size(); i += 2) parts.append(selections[i].cursor.selectedText());
  return parts.join(QLatin1Char(' ')).simplified();
}

}  // namespace tlslens::gui
