// PlaintextPcapWriter (-w FILE): the decrypted application data as a pcap of synthetic TCP
// (LINKTYPE_RAW: IPv4/IPv6 without a link header) that any TCP-aware tool (Wireshark's HTTP
// dissector, tcpflow, ...) reads as cleartext. Unlike ssldump's -w, packets carry the
// connection's real addresses and ports, so "tcp.port == 443" still finds them.
//
// Promises:
//  * Per connection: SYN, SYN-ACK, ACK at connection_started (timestamp: first packet); one
//    PSH-ACK segment per decrypted application-data record (timestamp: the segment that
//    completed the record), split into segments of at most kMaxSegmentPayload bytes; FIN-ACK
//    from each side and a last ACK at connection_ended (timestamp: last packet).
//  * Per-direction sequence numbers count plaintext bytes: the SYNs use 0, data starts at 1;
//    ACK numbers acknowledge everything the other side sent so far.
//  * IPv4 header and TCP checksums are correct.
//  * The first write error is kept (error()); close() flushes and reports it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <pcap/pcap.h>

#include "core/output/event_sink.h"

namespace tlslens {

class PlaintextPcapWriter : public EventSink {
 public:
  // Keeps an IPv4 packet (20 + 20 + payload) under the 65535-byte total length limit.
  static constexpr size_t kMaxSegmentPayload = 65000;

  PlaintextPcapWriter() = default;
  PlaintextPcapWriter(const PlaintextPcapWriter&) = delete;
  PlaintextPcapWriter& operator=(const PlaintextPcapWriter&) = delete;
  ~PlaintextPcapWriter() override;

  // False (with `error` set) when FILE cannot be created.
  bool open(const std::string& path, std::string& error);
  // Flushes and closes; false when any write failed (see error()).
  bool close();

  void connection_started(const Connection& conn) override;
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void connection_ended(const Connection& conn) override;

  const std::string& error() const { return error_; }

 private:
  struct Flow {
    uint32_t next_seq[2] = {1, 1};  // indexed by index_of(Direction)
  };
  void write_segment(const Connection& conn, Direction dir, uint32_t seq, uint32_t ack, uint8_t flags,
                     std::span<const uint8_t> payload, Timestamp ts);

  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::string path_;
  std::unordered_map<uint64_t, Flow> flows_;  // by Connection::id
  std::vector<uint8_t> packet_;               // reused packet buffer
  uint16_t ip_id_ = 0;
  std::string error_;
};

}  // namespace tlslens
