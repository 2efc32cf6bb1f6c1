"""Who an aircraft is: country of its ICAO address block, aircraft databases, actor rules, airports.

Aircraft submodules: `icao_blocks` (address -> State, ICAO Annex 10 Vol III), `aircraftdb` (import of
OpenSky / tar1090-db / registry files into the `aircraft` table), `actors` (watchlist rules -> the actor
of each aircraft: `aircraft_identity`, `match_aircraft`), `describe` (everything known of one aircraft),
`airports` (every airport as a known place, nearest-airport lookup). Vessel identity (MID flags) lives
in `mid` and `vessels`. Nothing is loaded at import time.
"""
