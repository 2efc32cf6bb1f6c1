"""Reader `ais-csv`: decoded AIS in CSV (MarineCadastre, Spire-style, or any layout with a mapping).

Columns are found by logical name: each logical field has known header spellings (case-insensitive),
and `--columns mmsi=ID,time=Timestamp,...` maps (or overrides) them for other layouts. Needed: mmsi and
time; positions need lat and lon; static fields are optional. Units: sog in knots (as every decoded AIS
CSV we know), lengths in metres, angles in degrees; times ISO 8601 (naive = UTC), `YYYYmmdd_HHMMSS`
(Spire, plus a millisecond column) or unix seconds. Each row gives a position (when it has lat/lon)
and/or static data (when it has any static field); identical static data of one vessel is kept once,
with its first time. `row_no` is the data row + 1 (the header is row 1).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import BasewatchError, InputFormatError
from basewatch.ingest import files
from basewatch.ingest.adsb.common import blank_rows, read_csv_rows
from basewatch.ingest.ais import records
from basewatch.ingest.ais.nmea import OTHER_TYPE
from basewatch.ingest.base import SKIPPED_NOT_VESSEL, ReadResult, Rejects
from basewatch.ingest.scratch import scratch
from basewatch.ingest.stream import Batch, Block, Stream, collect, line_blocks
from basewatch.units import KT_TO_MS

# logical field -> known header spellings (compared case-insensitively)
ALIASES: dict[str, tuple[str, ...]] = {
    "mmsi": ("mmsi", "userid", "user_id"),
    "time": ("basedatetime", "base_date_time", "# timestamp", "time", "timestamp", "datetime", "date_time", "ts",
             "received_at"),
    "millisecond": ("millisecond",),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "longitude", "lng", "long", "x"),
    "sog": ("sog", "speed"),
    "cog": ("cog", "course"),
    "heading": ("heading", "trueheading", "true_heading"),
    "status": ("status", "navigational_status", "navigational status", "nav_status", "navstatus"),
    "msg_type": ("message_id", "msg_type", "messagetype", "message_type"),
    "name": ("vesselname", "vessel_name", "shipname", "ship_name", "name"),
    "imo": ("imo",),
    "callsign": ("callsign", "call_sign"),  # Danish Maritime Authority: "Callsign"
    "ship_type": ("vesseltype", "ship_type", "ship type", "shiptype", "vessel_type"),
    "length": ("length",),
    "width": ("width", "beam"),
    "draught": ("draft", "draught"),
    "to_bow": ("dimension_to_bow", "to_bow"),
    "to_stern": ("dimension_to_stern", "to_stern"),
    "to_port": ("dimension_to_port", "to_port"),
    "to_starboard": ("dimension_to_starboard", "to_starboard"),
    "destination": ("destination",),
}
NULLS = ("", "None", "none", "NULL", "null", "NaN", "nan", "NA", "Unknown", "unknown", "Undefined", "undefined")
# Some exports (Danish Maritime Authority) give navigational status and ship type as words.
STATUS_WORDS = {
    "under way using engine": 0, "at anchor": 1, "not under command": 2, "restricted maneuverability": 3,
    "constrained by her draught": 4, "moored": 5, "aground": 6, "engaged in fishing": 7,
    "under way sailing": 8, "reserved for future amendment [hsc]": 9, "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11, "power-driven vessel pushing ahead or towing alongside": 12,
    "ais-sart": 14, "unknown value": 15,
}
SHIP_TYPE_WORDS = {
    "wig": 20, "fishing": 30, "towing": 31, "towing long/wide": 32, "dredging": 33, "diving": 34, "military": 35,
    "sailing": 36, "pleasure": 37, "hsc": 40, "pilot": 50, "sar": 51, "tug": 52, "port tender": 53,
    "anti-pollution": 54, "law enforcement": 55, "medical": 58, "not party to conflict": 59, "passenger": 60,
    "cargo": 70, "tanker": 80, "other": 90,
}


def _words_sql(expr: str, words: Mapping[str, int]) -> str:
    """SQL CASE mapping the (constant) words of a vocabulary to codes."""
    whens = " ".join(f"WHEN '{w}' THEN {code}" for w, code in words.items())
    return f"(CASE lower({expr}) {whens} END)"
BAD_TIME = "unreadable time"
TIME_RANGE = "time outside 1970-2100"
BAD_POSITION = "unreadable position"
NOTHING = "no position or static data"
MALFORMED_ROW = "malformed CSV row"


def parse_columns(text: str) -> dict[str, str]:
    """`mmsi=ID,time=Timestamp` -> {'mmsi': 'ID', 'time': 'Timestamp'}; unknown names are an error."""
    mapping: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        key, sep, col = part.partition("=")
        key, col = key.strip().lower(), col.strip()
        if not sep or not col:
            raise BasewatchError(f"--columns: expected name=COLUMN, got {part!r}")
        if key not in ALIASES:
            raise BasewatchError(f"--columns: unknown field {key!r}; known: {', '.join(ALIASES)}")
        mapping[key] = col
    return mapping


def _header(head: bytes) -> list[str]:
    first = files.first_line(head).decode("utf-8-sig", "replace").strip("\r")
    return [c.strip().strip('"').strip() for c in first.split(",")]


def resolve(header: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Logical field -> header column: the mapping first, then the known spellings."""
    lower = {h.lower(): h for h in header}
    out: dict[str, str] = {}
    for key, aliases in ALIASES.items():
        if key in mapping:
            out[key] = mapping[key]
            continue
        hit = next((lower[a] for a in aliases if a in lower), None)
        if hit is not None and hit not in out.values():
            out[key] = hit
    return out


