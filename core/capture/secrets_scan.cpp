#include "core/capture/secrets_scan.h"

#include "core/capture/compressed_stream.h"

namespace tlslens {

std::vector<DecryptionSecrets> scan_decryption_secrets(const std::string& path) {
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
