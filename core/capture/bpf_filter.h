// BpfFilter: a BPF filter expression, compiled by libpcap for each link type it meets (a
// capture file may mix link types) and applied to packets with pcap_offline_filter.
//
// Promises:
//  * The expression is compiled at construction for the first link type; an expression
//    libpcap rejects throws CaptureError(invalid_filter, "invalid filter '<expr>': <why>").
//  * Other link types are compiled on first use and cached. A packet whose link type the
//    expression cannot be compiled for (e.g. "tcp" on a link type without IP) does not match.
#pragma once

#include <pcap/pcap.h>

#include <map>
#include <string>

#include "core/capture/packet.h"

namespace tlslens {

class BpfFilter {
 public:
  BpfFilter(std::string expression, int first_link_type);
  ~BpfFilter();
  BpfFilter(const BpfFilter&) = delete;
  BpfFilter& operator=(const BpfFilter&) = delete;

  bool matches(const Packet& packet);
  const std::string& expression() const { return expression_; }

 private:
  struct Compiled {
    bool usable = false;
    bpf_program program{};
  };
  // Compiles for one link type; `error` receives libpcap's message when it fails.
  Compiled compile(int link_type, std::string& error) const;
  const Compiled& program_for(int link_type);

  std::string expression_;
  std::map<int, Compiled> by_link_type_;
};

// Compiles `expression` on a live or opened pcap handle; throws CaptureError(invalid_filter).
// The caller frees the program with pcap_freecode.
bpf_program compile_filter_or_throw(pcap_t* handle, const std::string& expression, bpf_u_int32 netmask);

// The message of an invalid filter error: "invalid filter '<expr>': <libpcap's message>".
std::string invalid_filter_message(const std::string& expression, const std::string& reason);

}  // namespace tlslens
