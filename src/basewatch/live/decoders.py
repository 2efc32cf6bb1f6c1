"""Micro-batches of units decoded by the ingest readers' own code, with the state a stream carries.

A file reader sees a whole recording: SBS state (callsign, altitude...) is carried from earlier lines,
Mode-S positions pair even/odd frames and decode locally against a nearby fix. A stream arrives in
pieces, so each connection's decoder keeps a small *context* of earlier units and decodes it together
with the new batch, keeping only what the new units (and context positions that only now resolve)
produce. The decoding itself is the readers': `SbsReader`, `modes.frames_to_points`, `Jet1090Reader`,
the NMEA `SentenceStream` + `decode_messages`. Record `row_no` is the unit's sequence number in its
connection.

What the context holds (so that the records equal a file ingest of the same bytes):
- SBS: per aircraft, the latest line carrying each state field (positions blanked), up to 30 minutes old.
- Mode-S (Beast, AVR, jet1090 raw frames): per aircraft the latest airborne/surface even and odd
  position frames and the latest pair close enough to fix a position, identification, velocity and
  squawk (DF17/18 TC 28) frames, squawk and Comm-B identification replies (DF5/21/20) with the latest
  checked frame that confirms their address, up to 30 minutes old; and, while a position of the aircraft
  is unresolved, its recent frames (it may resolve against a later fix, as in a file: it is then
  written late, with its own sequence number). A reply that arrives before any checked frame of its
  address is rejected ('unconfirmed'), where a file ingest may confirm it by a later frame.
- AIS: the reader's stream object itself (clock, multipart fragments) stays open per connection.
Times: a unit without its own time gets its arrival time (UTC); Beast/AVR 12 MHz counters are placed
relative to the arrival of the connection's first counted frame.
"""

from __future__ import annotations

import re
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA, ReadResult, Rejects

MLAT_HZ = 12e6
SBS_STATE_MAX_S = 1800.0
MODES_CONTEXT_MAX_S = 1800.0
PAIR_MAX_S = 10.0       # modes.PAIR_MAX_S: even and odd frames this close fix a position together
PENDING_MAX_S = 180.0   # modes.LOCAL_REF_MAX_S: an unresolved position may still resolve this long after
STATE_WINDOW_S = 30.0   # modes.STATE_MAX_AGE_S: state merged into a point comes from this far back
RECENT_FRAMES = 256     # per aircraft, kept for late resolution
# SBS fields (0-based) that carry aircraft state: callsign, altitude, speed, track, vertical rate,
# squawk, on ground
_SBS_STATE = (10, 11, 12, 13, 16, 17, 21)
_AVR = re.compile(
    rb"^\s*(?:\*|@(?P<mlat>[0-9A-Fa-f]{12})|<(?P<mlat2>[0-9A-Fa-f]{12})[0-9A-Fa-f]{2})(?P<hex>[0-9A-Fa-f]{14}|"
    rb"[0-9A-Fa-f]{28});?\s*$"
)
_JSON_FRAME = re.compile(rb'"(?:frame|rawmsg|hex)"\s*:\s*"(?P<hex>[0-9A-Fa-f]{28}|[0-9A-Fa-f]{14})"')
_JSON_TIME = re.compile(rb'"timestamp"\s*:\s*(?P<t>[0-9]+(?:\.[0-9]*)?)')

R_AVR = "not an AVR line (*hex; @counter+hex; <counter+signal+hex;)"
R_NOT_SBS = "not an SBS line"


@dataclass(frozen=True)
class Batch:
    """Units of one connection, in arrival order; unit i has sequence number first_seq + i."""

    feed_id: str
    format: str
    connection_id: int
    first_seq: int
    units: Sequence[bytes]
    arrivals: np.ndarray  # float Unix seconds, one per unit
    end_offset: int | None = None
    final: bool = False   # the connection ended after these units

    @property
    def last_seq(self) -> int:
        return self.first_seq + len(self.units) - 1


class Decoder(Protocol):
    def decode(self, batch: Batch) -> ReadResult: ...


@dataclass
class _Remap:
    """Row numbers of a decoded table (k context rows first, then the new units given) back to sequence
    numbers: row k + 1 + j is the unit with sequence number seqs[j]."""

    k: int
    seqs: np.ndarray

    def seq(self, row: int) -> int:
        j = row - self.k - 1
        return int(self.seqs[j]) if 0 <= j < len(self.seqs) else row


