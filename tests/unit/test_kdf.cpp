// Key derivation (core/crypto/kdf.h) against test vectors kept as data files in
// tests/data/kdf/, in the manner of BoringSSL's file-driven tests: blocks of `KEY = value`
// lines separated by blank lines, `#` comments, hex values (which may continue on indented
// lines) or "quoted" text. Each file names the sources of its vectors; none of them was
// produced by this code. A key a test does not read is reported as a failure, so a
// misspelt key cannot silently turn a check off.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/kdf.h"
#include "core/tls/registry.h"

namespace tlslens::crypto {
namespace {

// ---------------------------------------------------------------------------------------
// The vector file reader

std::filesystem::path data_dir() {
  std::filesystem::path root;
  if (const char* env = std::getenv("TLSLENS_SOURCE_DIR"); env != nullptr && *env != '\0') {
    root = env;
  } else {
    root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  }
  return root / "tests" / "data" / "kdf";
}

std::string trim(std::string_view s) {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

std::string to_hex(Bytes bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

class Block {
 public:
  struct Entry {
    std::string key;
    std::string value;
    int line = 0;
    mutable bool used = false;
  };

  Block(std::string file, int line) : file_(std::move(file)), line_(line) {}

  std::string where() const { return file_ + ":" + std::to_string(line_); }
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }

  bool has(std::string_view key) const {
    for (const Entry& e : entries_) {
      if (e.key == key) return true;
    }
    return false;
  }

  // The raw value of the one entry `key`; a test failure when it is missing.
  const std::string& raw(std::string_view key) const {
    static const std::string kNothing;
    for (const Entry& e : entries_) {
      if (e.key == key) {
        e.used = true;
        return e.value;
      }
    }
    ADD_FAILURE() << where() << ": missing key " << key;
    return kNothing;
  }

  std::string text(std::string_view key) const {
    const std::string& value = raw(key);
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
      ADD_FAILURE() << where() << ": " << key << " is not a \"quoted\" text value";
      return {};
    }
    return value.substr(1, value.size() - 2);
  }

  std::vector<uint8_t> hex(std::string_view key) const { return parse_hex(key, raw(key)); }

  size_t number(std::string_view key) const {
    const std::string& value = raw(key);
    char* end = nullptr;
    unsigned long n = std::strtoul(value.c_str(), &end, 0);
    if (value.empty() || end == nullptr || *end != '\0') ADD_FAILURE() << where() << ": " << key << " is not a number";
    return static_cast<size_t>(n);
  }

  PrfHash prf_hash() const {
    const std::string& name = raw("Hash");
    if (name == "md5_sha1") return PrfHash::md5_sha1;
    if (name == "sha256") return PrfHash::sha256;
    if (name == "sha384") return PrfHash::sha384;
    ADD_FAILURE() << where() << ": unknown PRF hash " << name;
    return PrfHash::unsupported;
  }

  Hash hash() const {
    const std::string& name = raw("Hash");
    if (name == "sha384") return Hash::sha384;
    if (name != "sha256") ADD_FAILURE() << where() << ": unknown hash " << name;
    return Hash::sha256;
  }

  // Compares `actual` with the hex value of `key`, marking it read.
  void expect(std::string_view key, Bytes actual) const {
    EXPECT_EQ(to_hex(actual), to_hex(hex(key))) << where() << ": " << key;
  }
  // The same when the block has `key`; nothing otherwise.
  void expect_if_present(std::string_view key, Bytes actual) const {
    if (has(key)) expect(key, actual);
  }

  // Every key must have been read by the test.
  void expect_all_used() const {
    for (const Entry& e : entries_) {
      EXPECT_TRUE(e.used) << file_ << ":" << e.line << ": key " << e.key << " was not checked";
    }
  }

  std::vector<uint8_t> parse_hex(std::string_view key, std::string_view value) const {
    std::vector<uint8_t> out;
    int high = -1;
    for (char c : value) {
      if (std::isspace(static_cast<unsigned char>(c))) continue;
      int nibble = -1;
      if (c >= '0' && c <= '9') nibble = c - '0';
      if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
      if (nibble < 0) {
        ADD_FAILURE() << where() << ": " << key << " is not hex";
        return {};
      }
      if (high < 0) {
        high = nibble;
      } else {
        out.push_back(static_cast<uint8_t>(high << 4 | nibble));
        high = -1;
      }
    }
    if (high >= 0) ADD_FAILURE() << where() << ": " << key << " has an odd number of hex digits";
    return out;
  }

 private:
  std::string file_;
  int line_;
  std::vector<Entry> entries_;
};

// Reads every block of tests/data/kdf/<name>; a test failure when the file cannot be read or
// is malformed.
std::vector<Block> read_vectors(const std::string& name) {
  std::vector<Block> blocks;
  const std::filesystem::path path = data_dir() / name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return blocks;
  }
  bool in_block = false;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string content = trim(line);
    if (content.empty()) {
      in_block = false;
      continue;
    }
    if (content.front() == '#') continue;
    if (std::isspace(static_cast<unsigned char>(line.front()))) {
      if (!in_block || blocks.back().entries().empty()) {
        ADD_FAILURE() << name << ":" << number << ": continuation line outside an entry";
        continue;
      }
      blocks.back().entries().back().value += content;
      continue;
    }
    const size_t eq = content.find('=');
    if (eq == std::string::npos) {
      ADD_FAILURE() << name << ":" << number << ": expected KEY = value";
      continue;
    }
    if (!in_block) {
      blocks.emplace_back(name, number);
      in_block = true;
    }
    blocks.back().entries().push_back({trim(content.substr(0, eq)), trim(content.substr(eq + 1)), number});
  }
  return blocks;
}

