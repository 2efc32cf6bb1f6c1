"""Exception hierarchy. Every error a user can cause is a BasewatchError with a clear message."""

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
    """The workspace cannot be opened or is of an unknown schema version."""
