#include "core/capture/bpf_filter.h"

#include <memory>

#include "core/capture/packet_source.h"

namespace tlslens {
namespace {

// The snapshot length a filter is compiled with is what an accepting program returns; it
// only has to be non-zero, since pcap_offline_filter's result is used as a yes/no.
constexpr int kCompileSnaplen = 262144;

}  // namespace

std::string invalid_filter_message(const std::string& expression, const std::string& reason) {
  return "invalid filter '" + expression + "': " + reason;
}

bpf_program compile_filter_or_throw(pcap_t* handle, const std::string& expression, bpf_u_int32 netmask) {
  bpf_program program{};
  if (pcap_compile(handle, &program, expression.c_str(), 1, netmask) != 0) {
    throw CaptureError(CaptureErrorKind::invalid_filter, invalid_filter_message(expression, pcap_geterr(handle)));
  }
  return program;
}

BpfFilter::BpfFilter(std::string expression, int first_link_type) : expression_(std::move(expression)) {
  std::string error;
  Compiled first = compile(first_link_type, error);
  if (!first.usable) {
    throw CaptureError(CaptureErrorKind::invalid_filter, invalid_filter_message(expression_, error));
  }
  by_link_type_.emplace(first_link_type, first);
}

BpfFilter::~BpfFilter() {
  for (auto& [link_type, compiled] : by_link_type_) {
    if (compiled.usable) pcap_freecode(&compiled.program);
  }
}

BpfFilter::Compiled BpfFilter::compile(int link_type, std::string& error) const {
  Compiled compiled;
  std::unique_ptr<pcap_t, decltype(&pcap_close)> dead(pcap_open_dead(link_type, kCompileSnaplen), &pcap_close);
  if (!dead) {
    error = "cannot create a pcap handle to compile it";
    return compiled;
  }
  if (pcap_compile(dead.get(), &compiled.program, expression_.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    error = pcap_geterr(dead.get());
    return compiled;
  }
  compiled.usable = true;
  return compiled;
}

const BpfFilter::Compiled& BpfFilter::program_for(int link_type) {
  auto found = by_link_type_.find(link_type);
  if (found != by_link_type_.end()) return found->second;
  std::string unused_error;
  return by_link_type_.emplace(link_type, compile(link_type, unused_error)).first->second;
}

bool BpfFilter::matches(const Packet& packet) {
  const Compiled& compiled = program_for(packet.link_type);
  if (!compiled.usable) return false;
  pcap_pkthdr header{};
  header.caplen = static_cast<bpf_u_int32>(packet.data.size());
  header.len = packet.wire_length;
  return pcap_offline_filter(&compiled.program, &header, packet.data.data()) != 0;
}

}  // namespace tlslens