@dataclass(frozen=True)
class AisCsvReader:
    name: str = "ais-csv"
    kind: str = "ais"
    columns: Mapping[str, str] = field(default_factory=dict)

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.lstrip()[:1] in (b"!", b"$", b"\\", b"{", b"["):
            return False
        found = resolve(_header(head), {})
        return "mmsi" in found and "time" in found and header_is_csv(head)

    def with_options(self, strict: bool = False, columns: Mapping[str, str] | None = None) -> AisCsvReader:
        return replace(self, columns=dict(columns or {}))

    def read(self, path: Path) -> ReadResult:
        return read_csv(path, self.columns)

    def stream(self, path: Path, max_lines: int | None = None) -> Stream:
        return stream_csv(path, self.columns, max_lines)


def header_is_csv(head: bytes) -> bool:
    return head.count(b",") >= 2


def read_csv(path: Path, mapping: Mapping[str, str]) -> ReadResult:
    return collect(stream_csv(path, mapping))


def stream_csv(path: Path, mapping: Mapping[str, str], max_lines: int | None = None) -> Stream:
    """The file in batches of at most max_lines lines. Positions are written batch by batch; static data is
    small (a vessel's few distinct states), so each batch's distinct states are kept and merged across the
    file, and written last: a state seen in several batches is one record with its earliest time, as when
    the file is read whole."""
    blocks = (b for b in line_blocks(path, max_lines) if b.data and not b.data.isspace())
    head = next(blocks, None)
    data = head.data if head is not None else b""
    if data.startswith(b"\xef\xbb\xbf"):
        head = Block(1, data[3:]) if head is not None else None
        data = data[3:]
    header = _header(data[:65536])
    cols = resolve(header, mapping)
    missing = [c for c in mapping.values() if c not in header]
    if missing:
        raise InputFormatError(path, f"columns not in the header: {', '.join(missing)}", 1)
    for need in ("mmsi", "time"):
        if need not in cols:
            raise InputFormatError(path, f"no {need} column (give one with --columns {need}=COLUMN)", 1)
    rejects = Rejects()
    stream = Stream(iter(()), rejects, ("ais_positions", "ais_static"),
                    {"ais_positions": records.POSITIONS_SCHEMA, "ais_static": records.STATIC_SCHEMA},
                    notes=[f"columns used: {', '.join(f'{k}={v}' for k, v in cols.items())}"])
    parts = [head] if head is not None else []
    return replace(stream, batches=_batches(path, header, cols, itertools.chain(parts, blocks), stream))


