// PacketSource: where packets come from — a capture file or a live interface.
//
// Promises:
//  * Files are read by libpcap (pcap and pcapng, µs and ns timestamps). A pcapng file whose
//    interfaces have different link types, which libpcap refuses, is read by our own
//    PcapngReader so that each packet keeps its own interface's link type.
//  * gzip, zstd and lz4 compressed files are recognised by their magic bytes and read
//    transparently (decompressed as a stream; the file is never fully inflated in memory).
//  * A BPF filter is compiled with pcap_compile and applied to every packet (per link type
//    when a file mixes link types).
//  * Opening errors are thrown as CaptureError with a kind and a one-line message.
//  * A file that ends in the middle of a packet: every complete packet is delivered, then
//    next() returns ReadStatus::truncated with a message.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/capture/packet.h"

namespace tlslens {

enum class CaptureErrorKind {
  file_not_found,
  not_a_capture,
  unsupported_link_type,
  invalid_filter,
  permission_denied,
  no_such_interface,
  other,
};

class CaptureError : public std::runtime_error {
 public:
  CaptureError(CaptureErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  CaptureErrorKind kind() const { return kind_; }

 private:
  CaptureErrorKind kind_;
};

enum class ReadStatus {
  packet,     // `out` holds the next packet
  end,        // no more packets (end of file, or a live capture was stopped)
  timeout,    // live capture: no packet within the read timeout; call again
  truncated,  // the file ends in the middle of a packet or header; error() says where
  error,      // any other read error; error() says what
};

struct CaptureStats {
  uint64_t packets = 0;            // packets delivered
  uint64_t cut_by_snaplen = 0;     // packets whose captured length < wire length
  uint64_t filtered_out = 0;       // files: records the BPF filter rejected (live: 0, the kernel filters)
  uint64_t kernel_dropped = 0;     // live: ps_drop from pcap_stats
  uint64_t interface_dropped = 0;  // live: ps_ifdrop
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;

  // Reads the next packet. The packet's bytes stay valid until the next call.
  virtual ReadStatus next(Packet& out) = 0;
  // The reason for the last truncated/error status.
  virtual const std::string& error() const = 0;
  // Makes a blocked next() on a live source return ReadStatus::end; safe from another thread.
  virtual void stop() {}
  virtual CaptureStats stats() const = 0;
  // The link type of the first interface (for writing a capture of what was read).
  virtual int link_type() const = 0;
  virtual int snaplen() const = 0;
  // A short description for messages: the file name or "interface eth0".
  virtual const std::string& description() const = 0;
};

struct FileOptions {
  std::string path;
  std::string filter;  // BPF expression; empty = everything
};

struct LiveOptions {
  std::string interface;
  std::string filter;
  int snaplen = 262144;
  bool promiscuous = true;
  bool immediate = true;
  int buffer_size = 16 * 1024 * 1024;  // bytes; 0 = libpcap's default
  int read_timeout_ms = 200;           // how often next() returns timeout when idle
};

std::unique_ptr<PacketSource> open_capture_file(const FileOptions& options);
std::unique_ptr<PacketSource> open_live_capture(const LiveOptions& options);

struct InterfaceInfo {
  std::string name;
  std::string description;
  std::vector<std::string> addresses;
  bool loopback = false;
  bool up = false;
  bool running = false;
};

// pcap_findalldevs, as `tcpdump -D` shows it. Throws CaptureError on failure.
std::vector<InterfaceInfo> list_interfaces();

// A human name for a DLT_* value ("EN10MB", "LINUX_SLL2", ...).
std::string link_type_name(int link_type);

}  // namespace tlslens
