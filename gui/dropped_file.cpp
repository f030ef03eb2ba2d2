#include "gui/dropped_file.h"

#include <QFile>

namespace tlslens::gui {

namespace {

constexpr qint64 kSniffBytes = 4096;

bool starts_with_magic(const QByteArray& head) {
  static const QByteArray kMagics[] = {
      QByteArray::fromHex("d4c3b2a1"), QByteArray::fromHex("a1b2c3d4"),  // pcap (µs)
      QByteArray::fromHex("4d3cb2a1"), QByteArray::fromHex("a1b23c4d"),  // pcap (ns)
      QByteArray::fromHex("0a0d0d0a"),                                    // pcapng
      QByteArray::fromHex("1f8b"),                                        // gzip
      QByteArray::fromHex("28b52ffd"),                                    // zstd
      QByteArray::fromHex("04224d18"),                                    // lz4
  };
  for (const QByteArray& magic : kMagics)
    if (head.startsWith(magic)) return true;
  return false;
}

}  // namespace

DroppedFileKind classify_dropped_file(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return DroppedFileKind::unknown;
  const QByteArray head = file.read(kSniffBytes);
  if (starts_with_magic(head)) return DroppedFileKind::capture;
  if (head.contains("PRIVATE KEY-----")) return DroppedFileKind::rsa_key;
  if (head.contains("-----BEGIN CERTIFICATE-----") || head.contains("-----BEGIN TRUSTED CERTIFICATE-----"))
    return DroppedFileKind::ca_file;
  static const char* const kLabels[] = {"CLIENT_RANDOM ", "CLIENT_HANDSHAKE_TRAFFIC_SECRET ",
                                        "SERVER_HANDSHAKE_TRAFFIC_SECRET ", "CLIENT_TRAFFIC_SECRET_0 ",
                                        "SERVER_TRAFFIC_SECRET_0 ", "RSA ", "CLIENT_EARLY_TRAFFIC_SECRET "};
  for (const char* label : kLabels)
    if (head.startsWith(label) || head.contains(QByteArray("\n") + label)) return DroppedFileKind::key_log;
  if (head.startsWith("# ") && head.contains("_SECRET")) return DroppedFileKind::key_log;
  return DroppedFileKind::unknown;
}

}  // namespace tlslens::gui
