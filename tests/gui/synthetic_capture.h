// A synthetic capture for tests that need volume: many short, complete TCP connections.
#pragma once

#include <QString>

namespace tlslens::gui::tests {

// Writes a classic pcap (Ethernet) to `path`: `connections` connections from 10.1.x.y to
// 10.2.0.1:443, each SYN, SYN+ACK, ACK with `payload_bytes` of data, then FIN from both sides.
// Returns false if the file could not be written.
bool write_synthetic_capture(const QString& path, int connections, int payload_bytes = 100);

}  // namespace tlslens::gui::tests