// Runs `test` on every block of the file and checks each block was fully used. Returns the
// number of blocks, which callers compare with a floor so that a truncated file fails.
size_t for_each_vector(const std::string& name, const std::function<void(const Block&)>& test) {
  std::vector<Block> blocks = read_vectors(name);
  for (const Block& block : blocks) {
    SCOPED_TRACE(block.where());
    test(block);
    block.expect_all_used();
  }
  return blocks.size();
}

Bytes text_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

uint16_t version_of(const Block& block) {
  return static_cast<uint16_t>(block.number("Version"));
}

// ---------------------------------------------------------------------------------------
// SSL 3.0 and TLS 1.0-1.2

TEST(TlsPrf, FileVectors) {
  size_t count = for_each_vector("tls_prf.txt", [](const Block& b) {
    const std::vector<uint8_t> expected = b.hex("Output");
    const std::vector<uint8_t> secret = b.hex("Secret");
    const std::vector<uint8_t> seed = b.hex("Seed");
    const std::string label = b.text("Label");
    const PrfHash hash = b.prf_hash();
    b.expect("Output", tls_prf(hash, secret, label, seed, expected.size()));
    // P_hash is a stream: a shorter request is a prefix of a longer one.
    const size_t half = expected.size() / 2;
    EXPECT_EQ(to_hex(tls_prf(hash, secret, label, seed, half)), to_hex(Bytes(expected).first(half))) << b.where();
  });
  EXPECT_GE(count, 11u);
}

TEST(KdfKeyDerivation, FileVectors) {
  size_t count = for_each_vector("key_derivation.txt", [](const Block& b) {
    const uint16_t version = version_of(b);
    const PrfHash hash = b.prf_hash();
    const std::vector<uint8_t> client_random = b.hex("ClientRandom");
    const std::vector<uint8_t> server_random = b.hex("ServerRandom");
    const std::vector<uint8_t> master = master_secret(version, hash, b.hex("PreMaster"), client_random, server_random);
    b.expect("MasterSecret", master);

    const std::vector<uint8_t> expansion_client =
        b.has("ExpansionClientRandom") ? b.hex("ExpansionClientRandom") : client_random;
    const std::vector<uint8_t> expansion_server =
        b.has("ExpansionServerRandom") ? b.hex("ExpansionServerRandom") : server_random;
    if (b.has("KeyBlock")) {
      const size_t length = b.hex("KeyBlock").size();
      b.expect("KeyBlock", key_block(version, hash, master, expansion_server, expansion_client, length));
    }
    if (b.has("MacLength")) {
      const size_t mac = b.number("MacLength");
      const size_t key = b.number("KeyLength");
      const size_t iv = b.number("IvLength");
      const std::vector<uint8_t> block =
          key_block(version, hash, master, expansion_server, expansion_client, key_block_length(mac, key, iv));
      const KeyBlockParts parts = split_key_block(block, mac, key, iv);
      b.expect("ClientMac", parts.client_mac);
      b.expect("ServerMac", parts.server_mac);
      b.expect("ClientKey", parts.client_key);
      b.expect("ServerKey", parts.server_key);
      b.expect_if_present("ClientIv", parts.client_iv);
      b.expect_if_present("ServerIv", parts.server_iv);
      if (!b.has("ClientIv")) {
        EXPECT_TRUE(parts.client_iv.empty() && parts.server_iv.empty()) << b.where();
      }
    }
  });
  EXPECT_GE(count, 16u);
}

