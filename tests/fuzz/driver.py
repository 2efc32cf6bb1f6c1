"""The mutation driver: runs the readers (and sometimes the whole ingest pipeline) in-process on each input and
checks the invariants of issue 17.

On every input:
- no unexpected exception: a refused file raises a BasewatchError subclass, nothing else escapes;
- line and row numbers are real (1 <= n <= the file's lines or rows; never -1);
- counts add up: records seen = accepted + rejected (+ skipped) where a record is one line or row (OpenSky
  CSV and Parquet, readsb trace points, traffic records, AIS CSV rows, within [rows, 2 rows] as a row may
  give a position and a static record), and within the file's size for the other formats;
- on a sample of inputs (`pipeline_every`), the result is written to a real workspace: accepted + duplicates =
  the records offered, rejected as read, the sources row equal to the report, and after a refused file every
  table exactly as before;
- bounded work: each input's wall time is kept; in long runs one above `slow_s` + 50 us per byte (a linear
  bound) is a failure ("slow").
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import random
import signal
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from basewatch.errors import BasewatchError
from basewatch.ingest.base import Reader, ReadResult
from basewatch.workspace.core import Workspace
from tests.fuzz.mutate import BYTE_OPS, mutate, mutate_columns
from tests.fuzz.seeds import Seed
from tests.fuzz.units import Unit, run_unit, seed_bytes, units

# The linear bound of work, by the clock (long runs only; never in tests): a quadratic step on the largest
# inputs (~200 KB) takes minutes, far beyond it.
SLOW_PER_BYTE_S = 50e-6
TABLES = ("sources", "aircraft_points", "aircraft", "ais_positions", "ais_static", "reports")
AIRCRAFT_DB = ("opensky-db", "tar1090-db", "tar1090-extract", "ru-registry")


@dataclass(frozen=True)
class Failure:
    key: str        # what went wrong and where (distinct failures have distinct keys)
    detail: str
    seed: str
    data: bytes


@dataclass
class Campaign:
    """Counts of a run: inputs per seed format, refused files, distinct failures with one example each."""

    inputs: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    pipeline: Counter[str] = field(default_factory=Counter)
    failures: dict[str, Failure] = field(default_factory=dict)
    failure_counts: Counter[str] = field(default_factory=Counter)
    slowest: dict[str, float] = field(default_factory=dict)
    seconds: Counter[str] = field(default_factory=Counter)  # time spent in the parsers, per seed

    def add(self, failure: Failure) -> None:
        self.failure_counts[failure.key] += 1
        self.failures.setdefault(failure.key, failure)


def _plain(data: bytes) -> bytes | None:
    """The decompressed bytes, or None when the gzip is damaged (the file must then be refused)."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def _nonblank_lines(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if line.strip()]


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/basewatch/" in f.filename]
    last = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


class Hang(BaseException):
    """Raised by the long run's watchdog in an input that does not finish."""


def _on_alarm(signum: int, frame: object) -> None:
    raise Hang()


