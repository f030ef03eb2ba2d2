#include "gui/display_format.h"

#include <QByteArray>
#include <QLocale>

namespace tlslens::gui {

QString format_count(uint64_t n) {
  static const QLocale grouping_locale(QLocale::English, QLocale::UnitedStates);
  return grouping_locale.toString(static_cast<qulonglong>(n));
}

QString format_duration(Timestamp duration) {
  return QStringLiteral("%1 s").arg(duration.seconds(), 0, 'f', 3);
}

QString format_capture_time(Timestamp t) {
  return QString::fromStdString(format_utc(t));
}

QString format_endpoint(const Endpoint& endpoint) {
  return QString::fromStdString(endpoint.to_string());
}

QString endpoint_sort_key(const Endpoint& endpoint) {
  QByteArray key;
  key.reserve(1 + static_cast<qsizetype>(endpoint.addr.bytes.size()) + 2);
  key.append(static_cast<char>(endpoint.addr.version));
  for (uint8_t b : endpoint.addr.bytes) key.append(static_cast<char>(b));
  // Big-endian, so byte-wise comparison orders ports numerically.
  key.append(static_cast<char>(endpoint.port >> 8));
  key.append(static_cast<char>(endpoint.port & 0xff));
  return QString::fromLatin1(key.toHex());
}

}  // namespace tlslens::gui
