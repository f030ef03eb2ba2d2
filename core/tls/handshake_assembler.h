// HandshakeAssembler: joins one direction's handshake records into handshake messages.
//
// What it promises: messages split across records (a Certificate spread over many records
// and segments) are joined; several messages in one record are split; a message wholly
// inside one record is handed out without a copy. A message is held until complete, up to
// the protocol's limit (a 24-bit length); a record of another content type arriving while
// a message is incomplete is a protocol violation: the partial message is reported and
// dropped. Bytes are only ever buffered as they arrive, so memory follows the data actually
// sent, not the lengths claimed.
#pragma once

#include <cstdint>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::tls {

class HandshakeAssembler {
 public:
  class Handler {
   public:
    // A complete message: 4-byte header + body.
    virtual void message(Bytes message) = 0;

   protected:
    ~Handler() = default;
  };

  void feed(Bytes fragment, Handler& handler);
  // Drops a partial message (another content type interrupted it, or framing was lost);
  // returns the number of bytes dropped (0 when nothing was pending).
  size_t reset();
  bool pending() const { return !partial_.empty(); }
  size_t pending_bytes() const { return partial_.size(); }
  // Total length of the pending message when its header is complete, else 0.
  size_t pending_total() const;

 private:
  std::vector<uint8_t> partial_;
};

}  // namespace tlslens::tls
