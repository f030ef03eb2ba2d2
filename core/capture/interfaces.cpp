// list_interfaces and link_type_name: what libpcap knows about devices and link types.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <memory>

#include "core/capture/packet_source.h"

namespace tlslens {
namespace {

// An IPv4 or IPv6 address as text; empty for other families (link-layer addresses).
std::string address_text(const sockaddr* address) {
  if (address == nullptr) return {};
  char text[INET6_ADDRSTRLEN] = "";
  if (address->sa_family == AF_INET) {
    const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(address);
    if (inet_ntop(AF_INET, &ipv4->sin_addr, text, sizeof(text)) != nullptr) return text;
  } else if (address->sa_family == AF_INET6) {
    const auto* ipv6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (inet_ntop(AF_INET6, &ipv6->sin6_addr, text, sizeof(text)) != nullptr) return text;
  }
  return {};
}

}  // namespace

std::vector<InterfaceInfo> list_interfaces() {
  char libpcap_error[PCAP_ERRBUF_SIZE] = "";
  pcap_if_t* devices = nullptr;
  if (pcap_findalldevs(&devices, libpcap_error) != 0) {
    throw CaptureError(CaptureErrorKind::other, std::string("cannot list interfaces: ") + libpcap_error);
  }
  std::unique_ptr<pcap_if_t, decltype(&pcap_freealldevs)> owner(devices, &pcap_freealldevs);

  std::vector<InterfaceInfo> interfaces;
  for (const pcap_if_t* device = devices; device != nullptr; device = device->next) {
    InterfaceInfo info;
    info.name = device->name;
    if (device->description != nullptr) info.description = device->description;
    for (const pcap_addr_t* address = device->addresses; address != nullptr; address = address->next) {
      std::string text = address_text(address->addr);
      if (!text.empty()) info.addresses.push_back(std::move(text));
    }
    info.loopback = (device->flags & PCAP_IF_LOOPBACK) != 0;
    info.up = (device->flags & PCAP_IF_UP) != 0;
    info.running = (device->flags & PCAP_IF_RUNNING) != 0;
    interfaces.push_back(std::move(info));
  }
  return interfaces;
}

std::string link_type_name(int link_type) {
  const char* name = pcap_datalink_val_to_name(link_type);
  return name != nullptr ? name : "DLT " + std::to_string(link_type);
}

}  // namespace tlslens
