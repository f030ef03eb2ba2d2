#include "gui/connection_row.h"

namespace tlslens::gui {

ConnectionRow make_connection_row(const Connection& connection) {
  const DirectionStats& to_server = connection.stats_of(Direction::client_to_server);
  const DirectionStats& to_client = connection.stats_of(Direction::server_to_client);

  ConnectionRow row;
  row.id = connection.id;
  row.client = connection.client;
  row.server = connection.server;
  row.first_seen = connection.first_seen;
  row.last_seen = connection.last_seen;
  row.packets = to_server.segments + to_client.segments;
  row.bytes_client_to_server = to_server.delivered_bytes;
  row.bytes_server_to_client = to_client.delivered_bytes;
  row.end_reason = connection.end_reason;
  row.handshake_seen = connection.handshake_seen;
  row.gaps = to_server.gaps + to_client.gaps;
  row.gap_bytes = to_server.gap_bytes + to_client.gap_bytes;
  return row;
}

}  // namespace tlslens::gui
