// How numbers, times and endpoints read in the GUI. One place, so every view formats alike.
#pragma once

#include <cstdint>

#include <QString>

#include "core/net/address.h"
#include "core/util/timestamp.h"

namespace tlslens::gui {

// "1,234,567": digit grouping regardless of the user's locale, so columns line up and
// screenshots in bug reports read the same everywhere.
QString format_count(uint64_t n);

// "12.345 s" — seconds with millisecond precision.
QString format_duration(Timestamp duration);

// "2026-11-29 16:37:23.123456 UTC", as the CLI prints absolute capture times.
QString format_capture_time(Timestamp t);

// "10.0.0.1:443" or "[::1]:443".
QString format_endpoint(const Endpoint& endpoint);

// A key that orders endpoints by address family, address bytes, then port (numerically), unlike
// their text, where "10.0.0.1:6000" would sort after "10.0.0.1:50000". It is fixed-width hex
// text because QSortFilterProxyModel compares values of types it does not know as strings.
QString endpoint_sort_key(const Endpoint& endpoint);

}  // namespace tlslens::gui
