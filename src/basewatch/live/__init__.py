"""Watch mode: follow receivers (SBS, Beast, AVR, AIS NMEA, jet1090) and folders into the workspace.

Sources (sources.py) deliver bytes, framers (framing.py) cut units, decoders (decoders.py) reuse the
ingest readers, the watcher (watcher.py) writes micro-batches with provenance (store.py), keeps the
derived products current and publishes a read-only snapshot for other processes (snapshot.py).
Importing this package loads nothing heavy.
"""
