#include "gui/packet_offset_index.h"

#include <algorithm>

namespace tlslens::gui {

void PacketOffsetIndex::record(uint64_t connection_id, SeekPoint start, Timestamp first_seen) {
  if (connection_id == 0) return;
  if (entries_.size() < connection_id) entries_.resize(connection_id);
  entries_[connection_id - 1] = Entry{start, first_seen};
}

void PacketOffsetIndex::forget(uint64_t connection_id) {
  if (connection_id == 0 || connection_id > entries_.size()) return;
  entries_[connection_id - 1] = Entry{};
}

std::optional<PacketOffsetIndex::Entry> PacketOffsetIndex::find(uint64_t connection_id) const {
  if (connection_id == 0 || connection_id > entries_.size()) return std::nullopt;
  const Entry& entry = entries_[connection_id - 1];
  if (entry.start.offset == 0) return std::nullopt;  // no record starts at 0: the file header is there
  return entry;
}

size_t PacketOffsetIndex::indexed() const {
  return static_cast<size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.start.offset != 0; }));
}

}  // namespace tlslens::gui
