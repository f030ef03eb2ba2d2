// DecryptedStreamWriter (--write-decrypted DIR): the decrypted application data of every
// connection, one file per direction:
//   DIR/conn<N>-<client ip>_<port>-<server ip>_<port>-c2s.bin  (and -s2c.bin)
// IPv6 addresses have ':' replaced by '_' so the names are valid everywhere (Windows too).
//
// Promises:
//  * A file is created only when its direction carries decrypted application data, and closed
//    at connection_ended, so open handles are bounded by the connections alive at once.
//  * Only authenticated application-data content is written (TLS 1.3: inner type 23); handshake
//    messages and alerts decrypted along the way are not.
//  * The first I/O error is kept (error()) and writing stops; it is never silent.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "core/output/event_sink.h"

namespace tlslens {

class DecryptedStreamWriter : public EventSink {
 public:
  ~DecryptedStreamWriter() override;

  // Creates DIR when missing. False (with `error` set) when it cannot be used.
  bool open(const std::string& dir, std::string& error);

  // "conn3-10.0.0.1_51234-10.0.0.2_443-c2s.bin"
  static std::string file_name(const Connection& conn, Direction dir);

  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void connection_ended(const Connection& conn) override;

  const std::string& error() const { return error_; }
  uint64_t files_written() const { return files_; }

 private:
  struct Files {
    std::FILE* f[2] = {nullptr, nullptr};
  };
  void close_files(Files& files);
  void fail(std::string message);

  std::string dir_;
  std::unordered_map<uint64_t, Files> open_;  // by Connection::id
  std::string error_;
  uint64_t files_ = 0;
};

}  // namespace tlslens
