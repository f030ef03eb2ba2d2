// FlowTable: connection numbering (matched against tshark's tcp.stream), roles, the ways a
// connection ends, lingering after close, idle expiry, the flow cap, and finish().
#include "core/tcp/flow_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tlslens {
namespace {

using Events = std::vector<std::string>;
using tcp_flags::ack;
using tcp_flags::fin;
using tcp_flags::psh;
using tcp_flags::rst;
using tcp_flags::syn;

// Logs what the table reports, one string per event, e.g. "#1 C>S data:hello".
class RecordingConsumer final : public StreamConsumer {
 public:
  RecordingConsumer(Events& log, uint64_t id) : log_(log), prefix_("#" + std::to_string(id) + " ") {}
  void on_data(Direction dir, std::span<const uint8_t> bytes, const SegmentInfo&) override {
    log_.push_back(prefix_ + arrow(dir) + " data:" + std::string(bytes.begin(), bytes.end()));
  }
  void on_gap(Direction dir, uint64_t missing_bytes, const SegmentInfo&) override {
    log_.push_back(prefix_ + arrow(dir) + " gap:" + std::to_string(missing_bytes));
  }
  void on_fin(Direction dir, const SegmentInfo&) override { log_.push_back(prefix_ + arrow(dir) + " fin"); }
  void on_rst(Direction dir, const SegmentInfo&) override { log_.push_back(prefix_ + arrow(dir) + " rst"); }

 private:
  Events& log_;
  std::string prefix_;
};

class RecordingObserver final : public ConnectionObserver {
 public:
  std::unique_ptr<StreamConsumer> on_connection_start(const Connection& conn) override {
    log.push_back("start #" + std::to_string(conn.id) + " " + conn.client.to_string() + " > " +
                  conn.server.to_string() + (conn.handshake_seen ? " handshake" : " midstream"));
    return std::make_unique<RecordingConsumer>(log, conn.id);
  }
  void on_connection_end(const Connection& conn, StreamConsumer* consumer) override {
    log.push_back("end #" + std::to_string(conn.id) + " " + to_string(conn.end_reason));
    EXPECT_NE(consumer, nullptr);
    ended.push_back(conn);
  }

  Events log;
  std::vector<Connection> ended;
};

Endpoint endpoint(const char* address, uint16_t port) {
  return {IpAddress::parse(address), port};
}

// Builds segments between two endpoints, with capture time advancing 1 ms per packet.
class Wire {
 public:
  Wire(Endpoint client, Endpoint server) : client_(client), server_(server) {}
  Wire() : Wire(endpoint("10.0.0.1", 40000), endpoint("10.0.0.2", 443)) {}

