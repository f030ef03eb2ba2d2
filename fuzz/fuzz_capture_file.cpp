// Fuzzes the whole pipeline from file bytes: libpcap or our pcapng reader (including the
// decompressors, selected by magic bytes), link/IP/TCP decoding, reassembly, text output.
// Also the pre-pass for embedded secrets (scan_decryption_secrets), against PcapngReader: for
// an uncompressed pcapng file it must find what PcapngReader records, and when PcapngReader
// stops at a packet it cannot interpret, those and possibly more after it; and split between
// two walkers at any point, the same.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/capture/packet_source.h"
#include "core/capture/secrets_scan.h"
#include "core/output/output_stream.h"
#include "core/output/text_printer.h"
#include "core/pipeline/analyzer.h"

namespace {

void check_secrets_scan(const char* path, const uint8_t* data, size_t size) {
  const std::vector<tlslens::DecryptionSecrets> scanned = tlslens::scan_decryption_secrets(path);
  const bool plain_pcapng = size >= 4 && data[0] == 0x0a && data[1] == 0x0d && data[2] == 0x0d && data[3] == 0x0a;
  if (!plain_pcapng) return;
  // Split in two walks anywhere, the scan finds the same.
  for (const uint64_t split : {uint64_t{size / 2}, uint64_t{size / 3 + 1}, uint64_t{size - size / 8}}) {
    const std::vector<tlslens::DecryptionSecrets> halves = tlslens::detail::scan_decryption_secrets_split(path, split);
    if (halves.size() != scanned.size()) abort();
    for (size_t i = 0; i < halves.size(); ++i)
      if (halves[i].type != scanned[i].type || halves[i].data != scanned[i].data) abort();
  }
  std::vector<tlslens::DecryptionSecrets> read;
  tlslens::ReadStatus status = tlslens::ReadStatus::error;
  try {
    auto reader = tlslens::PcapngReader::open(tlslens::CaptureFileStream::open(path), path);
    tlslens::Packet packet;
    for (int i = 0; i < 1000000 && (status = reader->next(packet)) == tlslens::ReadStatus::packet; ++i) {
    }
    read = reader->decryption_secrets();
  } catch (const tlslens::CaptureError&) {
  }
  // Where PcapngReader read to the end or met broken framing the two agree exactly; a packet
  // it cannot interpret stops it early, and the scan goes on.
  if (read.size() > scanned.size() || (status == tlslens::ReadStatus::end && read.size() != scanned.size())) abort();
  for (size_t i = 0; i < read.size(); ++i)
    if (read[i].type != scanned[i].type || read[i].data != scanned[i].data) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char path[] = "/tmp/tlslens-fuzz-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    unlink(path);
    return 0;
  }
  close(fd);
  check_secrets_scan(path, data, size);
  try {
    auto source = tlslens::open_capture_file(tlslens::FileOptions{path, ""});
    std::FILE* devnull = std::fopen("/dev/null", "w");
    {
      tlslens::OutputStream out(devnull);
      tlslens::TextPrinter printer(out, {});
      tlslens::AnalyzerOptions options;
      options.flow_limits.max_flows = 64;
      options.flow_limits.max_buffered_total = 1 << 20;
      tlslens::Analyzer analyzer(options, printer);
      tlslens::Packet packet;
      for (int i = 0; i < 100000 && source->next(packet) == tlslens::ReadStatus::packet; ++i) analyzer.process(packet);
      analyzer.finish();
    }
    std::fclose(devnull);
  } catch (const tlslens::CaptureError&) {
  }
  unlink(path);
  return 0;
}