class Driver:
    """Runs inputs against the readers in one scratch folder (and one scratch workspace)."""

    def __init__(self, workdir: Path, *, pipeline_every: int = 10, slow_s: float | None = None,
                 hang_s: float = 0.0) -> None:
        self.workdir = workdir
        self.pipeline_every = pipeline_every
        self.slow_s = slow_s
        self.hang_s = hang_s  # long runs: an input still running after this long is a "hang" (SIGALRM)
        self.campaign = Campaign()
        self._ws_uses = 0
        self._extractor: object | None = None
        self._readers: dict[str, Reader] = {}
        if hang_s:
            signal.signal(signal.SIGALRM, _on_alarm)

    # -- one input ------------------------------------------------------------------------------------
    def run(self, seed: Seed, data: bytes, *, pipeline: bool = False, sniff: bool = False,
            columns: str | None = None) -> None:
        """One input through its parser (in-process, no workspace) and, when `pipeline`, through
        `basewatch ingest` (or `reports add`) into a real workspace."""
        c = self.campaign
        c.inputs[seed.name] += 1
        path = self.workdir / f"input{seed.suffix}"
        path.write_bytes(data)
        start = time.process_time()  # CPU time: the machine may be loaded by others
        result: ReadResult | None = None
        refused = False
        if self.hang_s:
            signal.setitimer(signal.ITIMER_REAL, self.hang_s)
        try:
            if seed.fmt == "report":
                self._report(path)
            elif seed.fmt == "watchlist":
                from basewatch.watchlist.load import load_watchlist

                load_watchlist(path)
            else:
                result = self._reader(seed, path, data, sniff=sniff, columns=columns)
        except BasewatchError:
            c.refused[seed.name] += 1
            refused = True
        except Hang:
            self._fail(seed, data, "hang", f"no answer within {self.hang_s:g} s for {len(data):,} bytes")
            refused = True
        except Exception as exc:  # the very thing looked for: an exception a user would see as a traceback
            c.add(Failure(f"{seed.name}: {type(exc).__name__} at {_where(exc)}", f"{exc}"[:300], seed.name, data))
            return
        finally:
            if self.hang_s:
                signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.process_time() - start
        c.seconds[seed.name] += elapsed
        c.slowest[seed.name] = max(c.slowest.get(seed.name, 0.0), elapsed)
        if self.slow_s is not None and elapsed > self.slow_s + SLOW_PER_BYTE_S * len(data):
            c.add(Failure(f"{seed.name}: slow (> {self.slow_s:g} s + {SLOW_PER_BYTE_S * 1e6:g} us/byte)",
                          f"{elapsed:.1f} s for {len(data):,} bytes", seed.name, data))
        if pipeline and seed.fmt != "watchlist":
            self._pipeline(seed, path, data, result, refused, columns, sniff)

    def _report(self, path: Path) -> None:
        from basewatch.claims.extractor import RuleExtractor
        from basewatch.reports.ingest import document
        from basewatch.reports.readers import read_reports
        from basewatch.watchlist.load import default_watchlist

        if self._extractor is None:
            wl = default_watchlist()
            self._extractor = RuleExtractor(wl.sites, wl.actors)
        assert isinstance(self._extractor, RuleExtractor)
        for report in read_reports(path):
            self._extractor.extract(document(report))

    def _reader(self, seed: Seed, path: Path, data: bytes, *, sniff: bool, columns: str | None) -> ReadResult:
        from basewatch.ingest.ais.csv import AisCsvReader, parse_columns
        from basewatch.ingest.registry import choose_reader

        reader = choose_reader(path, "auto") if sniff and columns is None else self._named(seed.fmt)
        if columns is not None:
            assert isinstance(reader, AisCsvReader)
            reader = reader.with_options(columns=parse_columns(columns))
        result = reader.read(path)
        plain = _plain(data)
        if plain is None:
            self._fail(seed, data, "damaged gzip ingested", "a damaged gzip was read instead of refused")
            return result
        self._check_counts(seed, reader.name, plain, result, data)
        return result

    def _named(self, fmt: str) -> Reader:
        if fmt not in self._readers:
            from basewatch.ingest.registry import all_readers

            self._readers.update((r.name, r) for r in all_readers())
        return self._readers[fmt]

    def _fail(self, seed: Seed, data: bytes, what: str, detail: str) -> None:
        self.campaign.add(Failure(f"{seed.name}: {what}", detail[:300], seed.name, data))

    # -- invariants ------------------------------------------------------------------------------------
    def _check_counts(self, seed: Seed, fmt: str, plain: bytes, result: ReadResult, data: bytes) -> None:
        offered = sum(result.tables[t].num_rows for t in result.counted if t in result.tables)
        rejected = result.rejects.total
        skipped = sum(result.skipped.values()) + result.duplicates
        seen = self._records_seen(fmt, plain)
        bound = max(self._row_bound(plain), seen[1] if seen else 0)
        for name, table in result.tables.items():
            if table.num_rows and "row_no" in table.column_names:
                rows = table.column("row_no")
                low, high = pa.compute.min(rows).as_py(), pa.compute.max(rows).as_py()
                if low is None or low < 1 or high > bound:
                    self._fail(seed, data, f"row_no outside 1..{'N'} in {name}", f"{low}..{high} of {bound}")
        for reason, lines in result.rejects.examples.items():
            if any(not 1 <= n <= bound for n in lines):
                self._fail(seed, data, "reject line outside the file", f"{reason}: {lines} of {bound}")
        if seen is not None:
            low_seen, high_seen = seen
            total = offered + rejected + skipped
            if not low_seen <= total <= high_seen:
                self._fail(seed, data, f"counts do not add up ({fmt})",
                           f"offered {offered} + rejected {rejected} + skipped {skipped} = {total}, "
                           f"records {low_seen}..{high_seen}; {result.rejects.counts}")
        elif offered + rejected + skipped > max(bound, len(plain)):
            self._fail(seed, data, f"more records than the file holds ({fmt})", f"{offered}+{rejected} > {bound}")

    def _row_bound(self, plain: bytes) -> int:
        if plain[:16] == b"SQLite format 3\x00":  # rows of a database, not lines: at most one per 16 bytes
            return len(plain) // 16
        if plain[:4] == b"PAR1":
            try:
                return max(pq.read_metadata(pa.BufferReader(plain)).num_rows, 1)
            except (pa.ArrowException, OSError):
                return len(plain) + 1
        ends = plain.count(b"\n") + plain.count(b"\r") - plain.count(b"\r\n")  # as the parsers end lines
        return max(ends + 1, len(plain) if b"\x1a" in plain[:64] else 0)

    @staticmethod
    def _records_seen(fmt: str, plain: bytes) -> tuple[int, int] | None:
        """(least, most) records of the file counted without the reader; None: no exact unit for the format."""
        if fmt == "opensky":
            if plain[:4] == b"PAR1":
                n = pq.read_metadata(pa.BufferReader(plain)).num_rows
                return n, n
            n = len(_nonblank_lines(plain)) - 1
            return n, n
        if fmt == "ais-csv":
            n = len(_nonblank_lines(plain)) - 1
            return n, 2 * n
        if fmt in ("readsb", "traffic-json"):
            try:
                doc = json.loads(plain, parse_int=lambda s: int(s) if len(s) < 4000 else float(s))
            except (ValueError, RecursionError):
                return None
            if fmt == "readsb" and isinstance(doc, dict) and isinstance(doc.get("trace"), list):
                return len(doc["trace"]), len(doc["trace"])
            if fmt == "traffic-json" and isinstance(doc, list):
                return len(doc), len(doc)
        return None

    def _workspace(self) -> Path:
        """The scratch workspace file; a fresh one every 200 uses, so that its tables stay small."""
        ws = self.workdir / "ws.duckdb"
        if self._ws_uses >= 200:
            for old in self.workdir.glob("ws.duckdb*"):
                old.unlink()
            self._ws_uses = 0
        self._ws_uses += 1
        return ws

    @staticmethod
    def _state(ws_path: Path, digest: str) -> tuple[dict[str, int], tuple[int, int, int] | None]:
        """Row counts of the record tables, and the (accepted, rejected, duplicates) of the file's source row."""
        out: dict[str, int] = {}
        if not ws_path.exists():
            return dict.fromkeys(TABLES, 0), None
        ws = Workspace(ws_path)
        try:
            for t in TABLES:
                row = ws.con.execute(f"SELECT count(*) FROM {t}").fetchone()
                out[t] = int(row[0]) if row else 0
            found = ws.con.execute("SELECT accepted, rejected, duplicates FROM sources WHERE sha256 = ?",
                                   [digest]).fetchone()
        finally:
            ws.close()
        return out, (int(found[0]), int(found[1]), int(found[2])) if found else None

    def _pipeline(self, seed: Seed, path: Path, data: bytes, result: ReadResult | None, refused: bool,
                  columns: str | None, sniffed: bool) -> None:
        """The whole command in-process: exit code 0 or 2, no traceback, one line on a refusal, nothing
        kept of a refused file, the sources row equal to what the reader read."""
        from basewatch.cli.app import main
        from basewatch.ingest.pipeline import file_sha256

        ws = self._workspace()
        digest = file_sha256(path)
        before, known = self._state(ws, digest)
        if known is not None:
            return  # the same bytes again: "already ingested"
        self.campaign.pipeline[seed.name] += 1
        if seed.fmt == "report":
            argv = ["-w", str(ws), "reports", "add", str(path)]
        else:
            argv = ["-w", str(ws), "ingest", str(path), "--input-format", seed.fmt]
            argv += ["--columns", columns] if columns is not None else []
        out, err = io.StringIO(), io.StringIO()
        code: object = 0
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main(argv)
        except SystemExit as exc:
            code = exc.code if exc.code is not None else 0
        except Exception as exc:  # a traceback for the user
            self._fail(seed, data, f"command traceback: {type(exc).__name__} at {_where(exc)}", str(exc))
            return
        text = err.getvalue()
        if code not in (0, 2) or "Traceback" in text:
            self._fail(seed, data, f"command exit {code}", text[-300:])
            return
        after, stored = self._state(ws, digest)
        if code == 2:
            if len([ln for ln in text.splitlines() if ln.strip()]) != 1:
                self._fail(seed, data, "refusal is not one line", text[:300])
            if after != before:
                self._fail(seed, data, "workspace changed by a refused file", f"{before} -> {after}")
            return
        if refused and seed.fmt != "report" and not sniffed:  # a sniffed reader may differ from the named one
            self._fail(seed, data, "reader refused, command accepted", text[:300])
        if result is None or stored is None or sniffed:
            return
        offered = sum(result.tables[t].num_rows for t in result.counted if t in result.tables)
        accepted, rejected, duplicates = stored
        added = sum(after[t] - before[t] for t in result.counted if t in after)
        if accepted + duplicates != offered + result.duplicates or rejected != result.rejects.total:
            self._fail(seed, data, "pipeline counts do not add up",
                       f"accepted {accepted} + duplicates {duplicates} != offered {offered}; rejected {rejected}")
        if added != accepted and seed.fmt not in AIRCRAFT_DB:
            self._fail(seed, data, "sources row differs from the rows stored", f"{stored}, added {added}")

    def close(self) -> None:
        if self.hang_s:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)