def _remap_rejects(rejects: Rejects, to_seq: Callable[[int], int]) -> Rejects:
    out = Rejects()
    for reason, count in rejects.counts.items():
        out.counts[reason] = count
        out.examples[reason] = [to_seq(x) for x in rejects.examples.get(reason, [])]
    return out


def _spooled(read: Callable[[Path], ReadResult], lines: Sequence[bytes], suffix: str) -> ReadResult:
    with tempfile.TemporaryDirectory(prefix="basewatch-live-") as tmp:
        path = Path(tmp) / f"batch{suffix}"
        path.write_bytes(b"\n".join(lines) + b"\n")
        return read(path)


def _empty(result_tables: dict[str, pa.Table], counted: tuple[str, ...], rejects: Rejects,
           notes: tuple[str, ...] = ()) -> ReadResult:
    return ReadResult(tables=result_tables, rejects=rejects, counted=counted, notes=notes)


def _points_seq(points: pa.Table, remap: _Remap, extra: dict[int, int] | None = None) -> pa.Table:
    """Keep points of new rows (row > k) and of context rows listed in `extra` (row -> seq)."""
    rows = points.column("row_no").to_numpy()
    keep = rows > remap.k
    seq = remap.seqs[np.clip(rows - remap.k - 1, 0, max(len(remap.seqs) - 1, 0))] if len(remap.seqs) else rows
    if extra:
        late = np.array([r in extra for r in rows.tolist()], dtype=bool)
        seq = np.where(late, np.array([extra.get(r, 0) for r in rows.tolist()], dtype=np.int64), seq)
        keep |= late
    out = points.filter(pa.array(keep))
    return out.set_column(out.schema.get_field_index("row_no"), "row_no", pa.array(seq[keep], pa.int64()))


# ----------------------------------------------------------------------------------------------- SBS


class SbsDecoder:
    """SBS-1 lines through `SbsReader`, with each aircraft's latest state lines as context."""

    def __init__(self) -> None:
        self._state: dict[bytes, dict[int, tuple[int, bytes, float]]] = {}

    def decode(self, batch: Batch) -> ReadResult:
        from basewatch.ingest.adsb.sbs import READER

        now = float(batch.arrivals[-1]) if len(batch.arrivals) else 0.0
        context = self._context(now)
        remap = _Remap(len(context), batch.first_seq + np.arange(len(batch.units), dtype=np.int64))
        if not any(u.startswith((b"MSG", b"SEL", b"ID", b"AIR", b"STA", b"CLK")) for u in batch.units):
            rejects = Rejects()
            for i, u in enumerate(batch.units):
                if u.strip():
                    rejects.add(R_NOT_SBS, batch.first_seq + i)
            return _empty({"aircraft_points": AIRCRAFT_POINTS_SCHEMA.empty_table()}, ("aircraft_points",), rejects)
        result = _spooled(READER.read, [*context, *batch.units], ".sbs")
        self._observe(batch)
        points = _points_seq(result.tables["aircraft_points"], remap)
        return ReadResult({"aircraft_points": points}, _remap_rejects(result.rejects, remap.seq), result.counted,
                          result.notes)

    def _context(self, now: float) -> list[bytes]:
        lines: dict[int, bytes] = {}
        for icao in list(self._state):
            fields = self._state[icao]
            for idx in list(fields):
                seq, line, arrival = fields[idx]
                if now - arrival > SBS_STATE_MAX_S:
                    del fields[idx]
                else:
                    lines[seq] = line
            if not fields:
                del self._state[icao]
        return [lines[s] for s in sorted(lines)]

    def _observe(self, batch: Batch) -> None:
        for i, unit in enumerate(batch.units):
            if not unit.startswith(b"MSG,"):
                continue
            f = unit.split(b",")
            if len(f) < 22:
                continue
            carried = [idx for idx in _SBS_STATE if f[idx].strip()]
            if not carried:
                continue
            f[14] = f[15] = b""  # as context it carries state only, never a point of its own
            entry = (batch.first_seq + i, b",".join(f), float(batch.arrivals[i]))
            state = self._state.setdefault(f[4].strip().lower(), {})
            for idx in carried:
                state[idx] = entry


# -------------------------------------------------------------------------------------------- Mode-S


@dataclass
class _Entry:
    seq: int
    time: float
    payload: bytes  # the context unit (a hex frame, or a JSON line)
    position: bool
    emitted: bool


