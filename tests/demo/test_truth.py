"""Movement matching (precision / recall) on hand-made cases."""

from __future__ import annotations

import datetime as dt

from basewatch.demo.truth import Movement, match

T0 = dt.datetime(2024, 12, 16, 10, 0, tzinfo=dt.UTC)


def _m(icao: str, site: str | None, airport: str | None, minutes: float) -> Movement:
    return Movement(icao, site, airport, T0 + dt.timedelta(minutes=minutes))


def test_same_aircraft_place_and_time_match_one_to_one() -> None:
    expected = [_m("154076", "khmeimim", "OSLK", 0), _m("154076", "khmeimim", "OSLK", 600)]
    detected = [
        _m("154076", "khmeimim", None, 5),        # matches the first
        _m("154076", None, "OSLK", 590),          # matches the second by airport code
        _m("154076", "khmeimim", "OSLK", 10),     # the first is taken already: a false positive
        _m("15405a", "khmeimim", "OSLK", 0),      # other aircraft
        _m("154076", None, "LCLK", 600),          # wrong place (a guessed nearest airport)
    ]
    score = match(detected, expected, tolerance_s=1800)
    assert (score.matched, score.detected, score.expected) == (2, 5, 2)
    assert score.precision == 2 / 5
    assert score.recall == 1.0


def test_outside_tolerance_does_not_match() -> None:
    score = match([_m("154076", "al-khadim", "HL59", 31)], [_m("154076", "al-khadim", "HL59", 0)], 1800)
    assert (score.matched, score.precision, score.recall) == (0, 0.0, 0.0)


def test_site_disagreement_beats_airport_agreement() -> None:
    # both name a site: the sites decide
    score = match([_m("1", "benina", "HLLB", 0)], [_m("1", "al-khadim", "HLLB", 0)], 60)
    assert score.matched == 0