TEST(KdfExtendedMasterSecret, FileVectors) {
  size_t count = for_each_vector("extended_master_secret.txt", [](const Block& b) {
    const PrfHash hash = b.prf_hash();
    TranscriptHash transcript(hash);
    ASSERT_TRUE(transcript.valid());
    for (const Block::Entry& e : b.entries()) {
      if (e.key != "Message") continue;
      e.used = true;
      transcript.update(b.parse_hex(e.key, e.value));
    }
    const std::vector<uint8_t> session_hash = transcript.current();
    b.expect("SessionHash", session_hash);
    b.expect("MasterSecret", extended_master_secret(hash, b.hex("PreMaster"), session_hash));
  });
  EXPECT_GE(count, 3u);
}

TEST(KdfExportKeys, FileVectors) {
  size_t count = for_each_vector("export_keys.txt", [](const Block& b) {
    const uint16_t version = version_of(b);
    const PrfHash hash = b.prf_hash();
    const std::vector<uint8_t> client_random = b.hex("ClientRandom");
    const std::vector<uint8_t> server_random = b.hex("ServerRandom");
    const size_t mac = b.number("MacLength");
    const size_t material = b.number("KeyMaterialLength");
    const std::vector<uint8_t> block = key_block(version, hash, b.hex("MasterSecret"), server_random, client_random,
                                                 key_block_length(mac, material, 0));
    const KeyBlockParts parts = split_key_block(block, mac, material, 0);
    ASSERT_EQ(parts.client_key.size(), material) << b.where();
    const KeyBlockParts final_parts = export_keys(version, hash, parts, client_random, server_random,
                                                  b.number("FinalKeyLength"), b.number("IvLength"));
    b.expect("ClientMac", final_parts.client_mac);
    b.expect("ServerMac", final_parts.server_mac);
    b.expect("ClientKey", final_parts.client_key);
    b.expect("ServerKey", final_parts.server_key);
    b.expect("ClientIv", final_parts.client_iv);
    b.expect("ServerIv", final_parts.server_iv);

    // Splitting with the suite's IV length (as a caller may) changes nothing: the key block
    // is a stream and export IVs come from the randoms.
    const size_t iv = b.number("IvLength");
    const std::vector<uint8_t> longer = key_block(version, hash, b.hex("MasterSecret"), server_random, client_random,
                                                  key_block_length(mac, material, iv));
    const KeyBlockParts same = export_keys(version, hash, split_key_block(longer, mac, material, iv), client_random,
                                           server_random, b.number("FinalKeyLength"), iv);
    EXPECT_EQ(same.client_key, final_parts.client_key);
    EXPECT_EQ(same.server_key, final_parts.server_key);
    EXPECT_EQ(same.client_iv, final_parts.client_iv);
    EXPECT_EQ(same.server_iv, final_parts.server_iv);
  });
  EXPECT_GE(count, 8u);
}

TEST(KdfPrfHashFor, FollowsVersionThenSuite) {
  const tls::CipherSuiteInfo* aes128_sha = tls::cipher_suite_info(0x002F);    // TLS_RSA_WITH_AES_128_CBC_SHA
  const tls::CipherSuiteInfo* gcm_sha384 = tls::cipher_suite_info(0xC030);    // ..._AES_256_GCM_SHA384
  const tls::CipherSuiteInfo* gost = tls::cipher_suite_info(0x0081);          // GOST2001-GOST89-GOST89
  const tls::CipherSuiteInfo* tls13_sha384 = tls::cipher_suite_info(0x1302);  // TLS_AES_256_GCM_SHA384
  ASSERT_NE(aes128_sha, nullptr);
  ASSERT_NE(gcm_sha384, nullptr);
  ASSERT_NE(gost, nullptr);
  ASSERT_NE(tls13_sha384, nullptr);

  EXPECT_EQ(prf_hash_for(kSsl30, *aes128_sha), PrfHash::md5_sha1);
  EXPECT_EQ(prf_hash_for(kTls10, *aes128_sha), PrfHash::md5_sha1);
  EXPECT_EQ(prf_hash_for(kTls11, *gcm_sha384), PrfHash::md5_sha1);  // the suite's hash is a TLS 1.2 notion
  EXPECT_EQ(prf_hash_for(kDtls10, *gcm_sha384), PrfHash::md5_sha1);
  EXPECT_EQ(prf_hash_for(kTls12, *aes128_sha), PrfHash::sha256);
  EXPECT_EQ(prf_hash_for(kTls12, *gcm_sha384), PrfHash::sha384);
  EXPECT_EQ(prf_hash_for(kDtls12, *gcm_sha384), PrfHash::sha384);
  EXPECT_EQ(prf_hash_for(kTls12, *gost), PrfHash::unsupported);
  EXPECT_EQ(prf_hash_for(kTls13, *tls13_sha384), PrfHash::unsupported);
  EXPECT_EQ(prf_hash_for(0x0002, *aes128_sha), PrfHash::unsupported);

  Hash hash = Hash::sha256;
  EXPECT_TRUE(tls13_hash_for(*tls13_sha384, hash));
  EXPECT_EQ(hash, Hash::sha384);
  EXPECT_FALSE(tls13_hash_for(*gcm_sha384, hash));
  const tls::CipherSuiteInfo* sm4 = tls::cipher_suite_info(0x00C6);  // TLS_SM4_GCM_SM3
  ASSERT_NE(sm4, nullptr);
  EXPECT_FALSE(tls13_hash_for(*sm4, hash));
}

