"""A report: the text as read, where it came from, and its metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

ReportFormat = Literal["text", "html", "rss", "atom"]


@dataclass(frozen=True)
class Report:
    text: str  # the text claims are extracted from; claim offsets index into it
    path: str
    item_no: int  # 1-based item in a feed; 1 for a single document
    format: ReportFormat
    body_start: int = 0  # offset where the body begins (after a metadata header)
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: dt.date | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
