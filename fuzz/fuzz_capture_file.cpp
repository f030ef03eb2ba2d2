// Fuzzes the whole pipeline from file bytes: libpcap or our pcapng reader (including the
// decompressors, selected by magic bytes), link/IP/TCP decoding, reassembly, text output.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/capture/packet_source.h"
#include "core/output/output_stream.h"
#include "core/output/text_printer.h"
#include "core/pipeline/analyzer.h"

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
