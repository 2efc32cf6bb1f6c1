"""Every error basewatch raises on purpose, in one place.

A `BasewatchError` is caused by user input or configuration: the CLI prints its message as one line on
standard error and exits with code 2, never with a traceback. The tree:

    BasewatchError
    ├── InputFormatError      a file is not of the format it was read as (names file, line, reason)
    ├── WatchlistError        a watchlist file is invalid
    ├── WorkspaceError        the workspace is missing, cannot be opened, or has an unknown schema version
    │   └── WorkspaceBusyError    another process held it longer than the wait allowed (names its PID)
    ├── UsageError            a bad option value or combination of options
    ├── QueryError            a filter names a site, actor or event the workspace does not know
    ├── ProductError          a derived product is unknown, or products depend on each other in a cycle
    ├── EngineError           the chosen compute engine (Spark) cannot run
    ├── DemoError             the demo cannot run with these settings
    ├── BriefError            a brief cannot be written (unknown output type, renderer missing)
    ├── GradingError          a claims gold file is invalid
    ├── LLMBackendError       the optional language-model backend failed
    ├── BadRequest            a web API query parameter is malformed (the message names it)
    ├── FusionError           a fusion query cannot be answered as asked
    ├── LiveError             a watch option is wrong (bad HOST:PORT, unknown format...)
    ├── AlertsError           an alerts query cannot be answered as asked (unknown kind, level out of range)
    └── InvalidIcaoAddress    not a 24-bit ICAO address (also a ValueError)

`PlanError` is not a user error: a shipped or compiled flight plan is inconsistent with this code (a bug
or a stale install), so it derives from RuntimeError and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class BasewatchError(Exception):
    """Base class of errors caused by user input or configuration (shown without traceback)."""


class InputFormatError(BasewatchError):
    """A file is not of the format it was read as (or of any known format)."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class WatchlistError(BasewatchError):
    """A watchlist file is invalid."""


class WorkspaceError(BasewatchError):
    """The workspace is missing, cannot be opened, or is of an unknown schema version."""


class WorkspaceBusyError(WorkspaceError):
    """Another process held the workspace for longer than the wait allowed."""


class UsageError(BasewatchError):
    """A bad option value or a bad combination of options."""


class QueryError(BasewatchError):
    """A filter names something the workspace does not know."""


class ProductError(BasewatchError):
    """A product is unknown, or products depend on each other in a cycle."""


class EngineError(BasewatchError):
    """The compute engine cannot run (missing extra, Java, or a Spark master that does not answer)."""


class DemoError(BasewatchError):
    """The demo cannot run with these settings."""


class BriefError(BasewatchError):
    """A brief cannot be written (unknown output type, PDF renderer missing)."""


class GradingError(BasewatchError):
    """A gold file of graded claims is invalid."""


class LLMBackendError(BasewatchError):
    """The optional language-model backend is missing or failed."""


class InvalidIcaoAddress(BasewatchError, ValueError):
    """Not a 24-bit ICAO aircraft address (six hex digits)."""


class PlanError(RuntimeError):
    """A flight plan (shipped or compiled) does not fit this code: a bug or a stale install, not user input."""


class BadRequest(BasewatchError):
    """A query parameter is malformed; the message names it."""


class FusionError(BasewatchError):
    """A fusion query cannot be answered as asked."""


class LiveError(BasewatchError):
    """A watch option is wrong (bad HOST:PORT, unknown format...)."""


class AlertsError(BasewatchError):
    """An alerts query cannot be answered as asked (unknown kind, level out of range)."""
