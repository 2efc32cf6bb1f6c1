"""Ingest: read files of known formats into the workspace, one transaction per file."""
