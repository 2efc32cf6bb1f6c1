"""What to watch and how: feed specifications and watch parameters (validated, frozen, no I/O)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from basewatch.errors import LiveError as LiveError  # re-exported: raised here

# format -> record kind (which receivers' outages it stands for)
FORMATS: dict[str, str] = {"sbs": "adsb", "beast": "adsb", "avr": "adsb", "jet1090": "adsb", "ais": "ais"}
TRANSPORTS = ("tcp", "udp", "file")
_LOCAL_URL = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?(/.*)?$")
_HOST_PORT = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]*):(?P<port>[0-9]{1,5})$")




@dataclass(frozen=True)
class FeedSpec:
    """One feed: a format over a transport. host/port for tcp (we connect) and udp (we listen)."""

    feed_id: str
    format: str
    transport: str
    host: str = "127.0.0.1"
    port: int = 0
    path: str | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise LiveError(f"unknown feed format {self.format!r} (known: {', '.join(FORMATS)})")
        if self.transport not in TRANSPORTS:
            raise LiveError(f"unknown transport {self.transport!r}")
        if self.transport == "file" and not self.path:
            raise LiveError(f"feed {self.feed_id}: a followed file needs a path")

    @property
    def kind(self) -> str:
        return FORMATS[self.format]

    @property
    def endpoint(self) -> str:
        if self.transport == "file":
            return f"file://{Path(self.path or '').resolve()}"
        return f"{self.transport}://{self.host}:{self.port}"


def parse_host_port(text: str, *, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """'HOST:PORT', ':PORT' (default host) -> (host, port); a clear error otherwise."""
    m = _HOST_PORT.match(text.strip())
    if not m:
        raise LiveError(f"{text!r}: expected HOST:PORT or :PORT (e.g. 127.0.0.1:30003)")
    port = int(m.group("port"))
    if not 0 < port < 65536:
        raise LiveError(f"{text!r}: port must be 1-65535")
    host = m.group("host").strip("[]") or default_host
    return host, port


def parse_position(text: str) -> tuple[float, float]:
    """'LAT,LON' in degrees -> (lat, lon)."""
    parts = text.split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise LiveError(f"{text!r}: expected LAT,LON in degrees (e.g. 35.41,35.95)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise LiveError(f"{text!r}: latitude must be in [-90, 90] and longitude in [-180, 180]")
    return lat, lon


def tcp_feed(feed_id: str, fmt: str, text: str) -> FeedSpec:
    host, port = parse_host_port(text)
    return FeedSpec(feed_id, fmt, "tcp", host, port)


def udp_feed(feed_id: str, fmt: str, text: str) -> FeedSpec:
    host, port = parse_host_port(text, default_host="127.0.0.1")  # 0.0.0.0:PORT to hear other machines
    return FeedSpec(feed_id, fmt, "udp", host, port)


def file_feed(feed_id: str, fmt: str, path: Path) -> FeedSpec:
    return FeedSpec(feed_id, fmt, "file", path=str(path))


@dataclass(frozen=True)
class WatchParams:
    """How batches are cut, how feeds are retried and when derived products and snapshots follow.

    batch_seconds / batch_units: a micro-batch closes at whichever comes first (one transaction each).
    merge_units: when the writer is behind, queued batches of one connection are written together, up to
    this many units (one transaction, one contiguous sequence range).
    queue_batches: closed batches waiting for the writer; past it a batch is dropped and counted.
    silent_after_s: a feed without data (or connection) this long is reported and recorded as an outage.
    publish_every_s: derived products are ensured at most this often (and the snapshot replaced after).
    snapshot_every_s: the read-only snapshot is replaced at most this often (never more often than every
    publish_every_s when that is shorter), and no sooner than 3x the last replacement took (the writer
    keeps at least 3/4 of its time for batches).
    """

    batch_seconds: float = 2.0
    batch_units: int = 5000
    merge_units: int = 50_000
    queue_batches: int = 64
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    silent_after_s: float = 60.0
    publish_every_s: float = 5.0
    snapshot_every_s: float = 1.0
    folder_poll_s: float = 1.0
    receiver_position: tuple[float, float] | None = None
    snapshot: bool = True
    products: bool = True
    memory_limit: str = "1GB"          # DuckDB's cache in the watch process: RSS stays bounded over days
    alerts_jsonl: str | None = None    # append each new alert as a JSON line to this file
    alerts_webhook: str | None = None  # POST each new alert (JSON) to this local URL

    def __post_init__(self) -> None:
        if self.batch_seconds <= 0 or self.batch_units < 1 or self.queue_batches < 1 or self.merge_units < 1:
            raise LiveError("batch seconds, batch size and queue size must be positive")
        if self.backoff_initial_s <= 0 or self.backoff_max_s < self.backoff_initial_s:
            raise LiveError("backoff: 0 < initial <= maximum")
        if self.silent_after_s <= 0 or self.publish_every_s < 0 or self.snapshot_every_s < 0 or self.folder_poll_s <= 0:
            raise LiveError("silent-after and poll intervals must be positive")
        if self.alerts_webhook is not None and not _LOCAL_URL.match(self.alerts_webhook):
            raise LiveError(f"{self.alerts_webhook!r}: the alert webhook must be a local http:// URL "
                            "(127.0.0.1, localhost or [::1]): nothing leaves this machine")

    def as_json(self) -> dict[str, object]:
        return asdict(self)
