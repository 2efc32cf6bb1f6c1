"""Link a claim to what the sensors could show: places, a time window, actors, modes, the event's direction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from basewatch.fusion.countries import place_countries, word_stems
from basewatch.fusion.counts import ANY_WATCHED
from basewatch.fusion.params import FusionParams
from basewatch.fusion.records import Records, StoredClaim

CHECKABLE_EVENTS = ("withdrawal", "deployment", "transport", "basing")
# Statements of intent, plans, contacts and negotiations: no sensor observes them.
INTENT = re.compile(
    r"\b(intends?|intention|intended|plans?\s+to|planning|will|would|aims?\s+to|seeks?\s+to|seeking|wants?\s+to|"
    r"hopes?\s+to|exploring|considering|negotiat\w*|stay\s+in\s+touch|in\s+contact|talks|engagement)\b",
    re.IGNORECASE,
)
AIR = re.compile(
    r"\b(aircraft|air\s*craft|planes?|airplanes?|flights?|flew|fly|flying|airlift\w*|air\s+bridge|jets?|"
    r"helicopters?|sorties?|landed|landing|take-?offs?|an-?124|il-?76|il-?62|tu-?154|cargo\s+planes?)\b",
    re.IGNORECASE,
)
SEA = re.compile(
    r"\b(ships?|vessels?|naval|warships?|frigates?|corvettes?|submarines?|fleet|sailed|sailing|tankers?|"
    r"port\s+calls?|docked|berthed|landing\s+ships?)\b",
    re.IGNORECASE,
)
ABSOLUTE = re.compile(r"\b(no|none|not\s+a\s+single|not\s+one|zero|nothing)\b", re.IGNORECASE)
DIRECTIONS = {
    "withdrawal": ("departure",),
    "deployment": ("arrival",),
    "transport": ("arrival", "departure"),
    "basing": ("arrival", "departure"),
}


@dataclass(frozen=True)
class Link:
    """What a claim can be checked against."""

    places: tuple[str, ...]          # watched sites (resolved, or those of its countries)
    place_level: str                 # site | country | none
    first: dt.date | None
    last: dt.date | None
    widened: str                     # how the window was set, in words
    actors: tuple[str, ...]          # watched actor ids the claim names (ANY_WATCHED when none matched)
    modes: tuple[str, ...]           # air / sea words in the claim (empty: not said)
    directions: tuple[str, ...]
    not_checkable: str | None        # why no sensor can check it, else None
    absolute: bool                   # an absolute negative ("no aircraft left")


_GENERIC = word_stems("forces force transport military aircraft ships navy aerospace ministry defence defense army")


def match_actors(claim: StoredClaim, actors: dict[str, str]) -> tuple[str, ...]:
    """Watched actors whose name shares a word stem (Russia / Russian) with the claim's actors; else any."""
    said = word_stems(" ".join(claim.actors)) - _GENERIC
    found = tuple(sorted(a for a, name in actors.items() if said & (word_stems(name) - _GENERIC)))
    return found or (ANY_WATCHED,)


def claim_window(claim: StoredClaim, params: FusionParams) -> tuple[dt.date | None, dt.date | None, str]:
    slack = dt.timedelta(days=params.slack_days)
    if claim.date_start is not None:
        end = claim.date_end or claim.date_start
        return (claim.date_start - slack, end + slack,
                f"the claim's dates {claim.date_start.isoformat()}..{end.isoformat()} widened by "
                f"{params.slack_days} day(s) each side")
    if claim.report_date is not None:
        first = claim.report_date - dt.timedelta(days=params.undated_days - 1)
        return (first - slack, claim.report_date,
                f"no date in the claim: the {params.undated_days} days up to its report's date "
                f"{claim.report_date.isoformat()}, widened by {params.slack_days} day(s) before")
    return None, None, "no date in the claim and none for its report"


def link_claim(claim: StoredClaim, records: Records, params: FusionParams) -> Link:
    first, last, widened = claim_window(claim, params)
    modes = tuple(m for m, rx in (("air", AIR), ("sea", SEA)) if rx.search(claim.text))
    if claim.site_ids:
        places, level = tuple(s for s in claim.site_ids if s in records.places), "site"
    elif claim.countries:
        places, level = tuple(records.sites_in(place_countries(claim))), "country"
    else:
        places, level = (), "none"
    if not places:
        level = "none"
    reason = None
    if claim.event not in CHECKABLE_EVENTS:
        reason = f"a {claim.event} claim: no sensor basewatch reads observes that event class"
    elif INTENT.search(claim.text):
        reason = "a statement of intent, plans or contacts: no sensor observes intentions"
    return Link(places, level, first, last, widened, match_actors(claim, records.actors), modes,
                DIRECTIONS.get(claim.event, ()), reason, bool(ABSOLUTE.search(claim.text)))
