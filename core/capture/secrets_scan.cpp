#include "core/capture/secrets_scan.h"

#include <sys/stat.h>

#include "core/capture/compressed_stream.h"

namespace tlslens {

std::vector<DecryptionSecrets> scan_decryption_secrets(const std::string& path) {
  // Standard input, a pipe or a FIFO can be read only once: scanning it first would eat the
  // capture. Their embedded key logs are not used (a file is read twice; a stream once).
  struct stat info {};
  if (path == "-" || (stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))) return {};
  try {
    CaptureFileStream stream = CaptureFileStream::open(path);
    if (!stream.content_is_pcapng()) return {};
    std::unique_ptr<PcapngReader> reader = PcapngReader::open(std::move(stream), path);
    Packet packet;
    while (reader->next(packet) == ReadStatus::packet) {
    }
    return reader->decryption_secrets();
  } catch (const CaptureError&) {
    return {};
  }
}

}  // namespace tlslens