TEST(KdfErrors, CannotDeriveMeansEmpty) {
  const std::vector<uint8_t> secret(48, 0x11);
  const std::vector<uint8_t> random(32, 0x22);

  EXPECT_TRUE(tls_prf(PrfHash::unsupported, secret, "master secret", random, 48).empty());
  EXPECT_TRUE(tls_prf(PrfHash::sha256, secret, "master secret", random, 0).empty());
  EXPECT_TRUE(master_secret(kTls12, PrfHash::unsupported, secret, random, random).empty());
  EXPECT_TRUE(master_secret(kTls13, PrfHash::sha256, secret, random, random).empty());
  EXPECT_TRUE(master_secret(0x0002, PrfHash::md5_sha1, secret, random, random).empty());
  EXPECT_TRUE(extended_master_secret(PrfHash::unsupported, secret, random).empty());
  EXPECT_TRUE(key_block(kTls12, PrfHash::unsupported, secret, random, random, 40).empty());

  // SSL 3.0 runs out of letters after 26 MD5 blocks.
  EXPECT_EQ(key_block(kSsl30, PrfHash::md5_sha1, secret, random, random, 416).size(), 416u);
  EXPECT_TRUE(key_block(kSsl30, PrfHash::md5_sha1, secret, random, random, 417).empty());

  // A block too short for the suite splits into nothing.
  const std::vector<uint8_t> block(key_block_length(20, 16, 16) - 1, 0x33);
  const KeyBlockParts parts = split_key_block(block, 20, 16, 16);
  EXPECT_TRUE(parts.client_mac.empty() && parts.server_mac.empty() && parts.client_key.empty() &&
              parts.server_key.empty() && parts.client_iv.empty() && parts.server_iv.empty());

  // SSL 3.0 export keys are single MD5 outputs: 16 bytes at most.
  KeyBlockParts material;
  material.client_key.assign(5, 0x44);
  material.server_key.assign(5, 0x55);
  EXPECT_TRUE(export_keys(kSsl30, PrfHash::md5_sha1, material, random, random, 17, 0).client_key.empty());
  EXPECT_TRUE(export_keys(kTls10, PrfHash::unsupported, material, random, random, 16, 8).client_key.empty());
  EXPECT_TRUE(export_keys(kTls10, PrfHash::md5_sha1, material, random, random, 0, 0).client_key.empty());

  // HkdfLabel bounds (RFC 8446 7.1).
  EXPECT_EQ(hkdf_expand_label(Hash::sha256, secret, std::string(249, 'x'), {}, 32).size(), 32u);
  EXPECT_TRUE(hkdf_expand_label(Hash::sha256, secret, std::string(250, 'x'), {}, 32).empty());
  EXPECT_EQ(hkdf_expand_label(Hash::sha256, secret, "key", std::vector<uint8_t>(255, 1), 16).size(), 16u);
  EXPECT_TRUE(hkdf_expand_label(Hash::sha256, secret, "key", std::vector<uint8_t>(256, 1), 16).empty());
  EXPECT_TRUE(hkdf_expand_label(Hash::sha256, secret, "key", {}, 0).empty());
  // HKDF-Expand cannot give more than 255 hash blocks.
  EXPECT_TRUE(hkdf_expand_label(Hash::sha256, secret, "key", {}, 255 * 32 + 1).empty());

  const TrafficKey none = traffic_key(Hash::sha256, secret, 16, 0);
  EXPECT_TRUE(none.key.empty() && none.iv.empty());
  EXPECT_TRUE(tls13_handshake_secret(Hash::sha256, {}, random).empty());
  EXPECT_TRUE(tls13_master_secret(Hash::sha256, {}).empty());
}

