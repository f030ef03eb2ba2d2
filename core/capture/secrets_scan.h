// Finds the Decryption Secrets Blocks of a pcapng file (libpcap never hands them out).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/capture/pcapng_reader.h"

namespace tlslens {

// Reads every block of `path` (compressed or not) and returns its Decryption Secrets Blocks
// in file order; empty for pcap files and for pcapng files without any. Never throws: a file
// that cannot be read yields what was found before the problem. Standard input ("-"), pipes
// and FIFOs are not scanned (that would consume them): empty.
//
// An uncompressed file is walked block by block by the blocks' lengths, with large reads, at
// about the speed of reading it; packet blocks are not looked into (a packet that cannot be
// decoded does not hide the secrets after it). With `threads` > 1 a large one is walked by
// two threads, one per half: the result is the same.
std::vector<DecryptionSecrets> scan_decryption_secrets(const std::string& path, unsigned threads = 1);

namespace detail {
// The same, with the second walker starting at the first block boundary it finds from
// `split_at` (0: one walker): for tests, which must get the same result for every split.
std::vector<DecryptionSecrets> scan_decryption_secrets_split(const std::string& path, uint64_t split_at);
}  // namespace detail

}  // namespace tlslens
