"""Command-line interface: a thin layer over the library (basewatch.Workspace and feature modules)."""
