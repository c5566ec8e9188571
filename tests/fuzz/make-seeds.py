#!/usr/bin/env python3
# make-seeds.py: (re)makes the seed corpus of the fuzz targets from the answers
# captured from real Harper servers (tests/fixtures/hdb). Seeds are named
# seed-*; inputs that once crashed a target are kept beside them as crash-*
# and never removed by this script. Run from anywhere; the corpus is committed.
import os, pathlib

here = pathlib.Path(__file__).resolve().parent
fixtures = here.parent / "fixtures" / "hdb"
corpus = here / "corpus"

# fuzz-hdb-parse: the first byte picks the parser (see fuzz-hdb-parse.c).
parsers = [
    ("registration_info", 0), ("user_info", 1), ("list_users", 2), ("list_roles", 3),
    ("describe_all", 4), ("get_configuration", 5), ("cluster_status", 6),
    ("system_information", 7), ("create_", 8), ("add_user", 8), ("alter_user", 8),
    ("add_role", 8), ("insert", 8), ("set_configuration", 8), ("add_node", 9),
    ("update_node", 9), ("remove_node", 9), ("restart", 10), ("cluster_get_routes", 11),
    ("cluster_set_routes", 11), ("cluster_delete_routes", 11), ("search_hdb_nodes", 12),
    ("error_", 8), ("cluster_network", 5),
]

def write(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("seed-" + name):
        old.unlink()
    (d / ("seed-" + name)).write_bytes(data)

for d in (corpus / "fuzz-hdb-json", corpus / "fuzz-hdb-parse"):
    if d.exists():
        for old in d.glob("seed-*"):
            old.unlink()

for f in sorted(fixtures.glob("*.json")):
    data = f.read_bytes()
    write("fuzz-hdb-json", f.stem, data)
    for prefix, index in parsers:
        if f.name.startswith(prefix):
            write("fuzz-hdb-parse", f.stem, bytes([index]) + data)
            break

helpers = {
    "version-4.4.18": b"4.4.18", "version-4.7.29-beta": b"4.7.29-beta.1", "version-5": b"5.0",
    "url-https": b"https://db1.example.com:9925\0node1",
    "url-http-v6": b"http://[::1]:9925/\0db",
    "url-userinfo": b"https://admin:pw@db1:9925",
    "fingerprint-colons": b"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
    "fingerprint-plain": b"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
    "node-name": b"node1\0https://db1:9925",
    "node-name-dots": b"db.example.com\0http://127.0.0.1:19100",
    "node-name-unicode": "Zürich Ost\0https://zürich:9925".encode(),
}
for name, data in helpers.items():
    write("fuzz-helpers", name, data)
# Certificates (DER), for hdb_certificate_public_key_sha256 (fuzz-helpers reads
# the raw bytes as one): the fault tests' own, decoded from their PEM.
import base64
for pem in ("test-cert-a.pem", "test-cert-a-renewed.pem"):
    text = (here.parent / "faults" / pem).read_text()
    body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
    write("fuzz-helpers", "der-" + pem[:-4], base64.b64decode(body))
# The app's own files (fuzz-files: the first byte picks the format).
organizations = b"""{"version": 1, "organizations": [{"id": "o1", "name": "Demo", "cluster_user": "cluster_user",
 "instances": [{"id": "i1", "name": "node1", "url": "http://127.0.0.1:29100", "username": "admin"},
  {"id": "i2", "name": "node2", "url": "https://127.0.0.1:29110", "username": "admin",
   "pinned_certificate": "AB:CD:EF"}]}]}"""
pending = b"""{"version": 1, "changes": [
 {"instance": "i1", "peer": "node2", "database": "data", "table": "dog", "publish": false,
  "baseline": {"publish": true, "subscribe": true, "replicates": true}},
 {"instance": "i1", "peer": "node2", "database": "data", "table": "cat", "subscribe": false,
  "baseline": {"publish": true, "subscribe": true, "replicates": false}}]}"""
history = b"""{"version":1,"time":"2026-12-05T14:38:59Z","instance":"node1","instance_id":"i1","peer":"node2","operation":"update_node","changes":["data.dog: publish off"],"result":"ok","sent":true,"message":"Successfully updated"}
{"version":1,"time":"2026-12-05T14:39:10Z","instance":"node1","instance_id":"i1","peer":"node3","operation":"remove_node","changes":[],"result":"failed","sent":false,"message":null}
not json at all
"""
for d in (corpus / "fuzz-files", corpus / "fuzz-plan"):
    if d.exists():
        for old in d.glob("seed-*"):
            old.unlink()
write("fuzz-files", "organizations", b"\0" + organizations)
write("fuzz-files", "pending", b"\2" + pending)
write("fuzz-files", "history", b"\3" + history)

# The plan: engine byte, then pending, status and schema separated by NULs.
for status in sorted(fixtures.glob("cluster_status_*.json")):
    engine = b"\1" if "nats" in status.name else b"\0"
    write("fuzz-plan", status.stem, engine + pending + b"\0" + status.read_bytes() + b"\0" +
          (fixtures / "describe_all.json").read_bytes())

print("seeds written under", corpus)
