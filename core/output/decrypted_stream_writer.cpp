#include "core/output/decrypted_stream_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace tlslens {

namespace {

constexpr uint8_t kApplicationData = 23;

std::string endpoint_part(const Endpoint& e) {
  std::string addr = e.addr.to_string();
  std::replace(addr.begin(), addr.end(), ':', '_');
  return fmt::format("{}_{}", addr, e.port);
}

}  // namespace

DecryptedStreamWriter::~DecryptedStreamWriter() {
  for (auto& [id, files] : open_) close_files(files);
}

bool DecryptedStreamWriter::open(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    error = fmt::format("--write-decrypted: cannot create directory {}: {}", dir,
                        ec ? ec.message() : "not a directory");
    return false;
  }
  dir_ = dir;
  return true;
}

std::string DecryptedStreamWriter::file_name(const Connection& conn, Direction dir) {
  return fmt::format("conn{}-{}-{}-{}.bin", conn.id, endpoint_part(conn.client), endpoint_part(conn.server),
                     dir == Direction::client_to_server ? "c2s" : "s2c");
}

void DecryptedStreamWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

void DecryptedStreamWriter::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  if (!record.decrypted || record.inner_content_type != kApplicationData || record.plaintext.empty()) return;
  if (!error_.empty() || dir_.empty()) return;
  std::FILE*& f = open_[conn.id].f[index_of(record.dir)];
  if (f == nullptr) {
    const std::string path = (std::filesystem::path(dir_) / file_name(conn, record.dir)).string();
    // "wb": connection ids are unique within a run, so truncating only affects a file left by
    // an earlier run in the same DIR, which must not have this run's bytes appended to it.
    f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      fail(fmt::format("--write-decrypted: cannot create {}: {}", path, std::strerror(errno)));
      return;
    }
    ++files_;
  }
  if (std::fwrite(record.plaintext.data(), 1, record.plaintext.size(), f) != record.plaintext.size())
    fail(fmt::format("--write-decrypted: write error on {}: {}", file_name(conn, record.dir), std::strerror(errno)));
}

void DecryptedStreamWriter::close_files(Files& files) {
  for (std::FILE*& f : files.f) {
    if (f != nullptr && std::fclose(f) != 0) fail(fmt::format("--write-decrypted: close error: {}", std::strerror(errno)));
    f = nullptr;
  }
}

void DecryptedStreamWriter::connection_ended(const Connection& conn) {
  auto it = open_.find(conn.id);
  if (it == open_.end()) return;
  close_files(it->second);
  open_.erase(it);
}

}  // namespace tlslens
