"""One line for the storage faults a command can meet midway (disk full, read-only file system, no
permission), whether DuckDB or Python met them, instead of a traceback."""

from __future__ import annotations

import errno

_FAULTS = (
    (errno.ENOSPC, "No space left on device", "the disk is full"),
    (errno.EDQUOT, "Disk quota exceeded", "the disk quota is used up"),
    (errno.EROFS, "Read-only file system", "the file system is read-only"),
    (errno.EACCES, "Permission denied", "permission denied"),
    (errno.EFBIG, "File too large", "a file grew past the size limit"),
)


def storage_fault(exc: BaseException) -> str | None:
    """The line to print for a storage fault, None when `exc` is not one."""
    code = exc.errno if isinstance(exc, OSError) else None
    text = str(exc)
    is_duckdb = type(exc).__module__.lstrip("_").startswith("duckdb")
    for number, words, what in _FAULTS:
        if code == number or (is_duckdb and words in text):
            detail = _first_line(text)
            return (f"{what} ({detail}): the command stopped; what it was writing was not kept and the "
                    "workspace holds what was committed before; fix this and run it again")
    return None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    for prefix in ("FATAL Error: ", "IO Error: ", "Error: "):
        if line.startswith(prefix):
            line = line[len(prefix):]
    return line[:300]
