"""Values as JSON can hold them: UTC ISO 8601 times (Z), ISO dates, lists for tuples (every output uses it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