// ---------------------------------------------------------------------------------------
// TLS 1.3

void run_tls13_vector(const Block& b) {
  const std::string& op = b.raw("Operation");
  const Hash hash = b.hash();
  const std::vector<uint8_t> empty_hash = transcript_hash(hash, {});

  if (op == "extract") {
    b.expect("Output", hkdf_extract(hash, b.hex("Salt"), b.hex("IKM")));
  } else if (op == "derive_secret") {
    b.expect("Output", derive_secret(hash, b.hex("Secret"), b.text("Label"), b.hex("TranscriptHash")));
  } else if (op == "traffic_key") {
    const TrafficKey key = traffic_key(hash, b.hex("Secret"), b.hex("Key").size(), b.hex("Iv").size());
    b.expect("Key", key.key);
    b.expect("Iv", key.iv);
  } else if (op == "finished") {
    b.expect_if_present("FinishedKey", finished_key(hash, b.hex("BaseKey")));
    b.expect("VerifyData", finished_verify_data(hash, b.hex("BaseKey"), b.hex("TranscriptHash")));
  } else if (op == "resumption_psk") {
    b.expect("Output", resumption_psk(hash, b.hex("Secret"), b.hex("Nonce")));
  } else if (op == "next_traffic_secret") {
    b.expect("Output", next_traffic_secret(hash, b.hex("Secret")));
  } else if (op == "transcript") {
    TranscriptHash transcript(hash);
    ASSERT_TRUE(transcript.valid());
    EXPECT_EQ(transcript.length(), hash_length(hash));
    size_t messages = 0;
    for (const Block::Entry& e : b.entries()) {
      if (e.key == "Message") {
        e.used = true;
        transcript.update(b.parse_hex(e.key, e.value));
        ++messages;
      } else if (e.key.rfind("After", 0) == 0) {
        e.used = true;
        EXPECT_EQ(e.key, "After" + std::to_string(messages)) << b.where();
        EXPECT_EQ(to_hex(transcript.current()), to_hex(b.parse_hex(e.key, e.value))) << b.where() << ": " << e.key;
      }
    }
    b.expect("Output", transcript.current());
  } else if (op == "transcript_hrr") {
    TranscriptHash transcript(hash);
    transcript.update(b.hex("ClientHello1"));
    transcript.restart_with_message_hash();
    for (const Block::Entry& e : b.entries()) {
      if (e.key != "Message") continue;
      e.used = true;
      transcript.update(b.parse_hex(e.key, e.value));
    }
    b.expect("Output", transcript.current());
  } else if (op == "schedule") {
    const std::vector<uint8_t> early = tls13_early_secret(hash, b.hex("PSK"));
    b.expect("EarlySecret", early);
    b.expect_if_present("ExternalBinderKey", derive_secret(hash, early, tls13_label::external_binder, empty_hash));
    b.expect_if_present("ResumptionBinderKey", derive_secret(hash, early, tls13_label::resumption_binder, empty_hash));
    if (b.has("ClientHelloHash")) {
      const std::vector<uint8_t> ch = b.hex("ClientHelloHash");
      b.expect("ClientEarlyTraffic", derive_secret(hash, early, tls13_label::client_early_traffic, ch));
      b.expect("EarlyExporterMaster", derive_secret(hash, early, tls13_label::early_exporter_master, ch));
    }
    const std::vector<uint8_t> handshake = tls13_handshake_secret(hash, early, b.hex("SharedSecret"));
    b.expect("HandshakeSecret", handshake);
    const std::vector<uint8_t> sh = b.hex("ServerHelloHash");
    b.expect("ClientHandshakeTraffic", derive_secret(hash, handshake, tls13_label::client_handshake_traffic, sh));
    b.expect("ServerHandshakeTraffic", derive_secret(hash, handshake, tls13_label::server_handshake_traffic, sh));
    const std::vector<uint8_t> master = tls13_master_secret(hash, handshake);
    b.expect("MasterSecret", master);
    const std::vector<uint8_t> sf = b.hex("ServerFinishedHash");
    b.expect("ClientApplicationTraffic", derive_secret(hash, master, tls13_label::client_application_traffic, sf));
    b.expect("ServerApplicationTraffic", derive_secret(hash, master, tls13_label::server_application_traffic, sf));
    b.expect("ExporterMaster", derive_secret(hash, master, tls13_label::exporter_master, sf));
    b.expect("ResumptionMaster",
             derive_secret(hash, master, tls13_label::resumption_master, b.hex("ClientFinishedHash")));
  } else {
    ADD_FAILURE() << b.where() << ": unknown Operation " << op;
  }
}

