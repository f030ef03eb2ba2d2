// LiveSource: packets from a network interface through libpcap (pcap_create/pcap_activate).
//
// Promises:
//  * next() never blocks longer than about the read timeout: it returns ReadStatus::timeout
//    when nothing arrived, so the caller can look at other things (a stop request, a UI).
//    libpcap on Linux does not promise that (pcap_next_ex keeps polling on an idle interface,
//    whatever the timeout), so the handle is put in non-blocking mode and next() waits
//    itself, with poll() on libpcap's selectable descriptor and a wake-up eventfd.
//  * stop() may be called from any thread: it sets a flag and signals the eventfd, which
//    ends a wait in next() at once. After it, next() returns ReadStatus::end.
//  * Activation errors become CaptureError kinds with one-line messages that say how to fix
//    them (permission denied names the setcap command).
//  * Numbers count delivered packets: the filter runs in the kernel, so rejected packets are
//    never seen. stats() reads libpcap's counters (pcap_stats), which libpcap does not
//    guard: call it from the thread that calls next(), or after stop().
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/capture/bpf_filter.h"
#include "core/capture/packet_source.h"
#include "core/util/reader.h"

namespace tlslens {
namespace {

using PcapHandle = std::unique_ptr<pcap_t, decltype(&pcap_close)>;

std::string own_executable_path() {
  char path[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) return "<path to tlslens>";
  return std::string(path, static_cast<size_t>(length));
}

CaptureError activation_error(int status, const std::string& interface, const std::string& libpcap_message) {
  const std::string prefix = "cannot capture on " + interface;
  switch (status) {
    case PCAP_ERROR_PERM_DENIED:
      return CaptureError(CaptureErrorKind::permission_denied,
                          prefix + ": permission denied (run as root, or: setcap cap_net_raw,cap_net_admin+eip " +
                              own_executable_path() + ")");
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return CaptureError(CaptureErrorKind::permission_denied,
                          prefix +
                              " in promiscuous mode: permission denied (capture without promiscuous mode, "
                              "or run as root)");
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return CaptureError(CaptureErrorKind::no_such_interface, prefix + ": no such interface");
    case PCAP_ERROR_IFACE_NOT_UP:
      return CaptureError(CaptureErrorKind::other, prefix + ": the interface is not up");
    case PCAP_ERROR_RFMON_NOTSUP:
      return CaptureError(CaptureErrorKind::other, prefix + ": monitor mode is not supported");
    default:
      break;
  }
  std::string detail = libpcap_message.empty() ? pcap_statustostr(status) : libpcap_message;
  return CaptureError(CaptureErrorKind::other, prefix + ": " + detail);
}

// What tcpdump does without -i: the first device libpcap lists (it puts up, running,
// non-loopback devices first).
std::string default_interface() {
  std::vector<InterfaceInfo> interfaces = list_interfaces();
  if (interfaces.empty()) {
    throw CaptureError(CaptureErrorKind::no_such_interface, "no interface to capture on was found");
  }
  return interfaces.front().name;
}

class LiveSource final : public PacketSource {
 public:
  explicit LiveSource(const LiveOptions& options)
      : interface_(options.interface.empty() ? default_interface() : options.interface),
        description_("interface " + interface_),
        read_timeout_ms_(options.read_timeout_ms),
        handle_(open(options)) {
    link_type_ = pcap_datalink(handle_.get());
    snaplen_ = pcap_snapshot(handle_.get());
    nanosecond_timestamps_ = pcap_get_tstamp_precision(handle_.get()) == PCAP_TSTAMP_PRECISION_NANO;
    if (!options.filter.empty()) install_filter(options.filter);
    char libpcap_error[PCAP_ERRBUF_SIZE] = "";
    if (pcap_setnonblock(handle_.get(), 1, libpcap_error) != 0) {
      throw CaptureError(CaptureErrorKind::other, "cannot capture on " + interface_ + ": " + libpcap_error);
    }
    selectable_fd_ = pcap_get_selectable_fd(handle_.get());
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (selectable_fd_ < 0 || wake_fd_ < 0) {
      throw CaptureError(CaptureErrorKind::other, "cannot capture on " + interface_ + ": no descriptor to wait on");
    }
  }