  TcpSegment c2s(uint8_t flags, uint32_t seq, uint32_t ack_number = 0, std::string_view payload = {}) {
    return make(client_, server_, flags, seq, ack_number, payload);
  }
  TcpSegment s2c(uint8_t flags, uint32_t seq, uint32_t ack_number = 0, std::string_view payload = {}) {
    return make(server_, client_, flags, seq, ack_number, payload);
  }
  void advance_seconds(int64_t seconds) { now_ns_ += seconds * 1'000'000'000; }
  Timestamp now() const { return {now_ns_}; }
  uint64_t packets() const { return packet_number_; }

 private:
  TcpSegment make(const Endpoint& src, const Endpoint& dst, uint8_t flags, uint32_t seq, uint32_t ack_number,
                  std::string_view payload) {
    TcpSegment seg;
    now_ns_ += 1'000'000;
    seg.ts = Timestamp{now_ns_};
    seg.packet_number = ++packet_number_;
    seg.src = src;
    seg.dst = dst;
    seg.seq = seq;
    seg.ack = ack_number;
    seg.flags = flags;
    seg.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    return seg;
  }

  Endpoint client_;
  Endpoint server_;
  int64_t now_ns_ = 1'700'000'000'000'000'000;
  uint64_t packet_number_ = 0;
};

// The handshake, "hello" / "world", FIN from the client, FIN from the server, last ACK —
// the same eight packets as the tshark reference captures described below.
std::vector<TcpSegment> full_connection(Wire& w, uint32_t c, uint32_t s) {
  return {w.c2s(syn, c),
          w.s2c(syn | ack, s, c + 1),
          w.c2s(ack, c + 1, s + 1),
          w.c2s(psh | ack, c + 1, s + 1, "hello"),
          w.s2c(psh | ack, s + 1, c + 6, "world"),
          w.c2s(fin | ack, c + 6, s + 6),
          w.s2c(fin | ack, s + 6, c + 7),
          w.c2s(ack, c + 7, s + 7)};
}

struct Table {
  explicit Table(FlowLimits limits = {}) : table(limits, observer) {}
  void feed(const TcpSegment& seg) { table.on_segment(seg); }
  void feed(const std::vector<TcpSegment>& segs) {
    for (const auto& seg : segs) table.on_segment(seg);
  }
  RecordingObserver observer;
  FlowTable table;
};

TEST(FlowTable, CompleteConnectionDeliversBothDirectionsAndEndsOnTheSecondFin) {
  Wire w;
  Table t;
  t.feed(full_connection(w, 1000, 5000));
  EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:hello",
                                    "#1 S>C data:world", "#1 C>S fin", "#1 S>C fin", "end #1 fin"}));
  ASSERT_EQ(t.observer.ended.size(), 1u);
  const Connection& conn = t.observer.ended[0];
  EXPECT_EQ(conn.end_reason, EndReason::fin);
  EXPECT_TRUE(conn.handshake_seen);
  EXPECT_EQ(conn.first_packet, 1u);
  EXPECT_EQ(conn.stats_of(Direction::client_to_server).segments, 4u);  // the last ACK comes after the end
  EXPECT_EQ(conn.stats_of(Direction::server_to_client).segments, 3u);
  EXPECT_EQ(conn.stats_of(Direction::client_to_server).delivered_bytes, 5u);
  EXPECT_EQ(conn.stats_of(Direction::server_to_client).payload_bytes, 5u);
  EXPECT_TRUE(conn.stats_of(Direction::server_to_client).fin_seen);
  const FlowTableStats s = t.table.stats();
  EXPECT_EQ(s.connections, 1u);
  EXPECT_EQ(s.active, 0u);
  EXPECT_EQ(s.peak_active, 1u);
  EXPECT_EQ(s.stragglers, 1u);  // the final ACK, absorbed by the closed connection
  EXPECT_EQ(t.table.tracked(), 1u);
  t.table.finish(w.now());
  EXPECT_EQ(t.observer.log.size(), 6u);  // already ended: finish() reports nothing more
  EXPECT_EQ(t.table.tracked(), 0u);
}

TEST(FlowTable, RstDeliversWhatWasCapturedThenTheReset) {
  Wire w;
  Table t;
  t.feed({w.c2s(syn, 1000), w.s2c(syn | ack, 5000, 1001), w.c2s(ack, 1001, 5001),
          w.c2s(psh | ack, 1006, 5001, "later"),  // out of order: [0,5) was not captured
          w.s2c(rst | ack, 5001, 1001)});
  EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S gap:5",
                                    "#1 C>S data:later", "#1 S>C rst", "end #1 rst"}));
  ASSERT_EQ(t.observer.ended.size(), 1u);
  EXPECT_TRUE(t.observer.ended[0].stats_of(Direction::server_to_client).rst_seen);
  EXPECT_EQ(t.observer.ended[0].stats_of(Direction::client_to_server).out_of_order_segments, 1u);
  // Packets still in flight after the reset are absorbed, not a new connection.
  t.feed(w.c2s(psh | ack, 1011, 5001, "more"));
  t.feed(w.s2c(rst, 5001));
  EXPECT_EQ(t.table.stats().connections, 1u);
  EXPECT_EQ(t.table.stats().stragglers, 2u);
}

TEST(FlowTable, HalfCloseKeepsTheOtherDirectionOpenUntilItsFin) {
  Wire w;
  Table t;
  t.feed({w.c2s(syn, 1000), w.s2c(syn | ack, 5000, 1001), w.c2s(ack, 1001, 5001),
          w.c2s(fin | psh | ack, 1001, 5001, "bye"), w.s2c(ack, 5001, 1005), w.s2c(psh | ack, 5001, 1005, "still"),
          w.s2c(psh | ack, 5006, 1005, "talking"), w.c2s(ack, 1005, 5013), w.s2c(fin | ack, 5013, 1005)});
  EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:bye", "#1 C>S fin",
                                    "#1 S>C data:still", "#1 S>C data:talking", "#1 S>C fin", "end #1 fin"}));
}

TEST(FlowTable, PeerAckOfUncapturedBytesReachesTheConsumerAsAGap) {
  Wire w;
  Table t;
  t.feed({w.c2s(syn, 1000), w.s2c(syn | ack, 5000, 1001), w.c2s(ack, 1001, 5001), w.c2s(psh | ack, 1001, 5001, "abc"),
          // [3,10) of the client's stream was lost by the capture; the server acknowledges it.
          w.s2c(ack, 5001, 1011), w.c2s(psh | ack, 1011, 5001, "xyz")});
  EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:abc",
                                    "#1 C>S gap:7", "#1 C>S data:xyz"}));
}

