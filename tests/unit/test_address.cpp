// IpAddress and Endpoint: construction, parsing, RFC 5952 text, ordering and hashing.
#include "core/net/address.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <unordered_set>

namespace tlslens {
namespace {

TEST(AddressTest, V4FromBytes) {
  std::array<uint8_t, 4> bytes = {192, 0, 2, 1};
  IpAddress a = IpAddress::v4(bytes);
  EXPECT_EQ(a.version, 4);
  EXPECT_EQ(a.to_string(), "192.0.2.1");
  for (size_t i = 4; i < 16; ++i) EXPECT_EQ(a.bytes[i], 0) << "unused bytes stay zero so comparisons work";
}

TEST(AddressTest, V6FromBytes) {
  std::array<uint8_t, 16> bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  IpAddress a = IpAddress::v6(bytes);
  EXPECT_EQ(a.version, 6);
  EXPECT_EQ(a.to_string(), "2001:db8::1");
}

TEST(AddressTest, ParseRoundTrips) {
  for (std::string text : {"0.0.0.0", "10.0.0.1", "255.255.255.255", "::", "::1", "2001:db8::1", "fe80::1:2:3:4",
                           "2001:db8:1:2:3:4:5:6", "::ffff:192.0.2.1"}) {
    IpAddress a = IpAddress::parse(text);
    EXPECT_NE(a.version, 0) << text;
    EXPECT_EQ(a.to_string(), text);
  }
}

TEST(AddressTest, ParseRejectsGarbage) {
  for (std::string text : {"", "10.0.0", "10.0.0.256", "1.2.3.4.5", "::g", "2001:db8:::1", "hello", "[::1]",
                           "10.0.0.1:443", " 10.0.0.1"}) {
    IpAddress a = IpAddress::parse(text);
    EXPECT_EQ(a.version, 0) << text;
    EXPECT_EQ(a, IpAddress{}) << text << ": a failed parse leaves no stray bytes";
    EXPECT_EQ(a.to_string(), "?");
  }
}

// RFC 5952: lower case, leading zeros dropped, the longest run of zero groups (the first if
// tied) compressed, a single zero group not compressed.
TEST(AddressTest, V6TextIsRfc5952Canonical) {
  struct Case {
    const char* input;
    const char* canonical;
  };
  for (const Case& c :
       {Case{"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
        Case{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, Case{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
        Case{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, Case{"0:0:0:0:0:0:0:0", "::"}}) {
    EXPECT_EQ(IpAddress::parse(c.input).to_string(), c.canonical) << c.input;
  }
}

TEST(AddressTest, UnsetAddressPrintsAQuestionMark) {
  EXPECT_EQ(IpAddress{}.to_string(), "?");
}

TEST(AddressTest, OrderingAndEquality) {
  IpAddress a = IpAddress::parse("10.0.0.1");
  IpAddress b = IpAddress::parse("10.0.0.2");
  IpAddress v6 = IpAddress::parse("::1");
  EXPECT_LT(a, b);
  EXPECT_EQ(a, IpAddress::parse("10.0.0.1"));
  EXPECT_NE(a, b);
  EXPECT_LT(a, v6);  // version first: IPv4 sorts before IPv6
  // The same 4 bytes as IPv4 and as the start of an IPv6 address are different addresses.
  IpAddress v6_lookalike = a;
  v6_lookalike.version = 6;
  EXPECT_NE(a, v6_lookalike);
}

TEST(AddressTest, EndpointText) {
  Endpoint v4{IpAddress::parse("10.0.0.1"), 443};
  Endpoint v6{IpAddress::parse("2001:db8::1"), 8443};
  EXPECT_EQ(v4.to_ssldump_string(), "10.0.0.1(443)");
  EXPECT_EQ(v4.to_string(), "10.0.0.1:443");
  EXPECT_EQ(v6.to_ssldump_string(), "[2001:db8::1](8443)");
  EXPECT_EQ(v6.to_string(), "[2001:db8::1]:8443");
}

TEST(AddressTest, EndpointOrderingComparesAddressThenPort) {
  Endpoint a{IpAddress::parse("10.0.0.1"), 9000};
  Endpoint b{IpAddress::parse("10.0.0.2"), 1};
  Endpoint c{IpAddress::parse("10.0.0.2"), 2};
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  std::set<Endpoint> sorted = {c, a, b};
  EXPECT_EQ(*sorted.begin(), a);
}

TEST(AddressTest, EndpointHashAgreesWithEqualityAndSpreads) {
  EndpointHash hash;
  Endpoint a{IpAddress::parse("10.0.0.1"), 443};
  EXPECT_EQ(hash(a), hash(Endpoint{IpAddress::parse("10.0.0.1"), 443}));

  std::unordered_set<size_t> hashes;
  for (int host = 0; host < 64; ++host) {
    for (uint16_t port : {443, 50000, 50001}) {
      hashes.insert(hash(Endpoint{IpAddress::parse("10.0.0." + std::to_string(host)), port}));
      hashes.insert(hash(Endpoint{IpAddress::parse("2001:db8::" + std::to_string(host)), port}));
    }
  }
  EXPECT_EQ(hashes.size(), 64u * 3 * 2);

  std::unordered_set<Endpoint, EndpointHash> set = {a, a, Endpoint{a.addr, 444}};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace tlslens
