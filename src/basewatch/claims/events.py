"""What happened: score a sentence's event triggers per class and pick the class (or none)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from basewatch.claims.model import EventClass

# (class, weight, pattern). Weights: 3 = the word names the event; 2 = usually does; 1 = context.
_TRIGGERS: tuple[tuple[EventClass, int, str], ...] = (
    # strike
    ("strike", 3, r"air ?strikes?|(?:drone|missile|rocket|artillery) (?:strikes?|attacks?)|strik(?:e|es|ing)|struck|"
                  r"bomb(?:ed|ing|ings|s)?|shell(?:ed|ing)|raids?|hit (?:\w+ ){0,3}targets"),
    ("strike", 2, r"attack(?:s|ed|ing)?|battle damage|targeting|sorties"),
    ("strike", 1, r"casualt(?:y|ies)|killed|targets?|precision"),
    # withdrawal
    ("withdrawal", 3, r"withdr(?:aw|awal|awals|awing|awn|ew|aws)|pull(?:s|ed|ing)? (?:out|back)|pull-?outs?|"
                      r"draw(?:s|n|ing)? ?down|drew down|"
                      r"(?:pull|mov|order|forc|fl[oy]w|ship|tak|took|withdr)\w* (?:\w+ ){0,4}out of|"
                      r"draw-down|evacuat\w+|retreat\w*|dismantl\w+|"
                      r"repatriat\w+|(?:flown|sent|shipped|brought|moved) (?:\w+ ){0,2}back|return(?:s|ed|ing)? home|"
                      r"scal(?:e|ed|es|ing) (?:back|down)|abandon\w*|exodus|vacat(?:e|ed|ing)|hand(?:s|ed|ing)? over|"
                      r"handover|exit(?:s|ed|ing)? (?:from|the)|expel\w*|"
                      r"(?:left|leav(?:e|es|ing)|depart(?:s|ed|ing)?(?: from)?) "
                      r"(?:the )?(?:port|base|airbase|air base|naval base|country|harbou?r|region|area|garrison)"),
    ("withdrawal", 2, r"depart(?:ure|ures|ed|ing|s)?|evacuation"),
    ("withdrawal", 1, r"left|leav(?:e|es|ing)"),
    # deployment
    ("deployment", 3, r"deploy\w*|redeploy\w*|dispatch\w*|relocat\w+|reinforc\w+|build-?up|reposition\w*|"
                      r"transfer\w*|(?:widen|expand|extend|increas|grow)\w* (?:its |their |the )?(?:military )?"
                      r"(?:footprint|presence)|footprint|contingent|expansion|surge|"
                      r"(?:send|sends|sent|sending) (?:\w+ ){0,3}(?:troops|forces|soldiers|units|contingent|"
                      r"equipment|warships|jets|aircraft|systems|weapons|personnel)"),
    ("deployment", 3, r"shift(?:s|ed|ing)? (?:[\w-]+ ){0,3}(?:assets|forces|troops|units|systems|weapons|operations|"
                      r"aircraft|equipment|jets|ships|warships|personnel)"),
    # a unit on the move: "a convoy of the Tariq bin Ziyad Battalion ... moved toward the base"
    ("deployment", 3, r"(?:battalions?|brigades?|regiments?|divisions?|units?|troops|forces|soldiers|contingents?|"
                      r"fighters|mercenaries|marines|paratroopers)\b[^.;]{0,60}?\b(?:moved|headed|advanced|"
                      r"arrived|entered|rolled|marched|redeployed)"),
    ("deployment", 2, r"station(?:ed|ing)|remain(?:s|ed|ing)? (?:stationed |deployed |based )?(?:at|in)|"
                      r"mov(?:e|es|ed|ing) (?:\w+ ){0,3}(?:troops|forces|"
                      r"soldiers|units|equipment|systems|weapons|personnel|assets)|arriv\w+|stationed|"
                      r"set (?:\w+ ){0,2}up|"
                      r"upgrad\w+"),
    ("deployment", 1, r"troops|soldiers|personnel|shift(?:s|ed|ing)?"),
    # transport
    ("transport", 3, r"airlift\w*|air bridge|(?:cargo|transport|military) (?:planes?|aircraft|flights?|ships?|"
                     r"vessels?|jets?)|heavy[- ]lift|port calls?|berth\w*|landing ships?|"
                     r"(?:il|an|c)-\d{2,3}s?|sail\w*|ferr(?:y|ied|ying)|shipments?|"
                     r"(?:due|expected|scheduled) to (?:reach|arrive|dock|berth)"),
    ("transport", 2, r"convoys?|fl(?:y|ew|own|ying|ies|ights?)|dock(?:s|ed|ing)?|carr(?:y|ies|ied|ying)|deliver\w*|"
                     r"(?:off|un)?load(?:s|ed|ing)?|land(?:s|ed|ing)|shipp(?:ed|ing)|cross(?:es|ed|ing)? into|"
                     r"visit(?:s|ed|ing)|transit(?:s|ed|ing)?|pass(?:es|ed|ing)? through"),
    ("transport", 1, r"aboard"),
    ("transport", 1, r"ships?|transport\w*|logistics|supplies|supplied|vessels?|warships?|frigates?|submarines?|"
                     r"tankers?|aircraft|planes?"),
    # basing
    ("basing", 3, r"lease|basing|foothold|staging (?:post|point|area|ground)|(?:naval|air|military) (?:base|facility|"
                  r"facilities|hub)|port facility|(?:future|fate|status|disposition) of (?:\w+ ){0,3}bases?|"
                  r"(?:defence|defense|military|cooperation) (?:cooperation )?agreement|"
                  r"(?:talks|negotiat\w+) (?:\w+ ){0,6}bases?|"
                  r"(?:become|future|fate|status|disposition) of (?:\w+ ){0,3}bases?|"
                  r"secur(?:e|ed|ing) (?:\w+ ){0,2}(?:port|base|access|foothold)s?"),
    ("basing", 2, r"bases?|airbases?|presence|negotiat\w+|settlement|hub|replenishment|facilit(?:y|ies)|"
                  r"access to|agreement|contract|host|loss of|lost|losing|lose"),
    ("basing", 1, r"talks|engagement|port"),
)
_COMPILED = (
    # leaving a named place: "left Hmeimim", "departed the Tartus naval base" (case matters: a proper name)
    ("withdrawal", 3, re.compile(r"\b(?:left|leaving|leaves|departed|departing|quit|pulled out of)\s+(?:the\s+)?"
                                 r"(?:port of\s+)?[A-Z]")),
    *((cls, w, re.compile(r"\b(?:" + p + r")\b", re.IGNORECASE)) for cls, w, p in _TRIGGERS),
)
# On equal scores the more specific class wins.
_PRIORITY: tuple[EventClass, ...] = ("strike", "withdrawal", "transport", "deployment", "basing")
_MILITARY = re.compile(
    r"\b(?:military|troops|forces|army|navy|naval|air force|soldiers|armed|warships?|units?|personnel|"
    r"weapons|isis|islamic state|hts|wagner|hezbollah|militia|militants|rebels|defen[cs]e)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EventScore:
    event: EventClass
    score: int
    scores: dict[str, int]
    first_trigger: int  # position of the first trigger of the chosen class (-1: none)


def score_events(text: str) -> EventScore:
    scores: dict[str, int] = dict.fromkeys(_PRIORITY, 0)
    first: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for cls, weight, pattern in _COMPILED:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            scores[cls] += weight
            first[cls] = min(first.get(cls, m.start()), m.start())
    best = max(_PRIORITY, key=lambda c: (scores[c], -_PRIORITY.index(c)))
    if scores[best] == 0:
        return EventScore("other", 0, scores, -1)
    return EventScore(best, scores[best], scores, first.get(best, -1))


def mentions_military(text: str) -> bool:
    return _MILITARY.search(text) is not None
