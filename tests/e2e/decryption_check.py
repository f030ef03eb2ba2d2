"""Runs `tlslens -j -d` and gathers, per connection, the decrypted application data and the
decryption counts — shared by the e2e and corpus decryption tests."""
import json

import common


class Decrypted:
    def __init__(self, result):
        self.result = result
        self.data = {}            # connection -> {"C>S": bytes-ish str, "S>C": str}
        self.failures = {}        # connection -> count of records that failed authentication
        self.undecryptable = {}   # connection -> records not decrypted (summary)
        self.decrypted = {}       # connection -> records decrypted (summary)
        self.missing = {}         # connection -> reason
        self.messages = {}        # connection -> [handshake type codes, in order, decrypted ones included]
        self.alerts = {}          # connection -> [(level, description)]
        for line in common.output_lines(result):
            event = json.loads(line)
            conn = event.get("connection")
            kind = event["event"]
            if kind == "record":
                if event.get("decrypt_error"):
                    self.failures[conn] = self.failures.get(conn, 0) + 1
                if "data_hex" in event:
                    per_dir = self.data.setdefault(conn, {"C>S": "", "S>C": ""})
                    per_dir[event["dir"]] += bytes.fromhex(event["data_hex"]).decode("latin-1")
            elif kind == "message" and event["content_type"]["code"] == 22:
                self.messages.setdefault(conn, []).append(event["handshake_type"]["code"])
            elif kind == "message" and event["content_type"]["code"] == 21:
                fields = event.get("fields", {})
                self.alerts.setdefault(conn, []).append(
                    (fields.get("level", {}).get("code"), fields.get("description", {}).get("code")))
            elif kind == "summary":
                d = event.get("decryption") or {}
                self.decrypted[conn] = sum((d.get("decrypted_records") or {}).values())
                self.undecryptable[conn] = sum((d.get("undecryptable_records") or {}).values())
                self.missing[conn] = d.get("missing_keys")

    def text(self, conn, direction=None):
        per_dir = self.data.get(conn, {"C>S": "", "S>C": ""})
        return per_dir[direction] if direction else per_dir["C>S"] + per_dir["S>C"]

    def all_text(self):
        return "".join(self.text(c) for c in sorted(self.data))


def run(args):
    return Decrypted(common.run_tlslens(["-j", "-d"] + args))
