"""Encode AIS messages as NMEA 0183 sentences (ITU-R M.1371 payloads, IEC 61162-1 framing, tag blocks).

Used by the demo scenario to write realistic AIS logs. Supported payloads: type 1 position reports
(class A) and type 5 static and voyage data; any payload can be framed into one or more !AIVDM
sentences with 6-bit armouring, fill bits, checksums and an optional NMEA 4.10 tag block.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PAYLOAD_CHARS = 60  # per sentence; longer payloads are split into fragments


class BitWriter:
    """Accumulate unsigned/signed integers and 6-bit text as a bit string (most significant bit first)."""

    def __init__(self) -> None:
        self._bits: list[str] = []

    def uint(self, value: int, width: int) -> BitWriter:
        if not 0 <= value < (1 << width):
            raise ValueError(f"{value} does not fit in {width} unsigned bits")
        self._bits.append(format(value, f"0{width}b"))
        return self

    def sint(self, value: int, width: int) -> BitWriter:
        if not -(1 << (width - 1)) <= value < (1 << (width - 1)):
            raise ValueError(f"{value} does not fit in {width} signed bits")
        return self.uint(value & ((1 << width) - 1), width)

    def text(self, value: str, chars: int) -> BitWriter:
        """AIS 6-bit text, upper-cased, padded with '@' (value 0) to `chars` characters."""
        padded = value.upper()[:chars].ljust(chars, "@")
        for ch in padded:
            code = ord(ch)
            if not 32 <= code < 96:
                raise ValueError(f"character {ch!r} is not in the AIS 6-bit alphabet")
            self.uint(code - 64 if code >= 64 else code, 6)
        return self

    @property
    def bits(self) -> str:
        return "".join(self._bits)


def armour(bits: str) -> tuple[str, int]:
    """6-bit ASCII armouring of a bit string: (payload characters, number of fill bits)."""
    fill = (-len(bits)) % 6
    padded = bits + "0" * fill
    chars = []
    for i in range(0, len(padded), 6):
        v = int(padded[i : i + 6], 2)
        chars.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(chars), fill


def checksum(body: str) -> str:
    """NMEA checksum: XOR of the characters between the start delimiter and '*', two hex digits."""
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"{x:02X}"


def tag_block(fields: list[tuple[str, str]]) -> str:
    """`\\k:v,k:v*hh\\` (NMEA 4.10 tag block), e.g. [("s", "station"), ("c", "1733011200")]."""
    body = ",".join(f"{k}:{v}" for k, v in fields)
    return f"\\{body}*{checksum(body)}\\"


def sentences(
    bits: str,
    *,
    channel: str = "A",
    seq_id: int | None = None,
    talker: str = "AIVDM",
    station: str | None = None,
    unix_time: int | None = None,
    group_id: int | None = None,
) -> list[str]:
    """Frame a payload as NMEA sentences; the tag block (s:, c:) goes on the first, g: on every fragment."""
    payload, fill = armour(bits)
    parts = [payload[i : i + MAX_PAYLOAD_CHARS] for i in range(0, len(payload), MAX_PAYLOAD_CHARS)]
    count = len(parts)
    if count > 1 and seq_id is None:
        raise ValueError("a multi-sentence message needs a sequential message id")
    out = []
    for n, part in enumerate(parts, start=1):
        body = f"{talker},{count},{n},{'' if count == 1 else seq_id},{channel},{part},{fill if n == count else 0}"
        line = f"!{body}*{checksum(body)}"
        fields: list[tuple[str, str]] = []
        if count > 1 and group_id is not None:
            fields.append(("g", f"{n}-{count}-{group_id}"))
        if n == 1:
            if station is not None:
                fields.append(("s", station))
            if unix_time is not None:
                fields.append(("c", str(unix_time)))
        out.append((tag_block(fields) if fields else "") + line)
    return out


@dataclass(frozen=True)
class PositionReport:
    """Type 1 (class A scheduled position report). Units: degrees, knots, degrees true."""

    mmsi: int
    lat: float
    lon: float
    sog_kn: float | None
    cog_deg: float | None
    heading_deg: int | None
    nav_status: int = 0  # 0 under way using engine, 1 at anchor, 5 moored, 15 not defined
    second: int = 60  # UTC second of the report, 60 = not available

    def bits(self) -> str:
        sog = 1023 if self.sog_kn is None else min(1022, round(self.sog_kn * 10))
        cog = 3600 if self.cog_deg is None else round(self.cog_deg * 10) % 3600
        heading = 511 if self.heading_deg is None else self.heading_deg % 360
        w = BitWriter().uint(1, 6).uint(0, 2).uint(self.mmsi, 30).uint(self.nav_status, 4)
        w.sint(-128, 8)  # rate of turn not available
        w.uint(sog, 10).uint(0, 1)
        w.sint(round(self.lon * 600000), 28).sint(round(self.lat * 600000), 27)
        w.uint(cog, 12).uint(heading, 9).uint(self.second, 6)
        w.uint(0, 2).uint(0, 3).uint(0, 1).uint(0, 19)  # manoeuvre, spare, RAIM, radio status
        return w.bits


@dataclass(frozen=True)
class StaticVoyage:
    """Type 5 (static and voyage related data). Dimensions in metres, draught in metres."""

    mmsi: int
    imo: int
    callsign: str
    name: str
    ship_type: int
    to_bow: int
    to_stern: int
    to_port: int
    to_starboard: int
    draught_m: float
    destination: str
    eta: tuple[int, int, int, int] = (0, 0, 24, 60)  # month, day, hour, minute; 0/24/60 = not available

    def bits(self) -> str:
        month, day, hour, minute = self.eta
        w = BitWriter().uint(5, 6).uint(0, 2).uint(self.mmsi, 30).uint(0, 2).uint(self.imo, 30)
        w.text(self.callsign, 7).text(self.name, 20).uint(self.ship_type, 8)
        w.uint(self.to_bow, 9).uint(self.to_stern, 9).uint(self.to_port, 6).uint(self.to_starboard, 6)
        w.uint(1, 4)  # EPFD: GPS
        w.uint(month, 4).uint(day, 5).uint(hour, 5).uint(minute, 6)
        w.uint(min(255, round(self.draught_m * 10)), 8)
        w.text(self.destination, 20).uint(0, 1).uint(0, 1)
        return w.bits

