"""Who an aircraft is: country of its ICAO address block, aircraft databases, actor rules, airports.

Submodules: `icao_blocks` (address -> State), `aircraftdb` (import of aircraft databases),
`actors` (watchlist rules -> actor of each aircraft), `airports` (every airport as a known place).
Vessel identity (MID flags) lives in `mid` and `vessels`.
"""
