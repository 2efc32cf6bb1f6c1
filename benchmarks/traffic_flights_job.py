"""The `traffic` library doing the flights job: split each aircraft's track on gaps, then infer the
take-off and landing airports of every flight. Runs in benchmarks/.cache/traffic-venv (pandas < 3).

Usage: traffic-venv/bin/python traffic_flights_job.py POINTS.parquet [GAP]   (prints the flight count)
Airports come from airportsdata (traffic would download OurAirports; this machine is offline).
"""

from __future__ import annotations

import sys

import airportsdata
import pandas as pd
import pyarrow.parquet as pq
from traffic.algorithms.metadata.airports import LandingAirportInference, TakeoffAirportInference
from traffic.core import Traffic
from traffic.data.basic.airports import Airports


def airports() -> Airports:
    rows = airportsdata.load("ICAO").values()
    frame = pd.DataFrame(
        {
            "icao": [a["icao"] for a in rows],
            "iata": [a["iata"] for a in rows],
            "name": [a["name"] for a in rows],
            "country": [a["country"] for a in rows],
            "latitude": [a["lat"] for a in rows],
            "longitude": [a["lon"] for a in rows],
            "altitude": [a["elevation"] for a in rows],
        }
    )
    return Airports(data=frame)


def main(path: str, gap: str = "15 min") -> None:
    cols = ["icao24", "time", "lat", "lon", "alt_baro_m", "gs_ms", "track_deg", "vrate_ms", "callsign", "on_ground"]
    df = pq.read_table(path, columns=cols).to_pandas()
    df = df.rename(columns={"time": "timestamp", "lat": "latitude", "lon": "longitude", "alt_baro_m": "altitude",
                            "gs_ms": "groundspeed", "track_deg": "track", "vrate_ms": "vertical_rate",
                            "on_ground": "onground"})
    df = df.dropna(subset=["latitude", "longitude"])
    ap = airports()
    takeoff, landing = TakeoffAirportInference(dataset=ap), LandingAirportInference(dataset=ap)
    n = 0
    for flight in Traffic(df):
        for segment in flight.split(gap):
            takeoff.infer(segment)
            landing.infer(segment)
            n += 1
    print(n)


if __name__ == "__main__":
    main(*sys.argv[1:])
