"""Answers kept per workspace snapshot: the server never writes, so an answer holds until the file changes.

Keyed by (snapshot generation, path, query string); a replaced workspace file starts a new generation, so
nothing from the old file is served after it. Only successful answers up to MAX_BYTES are kept, at most
`size` of them, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_BYTES = 2_000_000

Key = tuple[int, str, str]


class AnswerCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Key, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Key, body: bytes) -> None:
        if self.size <= 0 or len(body) > MAX_BYTES:
            return
        with self._lock:
            stale = [k for k in self._items if k[0] != key[0]]
            for k in stale:  # a new snapshot: drop the old one's answers at once
                del self._items[k]
            self._items[key] = body
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