@dataclass
class ModesContext:
    """Per aircraft, the latest frame of each kind that later frames may need, and, while one of its
    positions is still unresolved (it may resolve against a later fix, as in a file), its recent frames."""

    entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)
    recent: dict[str, deque[_Entry]] = field(default_factory=dict)

    def rows(self, now: float) -> list[_Entry]:
        for key in [k for k, e in self.entries.items() if now - e.time > MODES_CONTEXT_MAX_S]:
            del self.entries[key]
        unique = {e.seq: e for e in self.entries.values()}
        for addr in list(self.recent):
            frames = self.recent[addr]
            while frames and now - frames[0].time > PENDING_MAX_S:
                frames.popleft()
            pending = [e.time for e in frames if e.position and not e.emitted]
            if not frames:
                del self.recent[addr]
            elif pending:
                since = min(pending) - STATE_WINDOW_S
                unique.update((e.seq, e) for e in frames if e.time >= since)
        return sorted(unique.values(), key=lambda e: (e.time, e.seq))

    def observe(self, seq: int, time_s: float, key: tuple[str, str] | None, payload: bytes, emitted: bool) -> None:
        if key is None:
            return
        entry = _Entry(seq, time_s, payload, key[1].startswith("pos"), emitted)
        if key[1].startswith("pos"):  # keep the latest even/odd pair close enough to fix a position:
            other = self.entries.get((key[0], key[1][:-1] + ("0" if key[1].endswith("1") else "1")))
            if other is not None and abs(time_s - other.time) <= PAIR_MAX_S:  # later single frames decode
                self.entries[(key[0], key[1][:-2] + "-fix-a")] = other       # locally against it
                self.entries[(key[0], key[1][:-2] + "-fix-b")] = entry
        self.entries[key] = entry
        if key[1] not in ("checked", "squawk", "ident-commb"):  # an extended squitter confirms its address
            self.entries[(key[0], "checked")] = entry
        self.recent.setdefault(key[0], deque(maxlen=RECENT_FRAMES)).append(entry)


def frame_keys(hexes: Sequence[str]) -> list[tuple[str, str] | None]:
    """Per frame, (address, kind) of what later frames may need from it, or None.

    Kinds: 'checked' (a DF11/17/18 frame with a good CRC: it confirms the address of replies), from
    DF17/18 also 'ident', 'velocity', 'pos-air-0/1', 'pos-surface-0/1' (by CPR parity); 'squawk' (DF5/21
    replies) and 'ident-commb' (DF20 with BDS2,0), keyed by the address overlaid on their parity.
    """
    from basewatch.ingest.adsb.modes import frame_fields  # the reader's own CRC and address arithmetic

    if not hexes:
        return []
    df, syndrome, address, mb0 = frame_fields(list(hexes))
    out: list[tuple[str, str] | None] = []
    for i, h in enumerate(hexes):
        d = int(df[i])
        addr = f"{int(address[i]):06x}"
        kind: str | None = None
        if d in (17, 18) and syndrome[i] == 0 and len(h) == 28:
            kind = _extended_kind(int(h[8:22], 16)) or "checked"
        elif d == 11 and syndrome[i] < 0x80:
            kind = "checked"
        elif d in (5, 21):
            kind = "squawk"
        elif d == 20 and mb0[i] == 0x20:
            kind = "ident-commb"
        out.append((addr, kind) if kind else None)
    return out


def _extended_kind(me: int) -> str | None:
    tc = me >> 51
    odd = (me >> 34) & 1
    if 1 <= tc <= 4:
        return "ident"
    if tc == 19:
        return "velocity"
    if tc == 28:
        return "squawk-es"  # emergency/priority status: carries the squawk
    if 5 <= tc <= 8:
        return f"pos-surface-{odd}"
    if 9 <= tc <= 18 or 20 <= tc <= 22:
        return f"pos-air-{odd}"
    return None


