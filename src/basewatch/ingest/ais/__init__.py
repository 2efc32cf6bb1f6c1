"""Readers of AIS formats."""