TEST(FlowTable, NewSynAfterFinStartsConnectionTwoWhileRetransmissionsAndStragglersStay) {
  Wire w;
  Table t;
  t.feed(full_connection(w, 1000, 5000));
  t.feed(w.s2c(fin | ack, 5006, 1007));  // a retransmitted FIN after the close
  std::vector<TcpSegment> second = full_connection(w, 2000, 6000);
  t.feed(second[0]);
  t.feed(w.c2s(syn, 2000));  // the new SYN, retransmitted
  t.feed(std::vector<TcpSegment>(second.begin() + 1, second.end()));
  EXPECT_EQ(t.observer.log,
            (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:hello", "#1 S>C data:world",
                    "#1 C>S fin", "#1 S>C fin", "end #1 fin", "start #2 10.0.0.1:40000 > 10.0.0.2:443 handshake",
                    "#2 C>S data:hello", "#2 S>C data:world", "#2 C>S fin", "#2 S>C fin", "end #2 fin"}));
  EXPECT_EQ(t.table.stats().connections, 2u);
  EXPECT_EQ(t.table.stats().stragglers, 3u);  // the FIN retransmission and both final ACKs
  EXPECT_EQ(t.table.tracked(), 1u);           // the second connection replaced the first's tombstone
}

TEST(FlowTable, NewSynOnAnOpenConnectionFlushesAndEndsItWithPortReuse) {
  Wire w;
  Table t;
  t.feed({w.c2s(syn, 1000), w.s2c(syn | ack, 5000, 1001), w.c2s(psh | ack, 1001, 5001, "abc"),
          w.c2s(psh | ack, 1008, 5001, "tail"), w.c2s(syn, 4444)});
  EXPECT_EQ(t.observer.log,
            (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:abc", "#1 C>S gap:4",
                    "#1 C>S data:tail", "end #1 port_reuse", "start #2 10.0.0.1:40000 > 10.0.0.2:443 handshake"}));
  EXPECT_EQ(t.observer.ended[0].stats_of(Direction::client_to_server).gap_bytes, 4u);
  EXPECT_EQ(t.table.stats().active, 1u);
}

// Each scenario below was written to a pcap with python3-scapy (same packets, same order)
// and read with tshark 4.0.17: `tshark -r F -T fields -e frame.number -e tcp.stream`.
// `first_frames` lists, per tcp.stream, the frame that opened it; the FlowTable must open
// its connections at exactly those packets.
struct TsharkScenario {
  const char* name;
  std::vector<TcpSegment> (*build)(Wire&);
  std::vector<uint64_t> first_frames;
};

