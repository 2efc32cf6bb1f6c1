"""Imagery: observations as STAC Items (label extension) and before/after change detection.

Layers, each a small module:
- formats: `raster` (GeoTIFF via rasterio, JPEG/PNG via Pillow), `labels` (CSV, GeoJSON, STAC label
  items), `stac` (build and read Items);
- algorithms on numpy arrays, no I/O: `register`, `radiometry`, `change`, `objects`, `compare`;
- `detector` (optional ONNX model), `store` (DuckDB tables of migration 0015), `api` (what the
  Workspace methods call), `brief` (the brief's before/after section).

Importing this package loads nothing heavy; numpy, OpenCV, rasterio and pystac are imported by the
modules that need them.
"""