class ModesDecoder:
    """Beast frames or AVR lines through `modes.frames_to_points` (the Beast/AVR readers' decoder)."""

    def __init__(self, fmt: str, reference: tuple[float, float] | None = None) -> None:
        self.format = fmt
        self.reference = reference
        self.context = ModesContext()
        self._base: tuple[float, float] | None = None  # (arrival s, counter s) of the first counted frame
        self.mode_ac = 0
        self.status = 0

    def _frames(self, batch: Batch, rejects: Rejects) -> tuple[list[float], list[str], list[int]]:
        times: list[float] = []
        hexes: list[str] = []
        seqs: list[int] = []
        for i, unit in enumerate(batch.units):
            seq = batch.first_seq + i
            parsed = self._parse(unit, seq, rejects)
            if parsed is None:
                continue
            counter, hex_frame = parsed
            times.append(self._time(counter, float(batch.arrivals[i])))
            hexes.append(hex_frame)
            seqs.append(seq)
        return times, hexes, seqs

    def _parse(self, unit: bytes, seq: int, rejects: Rejects) -> tuple[int, str] | None:
        if self.format == "beast":
            kind = unit[:1]
            if kind == b"1":
                self.mode_ac += 1
                return None
            if kind == b"4" or not unit:
                self.status += 1
                return None
            return int.from_bytes(unit[1:7], "big"), unit[8:].hex()
        if not unit.strip():
            return None
        m = _AVR.match(unit)
        if m is None:
            rejects.add(R_AVR, seq)
            return None
        counter = m.group("mlat") or m.group("mlat2")
        return (int(counter, 16) if counter else 0), m.group("hex").decode().lower()

    def _time(self, counter: int, arrival: float) -> float:
        if counter == 0:
            return arrival
        c = counter / MLAT_HZ
        if self._base is None or c < self._base[1] - 1.0:  # first frame, or the receiver's counter restarted
            self._base = (arrival, c)
        return self._base[0] + (c - self._base[1])

    def decode(self, batch: Batch) -> ReadResult:
        from basewatch.ingest.adsb import modes

        rejects = Rejects()
        times, hexes, seqs = self._frames(batch, rejects)
        now = max(times) if times else (float(batch.arrivals[-1]) if len(batch.arrivals) else 0.0)
        ctx = self.context.rows(now)
        k = len(ctx)
        frames = pa.table({
            "time_s": pa.array([e.time for e in ctx] + times, pa.float64()),
            "hex": pa.array([e.payload.decode() for e in ctx] + hexes, pa.string()),
            "row_no": pa.array(np.arange(1, k + len(seqs) + 1), pa.int64()),
            "icao24": pa.nulls(k + len(seqs), pa.string()),
        })
        quiet = Rejects()  # context frames were checked when they arrived
        result = modes.frames_to_points(frames, quiet, reference=self.reference)
        for reason, count in quiet.counts.items():
            rejects.counts[reason] = rejects.counts.get(reason, 0) + count
            rejects.examples.setdefault(reason, []).extend(
                seqs[x - k - 1] for x in quiet.examples.get(reason, []) if x > k)
        late = {i + 1: e.seq for i, e in enumerate(ctx) if e.position and not e.emitted}
        points = _points_seq(result.points, _Remap(k, np.asarray(seqs, dtype=np.int64)), late)
        emitted = set(points.column("row_no").to_pylist())
        for e in ctx:
            e.emitted = e.emitted or e.seq in emitted
        for t, h, s, key in zip(times, hexes, seqs, frame_keys(hexes), strict=True):
            self.context.observe(s, t, key, h.encode(), s in emitted)
        notes = [*result.notes]
        if self.reference is None and not len(points) and hexes:
            notes.append("no position resolved yet: positions need even/odd frame pairs or a receiver position "
                         "(--receiver-position LAT,LON) for surface and single frames")
        return ReadResult({"aircraft_points": points}, rejects, ("aircraft_points",), tuple(notes))


class Jet1090Decoder:
    """jet1090 JSON lines through `Jet1090Reader`, with raw-frame context lines (see ModesContext)."""

    def __init__(self) -> None:
        self.context = ModesContext()

    def decode(self, batch: Batch) -> ReadResult:
        from basewatch.ingest.adsb.jet1090 import Jet1090Reader

        given = [i for i, u in enumerate(batch.units) if u.strip()]
        if not given:
            return ReadResult({"aircraft_points": AIRCRAFT_POINTS_SCHEMA.empty_table()}, Rejects(),
                              ("aircraft_points",))
        ctx = self.context.rows(float(batch.arrivals[-1]))
        k = len(ctx)
        remap = _Remap(k, batch.first_seq + np.asarray(given, dtype=np.int64))
        try:
            result = _spooled(Jet1090Reader().read, [*(e.payload for e in ctx), *(batch.units[i] for i in given)],
                              ".jsonl")
        except InputFormatError as exc:
            rejects = Rejects()
            rejects.add(exc.reason, batch.first_seq + given[0], len(given))
            return ReadResult({"aircraft_points": AIRCRAFT_POINTS_SCHEMA.empty_table()}, rejects, ("aircraft_points",))
        late = {i + 1: e.seq for i, e in enumerate(ctx) if e.position and not e.emitted}
        points = _points_seq(result.tables["aircraft_points"], remap, late)
        emitted = set(points.column("row_no").to_pylist())
        for e in ctx:
            e.emitted = e.emitted or e.seq in emitted
        framed = [(i, fm.group("hex").decode().lower(), float(tm.group("t"))) for i in given
                  if (fm := _JSON_FRAME.search(batch.units[i])) and (tm := _JSON_TIME.search(batch.units[i]))]
        for (i, _, when), key in zip(framed, frame_keys([h for _, h, _ in framed]), strict=True):
            seq = batch.first_seq + i
            self.context.observe(seq, when, key, batch.units[i], seq in emitted)
        return ReadResult({"aircraft_points": points}, _remap_rejects(result.rejects, remap.seq), result.counted,
                          result.notes)