std::vector<TcpSegment> concat(std::vector<TcpSegment> a, const std::vector<TcpSegment>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<TcpSegment> first_n(std::vector<TcpSegment> v, size_t n) {
  v.resize(n);
  return v;
}

const TsharkScenario kTsharkScenarios[] = {
    {"reuse_after_fin_with_syn_retransmission",
     [](Wire& w) {
       auto v = full_connection(w, 1000, 5000);
       v.push_back(w.s2c(fin | ack, 5006, 1007));
       auto second = full_connection(w, 2000, 6000);
       v.push_back(second[0]);
       v.push_back(w.c2s(syn, 2000));
       v.insert(v.end(), second.begin() + 1, second.end());
       return v;
     },
     {1, 10}},
    {"same_isn_after_fin_stays_in_the_old_stream",
     [](Wire& w) {
       auto a = full_connection(w, 1000, 5000);
       return concat(a, full_connection(w, 1000, 7000));
     },
     {1}},
    {"rst_then_syn_with_new_isn",
     [](Wire& w) {
       auto v = first_n(full_connection(w, 1000, 5000), 5);
       v.push_back(w.c2s(rst, 1006));
       return concat(v, full_connection(w, 3000, 8000));
     },
     {1, 7}},
    {"rst_then_syn_with_same_isn_stays_in_the_old_stream",
     [](Wire& w) {
       auto v = first_n(full_connection(w, 1000, 5000), 5);
       v.push_back(w.c2s(rst, 1006));
       return concat(v, full_connection(w, 1000, 8000));
     },
     {1}},
    {"midstream_then_syn",
     [](Wire& w) {
       return std::vector<TcpSegment>{w.c2s(psh | ack, 77777, 88888, "abc"), w.s2c(psh | ack, 88888, 77780, "def"),
                                      w.c2s(syn, 99999)};
     },
     {1, 3}},
    {"syn_retransmission_on_open_connection",
     [](Wire& w) {
       auto v = first_n(full_connection(w, 1000, 5000), 5);
       v.push_back(w.c2s(syn, 1000));
       v.push_back(w.c2s(ack, 1006, 5006));
       return v;
     },
     {1}},
    {"new_syn_on_open_connection",
     [](Wire& w) {
       auto v = first_n(full_connection(w, 1000, 5000), 5);
       v.push_back(w.c2s(syn, 4444));
       v.push_back(w.c2s(ack, 1006, 5006));
       return v;
     },
     {1, 6}},
    {"server_ack_sets_the_client_base_before_its_syn",
     [](Wire& w) {
       return std::vector<TcpSegment>{w.s2c(psh | ack, 88888, 77780, "def"), w.c2s(syn, 99999),
                                      w.s2c(syn | ack, 1234, 100000)};
     },
     {1, 2}},
    {"syn_from_the_server_side_after_close",
     [](Wire& w) {
       auto v = full_connection(w, 1000, 5000);
       v.push_back(w.s2c(syn, 31337));
       return v;
     },
     {1, 9}},
    {"synack_first_then_syn_equal_to_base_then_different",
     [](Wire& w) {
       return std::vector<TcpSegment>{w.s2c(syn | ack, 5000, 1001), w.c2s(ack, 1001, 5001), w.c2s(syn, 1000),
                                      w.c2s(syn, 1500)};
     },
     {1, 4}},
    {"simultaneous_open_second_syn_only_differs_once_the_base_is_known",
     [](Wire& w) {
       return std::vector<TcpSegment>{w.c2s(syn, 1000), w.s2c(syn, 5000), w.s2c(syn, 6000),
                                      w.c2s(syn | ack, 1000, 5001)};
     },
     {1, 3}},
    {"rst_without_ack_sets_only_its_own_side",
     [](Wire& w) {
       return std::vector<TcpSegment>{w.s2c(rst, 5000), w.c2s(syn, 1000), w.s2c(syn, 7000)};
     },
     {1, 3}},
    {"half_closed_then_same_isn_syn",
     [](Wire& w) {
       auto v = first_n(full_connection(w, 1000, 5000), 6);
       v.push_back(w.c2s(syn, 1000));
       return v;
     },
     {1}},
};

TEST(FlowTable, ConnectionNumberingMatchesTsharkTcpStream) {
  for (const TsharkScenario& scenario : kTsharkScenarios) {
    Wire w;
    Table t;
    std::vector<TcpSegment> packets = scenario.build(w);
    // Frame numbers as in the pcap (the builders may have made and dropped extra packets).
    for (size_t i = 0; i < packets.size(); ++i) packets[i].packet_number = i + 1;
    t.feed(packets);
    t.table.finish(w.now());
    std::vector<uint64_t> first_frames;
    std::vector<uint64_t> ids;
    for (const Connection& conn : t.observer.ended) {
      first_frames.push_back(conn.first_packet);
      ids.push_back(conn.id);
    }
    std::sort(first_frames.begin(), first_frames.end());
    EXPECT_EQ(first_frames, scenario.first_frames) << scenario.name;
    EXPECT_EQ(t.table.stats().connections, scenario.first_frames.size()) << scenario.name;
    for (const Connection& conn : t.observer.ended) {
      // Ids follow the order of first packets.
      const auto position = std::find(first_frames.begin(), first_frames.end(), conn.first_packet);
      EXPECT_EQ(conn.id, static_cast<uint64_t>(position - first_frames.begin()) + 1) << scenario.name;
    }
  }
}

TEST(FlowTable, RolesFollowTheHandshakeOrWellKnownPortOrFirstSender) {
  {                                                                  // SYN: its sender is the client
    Wire w(endpoint("10.0.0.9", 443), endpoint("10.0.0.1", 50000));  // odd but explicit
    Table t;
    t.feed(w.c2s(syn, 1));
    EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.9:443 > 10.0.0.1:50000 handshake"}));
  }
  {  // SYN+ACK first (the SYN was not captured): its receiver is the client
    Wire w;
    Table t;
    t.feed(w.s2c(syn | ack, 5000, 1001));
    t.feed(w.c2s(psh | ack, 1001, 5001, "hi"));
    EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:hi"}));
  }
  {  // mid-stream, the server speaks first: port 443 is still the server
    Wire w;
    Table t;
    t.feed(w.s2c(psh | ack, 5000, 1000, "data"));
    EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 midstream", "#1 S>C data:data"}));
  }
  {  // mid-stream, the server speaks first from a service port: the ephemeral side is the client
    Wire w(endpoint("10.0.0.1", 40000), endpoint("10.0.0.2", 8443));
    Table t;
    t.feed(w.s2c(psh | ack, 5000, 1000, "data"));
    EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:8443 midstream", "#1 S>C data:data"}));
  }
  {  // mid-stream, both ports ephemeral: the first sender is taken as the client
    Wire w(endpoint("10.0.0.1", 40000), endpoint("10.0.0.2", 50000));
    Table t;
    t.feed(w.s2c(psh | ack, 5000, 1000, "data"));
    EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.2:50000 > 10.0.0.1:40000 midstream", "#1 C>S data:data"}));
  }
  {  // mid-stream, both ports well known: the first sender again
    Wire w(endpoint("10.0.0.1", 25), endpoint("10.0.0.2", 587));
    Table t;
    t.feed(w.c2s(ack, 1, 1));
    EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:25 > 10.0.0.2:587 midstream"}));
  }
}

TEST(FlowTable, IdleConnectionsEndInCaptureTime) {
  FlowLimits limits;
  limits.idle_timeout_ns = 10'000'000'000;
  Wire a(endpoint("10.0.0.1", 40001), endpoint("10.0.0.2", 443));
  Wire b(endpoint("10.0.0.1", 40002), endpoint("10.0.0.2", 443));
  Table t(limits);
  t.feed(a.c2s(psh | ack, 1, 1, "a"));
  b.advance_seconds(8);
  t.feed(b.c2s(psh | ack, 1, 1, "b"));
  t.table.expire(Timestamp{a.now().ns + 9'000'000'000});
  EXPECT_EQ(t.table.stats().ended_idle, 0u);
  t.table.expire(Timestamp{a.now().ns + 10'500'000'000});  // a idle 10.5 s, b 2.5 s
  EXPECT_EQ(t.table.stats().ended_idle, 1u);
  ASSERT_EQ(t.observer.ended.size(), 1u);
  EXPECT_EQ(t.observer.ended[0].id, 1u);
  EXPECT_EQ(t.observer.ended[0].end_reason, EndReason::idle_timeout);
  EXPECT_EQ(t.table.tracked(), 1u);
  EXPECT_EQ(t.table.stats().active, 1u);
  // A packet on the expired 4-tuple is followed as a new connection.
  a.advance_seconds(20);
  t.feed(a.c2s(psh | ack, 2, 1, "again"));
  EXPECT_EQ(t.observer.log.back(), "#3 C>S data:again");
}

TEST(FlowTable, ClosedConnectionsLingerThenAreForgotten) {
  FlowLimits limits;
  limits.closed_linger_ns = 5'000'000'000;
  Wire w;
  Table t(limits);
  t.feed(first_n(full_connection(w, 1000, 5000), 7));
  EXPECT_EQ(t.table.tracked(), 1u);
  t.table.expire(Timestamp{w.now().ns + 4'000'000'000});
  EXPECT_EQ(t.table.tracked(), 1u);
  t.feed(w.c2s(ack, 1007, 5007));  // late final ACK: absorbed
  EXPECT_EQ(t.table.stats().stragglers, 1u);
  t.table.expire(Timestamp{w.now().ns + 6'000'000'000});
  EXPECT_EQ(t.table.tracked(), 0u);
  EXPECT_EQ(t.table.stats().connections, 1u);
}

TEST(FlowTable, FlowCapEvictsTheLeastRecentlyActiveConnection) {
  FlowLimits limits;
  limits.max_flows = 2;
  Wire a(endpoint("10.0.0.1", 40001), endpoint("10.0.0.2", 443));
  Wire b(endpoint("10.0.0.1", 40002), endpoint("10.0.0.2", 443));
  Wire c(endpoint("10.0.0.1", 40003), endpoint("10.0.0.2", 443));
  Table t(limits);
  t.feed(a.c2s(psh | ack, 1, 1, "a1"));
  t.feed(b.c2s(psh | ack, 1, 1, "b1"));
  t.feed(a.c2s(psh | ack, 3, 1, "a2"));  // a is now the more recently active
  t.feed(c.c2s(psh | ack, 1, 1, "c1"));  // over the cap: b goes
  EXPECT_EQ(t.observer.log,
            (Events{"start #1 10.0.0.1:40001 > 10.0.0.2:443 midstream", "#1 C>S data:a1",
                    "start #2 10.0.0.1:40002 > 10.0.0.2:443 midstream", "#2 C>S data:b1", "#1 C>S data:a2",
                    "end #2 evicted", "start #3 10.0.0.1:40003 > 10.0.0.2:443 midstream", "#3 C>S data:c1"}));
  EXPECT_EQ(t.table.stats().evicted_by_cap, 1u);
  EXPECT_EQ(t.table.tracked(), 2u);
}

TEST(FlowTable, FlowCapDropsLingeringConnectionsBeforeEvictingOpenOnes) {
  FlowLimits limits;
  limits.max_flows = 2;
  Wire a(endpoint("10.0.0.1", 40001), endpoint("10.0.0.2", 443));
  Wire b(endpoint("10.0.0.1", 40002), endpoint("10.0.0.2", 443));
  Wire c(endpoint("10.0.0.1", 40003), endpoint("10.0.0.2", 443));
  Table t(limits);
  t.feed(b.c2s(psh | ack, 1, 1, "b1"));          // b is the oldest open connection
  t.feed(first_n(full_connection(a, 1, 1), 7));  // a opens and closes: it lingers
  t.feed(c.c2s(psh | ack, 1, 1, "c1"));
  EXPECT_EQ(t.table.stats().evicted_by_cap, 0u);
  EXPECT_EQ(t.table.stats().active, 2u);
  EXPECT_EQ(t.table.tracked(), 2u);
  t.feed(a.c2s(ack, 8, 7));  // a's tombstone is gone: this is a new connection, and b is evicted
  EXPECT_EQ(t.table.stats().connections, 4u);
  EXPECT_EQ(t.table.stats().evicted_by_cap, 1u);
  EXPECT_EQ(t.observer.ended.back().id, 1u);
  EXPECT_EQ(t.observer.ended.back().end_reason, EndReason::evicted);
}

TEST(FlowTable, FinishEndsOpenConnectionsInTheOrderTheyStarted) {
  Wire a(endpoint("10.0.0.1", 40001), endpoint("10.0.0.2", 443));
  Wire b(endpoint("10.0.0.1", 40002), endpoint("10.0.0.2", 443));
  Wire c(endpoint("10.0.0.1", 40003), endpoint("10.0.0.2", 443));
  Table t;
  t.feed(a.c2s(psh | ack, 1, 1, "a"));
  t.feed(b.c2s(psh | ack, 1, 1, "b"));
  t.feed(c.c2s(psh | ack, 1, 1, "c"));
  t.feed(c.c2s(psh | ack, 4, 1, "!"));  // a hole in c: flushed as a gap at the end
  t.feed(b.c2s(psh | ack, 2, 1, "B"));
  t.feed(a.c2s(psh | ack, 2, 1, "A"));  // least recently active first: c, b, a
  t.observer.log.clear();
  t.table.finish(c.now());
  EXPECT_EQ(t.observer.log, (Events{"end #1 end_of_capture", "end #2 end_of_capture", "#3 C>S gap:2", "#3 C>S data:!",
                                    "end #3 end_of_capture"}));
  EXPECT_EQ(t.table.tracked(), 0u);
  EXPECT_EQ(t.table.stats().active, 0u);
}

TEST(FlowTable, BufferBudgetIsSharedAndReturnsToZero) {
  // Each held piece costs its bytes plus kHeldSegmentOverhead.
  constexpr size_t piece = kHeldSegmentOverhead;
  FlowLimits limits;
  limits.max_buffered_total = 10 + 2 * piece;
  Wire a(endpoint("10.0.0.1", 40001), endpoint("10.0.0.2", 443));
  Wire b(endpoint("10.0.0.1", 40002), endpoint("10.0.0.2", 443));
  Table t(limits);
  t.feed(a.c2s(psh | ack, 100, 1, "a"));
  t.feed(a.c2s(psh | ack, 110, 1, "aaaaaaaa"));  // out of order: 8 bytes held
  t.feed(b.c2s(psh | ack, 100, 1, "b"));
  EXPECT_EQ(t.table.buffered_bytes(), 8u + piece);
  t.feed(b.c2s(psh | ack, 105, 1, "bbbb"));  // 8 + 4 > 10: b gives up its hole
  EXPECT_EQ(t.table.stats().forced_gaps, 1u);
  EXPECT_EQ(t.table.stats().forced_gap_bytes, 4u);  // sequence numbers 101..104
  EXPECT_EQ(t.observer.log.back(), "#2 C>S data:bbbb");
  EXPECT_EQ(t.table.buffered_bytes(), 8u + piece);
  t.table.finish(b.now());
  EXPECT_EQ(t.table.buffered_bytes(), 0u);
  // The hole a's flush reports at the end is no forced gap.
  EXPECT_EQ(t.table.stats().forced_gap_bytes, 4u);
}

// A sender making many one-byte holes must not get past the caps through bookkeeping: each
// held piece is charged its overhead, so the table holds at most cap / (1 + overhead) pieces.
TEST(FlowTable, TinyOutOfOrderPiecesAreChargedTheirOverhead) {
  FlowLimits limits;
  limits.max_buffered_total = 100 * (1 + kHeldSegmentOverhead);
  Wire a(endpoint("10.0.0.1", 40001), endpoint("10.0.0.2", 443));
  Table t(limits);
  t.feed(a.c2s(psh | ack, 100, 1, "a"));
  for (uint32_t i = 0; i < 1000; ++i) t.feed(a.c2s(psh | ack, 102 + 2 * i, 1, "x"));  // a hole before each
  EXPECT_LE(t.table.buffered_bytes(), limits.max_buffered_total);
  EXPECT_EQ(t.table.buffered_bytes(), 100 * (1 + kHeldSegmentOverhead));
  EXPECT_EQ(t.table.stats().forced_gaps, 900u);
  EXPECT_EQ(t.table.stats().forced_gap_bytes, 900u);
  t.table.finish(a.now());
  EXPECT_EQ(t.table.buffered_bytes(), 0u);
}

TEST(FlowTable, SnaplenCutPayloadBecomesAGap) {
  Wire w;
  Table t;
  t.feed({w.c2s(syn, 1000), w.s2c(syn | ack, 5000, 1001)});
  TcpSegment cut = w.c2s(psh | ack, 1001, 5001, "head");
  cut.missing_payload = 96;
  t.feed(cut);
  t.feed(w.c2s(psh | ack, 1101, 5001, "next"));
  t.table.finish(w.now());
  EXPECT_EQ(t.observer.log, (Events{"start #1 10.0.0.1:40000 > 10.0.0.2:443 handshake", "#1 C>S data:head",
                                    "#1 C>S gap:96", "#1 C>S data:next", "end #1 end_of_capture"}));
  EXPECT_EQ(t.observer.ended[0].stats_of(Direction::client_to_server).snaplen_missing_bytes, 96u);
}

TEST(FlowTable, NullConsumerIsAllowed) {
  class SilentObserver final : public ConnectionObserver {
   public:
    std::unique_ptr<StreamConsumer> on_connection_start(const Connection&) override { return nullptr; }
    void on_connection_end(const Connection& conn, StreamConsumer* consumer) override {
      EXPECT_EQ(consumer, nullptr);
      reasons.push_back(conn.end_reason);
    }
    std::vector<EndReason> reasons;
  } observer;
  FlowTable table({}, observer);
  Wire w;
  for (const TcpSegment& seg : full_connection(w, 1, 1)) table.on_segment(seg);
  EXPECT_EQ(observer.reasons, (std::vector<EndReason>{EndReason::fin}));
}

// Random flags, sequence numbers and payloads on a few 4-tuples, with tight caps: every
// connection starts once and ends once, in id order, no direction hears anything after its
// FIN, and no buffered byte is left behind.
TEST(FlowTable, RandomTrafficKeepsTheTableConsistent) {
  class CheckingObserver final : public ConnectionObserver {
   public:
    class Consumer final : public StreamConsumer {
     public:
      void on_data(Direction d, std::span<const uint8_t>, const SegmentInfo&) override {
        EXPECT_FALSE(closed[index_of(d)]);
      }
      void on_gap(Direction d, uint64_t n, const SegmentInfo&) override {
        EXPECT_FALSE(closed[index_of(d)]);
        EXPECT_GT(n, 0u);
      }
      void on_fin(Direction d, const SegmentInfo&) override {
        EXPECT_FALSE(closed[index_of(d)]);
        closed[index_of(d)] = true;
      }
      bool closed[2] = {};
    };
    std::unique_ptr<StreamConsumer> on_connection_start(const Connection& conn) override {
      EXPECT_EQ(conn.id, started + 1);
      ++started;
      EXPECT_TRUE(open.insert(conn.id).second);
      return std::make_unique<Consumer>();
    }
    void on_connection_end(const Connection& conn, StreamConsumer*) override {
      EXPECT_EQ(open.erase(conn.id), 1u);
      ++ended;
    }
    uint64_t started = 0;
    uint64_t ended = 0;
    std::set<uint64_t> open;
  };

  FlowTableStats totals;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    FlowLimits limits;
    limits.max_flows = seed % 2 == 0 ? 4 : 8;  // 5 tuples: constant eviction, or none
    limits.max_buffered_per_direction = 2000;
    limits.max_buffered_total = 3000;
    limits.idle_timeout_ns = 5'000'000'000;
    limits.closed_linger_ns = 1'000'000'000;
    CheckingObserver observer;
    FlowTable table(limits, observer);
    const std::string payload(1500, 'p');
    std::map<int, uint32_t> next_seq;  // per (tuple, side): keeps traffic roughly plausible
    int64_t now = 0;
    for (int i = 0; i < 3000; ++i) {
      const int tuple = static_cast<int>(rng() % 5);
      const bool forward = rng() % 2 == 0;
      const int key = tuple * 2 + (forward ? 0 : 1);
      uint32_t& seq = next_seq[key];
      if (rng() % 50 == 0) seq = static_cast<uint32_t>(rng());
      const Endpoint client = endpoint("10.0.0.1", static_cast<uint16_t>(40000 + tuple));
      const Endpoint server = endpoint("10.0.0.2", 443);
      TcpSegment seg;
      now += static_cast<int64_t>(rng() % 300) * 1'000'000;
      if (rng() % 500 == 0) now += 6'000'000'000;  // a pause longer than the idle timeout
      seg.ts = Timestamp{now};
      seg.packet_number = static_cast<uint64_t>(i) + 1;
      seg.src = forward ? client : server;
      seg.dst = forward ? server : client;
      const uint32_t r = rng() % 100;
      seg.flags = r < 3 ? syn : r < 5 ? (syn | ack) : r < 7 ? (fin | ack) : r < 8 ? rst : ack;
      const size_t length = seg.has(syn) || seg.has(rst) ? 0 : rng() % 1500;
      const uint32_t jitter = rng() % 4 == 0 ? static_cast<uint32_t>(rng() % 6000) - 3000 : 0;
      seg.seq = seq + jitter;
      seg.ack = next_seq[tuple * 2 + (forward ? 1 : 0)] + static_cast<uint32_t>(rng() % 3000);
      seg.payload = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), length);
      seg.missing_payload = rng() % 20 == 0 ? static_cast<uint32_t>(rng() % 500) : 0;
      if (jitter == 0) seq += static_cast<uint32_t>(length) + seg.missing_payload + (seg.has(syn) || seg.has(fin));
      table.on_segment(seg);
      if (rng() % 10 == 0) table.expire(Timestamp{now});
      EXPECT_LE(table.tracked(), limits.max_flows);
      EXPECT_LE(table.buffered_bytes(), limits.max_buffered_total);
      EXPECT_EQ(table.stats().active, observer.open.size());
    }
    table.finish(Timestamp{now});
    EXPECT_EQ(observer.started, observer.ended) << "seed " << seed;
    EXPECT_TRUE(observer.open.empty()) << "seed " << seed;
    EXPECT_EQ(table.buffered_bytes(), 0u) << "seed " << seed;
    EXPECT_EQ(table.tracked(), 0u) << "seed " << seed;
    EXPECT_EQ(table.stats().connections, observer.started) << "seed " << seed;
    totals.connections += table.stats().connections;
    totals.evicted_by_cap += table.stats().evicted_by_cap;
    totals.ended_idle += table.stats().ended_idle;
    totals.forced_gaps += table.stats().forced_gaps;
    totals.stragglers += table.stats().stragglers;
  }
  // The schedule really exercised every path.
  EXPECT_GT(totals.evicted_by_cap, 0u);
  EXPECT_GT(totals.ended_idle, 0u);
  EXPECT_GT(totals.forced_gaps, 0u);
  EXPECT_GT(totals.stragglers, 0u);
}

TEST(FlowTable, EndReasonsHaveStableNames) {
  EXPECT_STREQ(to_string(EndReason::fin), "fin");
  EXPECT_STREQ(to_string(EndReason::rst), "rst");
  EXPECT_STREQ(to_string(EndReason::idle_timeout), "idle_timeout");
  EXPECT_STREQ(to_string(EndReason::evicted), "evicted");
  EXPECT_STREQ(to_string(EndReason::port_reuse), "port_reuse");
  EXPECT_STREQ(to_string(EndReason::end_of_capture), "end_of_capture");
}

}  // namespace
}  // namespace tlslens