  ~LiveSource() override {
    if (wake_fd_ >= 0) close(wake_fd_);
  }
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  ReadStatus next(Packet& out) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(read_timeout_ms_);
    for (;;) {
      if (stopping_.load()) return ReadStatus::end;
      pcap_pkthdr* header = nullptr;
      const u_char* data = nullptr;
      int rc = pcap_next_ex(handle_.get(), &header, &data);
      if (rc == 1) {
        deliver(*header, data, out);
        return ReadStatus::packet;
      }
      if (rc == PCAP_ERROR_BREAK) return ReadStatus::end;
      if (rc < 0) return fail(std::string("capture on ") + interface_ + " failed: " + pcap_geterr(handle_.get()));

      // Nothing ready (non-blocking mode): wait for the capture socket or a stop() request.
      int wait_ms = -1;
      if (read_timeout_ms_ > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return ReadStatus::timeout;
        wait_ms = static_cast<int>(left);
      }
      if (const timeval* required = pcap_get_required_select_timeout(handle_.get()); required != nullptr) {
        int required_ms = static_cast<int>(required->tv_sec * 1000 + required->tv_usec / 1000) + 1;
        wait_ms = wait_ms < 0 ? required_ms : std::min(wait_ms, required_ms);
      }
      pollfd waits[2] = {{selectable_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (poll(waits, 2, wait_ms) < 0 && errno != EINTR) {
        return fail("cannot wait for packets on " + interface_ + ": " + std::strerror(errno));
      }
    }
  }

  const std::string& error() const override { return error_; }

  void stop() override {
    stopping_.store(true);
    pcap_breakloop(handle_.get());  // for a read already inside libpcap
    uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof(one)) < 0) {
      // The eventfd cannot be full after one write; next() still sees the flag within its timeout.
    }
  }

  CaptureStats stats() const override {
    CaptureStats stats;
    stats.packets = packets_.load();
    stats.cut_by_snaplen = cut_by_snaplen_.load();
    pcap_stat kernel{};
    if (pcap_stats(handle_.get(), &kernel) == 0) {
      stats.kernel_dropped = kernel.ps_drop;
      stats.interface_dropped = kernel.ps_ifdrop;
    }
    return stats;
  }

  int link_type() const override { return link_type_; }
  int snaplen() const override { return snaplen_; }
  const std::string& description() const override { return description_; }

 private:
  PcapHandle open(const LiveOptions& options) const {
    char libpcap_error[PCAP_ERRBUF_SIZE] = "";
    PcapHandle handle(pcap_create(interface_.c_str(), libpcap_error), &pcap_close);
    if (!handle) throw CaptureError(CaptureErrorKind::other, "cannot capture on " + interface_ + ": " + libpcap_error);
    pcap_t* h = handle.get();
    pcap_set_snaplen(h, options.snaplen);
    pcap_set_promisc(h, options.promiscuous ? 1 : 0);
    pcap_set_immediate_mode(h, options.immediate ? 1 : 0);
    if (options.buffer_size > 0) pcap_set_buffer_size(h, options.buffer_size);
    // The timeout is what lets next() return regularly, even when no packet arrives.
    pcap_set_timeout(h, options.read_timeout_ms);
    pcap_set_tstamp_precision(h, PCAP_TSTAMP_PRECISION_NANO);  // falls back to µs if unsupported
    int status = pcap_activate(h);
    if (status < 0) throw activation_error(status, interface_, pcap_geterr(h));
    return handle;  // status > 0 is a warning (e.g. promiscuous mode not supported): carry on
  }

  void install_filter(const std::string& expression) {
    char libpcap_error[PCAP_ERRBUF_SIZE] = "";
    bpf_u_int32 network = 0;
    bpf_u_int32 netmask = 0;
    // The netmask only matters for "ip broadcast"; interfaces without IPv4 have none.
    if (pcap_lookupnet(interface_.c_str(), &network, &netmask, libpcap_error) != 0) netmask = PCAP_NETMASK_UNKNOWN;
    bpf_program program = compile_filter_or_throw(handle_.get(), expression, netmask);
    int rc = pcap_setfilter(handle_.get(), &program);
    pcap_freecode(&program);
    if (rc != 0) {
      throw CaptureError(CaptureErrorKind::other,
                         "cannot set filter '" + expression + "' on " + interface_ + ": " + pcap_geterr(handle_.get()));
    }
  }

  void deliver(const pcap_pkthdr& header, const u_char* data, Packet& out) {
    out.ts = nanosecond_timestamps_ ? Timestamp::from_sec_nsec(header.ts.tv_sec, header.ts.tv_usec)
                                    : Timestamp::from_sec_usec(header.ts.tv_sec, header.ts.tv_usec);
    out.link_type = link_type_;
    out.data = Bytes(data, header.caplen);
    out.memory = nullptr;
    out.wire_length = std::max(header.len, header.caplen);
    out.number = ++packets_;
    if (out.cut_by_snaplen()) ++cut_by_snaplen_;
  }

  ReadStatus fail(std::string message) {
    error_ = std::move(message);
    return ReadStatus::error;
  }

  std::string interface_;
  std::string description_;
  int read_timeout_ms_;
  PcapHandle handle_;
  int selectable_fd_ = -1;
  int wake_fd_ = -1;
  int link_type_ = 0;
  int snaplen_ = 0;
  bool nanosecond_timestamps_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> packets_{0};
  std::atomic<uint64_t> cut_by_snaplen_{0};
  std::string error_;
};

}  // namespace

std::unique_ptr<PacketSource> open_live_capture(const LiveOptions& options) {
  return std::make_unique<LiveSource>(options);
}

}  // namespace tlslens
