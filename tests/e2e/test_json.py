#!/usr/bin/env python3
"""`tlslens -j` writes valid JSON on every line for every capture (captures/ and, when present,
../shared/corpus), with "schema" and a known "event" on each, and with -x the record bytes as
lowercase hex. Also checks the events of each connection come in a sensible order."""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

EVENTS = {"connection_start", "connection_end", "gap", "malformed_packet", "record", "message", "note", "summary", "chain", "finding",
          "certificate", "capture_end"}
HEX = re.compile(r"^[0-9a-f]*$")

files = sorted(glob.glob(os.path.join(common.CAPTURES_DIR, "*.pcap*")))
if os.path.isdir(common.CORPUS_DIR):
    files += sorted(glob.glob(os.path.join(common.CORPUS_DIR, "captures", "*")))
else:
    print(f"SKIPPED the shared corpus: {common.CORPUS_DIR} is absent")

f = common.Failures()
for path in files:
    name = os.path.relpath(path, common.SOURCE_DIR)
    for args in (["-j"], ["-j", "-x"]):
        r = common.run_tlslens(args + ["-r", path])
        f.check(r.returncode in (0, 2), f"{name} {args}: exit {r.returncode}")
        lines = common.output_lines(r)
        f.check(len(lines) > 0, f"{name} {args}: no output")
        open_connections = set()
        for number, line in enumerate(lines, 1):
            try:
                event = json.loads(line)
            except json.JSONDecodeError as e:
                f.check(False, f"{name} {args} line {number}: invalid JSON ({e}): {line[:200]}")
                continue
            kind = event.get("event")
            if event.get("schema") != 1 or kind not in EVENTS:
                f.check(False, f"{name} line {number}: schema {event.get('schema')!r} event {kind!r}")
                continue
            conn = event.get("connection")
            if kind == "connection_start":
                open_connections.add(conn)
            elif kind in ("record", "message", "note", "summary", "certificate", "gap", "chain", "finding"):
                if conn not in open_connections:
                    f.check(False, f"{name} line {number}: {kind} for connection {conn} outside its lifetime")
            elif kind == "connection_end":
                open_connections.discard(conn)
            if kind == "record" and "-x" in args:
                if not HEX.match(event.get("fragment_hex", "x")):
                    f.check(False, f"{name} line {number}: record without lowercase hex fragment")
        f.check(lines and json.loads(lines[-1]).get("event") == "capture_end" or r.returncode == 2,
                f"{name} {args}: the last line is not capture_end")
    print(f"{name}: ok")
f.finish("json")