TEST(HkdfTls13, Rfc8448Vectors) {
  EXPECT_GE(for_each_vector("tls13_rfc8448.txt", run_tls13_vector), 40u);
}

TEST(HkdfTls13, ComputedVectors) {
  EXPECT_GE(for_each_vector("tls13_computed.txt", run_tls13_vector), 11u);
}

TEST(HkdfTls13, HashLengths) {
  EXPECT_EQ(hash_length(Hash::sha256), 32u);
  EXPECT_EQ(hash_length(Hash::sha384), 48u);
  EXPECT_EQ(tls13_early_secret(Hash::sha384, {}).size(), 48u);
  EXPECT_EQ(to_string(Hash::sha384), "sha384");
  EXPECT_EQ(to_string(PrfHash::md5_sha1), "md5_sha1");
}

// ---------------------------------------------------------------------------------------
// TranscriptHash

TEST(TranscriptHash, CurrentDoesNotFinish) {
  const std::string a = "first message";
  const std::string b = "second message";
  TranscriptHash running(Hash::sha256);
  running.update(text_bytes(a));
  const std::vector<uint8_t> after_a = running.current();
  EXPECT_EQ(after_a, running.current());
  EXPECT_EQ(after_a, transcript_hash(Hash::sha256, text_bytes(a)));
  running.update(text_bytes(b));
  EXPECT_EQ(running.current(), transcript_hash(Hash::sha256, text_bytes(a + b)));
}

TEST(TranscriptHash, ChunkingDoesNotMatter) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  TranscriptHash bytewise(Hash::sha384);
  for (uint8_t byte : data) bytewise.update(Bytes(&byte, 1));
  EXPECT_EQ(bytewise.current(), transcript_hash(Hash::sha384, data));
}

TEST(TranscriptHash, CopiesFork) {
  TranscriptHash original(PrfHash::sha256);
  original.update(text_bytes("common prefix"));
  TranscriptHash fork = original;
  fork.update(text_bytes(" and more"));
  EXPECT_EQ(original.current(), transcript_hash(Hash::sha256, text_bytes("common prefix")));
  EXPECT_EQ(fork.current(), transcript_hash(Hash::sha256, text_bytes("common prefix and more")));

  TranscriptHash assigned(Hash::sha384);
  assigned = fork;
  EXPECT_EQ(assigned.length(), 32u);
  EXPECT_EQ(assigned.current(), fork.current());

  TranscriptHash moved = std::move(fork);
  EXPECT_TRUE(moved.valid());
  EXPECT_EQ(moved.current(), assigned.current());
}

TEST(TranscriptHash, Md5Sha1IsTheConcatenation) {
  TranscriptHash tls10(PrfHash::md5_sha1);
  ASSERT_TRUE(tls10.valid());
  EXPECT_EQ(tls10.length(), 36u);
  tls10.update(text_bytes("abc"));
  // MD5("abc") and SHA-1("abc"), RFC 1321 A.5 and FIPS 180-2 appendix A.
  EXPECT_EQ(to_hex(tls10.current()),
            "900150983cd24fb0d6963f7d28e17f72"
            "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(TranscriptHash, ByOpenSslName) {
  TranscriptHash sha512("SHA512");
  ASSERT_TRUE(sha512.valid());
  EXPECT_EQ(sha512.length(), 64u);
  TranscriptHash bogus("no-such-digest");
  EXPECT_FALSE(bogus.valid());
  bogus.update(text_bytes("ignored"));
  EXPECT_TRUE(bogus.current().empty());
  EXPECT_EQ(bogus.length(), 0u);
  TranscriptHash unsupported(PrfHash::unsupported);
  EXPECT_FALSE(unsupported.valid());
  TranscriptHash copy = bogus;
  EXPECT_FALSE(copy.valid());
}

}  // namespace
}  // namespace tlslens::crypto
