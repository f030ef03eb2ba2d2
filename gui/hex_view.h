// HexView: a read-only hex dump (offset, 16 bytes in hex, the same bytes as ASCII) that
// highlights one range, in hex and ASCII alike, and scrolls to it.
//
// Lines look like `00000010  16 03 01 02 00 01 00 01  fc 03 03 6e 6e fd 14 e0  ...........nn...`.
// Only the first kMaxShownBytes are dumped; the view says so when there are more.
#pragma once

#include <QByteArray>
#include <QPlainTextEdit>

namespace tlslens::gui {

class HexView final : public QPlainTextEdit {
  Q_OBJECT

 public:
  static constexpr qsizetype kMaxShownBytes = 1024 * 1024;
  static constexpr int kBytesPerLine = 16;

  explicit HexView(QWidget* parent = nullptr);

  void show_bytes(const QByteArray& data, qsizetype highlight_start = 0, qsizetype highlight_length = 0);

  // For tests: the highlighted range as given, and the dump's text.
  qsizetype highlight_start() const { return highlight_start_; }
  qsizetype highlight_length() const { return highlight_length_; }
  // The text of the highlighted hex digits, e.g. "03 03" (what a user sees marked).
  QString highlighted_hex() const;

  // One dump line for `data` starting at byte `offset` (exposed for tests).
  static QString dump_line(const QByteArray& data, qsizetype offset);

 private:
  void highlight(qsizetype start, qsizetype length);

  qsizetype highlight_start_ = 0;
  qsizetype highlight_length_ = 0;
};

}  // namespace tlslens::gui
