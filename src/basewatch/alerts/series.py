"""The daily count series, as Ibis expressions both engines run (DuckDB and PySpark).

One *event* is one record counted on one day: a flight landing at a site (air arrivals), taking off
from one (air departures), a flight between two places at least one of which is a watched site (air
movements on that corridor), a port call's arrival or departure at a watched port (sea arrivals,
departures), a voyage between two ports one of which is watched (sea movements). Days are whole UTC
days counted from the epoch (integer microseconds // 86,400,000,000: no session time zone involved).

Each event is counted twice: in its all-traffic series (actor NULL) and in its actor's series (the
watched actor's id, or 'other' for traffic of no watched actor), so a surge of one actor's flights on a
busy civil background shows in that actor's own series. Vessels in port per day come from the port
calls' spans (`port_spans`), counted per day in numpy (`frame`), since a span covers many days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

DAY_US = 86_400_000_000
OPEN_END_DAY = 10**7  # a port call still in progress: "in port" up to the end of the data
ALL_TRAFFIC = "all traffic"

# the columns of every event row and of the counts (day: days since 1970-01-01)
EVENT_COLUMNS = ("mode", "direction", "site", "origin", "destination", "actor", "day", "ev_kind", "ev_id")
SERIES_COLUMNS = ("series", "mode", "direction", "site", "origin", "destination", "actor")
PLACE_COLUMNS = ("mode", "direction", "site", "origin", "destination")


def _day(us: ir.IntegerValue) -> ir.IntegerValue:
    return (us // DAY_US).cast("int64")


def _str(value: str | None) -> ir.StringValue:
    import ibis

    return ibis.literal(value, type="string")


def events(inputs: dict[str, ir.Table]) -> ir.Table:
    """Every counted record once, with its actor group `grp` (its actor, or 'other')."""
    import ibis

    f, c, v = inputs["flights"], inputs["port_calls"], inputs["voyages"]
    none = _str(None)
    parts = [
        f.filter(f.destination_site.notnull()).select(
            mode=_str("air"), direction=_str("arrivals"), site=f.destination_site, origin=none,
            destination=none, actor=f.actor, day=_day(f.end_us), ev_kind=_str("flight"), ev_id=f.id),
        f.filter(f.origin_site.notnull()).select(
            mode=_str("air"), direction=_str("departures"), site=f.origin_site, origin=none,
            destination=none, actor=f.actor, day=_day(f.start_us), ev_kind=_str("flight"), ev_id=f.id),
        f.filter(f.origin.notnull() & f.destination.notnull()
                 & (f.origin_site.notnull() | f.destination_site.notnull())).select(
            mode=_str("air"), direction=_str("movements"), site=none, origin=f.origin,
            destination=f.destination, actor=f.actor, day=_day(f.start_us), ev_kind=_str("flight"), ev_id=f.id),
        c.filter(c.arrival_observed).select(
            mode=_str("sea"), direction=_str("arrivals"), site=c.site_id, origin=none, destination=none,
            actor=c.actor, day=_day(c.arrival_us), ev_kind=_str("port_call"), ev_id=c.id),
        c.filter(c.departure_us.notnull()).select(
            mode=_str("sea"), direction=_str("departures"), site=c.site_id, origin=none, destination=none,
            actor=c.actor, day=_day(c.departure_us), ev_kind=_str("port_call"), ev_id=c.id),
        v.filter(v.origin.notnull() & v.destination.notnull()
                 & (v.origin_site.notnull() | v.destination_site.notnull())).select(
            mode=_str("sea"), direction=_str("movements"), site=none, origin=v.origin,
            destination=v.destination, actor=v.actor, day=_day(v.departure_us), ev_kind=_str("voyage"),
            ev_id=v.id),
    ]
    ev = ibis.union(*[_conform(t) for t in parts], distinct=False)
    return ev.mutate(grp=ev.actor.fill_null("other"))


def port_spans(inputs: dict[str, ir.Table]) -> ir.Table:
    """Port calls at watched ports as day spans (first_day .. last_day inclusive), per actor group."""
    c = inputs["port_calls"]
    last = _day(c.departure_us).fill_null(OPEN_END_DAY)
    spans = c.select(
        mode=_str("sea"), direction=_str("in_port"), site=c.site_id, origin=_str(None), destination=_str(None),
        actor=c.actor, day=_day(c.arrival_us), last_day=last, ev_kind=_str("port_call"), ev_id=c.id)
    return _by_group(_conform(spans))


def _conform(t: ir.Table) -> ir.Table:
    """Every column nullable and of one type, so the parts of a union have equal schemas."""
    import ibis.expr.datatypes as dt

    types = {c: dt.Int64(nullable=True) if c in ("day", "last_day") else dt.String(nullable=True) for c in t.columns}
    return t.select(**{c: t[c].cast(types[c]) for c in t.columns})


def _by_group(t: ir.Table) -> ir.Table:
    """Each row twice: actor NULL (all traffic) and actor = its actor or 'other'; plus the series key."""
    import ibis

    everyone = t.mutate(actor=_str(None))
    grouped = t.mutate(actor=t.actor.fill_null("other"))
    return _labelled(ibis.union(everyone, grouped, distinct=False))


def _labelled(t: ir.Table) -> ir.Table:
    import ibis

    place = ibis.coalesce(t.site, t.origin.concat(_str(" -> "), t.destination))
    label = t.mode.concat(_str(" "), t.direction, _str(" "), place, _str(" | "), t.actor.fill_null(ALL_TRAFFIC))
    return t.mutate(series=label)


def counts(ev: ir.Table) -> ir.Table:
    """Events per place, actor group and day (only days with at least one; the frame fills the zeros).

    Columns: mode, direction, site, origin, destination, actor (the group: an actor id or 'other',
    never NULL), day, n. The all-traffic series and the series keys are made from these rows in
    `basewatch.alerts.frame` (a second, labelled copy of every row made the result three times larger
    and its transfer most of the query's cost at scale).
    """
    grouped = ev.group_by([*PLACE_COLUMNS, "grp", "day"]).aggregate(n=ev.count())
    return grouped.rename(actor="grp").select(*PLACE_COLUMNS, "actor", "day", "n")


def evidence(ev: ir.Table, keys: ir.Table) -> ir.Table:
    """The records behind alerted counts.

    keys: series, mode, direction, site_k, origin_k, destination_k (the key's parts, '' for none), actor
    (NULL: all traffic), first_day, last_day (inclusive). Equality joins only (no OR), so both engines
    hash-join; all-traffic keys ignore the actor group.
    """
    import ibis

    e = ev.mutate(site_k=ev.site.fill_null(""), origin_k=ev.origin.fill_null(""),
                  destination_k=ev.destination.fill_null(""))
    k = keys.rename(key_mode="mode", key_direction="direction", key_site="site_k", key_origin="origin_k",
                    key_destination="destination_k", key_actor="actor")
    parts = []
    for kk, extra in ((k.filter(k.key_actor.isnull()), []), (k.filter(k.key_actor.notnull()), ["grp"])):
        preds = [e.mode == kk.key_mode, e.direction == kk.key_direction, e.site_k == kk.key_site,
                 e.origin_k == kk.key_origin, e.destination_k == kk.key_destination]
        if extra:
            preds.append(e.grp == kk.key_actor)
        j = e.join(kk, preds)
        j = j.filter((j.day >= j.first_day) & (j.day <= j.last_day))
        parts.append(j.select(series=j.series, first_day=j.first_day, last_day=j.last_day, ev_kind=j.ev_kind,
                              ev_id=j.ev_id))
    return ibis.union(*parts, distinct=True)


def span_evidence(spans: ir.Table, keys: ir.Table) -> ir.Table:
    """The port calls in progress during alerted days of in-port series."""
    k = keys.rename(key_series="series", key_first="first_day", key_last="last_day")
    joined = spans.join(k, (spans.series == k.key_series) & (spans.day <= k.key_last)
                        & (spans.last_day >= k.key_first))
    return joined.select(series=joined.series, first_day=joined.key_first, last_day=joined.key_last,
                         ev_kind=joined.ev_kind, ev_id=joined.ev_id).distinct()
