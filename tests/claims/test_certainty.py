from __future__ import annotations

import pytest

from basewatch.claims.certainty import certainty_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia withdrew its jets from the base.", "asserted"),
        ("Russia may withdraw its jets from the base.", "hedged"),
        ("Russia might be preparing a withdrawal.", "hedged"),
        ("The jets could be moved to Libya.", "hedged"),
        ("Russian jets reportedly left the base.", "hedged"),
        ("The ships allegedly carried weapons.", "hedged"),
        ("The permanency of this move remains uncertain.", "hedged"),
        ("It is still not clear whether the systems will stay in Libya.", "hedged"),
        ("It was not immediately clear how many troops remained.", "hedged"),
        ("Officials are exploring the possibility of talks.", "hedged"),
        ("Recent developments suggest that Russia is moving assets.", "hedged"),
        ("The images appear to show vehicles being loaded.", "hedged"),
        ("Moscow is weighing upgrades to the port.", "hedged"),
        ("The ministry declined to comment on the flights.", "hedged"),
        ("The claim could not be independently verified.", "hedged"),
        ("So far there is no indication of civilian casualties.", "hedged"),
        ("The ministry denied that troops had left.", "denied"),
        ("The Kremlin rejected reports of a withdrawal.", "denied"),
        ("The army dismissed the reports as baseless.", "denied"),
        ("Moscow has no plans to leave Tartus.", "denied"),
        ("Russian forces did not withdraw from Hmeimim.", "denied"),
        ("No Russian troops have arrived in Sirte, the spokesman said.", "denied"),
        ("We will not permit ISIS to reconstitute.", "asserted"),
        ("About 900 US troops are deployed in Syria.", "asserted"),
        ("The ships are due to reach the port on Jan. 5.", "asserted"),
    ],
)
def test_certainty(text: str, expected: str) -> None:
    assert certainty_of(text) == expected
