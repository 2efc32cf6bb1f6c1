"""Readers of flight-record formats."""
