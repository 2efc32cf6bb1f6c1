"""The workspace: one DuckDB file holding every record, its provenance and derived tables."""
