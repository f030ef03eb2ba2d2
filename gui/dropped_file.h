// What a file dropped on the window (or named on the command line) is: a capture, a key log,
// an RSA private key, or certificates to trust — judged by its first bytes, not its name:
// pcap/pcapng magic (or gzip/zstd/lz4, which only captures come in), a key log label
// (CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, ...), a PEM private key, PEM certificates.
#pragma once

#include <QString>

namespace tlslens::gui {

enum class DroppedFileKind { capture, key_log, rsa_key, ca_file, unknown };

DroppedFileKind classify_dropped_file(const QString& path);

}  // namespace tlslens::gui
