// Live capture: interface listing, activation errors, and a capture on the loopback
// interface (skipped where this process may not capture) that sees a packet, times out when
// idle, and stops from another thread.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/capture/packet_source.h"

namespace tlslens {
namespace {

using namespace std::chrono_literals;

constexpr uint16_t kTestPort = 45678;

void send_udp_to_loopback(uint16_t port, const std::string& payload) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  close(fd);
}

// Opens a capture on "lo", or skips the test when this process may not capture.
std::unique_ptr<PacketSource> open_loopback(const std::string& filter, int timeout_ms = 100) {
  LiveOptions options;
  options.interface = "lo";
  options.filter = filter;
  options.read_timeout_ms = timeout_ms;
  options.buffer_size = 1024 * 1024;
  return open_live_capture(options);
}

bool may_capture_on_loopback() {
  try {
    open_loopback("");
    return true;
  } catch (const CaptureError&) {
    return false;
  }
}

TEST(CaptureInterfaces, ListIncludesLoopback) {
  std::vector<InterfaceInfo> interfaces = list_interfaces();
  auto loopback = std::find_if(interfaces.begin(), interfaces.end(), [](const auto& i) { return i.name == "lo"; });
  if (loopback == interfaces.end()) GTEST_SKIP() << "no 'lo' interface here";
  EXPECT_TRUE(loopback->loopback);
  EXPECT_TRUE(loopback->up);
  EXPECT_NE(std::find(loopback->addresses.begin(), loopback->addresses.end(), "127.0.0.1"), loopback->addresses.end());
}

TEST(CaptureLive, NoSuchInterface) {
  LiveOptions options;
  options.interface = "tlslens-none0";
  try {
    open_live_capture(options);
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    // Without the right to capture, libpcap may not get as far as looking for the device.
    if (error.kind() == CaptureErrorKind::permission_denied) GTEST_SKIP() << error.what();
    EXPECT_EQ(error.kind(), CaptureErrorKind::no_such_interface) << error.what();
    EXPECT_EQ(std::string(error.what()), "cannot capture on tlslens-none0: no such interface");
  }
}

TEST(CaptureLive, PermissionDeniedSaysHowToFixIt) {
  // As root, drop to an unprivileged user in a child process; otherwise try directly.
  auto check = []() -> bool {
    try {
      open_loopback("");
    } catch (const CaptureError& error) {
      std::string message = error.what();
      return error.kind() == CaptureErrorKind::permission_denied &&
             message.rfind(
                 "cannot capture on lo: permission denied (run as root, or: setcap "
                 "cap_net_raw,cap_net_admin+eip /",
                 0) == 0;
    }
    return false;
  };
  if (geteuid() != 0) {
    if (may_capture_on_loopback()) GTEST_SKIP() << "this process has the capabilities to capture";
    EXPECT_TRUE(check());
    return;
  }
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no 'nobody' user to drop to";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    bool dropped = setgid(nobody->pw_gid) == 0 && setuid(nobody->pw_uid) == 0;
    _exit(!dropped ? 2 : check() ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(CaptureLive, InvalidFilter) {
  if (!may_capture_on_loopback()) GTEST_SKIP() << "may not capture on lo";
  try {
    open_loopback("udp prt 1");
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    EXPECT_EQ(error.kind(), CaptureErrorKind::invalid_filter);
    EXPECT_EQ(std::string(error.what()).rfind("invalid filter 'udp prt 1': ", 0), 0u) << error.what();
  }
}

TEST(CaptureLive, LoopbackSeesAPacket) {
  if (!may_capture_on_loopback()) GTEST_SKIP() << "may not capture on lo";
  auto source = open_loopback("udp port " + std::to_string(kTestPort));
  EXPECT_EQ(source->description(), "interface lo");
  Packet packet;
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    send_udp_to_loopback(kTestPort, "tlslens live capture test");
    for (int i = 0; i < 5 && !seen; ++i) {
      ReadStatus status = source->next(packet);
      ASSERT_NE(status, ReadStatus::error) << source->error();
      seen = status == ReadStatus::packet;
    }
  }
  ASSERT_TRUE(seen);
  EXPECT_EQ(packet.link_type, source->link_type());
  EXPECT_EQ(packet.number, 1u);
  EXPECT_GE(packet.data.size(), 14u + 20u + 8u);
  auto now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LT(std::abs(now_ns - packet.ts.ns), int64_t{60'000'000'000});
  CaptureStats stats = source->stats();
  EXPECT_GE(stats.packets, 1u);
}

TEST(CaptureLive, IdleCaptureTimesOut) {
  if (!may_capture_on_loopback()) GTEST_SKIP() << "may not capture on lo";
  auto source = open_loopback("udp port 1 and udp port 2", 50);
  Packet packet;
  auto start = std::chrono::steady_clock::now();
  ReadStatus status = source->next(packet);
  EXPECT_EQ(status, ReadStatus::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(CaptureLive, StopFromAnotherThreadEndsTheCapture) {
  if (!may_capture_on_loopback()) GTEST_SKIP() << "may not capture on lo";
  auto source = open_loopback("udp port 1 and udp port 2", 1000);
  std::atomic<bool> ended{false};
  std::thread reader([&] {
    Packet packet;
    for (;;) {
      ReadStatus status = source->next(packet);
      if (status == ReadStatus::end || status == ReadStatus::error) break;
    }
    ended = true;
  });
  std::this_thread::sleep_for(100ms);
  auto stop_time = std::chrono::steady_clock::now();
  source->stop();
  reader.join();
  EXPECT_TRUE(ended);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_time, 3s);
  Packet packet;
  EXPECT_EQ(source->next(packet), ReadStatus::end);
}

}  // namespace
}  // namespace tlslens