# ----------------------------------------------------------------------------------------------- AIS


class AisDecoder:
    """NMEA lines through the reader's `SentenceStream` (kept open) and `decode_messages`."""

    def __init__(self, strict: bool = False) -> None:
        from basewatch.ingest.ais.sentences import SentenceStream

        self.stream = SentenceStream()
        self.strict = strict
        self._origin: int | None = None  # sequence number of the stream's line 1
        self._seen: dict[str, int] = {}

    def decode(self, batch: Batch) -> ReadResult:
        from basewatch.ingest.ais import records
        from basewatch.ingest.ais.nmea import decode_messages
        from basewatch.ingest.ais.reassembly import Messages
        from basewatch.ingest.ais.sentences import TIME_PREFIX

        if self._origin is None:
            self._origin = batch.first_seq
        origin = self._origin
        msgs = self.stream.feed(b"\n".join(batch.units) + b"\n") if batch.units else None
        if batch.final:
            self.stream.finish()
        rejects = Rejects()
        self._stream_rejects(rejects, origin)
        if msgs is None or msgs.size == 0:
            return ReadResult({"ais_positions": records.POSITIONS_SCHEMA.empty_table(),
                               "ais_static": records.STATIC_SCHEMA.empty_table()}, rejects,
                              ("ais_positions", "ais_static"))
        timeless = np.isnan(msgs.time)
        arrival = batch.arrivals[np.clip(msgs.line_no + origin - 1 - batch.first_seq, 0, len(batch.arrivals) - 1)]
        msgs = Messages(msgs.payload, msgs.fill, msgs.line_no, np.where(timeless, arrival, msgs.time),
                        np.where(timeless, np.int8(TIME_PREFIX), msgs.time_source).astype(np.int8),
                        msgs.checksum_ok)
        decoded = decode_messages(msgs, self.strict)
        for reason, lines in decoded.rejected.items():
            for x in np.sort(lines)[:5]:
                rejects.add(reason, int(x) + origin - 1, 0)
            if len(lines):
                rejects.counts[reason] = rejects.counts.get(reason, 0) + len(lines)
        arrived = set((msgs.line_no[timeless]).tolist())
        tables = {name: _ais_seq(t, origin, arrived) for name, t in
                  (("ais_positions", decoded.positions), ("ais_static", decoded.statics))}
        return ReadResult(tables, rejects, ("ais_positions", "ais_static"))

    def _stream_rejects(self, rejects: Rejects, origin: int) -> None:
        for reason, lines in self.stream.stats.rejects.items():
            new = lines[self._seen.get(reason, 0):]
            self._seen[reason] = len(lines)
            for x in new[:5]:
                rejects.add(reason, x + origin - 1, 0)
            if new:
                rejects.counts[reason] = rejects.counts.get(reason, 0) + len(new)


def _ais_seq(table: pa.Table, origin: int, arrived: set[int]) -> pa.Table:
    """Line numbers to sequence numbers; time_source 'arrival' where the time is the arrival time."""
    rows = table.column("row_no")
    if "time_source" in table.column_names and arrived:
        is_arrival = pa.array([r in arrived for r in rows.to_pylist()], pa.bool_())
        src = table.column("time_source").cast(pa.string())
        src = pc.if_else(is_arrival, pa.scalar("arrival", pa.string()), src)
        table = table.set_column(table.schema.get_field_index("time_source"), "time_source", src)
    seq = pc.add(pc.cast(rows, pa.int64()), origin - 1)
    return table.set_column(table.schema.get_field_index("row_no"), "row_no", seq)


def decoder_for(fmt: str, reference: tuple[float, float] | None = None) -> Decoder:
    if fmt == "sbs":
        return SbsDecoder()
    if fmt in ("beast", "avr"):
        return ModesDecoder(fmt, reference)
    if fmt == "jet1090":
        return Jet1090Decoder()
    if fmt == "ais":
        return AisDecoder()
    raise ValueError(f"no decoder for {fmt!r}")
