"""The fast tier of the fuzzing run: the parsers' own entry points on bytes and text, no file, no workspace.

Each unit is (name, function of the mutated bytes) and runs in microseconds to milliseconds, so most of a
long run's inputs go here: every reader's sniff on a mutated head (of every seed, not only its own format),
the JSON and line splitters all text readers share, Beast framing, jet1090 records, the AVR layout guess,
the SBS line test, the `--columns` mapping, report sniffing and headers, and the watchlist TOML.

The invariants, checked by `check` on each answer: no exception but the project's user error
(BasewatchError); sniffs answer a bool; record splitters account for every line or frame (accepted +
rejected = records seen, line numbers within the input); nothing produces more records than the input has
bytes (the size bound on work).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from basewatch.errors import BasewatchError
from basewatch.ingest.base import Rejects
from tests.fuzz.seeds import Seed

# A unit answers None when its invariants hold, else a short description of the broken one.
UnitFn = Callable[[bytes], str | None]
HEAD = 4096  # bytes of a seed mutated for the sniffs (what a sniff sees of a small file)


@dataclass(frozen=True)
class Unit:
    name: str
    seed: Seed
    fn: UnitFn


def _lines(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1


def _rejected_lines_ok(rejects: Rejects, bound: int) -> bool:
    return all(1 <= n <= bound for lines in rejects.examples.values() for n in lines)


def _sniffs() -> list[tuple[str, Callable[[bytes, Path], bool]]]:
    from basewatch.ingest.registry import all_readers
    from basewatch.reports.readers import sniff_format

    out: list[tuple[str, Callable[[bytes, Path], bool]]] = [(f"sniff-{r.name}", r.sniff) for r in all_readers()]
    out.append(("sniff-report", lambda head, _p: sniff_format(head) in ("text", "html", "rss", "atom")))
    return out


def _sniff_unit(sniff: Callable[[bytes, Path], bool]) -> UnitFn:
    def check(data: bytes) -> str | None:
        answer = sniff(data, Path("fuzz-input"))
        return None if isinstance(answer, bool) else f"answered {type(answer).__name__}, not a bool"
    return check


def _json(data: bytes) -> str | None:
    from basewatch.ingest import files

    with contextlib.suppress(ValueError, RecursionError):  # what load_json turns into one clear line
        files.parse_json(data)
    return None


def _utf8_lines(data: bytes) -> str | None:
    from basewatch.ingest import files

    cleaned, bad = files.utf8_lines(data)
    if _lines(cleaned) != _lines(data):
        return f"{_lines(data)} lines became {_lines(cleaned)}"
    if any(not 1 <= n <= _lines(data) for n in bad):
        return f"bad line numbers {bad[:5]} of {_lines(data)}"
    cleaned.decode("utf-8")
    return None


def _split_lines(data: bytes) -> str | None:
    from basewatch.ingest import files

    text = data.decode("utf-8", "replace")
    lines = files.split_lines(text)
    if len(lines) > _lines(data):
        return f"{len(lines)} lines of {_lines(data)}"
    return None


def _beast(data: bytes) -> str | None:
    from basewatch.ingest.adsb.beast import split_frames

    rejects = Rejects()
    frames = split_frames(data, rejects)
    kept = len(frames.hexes) + frames.mode_ac + frames.status
    if kept + rejects.total > max(len(data), 1):
        return f"{kept} frames + {rejects.total} rejects from {len(data)} bytes"
    if len(frames.counter) != len(frames.hexes) or len(frames.frame_no) != len(frames.hexes):
        return "frame columns of different lengths"
    return None


def _jet1090(data: bytes) -> str | None:
    from basewatch.ingest.adsb.jet1090 import _first_record, _records

    text = data.decode("utf-8", "replace")
    _first_record(text)
    rejects = Rejects()
    records, numbers = _records(text, rejects)
    nonblank = sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())
    if len(records) + rejects.total != nonblank:
        return f"{len(records)} records + {rejects.total} rejects != {nonblank} lines"
    if len(numbers) != len(records) or not _rejected_lines_ok(rejects, _lines(data)):
        return "line numbers outside the input"
    return None


def _avr_detect(data: bytes) -> str | None:
    from basewatch.ingest.adsb.avr import detect

    detect(data.decode("utf-8", "replace"))
    return None


def _sbs_lines(data: bytes) -> str | None:
    from basewatch.ingest.adsb.sbs import _is_sbs_line

    for line in data.decode("utf-8", "replace").splitlines():
        if not isinstance(_is_sbs_line(line), bool):
            return "an answer that is not a bool"
    return None


def _columns(data: bytes) -> str | None:
    from basewatch.ingest.ais.csv import _header, parse_columns, resolve

    mapping = parse_columns(data.split(b"\n", 1)[0].decode("utf-8", "replace"))
    header = _header(data)
    cols = resolve(header, mapping)
    unknown = [k for k, v in cols.items() if v not in header and k not in mapping]
    return f"resolved to absent columns {unknown}" if unknown else None


def _report_header(data: bytes) -> str | None:
    from basewatch.reports.header import parse_date, parse_header

    text = data.decode("utf-8", "replace")
    parse_header(text)
    for line in text.splitlines()[:5]:
        parse_date(line)
    return None


def _watchlist(data: bytes) -> str | None:
    from basewatch.watchlist.load import load_watchlist_text

    load_watchlist_text(data.decode("utf-8", "replace"), origin="fuzz")
    return None


def units(seeds: tuple[Seed, ...]) -> tuple[Unit, ...]:
    """The units of each seed: the sniffs and the splitters of its kind of text."""
    out: list[Unit] = []
    sniffs = _sniffs()
    for i, s in enumerate(seeds):  # each seed's head against every sniff, in turn (sniff k of seed i)
        for k in range(len(sniffs)):
            name, sniff = sniffs[(i + k) % len(sniffs)]
            out.append(Unit(f"{name}<{s.name}", s, _sniff_unit(sniff)))
        if s.table is not None or s.fmt in ("ru-registry",):
            continue
        out.append(Unit(f"utf8-lines<{s.name}", s, _utf8_lines))
        if s.fmt in ("readsb", "traffic-json", "jet1090"):
            out.append(Unit(f"json<{s.name}", s, _json))
        by_fmt: dict[str, tuple[tuple[str, UnitFn], ...]] = {
            "beast": (("beast-frames", _beast),),
            "jet1090": (("jet1090-records", _jet1090),),
            "avr": (("avr-layout", _avr_detect), ("split-lines", _split_lines)),
            "sbs": (("sbs-lines", _sbs_lines), ("split-lines", _split_lines)),
            "report": (("report-header", _report_header),),
            "watchlist": (("watchlist-toml", _watchlist),),
        }
        for name, fn in by_fmt.get(s.fmt, ()):
            out.append(Unit(f"{name}<{s.name}", s, fn))
        if s.columns is not None:
            out.append(Unit(f"columns<{s.name}", s, _columns))
    return tuple(out)


def seed_bytes(unit: Unit) -> bytes:
    """What a unit's mutations start from: the head of the seed (sniffs), the mapping line and header
    (columns), else the seed's bytes."""
    if unit.name.startswith("sniff-"):
        return unit.seed.data[:HEAD]
    if unit.fn is _columns:
        return (unit.seed.columns or "").encode() + b"\n" + unit.seed.data.split(b"\n", 1)[0] + b"\n"
    if unit.fn is _json and unit.seed.fmt == "jet1090":
        return unit.seed.data.split(b"\n", 1)[0]
    return unit.seed.data


def run_unit(unit: Unit, data: bytes) -> tuple[str, str] | None:
    """None when the unit kept its invariants on `data`, else (failure key, detail)."""
    try:
        broken = unit.fn(data)
    except BasewatchError:
        return None
    except Exception as exc:  # a traceback for a user
        import traceback

        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/basewatch/" in f.filename]
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        return f"{unit.name.split('<')[0]}: {type(exc).__name__} at {where}", json.dumps(str(exc))[:300]
    if broken is None:
        return None
    return f"{unit.name.split('<')[0]}: {re.sub(r'[0-9]+', 'N', broken)}", broken