def run_units(driver: Driver, rng: random.Random, pool: tuple[Unit, ...], start: int, n: int) -> None:
    """`n` mutated inputs to the parsers' entry points (tests/fuzz/units.py), round-robin from `start`."""
    c = driver.campaign
    for k in range(n):
        unit = pool[(start + k) % len(pool)]
        data = seed_bytes(unit)
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(BYTE_OPS)(rng, data)
        c.inputs[unit.name] += 1
        began = time.perf_counter()  # not process_time: with DuckDB's threads alive it costs ~2 ms a call
        broken = run_unit(unit, data)
        c.seconds[unit.name] += time.perf_counter() - began
        if broken is not None:
            c.add(Failure(broken[0], broken[1], unit.seed.name, data))


def run_campaign(driver: Driver, seeds: tuple[Seed, ...], inputs: int, seed: int = 0,
                 progress: Callable[[int], bool] | None = None, units_per_file: int = 0) -> Campaign:
    """`inputs` mutated files, round-robin over the seeds, deterministic for a given seed number; a full
    command on about one input in `driver.pipeline_every`; after each file, `units_per_file` inputs to the
    parsers' entry points. `progress(i)` returning True stops the run."""
    rng = random.Random(seed)
    pool = units(seeds) if units_per_file else ()
    for i in range(inputs):
        if pool:
            run_units(driver, rng, pool, i * units_per_file, units_per_file)
        s = seeds[i % len(seeds)]
        data = mutate(rng, s)
        columns = mutate_columns(rng, s.columns) if s.columns is not None else None
        driver.run(s, data, pipeline=driver.pipeline_every > 0 and rng.randrange(driver.pipeline_every) == 0,
                   sniff=rng.random() < 0.25, columns=columns)
        if progress is not None and progress(i + 1):
            break
    return driver.campaign
