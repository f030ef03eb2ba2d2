#!/usr/bin/env python3
"""Writes the small synthetic seed inputs of fuzz/corpus/reassembly (deterministic), and
(see audit_seeds.py) the seeds of the audit targets audit_signatures, chain_audit and
audited_stream with their fixture header fuzz/audit_fixtures.h.

The packet_decoder seeds are frames built by tests/support/packet_builder; the
capture_file target also reads captures/ as seeds (see fuzz/CMakeLists.txt).
  fuzz/make_seeds.py            all of them
  fuzz/make_seeds.py reassembly only the reassembly seeds
  fuzz/make_seeds.py audit      only the audit seeds (needs python3-cryptography and openssl)"""
import os
import random
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "reassembly")
SYN, FIN, RST, ACK = 0x02, 0x01, 0x04, 0x10


def segment(forward, flags, seq, ack, payload=b"", step=1, port_index=0, snap_cut=False):
    selector = (1 if forward else 0) | (port_index << 1) | (0x80 if snap_cut else 0)
    return struct.pack(">BBBIIH", selector, flags, step, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, len(payload)) + payload


def connection(rng, isn_c, isn_s, chunks, shuffle=False, drop=None, port_index=0):
    out = [segment(True, SYN, isn_c, 0, port_index=port_index),
           segment(False, SYN | ACK, isn_s, isn_c + 1, port_index=port_index),
           segment(True, ACK, isn_c + 1, isn_s + 1, port_index=port_index)]
    data = []
    seq = isn_c + 1
    for i in range(chunks):
        payload = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        data.append(segment(True, ACK, seq, isn_s + 1, payload, port_index=port_index))
        seq += len(payload)
    if drop is not None and drop < len(data):
        del data[drop]
    if shuffle:
        rng.shuffle(data)
    out += data
    out += [segment(True, FIN | ACK, seq, isn_s + 1, port_index=port_index),
            segment(False, FIN | ACK, isn_s + 1, seq + 1, port_index=port_index)]
    return b"".join(out)


def main():
    import sys
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("all", "audit"):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import audit_seeds
        audit_seeds.main()
    if what not in ("all", "reassembly"):
        return
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(1)
    seeds = {
        "in-order": connection(rng, 1000, 5000, 6),
        "reordered": connection(rng, 1000, 5000, 8, shuffle=True),
        "lost-segment": connection(rng, 1000, 5000, 8, drop=3),
        "seq-wrap": connection(rng, 0xFFFFFF00, 0xFFFFFFF0, 8, shuffle=True),
        "two-flows": connection(rng, 1, 2, 4, port_index=0) + connection(rng, 7, 9, 4, port_index=1),
        "rst": segment(True, ACK, 50, 60, b"abc") + segment(False, RST, 60, 0),
        "midstream": segment(False, ACK, 777, 10, b"x" * 100) + segment(True, ACK, 10, 877, b"y" * 10),
        "snaplen-cut": segment(True, SYN, 1, 0) + segment(True, ACK, 2, 0, b"z" * 64, snap_cut=True),
        "port-reuse": connection(rng, 100, 200, 2) + connection(rng, 9100, 9200, 2),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {OUT}")


if __name__ == "__main__":
    main()
