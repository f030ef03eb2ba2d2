#include "core/tls/tls_events.h"

namespace tlslens::tls {

std::string_view to_string(NoteKind kind) {
  switch (kind) {
    case NoteKind::not_tls: return "not_tls";
    case NoteKind::malformed_record: return "malformed_record";
    case NoteKind::resynchronized: return "resynchronized";
    case NoteKind::abandoned: return "abandoned";
    case NoteKind::gap: return "gap";
    case NoteKind::malformed_message: return "malformed_message";
    case NoteKind::incomplete: return "incomplete";
  }
  return "unknown";
}

std::string_view to_string(HandshakeOutcome outcome) {
  switch (outcome) {
    case HandshakeOutcome::not_tls: return "not_tls";
    case HandshakeOutcome::complete: return "complete";
    case HandshakeOutcome::resumed: return "resumed";
    case HandshakeOutcome::alert: return "alert";
    case HandshakeOutcome::reset: return "reset";
    case HandshakeOutcome::gap: return "gap";
    case HandshakeOutcome::incomplete: return "incomplete";
    case HandshakeOutcome::midstream: return "midstream";
  }
  return "unknown";
}

}  // namespace tlslens::tls