def _batches(path: Path, header: list[str], cols: Mapping[str, str], blocks: Iterator[Block],
             stream: Stream) -> Iterator[Batch]:
    states: list[pa.Table] = []  # each batch's distinct static states
    static_rows = 0
    for block in blocks:
        rows = read_csv_rows(block.data, path, names=header, include=sorted(set(cols.values())),
                             null_values=list(NULLS), header=block.first_line == 1).shifted(block.first_line - 1)
        rows.count_set_aside(stream.rejects, MALFORMED_ROW)
        keep = pc.invert(blank_rows(rows.table))  # blank lines (and emptied non-UTF-8 ones) are no records
        table = rows.table.filter(keep).append_column("row_no", pc.filter(rows.line_no, keep))
        pos, sta, n_static = _convert(table, cols, stream.rejects, stream.skipped)
        static_rows += n_static
        if sta.num_rows:
            states.append(sta)
        yield {"ais_positions": pos}
    merged = _merge_states(states)
    stream.late["duplicates"] = static_rows - merged.num_rows  # identical static data kept once
    yield {"ais_static": merged}


def _merge_states(parts: list[pa.Table]) -> pa.Table:
    """Static states of several batches, one record per distinct state with its earliest time and row."""
    if not parts:
        return records.STATIC_SCHEMA.empty_table()
    if len(parts) == 1:
        return parts[0]
    every = pa.concat_tables(parts)
    with scratch() as con:
        con.register("states", every)
        out = con.execute(
            "SELECT mmsi, min(time) AS time, imo, name, callsign, ship_type, length_m, beam_m, draught_m, "
            "destination, msg_type, min(row_no) AS row_no FROM states GROUP BY ALL ORDER BY row_no"
        ).fetch_arrow_table()
        con.unregister("states")
    return out.select(records.STATIC_SCHEMA.names).cast(records.STATIC_SCHEMA)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _convert(
    table: pa.Table, cols: Mapping[str, str], rejects: Rejects, counts: dict[str, int]
) -> tuple[pa.Table, pa.Table, int]:
    """One batch's positions, its distinct static states, and its rows of static data."""
    with scratch() as con:
        con.register("raw", table)

        def col(key: str) -> str:
            return f"trim(raw.{_q(cols[key])})" if key in cols else "NULL::VARCHAR"

        def num(key: str) -> str:
            return f"TRY_CAST({col(key)} AS DOUBLE)"

        ms = f"coalesce({num('millisecond')}, 0)" if "millisecond" in cols else "0"
        t = col("time")
        type_words = _words_sql(col("ship_type"), SHIP_TYPE_WORDS)
        dims = f"nullif({num('to_bow')}, 0) + nullif({num('to_stern')}, 0)"
        beam = f"nullif({num('to_port')}, 0) + nullif({num('to_starboard')}, 0)"
        con.execute(f"""
            CREATE TEMP TABLE rows AS SELECT
                row_no,
                TRY_CAST(TRY_CAST({col('mmsi')} AS DOUBLE) AS BIGINT) AS mmsi_n,
                {t} AS time_text,
                coalesce(
                    TRY_CAST({t} AS TIMESTAMPTZ),
                    TRY_CAST(try_strptime({t}, ['%Y%m%d_%H%M%S', '%d/%m/%Y %H:%M:%S']) AS TIMESTAMPTZ),
                    CASE WHEN TRY_CAST({t} AS DOUBLE) BETWEEN 315532800 AND 4102444800
                         THEN to_timestamp(TRY_CAST({t} AS DOUBLE)) END
                ) + to_microseconds(TRY_CAST(CASE WHEN {ms} BETWEEN 0 AND 86400000 THEN {ms} * 1000 END AS BIGINT))
                  AS time,
                {col('lat')} AS lat_text, {col('lon')} AS lon_text,
                {num('lat')} AS lat, {num('lon')} AS lon,
                {num('sog')} AS sog, {num('cog')} AS cog, {num('heading')} AS heading,
                coalesce(TRY_CAST({num('status')} AS INTEGER), {_words_sql(col('status'), STATUS_WORDS)}) AS status,
                TRY_CAST({num('msg_type')} AS INTEGER) AS msg_type,
                nullif({col('name')}, '') AS name,
                nullif({col('callsign')}, '') AS callsign,
                nullif(regexp_replace(coalesce({col('imo')}, ''), '[^0-9]', '', 'g'), '') AS imo_digits,
                nullif(coalesce(TRY_CAST({num('ship_type')} AS INTEGER), {type_words}), 0) AS ship_type,
                coalesce(nullif({num('length')}, 0), {dims}) AS length_m,
                coalesce(nullif({num('width')}, 0), {beam}) AS beam_m,
                nullif({num('draught')}, 0) AS draught_m,
                nullif({col('destination')}, '') AS destination
            FROM raw
        """)
        con.execute(f"""
            CREATE TEMP TABLE judged AS SELECT *,
                (lat_text IS NOT NULL OR lon_text IS NOT NULL) AS has_pos,
                (name IS NOT NULL OR callsign IS NOT NULL OR imo_digits IS NOT NULL OR ship_type IS NOT NULL
                 OR length_m IS NOT NULL OR beam_m IS NOT NULL OR draught_m IS NOT NULL
                 OR destination IS NOT NULL) AS has_static,
                CASE
                    WHEN mmsi_n IS NULL OR mmsi_n <= 0 OR mmsi_n > 999999999 THEN '{records.BAD_MMSI}'
                    WHEN time_text IS NULL THEN '{records.NO_TIME}'
                    WHEN time IS NULL THEN '{BAD_TIME}'
                    WHEN time < TIMESTAMPTZ '1970-01-01 00:00:00+00' OR time >= TIMESTAMPTZ '2100-01-01 00:00:00+00'
                         THEN '{TIME_RANGE}'
                    WHEN msg_type NOT IN (1, 2, 3, 5, 18, 19, 24, 27) THEN '{OTHER_TYPE}'
                    WHEN NOT (lat_text IS NOT NULL OR lon_text IS NOT NULL) THEN NULL
                    WHEN lat IS NULL OR lon IS NULL THEN '{BAD_POSITION}'
                    WHEN lat = 91 OR lon = 181 THEN '{records.NO_POSITION}'
                    WHEN abs(lat) > 90 OR abs(lon) > 180 THEN '{records.OUT_OF_RANGE}'
                END AS reason
            FROM rows
        """)
        con.execute(f"""
            UPDATE judged SET reason = '{NOTHING}' WHERE reason IS NULL AND NOT has_pos AND NOT has_static
        """)
        for reason, count, lines in con.execute(
            "SELECT reason, count(*), list(row_no ORDER BY row_no)[1:5] FROM judged WHERE reason IS NOT NULL "
            "GROUP BY reason"
        ).fetchall():
            if reason == OTHER_TYPE:  # a valid message of no vessel (base station, binary): skipped, not rejected
                counts[SKIPPED_NOT_VESSEL] = counts.get(SKIPPED_NOT_VESSEL, 0) + int(count)
                continue
            for ln in lines:
                rejects.add(reason, int(ln), 0)
            rejects.counts[reason] = rejects.counts.get(reason, 0) + int(count)
        pos = con.execute(f"""
            SELECT lpad(CAST(mmsi_n AS VARCHAR), 9, '0') AS mmsi, time, lat, lon,
                   CASE WHEN sog >= 0 AND sog < 102.2 THEN sog * {KT_TO_MS} END AS sog_ms,
                   CASE WHEN cog >= 0 AND cog < 360 THEN cog END AS cog_deg,
                   CASE WHEN heading >= 0 AND heading < 360 THEN heading END AS heading_deg,
                   status AS nav_status, msg_type, 'file' AS time_source, row_no
            FROM judged WHERE reason IS NULL AND has_pos ORDER BY row_no
        """).fetch_arrow_table()
        sta = con.execute("""
            SELECT lpad(CAST(mmsi_n AS VARCHAR), 9, '0') AS mmsi, min(time) AS time,
                   CASE WHEN imo_digits IS NOT NULL AND TRY_CAST(imo_digits AS BIGINT) > 0
                        THEN CAST(TRY_CAST(imo_digits AS BIGINT) AS VARCHAR) END AS imo,
                   name, callsign, ship_type, length_m, beam_m, draught_m, destination, msg_type,
                   min(row_no) AS row_no
            FROM judged WHERE reason IS NULL AND has_static
            GROUP BY ALL ORDER BY row_no
        """).fetch_arrow_table()
        row = con.execute("SELECT count(*) FROM judged WHERE reason IS NULL AND has_static").fetchone()
    return pos.cast(records.POSITIONS_SCHEMA), sta.cast(records.STATIC_SCHEMA), int(row[0]) if row else 0


READER = AisCsvReader()
