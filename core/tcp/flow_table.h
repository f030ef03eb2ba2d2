// FlowTable: TCP connections keyed by their 4-tuple, each with one StreamReassembler per direction.
//
// What it promises:
//  * Connections are numbered 1, 2, 3... in order of their first packet, as tshark's
//    tcp.stream numbers them (plus one).
//  * Port reuse follows tshark 4.0's rule exactly: a segment with SYN and without ACK on a
//    known 4-tuple starts a new connection if, and only if, its sender's side has a base
//    sequence number and the SYN's sequence number differs from it. A side's base is fixed
//    by the first segment that tells it: its own first segment (the SYN's seq, else seq - 1)
//    or the other side's first segment carrying ACK (ack - 1). Whether the old connection
//    was closed does not matter: a SYN with a new ISN ends an open one (EndReason::port_reuse),
//    and a SYN repeating the base ISN stays in the old connection even after FIN or RST (so
//    after a close it is absorbed as a straggler). Checked against tshark 4.0.17 on crafted
//    captures; the cases are in tests/unit/test_flow_table.cpp.
//  * The client is the sender of the SYN (or, SYN+ACK first, its receiver). Without a
//    handshake (mid-stream pickup) the side on a port below 1024 is taken as the server when
//    the other is not; else the side on an ephemeral port (>= 32768) is taken as the client
//    when the other is not; otherwise the sender of the first packet is taken as the client.
//  * A connection ends when both directions have delivered their FIN, when either sends RST
//    (captured bytes are delivered first, then on_rst), when it has been idle longer than the
//    idle timeout (capture time), when the flow cap forces the least recently active one
//    out, when a new SYN reuses its 4-tuple, or at the end of the capture (finish() ends
//    them in the order they started). The observer hears on_connection_end exactly once,
//    after the consumer has been given every byte and gap; Connection::stats are final then.
//    Bytes and gaps flushed by an end carry the packet that ended the connection (FIN, RST)
//    or, for the other reasons, the connection's last packet.
//  * A connection closed by FIN or RST lingers (closed_linger_ns, a few bytes) so that late
//    ACKs, retransmissions and FIN-ACKs are absorbed (FlowTableStats::stragglers) instead of
//    opening a new connection. Idle-expired and evicted connections do not linger: a packet
//    after them opens a new connection (where tshark, which never forgets, would keep the
//    old stream number; likewise after a tombstone has expired).
//  * Memory is bounded by FlowLimits; evictions are counted in FlowTableStats. Entries are
//    kept in least-recently-active order, so expiry and eviction cost only what they remove,
//    and in-order traffic allocates nothing per packet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/net/tcp_segment.h"
#include "core/tcp/stream_consumer.h"
#include "core/tcp/stream_reassembler.h"

namespace tlslens {

enum class EndReason {
  fin,             // both sides sent FIN
  rst,             // a side sent RST
  idle_timeout,    // no packet for longer than the idle timeout
  evicted,         // pushed out by the flow cap
  port_reuse,      // a new SYN on the same 4-tuple started a new connection
  end_of_capture,  // still open when the capture ended
};

const char* to_string(EndReason r);

struct Connection {
  uint64_t id = 0;  // 1-based
  Endpoint client;
  Endpoint server;
  bool handshake_seen = false;  // SYN or SYN+ACK captured: client/server roles are certain
  Timestamp first_seen;
  Timestamp last_seen;
  uint64_t first_packet = 0;
  DirectionStats stats[2];  // indexed by index_of(Direction); final at on_connection_end
  EndReason end_reason = EndReason::end_of_capture;

  const DirectionStats& stats_of(Direction d) const { return stats[index_of(d)]; }
};

class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  // A new connection; the returned consumer (may be null) receives its bytes.
  virtual std::unique_ptr<StreamConsumer> on_connection_start(const Connection& conn) = 0;
  // The connection ended; its consumer has received everything and is destroyed after this call.
  virtual void on_connection_end(const Connection& conn, StreamConsumer* consumer) = 0;
};

struct FlowLimits {
  size_t max_flows = 1'000'000;                  // connections tracked at once
  size_t max_buffered_per_direction = 4u << 20;  // out-of-order bytes per direction
  size_t max_buffered_total = 256u << 20;        // out-of-order bytes across all flows
  int64_t idle_timeout_ns = 900'000'000'000;     // 15 minutes of capture time
  int64_t closed_linger_ns = 60'000'000'000;     // how long a closed connection absorbs stragglers
};

struct FlowTableStats {
  uint64_t connections = 0;  // connections started
  uint64_t active = 0;       // currently open (not counting lingering closed ones)
  uint64_t peak_active = 0;
  uint64_t ended_idle = 0;
  uint64_t evicted_by_cap = 0;
  uint64_t forced_gaps = 0;  // gaps forced by buffer caps
  uint64_t forced_gap_bytes = 0;  // bytes those gaps declared missing (given up to stay under the caps)
  uint64_t stragglers = 0;   // packets absorbed by closed connections
};

class FlowTable {
 public:
  FlowTable(const FlowLimits& limits, ConnectionObserver& observer);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  void on_segment(const TcpSegment& seg);
  // Ends connections idle at `now` (capture time). Cheap when nothing expires; the pipeline
  // calls it as capture time advances.
  void expire(Timestamp now);
  // Ends every connection (end of capture), in the order they started.
  void finish(Timestamp now);

  FlowTableStats stats() const;
  size_t tracked() const;         // entries held, lingering closed ones included
  size_t buffered_bytes() const;  // out-of-order bytes held across all connections

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tlslens
