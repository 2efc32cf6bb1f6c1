"""Multipart AIS messages: fragments reassembled per stream key, carried across blocks, vectorised.

A stream key is (talker, VDM/VDO, channel, sequence id, fragment count). Fragment 1 opens a message
(dropping any unfinished one of the same key); fragment k must follow fragment k-1 of the same key.
A message takes the time of its first fragment and the line of its last; its checksum is right when
every fragment's is. Fragments that may still be completed by the next block wait in the Reassembler;
the others are returned as incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BOOL = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Messages:
    """Whole AIS messages in columns (one row per message)."""

    payload: pa.BinaryArray       # armoured payload (all fragments joined)
    fill: npt.NDArray[np.int8]   # fill bits of the last fragment
    line_no: I64                  # line of the last fragment
    time: F64                     # unix seconds, NaN when unknown
    time_source: npt.NDArray[np.int8]
    checksum_ok: BOOL             # every fragment's checksum (and tag block checksum) is right

    @property
    def size(self) -> int:
        return len(self.line_no)


@dataclass(frozen=True)
class Fragments:
    """AIS sentences (fragments of messages) in columns, in line order."""

    key: I64
    num: I64
    total: I64
    line_no: I64
    time: F64
    time_source: npt.NDArray[np.int8]
    checksum_ok: BOOL
    fill: npt.NDArray[np.int8]
    payload: pa.BinaryArray

    @staticmethod
    def empty() -> Fragments:
        z = np.zeros(0, dtype=np.int64)
        return Fragments(z, z, z, z, np.zeros(0), np.zeros(0, np.int8), np.zeros(0, bool),
                         np.zeros(0, np.int8), pa.array([], pa.binary()))

    def take(self, idx: I64) -> Fragments:
        return Fragments(self.key[idx], self.num[idx], self.total[idx], self.line_no[idx], self.time[idx],
                          self.time_source[idx], self.checksum_ok[idx], self.fill[idx],
                          self.payload.take(pa.array(idx, pa.int64())))

    @staticmethod
    def concat(a: Fragments, b: Fragments) -> Fragments:
        def cat(name: str) -> Any:
            return np.concatenate([getattr(a, name), getattr(b, name)])

        return Fragments(
            key=cat("key"), num=cat("num"), total=cat("total"), line_no=cat("line_no"), time=cat("time"),
            time_source=cat("time_source"), checksum_ok=cat("checksum_ok"), fill=cat("fill"),
            payload=pa.concat_arrays([a.payload, b.payload]),
        )


class Reassembler:
    """Joins multipart fragments into messages; unfinished messages wait for the next block."""

    def __init__(self) -> None:
        self.pending = Fragments.empty()

    def add(self, new: Fragments) -> tuple[Messages, I64]:
        """Messages completed with these fragments (in line order), and lines of fragments given up."""
        single = np.flatnonzero(new.total == 1)
        multi = Fragments.concat(self.pending, new.take(np.flatnonzero(new.total > 1)))
        heads, members, leftover = _reassemble(multi)
        done = np.zeros(len(multi.key), dtype=bool)
        done[members] = True
        # fragments of a key that may still complete in a later block wait; the rest are rejected
        self.pending = multi.take(leftover)
        waiting = np.zeros(len(multi.key), dtype=bool)
        waiting[leftover] = True
        dropped = multi.line_no[~done & ~waiting]
        # multipart payloads: fragments of a message are consecutive after `take`, so the joined
        # payload is a view of the same bytes with coarser offsets
        taken = multi.payload.take(pa.array(members, pa.int64()))
        frag_off = offsets_of(taken)
        tot = multi.total[heads]
        msg_first = np.concatenate([[0], np.cumsum(tot)]).astype(np.int64)
        joined = pa.BinaryArray.from_buffers(
            pa.binary(), len(heads),
            [None, pa.py_buffer(frag_off[msg_first].astype(np.int32)), taken.buffers()[2]],
        ) if len(heads) else pa.array([], pa.binary())
        last = members[msg_first[1:] - 1] if len(heads) else np.zeros(0, np.int64)
        frag_ok = multi.checksum_ok[members]
        all_ok = np.logical_and.reduceat(frag_ok, msg_first[:-1]) if len(heads) else np.zeros(0, bool)
        msgs_single = Messages(
            new.payload.take(pa.array(single, pa.int64())), new.fill[single], new.line_no[single],
            new.time[single], new.time_source[single], new.checksum_ok[single],
        )
        msgs_multi = Messages(
            joined, multi.fill[last], multi.line_no[last], multi.time[heads], multi.time_source[heads], all_ok,
        )
        return _merge_by_line(msgs_single, msgs_multi), dropped


    def finish(self) -> I64:
        """End of stream: lines of the fragments still waiting (incomplete messages)."""
        lines = self.pending.line_no
        self.pending = Fragments.empty()
        return lines


def _reassemble(f: Fragments) -> tuple[I64, I64, I64]:
    """Complete messages among fragments (in line order).

    Returns (heads: index of fragment 1 of each message, members: fragments of every message in order,
    leftover: fragments that form an unfinished message at the end of their key's sequence).
    """
    n = len(f.key)
    if n == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    order = np.lexsort((f.line_no, f.key))
    key, num, total = f.key[order], f.num[order], f.total[order]
    complete = num == 1
    for k in range(1, int(total.max())):
        nxt = np.minimum(np.arange(n) + k, n - 1)
        same = (np.arange(n) + k < n) & (key[nxt] == key) & (num[nxt] == k + 1)
        complete &= same | (total <= k)
    head_pos = np.flatnonzero(complete)
    heads = order[head_pos]
    members_pos = (head_pos[:, None] + np.arange(int(total.max()))[None, :]) if len(head_pos) else None
    if members_pos is not None:
        mask = np.arange(int(total.max()))[None, :] < total[head_pos][:, None]
        members = order[members_pos[mask]]
        hmask = np.zeros(n, dtype=bool)
        hmask[members_pos[mask]] = True
    else:
        members = np.zeros(0, dtype=np.int64)
        hmask = np.zeros(n, dtype=bool)
    # unfinished tail per key: the last run 1..m (m < total) at the end of each key's sequence
    is_last_of_key = np.concatenate([key[1:] != key[:-1], [True]])
    run_start = np.where(num == 1, np.arange(n), -1)
    np.maximum.accumulate(run_start, out=run_start)
    # positions that belong to a contiguous run 1..m ending at the key's last fragment
    last_pos = np.flatnonzero(is_last_of_key)
    leftover_pos: list[I64] = []
    for p in last_pos:
        r = run_start[p]
        if r < 0 or hmask[p] or key[r] != key[p]:
            continue
        length = p - r + 1
        if length < total[p] and np.array_equal(num[r:p + 1], np.arange(1, length + 1)):
            leftover_pos.append(np.arange(r, p + 1))
    leftover = order[np.concatenate(leftover_pos)] if leftover_pos else np.zeros(0, dtype=np.int64)
    return heads.astype(np.int64), members.astype(np.int64), np.sort(leftover).astype(np.int64)


def _merge_by_line(a: Messages, b: Messages) -> Messages:
    if b.size == 0:
        return a
    order = np.argsort(np.concatenate([a.line_no, b.line_no]), kind="stable")
    payload = pa.concat_arrays([a.payload, b.payload]).take(pa.array(order, pa.int64()))
    return Messages(
        payload,
        np.concatenate([a.fill, b.fill])[order],
        np.concatenate([a.line_no, b.line_no])[order],
        np.concatenate([a.time, b.time])[order],
        np.concatenate([a.time_source, b.time_source])[order],
        np.concatenate([a.checksum_ok, b.checksum_ok])[order],
    )


def offsets_of(arr: pa.BinaryArray) -> I64:
    """The value offsets of a binary array (length + 1 values, relative to its data buffer)."""
    buf = arr.buffers()[1]
    if buf is None:
        return np.zeros(len(arr) + 1, dtype=np.int64)
    return np.frombuffer(buf, dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
