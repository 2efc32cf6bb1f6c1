"""What happened: score a sentence's event triggers per class and pick the class (or none)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from basewatch.claims.model import EventClass

# (class, weight, alternatives). Weights: 3 = the words name the event; 2 = usually do; 1 = context.
_TRIGGER_TABLE: tuple[tuple[EventClass, int, tuple[str, ...]], ...] = (
    ("strike", 3, (
        r"air ?strikes?", r"(?:drone|missile|rocket|artillery) (?:strikes?|attacks?)", r"strik(?:e|es|ing)(?! groups?)",
        r"struck", r"bomb(?:ed|ing|ings|s)?", r"s[ai]nk(?:s|ing)?", r"sunk", r"shell(?:ed|ing)", r"raids?",
        r"hit (?:\w+ ){0,3}targets",
    )),
    ("strike", 2, (r"attack(?:s|ed|ing)?", r"battle damage", r"targeting", r"targeted", r"sorties",
                   r"(?:used|use|uses|using) (?:\w+ ){0,2}to (?:target|strike|attack|bomb|hit)",
                   r"destroy(?:s|ed|ing)?",
                   r"explosions?", r"blasts?", r"(?:was|were|been|being) hit",
                   r"fired (?:\w+ ){0,2}(?:missiles?|rockets?|shells?|drones?)",
                   r"launch(?:ed|es|ing)? (?:\w+ ){0,2}(?:missiles?|rockets?|drones?|strikes?|attacks?)",
                   r"damag(?:e|ed|ing)", r"intercept(?:s|ed|ing)?", r"shot down")),
    ("strike", 1, (r"casualt(?:y|ies)", r"killed", r"targets?", r"precision")),
    ("withdrawal", 3, (
        r"withdr(?:aw|awal|awals|awing|awn|ew|aws)", r"pull(?:s|ed|ing)? (?:out|back)", r"pull-?outs?",
        r"pull(?:s|ed|ing)? (?:the |its |their |all |some |most )?(?:[\w'’-]+ ){0,2}(?:troops|forces|soldiers|"
        r"personnel|units|contingent) (?:out|back)\b",  # "decided to pull the troops out"
        r"draw(?:s|n|ing)? ?down", r"drew down", r"draw-down",
        r"(?:pull|mov|order|forc|fl(?:y|ew|own|ow)|ship|tak|took|withdr|airlift|evacuat|ferr|rotat|carr|brought|bring|"
        r"truck|haul)\w* "
        r"(?:[\w,.'’-]+ ){0,5}out of",  # numbers too: "pulled its 2,400 troops out of Mali"
        # falling back, and what a departing force leaves behind
        r"f(?:a|e)ll(?:s|ing|en)? back", r"(?:left|leav(?:e|es|ing)) (?:[\w,.'’-]+ ){0,6}behind",
        r"(?:troop|force|personnel) (?:numbers|levels|strength|totals?) (?:fell|fall|dropped|declined|shrank|halved)",
        r"evacuat\w+", r"retreat\w*", r"disengag\w+",
        r"dismantl\w+", r"repatriat\w+", r"(?:tak(?:e|en|es|ing)|took) apart",
        # going home, flying or sailing out: "on its way home", "warplanes flew out", "clear out of Syria"
        r"(?:on (?:its|their|the) way|head(?:ed|ing|s)?|go(?:ing|es)?|went|sail(?:ed|ing|s)?|fl(?:ew|own|ying)|"
        r"return(?:s|ed|ing)?) home",
        r"(?:flew|flown|sailed|drove|driven|took off|steamed|rolled) (?:\w+ )?(?:out|away)\b(?! of \w+ into)",
        r"clear(?:s|ed|ing)? out",
        # an announced departure: "due to leave", "ordered to leave", "preparing to quit"
        r"(?:due|set|expected|scheduled|ordered|told|asked|going|about|poised|preparing|plans?|planning|agreed|"
        r"decided|forced|required) to (?:leave|depart|quit|exit|pull out|withdraw)",
        # taking things away from a place: "a ship sent to take equipment away from the naval base"
        r"(?:tak|took|carr|mov|ship|bring|brought|haul|fly|flew|flown)\w* (?:[\w'’-]+ ){0,4}away (?:from|out)",
        r"remov(?:e|es|ed|ing|al of) (?:[\w'’,-]+ ){0,4}(?:troops|forces|soldiers|personnel|equipment|units|"
        r"military|contingents?|presence)",
        # a force as the subject of leaving: "NATO soldiers had already left", "its last soldier will leave"
        r"(?:troops|soldiers?|forces|personnel|units|contingents?|service members|fighters|warplanes|jets|"
        r"warships|flotilla|fleet|frigates|destroyers|submarines|helicopters|bombers)\b"
        r"(?:\s+[\w'’-]+){0,5}?\s+(?:left|leave|leaves|leaving|departed|depart|departing|pulled out|gone)\b",
        r"(?:flown|sent|shipped|brought|moved) (?:\w+ ){0,2}back", r"return(?:s|ed|ing)? home",
        r"scal(?:e|ed|es|ing) (?:back|down)", r"abandon\w*", r"exodus", r"vacat(?:e|ed|ing)",
        r"hand(?:s|ed|ing)? over", r"handover", r"exit(?:s|ed|ing)? (?:from|the)", r"expel\w*",
        r"clos(?:e|es|ed|ing|ure of) (?:[\w'’-]+ ){0,5}(?:bases?|airbases?|facilit(?:y|ies)|garrisons?|outposts?)",
        r"(?:left|leav(?:e|es|ing)|depart(?:s|ed|ing)?(?: from)?) "
        r"(?:the )?(?:port|base|airbase|air base|naval base|country|harbou?r|region|area|garrison)",
    )),
    ("withdrawal", 2, (
        r"depart(?:ure|ures|ed|ing|s)?", r"evacuation", r"empty", r"emptied", r"deserted", r"disappeared",
        r"(?:wound|wind|winding|winds) down", r"reduc(?:e|es|ed|ing) (?:its |their |the )?(?:presence|forces|troops)",
        r"(?:has|have|had|are|were|be|been|is|was) (?:now |since |all |long )?gone", r"consolidat\w+",
        r"no longer (?:there|present|visible|at|in)",
        r"fewer (?:\w+ )?(?:aircraft|jets|planes|helicopters|ships|vessels|vehicles|troops|soldiers)",
        # a smaller force or stock: "sharply reduced the military equipment at the port", "cut their numbers"
        r"(?:reduc|declin|shrink|shrank|dwindl|cut|trim)\w* (?:[\w'’-]+ ){0,3}(?:presence|numbers?|contingents?|"
        r"forces|fleet|troops|soldiers|personnel|equipment|hardware|assets|aircraft|warships|footprint)",
        r"reductions? (?:in|of)", r"the reduction",
        r"only (?:way|route|exit|path|road) out",
        r"(?:complet|end|conclud|finish)\w* (?:its |their |the )?(?:[\w'’-]+ ){0,2}?(?:mission|deployment|presence|"
        r"operations?|tasks?)",
        r"return(?:s|ed|ing)? to (?:base|port|home|[A-Z])",
        r"(?:the )?return of (?:[\w'’-]+ ){0,3}(?:ships|troops|forces|aircraft|units|vessels|warships|jets|soldiers)",
    )),
    ("withdrawal", 1, (r"left", r"leav(?:e|es|ing)")),
    ("deployment", 3, (
        r"deploy\w*", r"redeploy\w*", r"dispatch\w*", r"relocat\w+", r"reinforc\w+", r"build-?up",
        r"reposition\w*", r"transfer\w*",
        r"stay (?:on )?(?:for )?(?:an?|another|one more|two|three|several) (?:extra |additional |further |more )?"
        r"(?:months?|weeks?|years?)",
        r"(?:widen|expand|extend|increas|grow)\w* (?:its |their |the )?(?:military )?(?:footprint|presence)",
        r"expansion", r"surge",
        r"(?:troop|force|personnel) (?:numbers|levels|strength|totals?) (?:rose|rise|increased|grew|climbed|doubled)",
        r"(?:send|sends|sent|sending) (?!to )(?:\w+ ){0,3}(?:troops|forces|soldiers|units|contingent|equipment|"
        r"warships?|"
        r"jets|aircraft|systems|weapons|personnel|frigates?|corvettes?|destroyers?|submarines?|carriers?|"
        r"battalions?|brigades?|squadrons?|batteries|instructors|advisers|advisors|mercenaries|trainers|"
        r"specialists|technicians|marines|paratroopers|bombers|fighters)",
        r"host(?:s|ed|ing)? (?:[\w'’-]+ ){0,2}(?:forces|troops|soldiers|warships|units|personnel|contingents?)",
        r"(?:to|will|would|could|plans? to|intends? to) station",
        r"shift(?:s|ed|ing)? (?:[\w-]+ ){0,3}(?:assets|forces|troops|units|systems|weapons|operations|aircraft|"
        r"equipment|jets|ships|warships|personnel)",
        # a unit on the move: "a convoy of the Tariq bin Ziyad Battalion ... moved toward the base"
        r"(?:battalions?|brigades?|regiments?|divisions?|units?|troops|forces|soldiers|contingents?|fighters|"
        r"mercenaries|marines|paratroopers)\b(?:(?!\band\b)[^.;]){0,60}?\b(?:moved|headed|advanced|arrived|entered|rolled|"
        r"marched|redeployed|sent|dispatched|deployed|flown in|landed|touched down)",
    )),
    ("deployment", 2, (
        r"mov(?:e|es|ed|ing) (?:\w+ ){0,3}(?:troops|forces|soldiers|units|equipment|systems|weapons|personnel|assets)",
        r"arriv\w+", r"set (?:\w+ ){0,2}up", r"upgrad\w+", r"(?:take|takes|taking|taken|took) over",
        r"patroll?(?:s|ed|ing)?", r"exercises?", r"drills?", r"manoeuvres?", r"maneuvers?", r"mobili[sz]\w+",
        r"amass\w*", r"mass(?:ed|ing) (?:\w+ ){0,2}(?:troops|forces|units|tanks|armou?r)", r"positioned",
        r"emplace\w*",
        r"(?:spotted|seen|observed|photographed|parked) (?:at|in|near|on)",
        r"(?:equipment|troops|forces|weapons|systems|assets|aircraft|personnel|units|hardware)\b[^.;]{0,30}?"
        r"\b(?:been|being|be) (?:moved|relocated|transferred|shifted|repositioned)",
        r"replac(?:e|es|ed|ing)", r"rotat(?:e|es|ed|ing|ion)",
    )),
    ("deployment", 1, (r"troops", r"soldiers", r"personnel", r"shift(?:s|ed|ing)?", r"contingents?")),
    ("transport", 3, (
        r"airlift\w*", r"air bridge", r"heavy[- ]lift", r"(?:cargo|transport|military|supply) flights?",
        r"port calls?", r"port (?:visits?|of call)", r"landing ships?", r"(?:il|an|c)-\d{2,3}s?", r"sail(?!ors?\b)\w*",
        r"ferr(?:y|ied|ying)",
        r"shipments?", r"(?:due|expected|scheduled) to (?:reach|arrive|dock|berth)",
    )),
    ("transport", 2, (
        r"(?:cargo|transport|military) (?:planes?|aircraft|ships?|vessels?|jets?)", r"convoys?",
        r"berth(?:ed|ing)", r"(?<!still )(?:moored|anchored) (?:at|in|off|alongside)",
        r"(?:circl|drift|loiter|wait)(?:e|es|ed|ing)? (?:\w+ )?(?:near|off|outside|around|in)",
        r"(?:being |been )?(?:driven|trucked|hauled|towed|transported) (?:\w+ ){0,2}(?:south|north|east|west|"
        r"toward\w*|to|from|out|away|along)\b",
        r"(?:to|will|would|can|could) berth", r"fl(?:y|ew|own|ying|ies|ights?)",
        r"dock(?:s|ed|ing)?", r"deliver\w*", r"escort(?:s|ed|ing)?", r"resuppl\w+", r"en route",
        r"bound for", r"head(?:ed|ing)? (?:to|for|toward|towards)",
        r"(?:a |an )?(?:brief |short )?stop(?:over)? (?:in|at)",
        # gathering loads at a base: "Russia gathering military equipment at the air base"
        r"(?:gather|assembl|concentrat|stag|accumulat|pil)\w* (?:up )?(?:[\w'’-]+ ){0,3}(?:equipment|vehicles|hardware|"
        r"cargo|containers|materiel)",
        r"carr(?:y|ies|ied|ying) (?:[\w'’-]+ ){0,4}(?:equipment|troops|soldiers|weapons|ammunition|vehicles|cargo|"
        r"supplies|personnel|containers|radars?|systems|components|fuel|munitions|armou?r|tanks|missiles|aircraft|"
        r"helicopters|launchers)", r"(?:off|un)?load(?:s|ed|ing)?",
        r"land(?:s|ed|ing)", r"shipp(?:ed|ing)", r"cross(?:es|ed|ing)? into",
        r"transit(?:s|ed|ing)?", r"pass(?:es|ed|ing)? through",
    )),
    ("transport", 1, (
        r"aboard", r"visit(?:s|ed|ing)?", r"ships?", r"transport\w*", r"logistics", r"supplies", r"supplied",
        r"vessels?", r"warships?",
        r"frigates?", r"submarines?", r"tankers?", r"aircraft", r"planes?",
    )),
    ("basing", 3, (
        r"lease", r"basing", r"foothold", r"staging (?:post|point|area|ground)",
        r"(?:shelters?|hangars?|runways?|piers?|barracks|bunkers?|facilit(?:y|ies)|revetments?) (?:are |is )?"
        r"(?:under|being) (?:construction|built|expanded|repaired|extended)",
        r"new (?:aircraft )?(?:shelters?|hangars?|barracks|bunkers?|runways?|revetments?)",
        r"(?:keep|keeps|kept|keeping|retain\w*|maintain\w*|preserv\w*|hold(?:s|ing)? on to|held on to) "
        r"(?:[\w'’-]+ ){0,3}(?:bases?|airbases?|presence|foothold|footprint|facilit(?:y|ies)|access)",
        # forces kept at a place: "Russia will be able to keep up to four navy ships there"
        r"keep(?:s|ing)? (?:[\w'’-]+ ){0,4}(?:ships|warships|vessels|troops|forces|soldiers|aircraft|jets|"
        r"personnel|drones|helicopters|warplanes|submarines|frigates) (?:there|at|in|on)\b",
        # what a base can hold: "the base could hold up to 300 military personnel"
        r"(?:base|facility|port|airbase) (?:could|can|will|would|is to|may) (?:hold|house|accommodate|host|take)",
        r"(?:fuel(?:l)?ing|refuel(?:l)?ing|resupply|replenishment|logistics|supply) (?:station|point|depot)s?",
        r"(?:logistics|logistical|military|naval|air|supply|strategic|regional) hubs?",
        r"(?:logistics|logistical|supply|staging|forward|operating) bases?",
        # a lasting state of being there: "are now permanently stationed at", "has been in Mali since late 2021"
        r"(?:is|are|was|were|been|be|remain\w*) (?:now |already |currently )?(?:permanently|still) "
        r"(?:stationed|based|garrisoned)",
        r"(?:has|have|had) been (?:present |based |stationed |deployed )?(?:in|at) (?:[A-Z][\w'’-]* ){1,3}since",
        r"(?:set|setting|sets) up (?:a |an |its |their )?(?:[\w'’-]+ ){0,2}(?:base|airbase|facility|outpost|hub|"
        r"posts?)\b",
        r"establish\w* (?:a |an |its |their )?(?:[\w'’-]+ ){0,2}(?:base|airbase|facility|outpost|hub|presence|"
        r"foothold)",
        r"(?:expand|extend|upgrad|build|construct|repair|renovat|moderni[sz]|fortif)\w* (?:\w+ ){0,3}"
        r"(?:runways?|hangars?|bases?|facilit(?:y|ies)|piers?|infrastructure|airfields?|shelters?)",
        r"(?:become|future|fate|status|disposition) of (?:[\w'’-]+ ){0,3}bases?",
        r"(?:defence|defense|military|cooperation) (?:cooperation )?agreement",
        r"(?:talks|negotiat\w+) (?:[\w'’-]+ ){0,6}bases?",
        r"secur(?:e|ed|ing) (?:\w+ ){0,2}(?:port|base|access|foothold)s?",
        r"(?:security|safety|protection|future) of (?:its |their |the |russia's |our )?(?:\w+ )?(?:bases?|ports?|"
        r"facilit(?:y|ies))",
    )),
    ("basing", 2, (
        # presence: "aircraft are stationed at al-Jufra", "based at Ouallam", "operating from two bases"
        r"station(?:ed|ing)", r"based (?:at|in|on)", r"operat(?:e|es|ed|ing) (?:from|out of)",
        r"(?:troops|forces|soldiers|personnel|contingent|units)\s+(?:are|were|is|remain)\s+(?:now\s+|still\s+)?"
        r"(?:in|at|based|stationed)",
        r"remain(?:s|ed|ing)? (?:stationed |deployed |based )?(?:at|in)", r"presence", r"still (?:in|at|based)",
        # still there, and negative findings of change: "frigates still anchored", "largely unchanged"
        r"still (?:anchored|moored|docked|stationed|there|present|parked|guarding|holding|manning|occupying|"
        r"operating|deployed)",
        r"(?:largely |mostly |virtually |almost |broadly )?unchanged",
        r"(?:little|minimal|no (?:major|significant|visible)) changes?", r"stay(?:s|ed|ing)? (?:in|at|on)",
        r"(?:stay|stays|stayed|staying|remain|remains|remained) there", r"still inside", r"footprint",
        # pictures that find no force at a place: "satellite pictures have shown no Russian warships at the port"
        r"(?:show|shows|showed|shown|reveal\w*|found|find|saw|see|seen) no (?:[\w'’-]+ ){0,2}(?:warships|ships|"
        r"vessels|aircraft|jets|planes|troops|soldiers|forces|helicopters|vehicles|equipment)",
        r"construction",
        r"(?:leave|leaves|left|leaving) (?:\w+ ){0,3}without", r"negotiat\w+", r"settlement",
        r"replenishment", r"access to", r"agreement", r"contract", r"host", r"loss of", r"lost",
        r"losing", r"lose",
    )),
    ("basing", 1, (
        r"talks", r"engagement", r"port", r"bases?", r"airbases?", r"runways?", r"hubs?", r"facilit(?:y|ies)",
        r"(?:naval|air|military) (?:base|facility|facilities)",
    )),
)
_TRIGGERS: tuple[tuple[EventClass, int, str], ...] = tuple((c, w, "|".join(alts)) for c, w, alts in _TRIGGER_TABLE)
# Words that look like triggers but do not name the sentence's event; they are taken first and score nothing.
_NOT_THE_EVENT_PATTERN = r"\b(?:" + "|".join((
    # a time reference: "having left Baltiysk on Dec. 11", "to stay in Iraq after the drawdown"
    r"(?:having|after|since|before) (?:leaving|left|departing|departed|sailing from|sailed from)",
    r"(?:after|before|until|following|since|pending) (?:the |an? |its |their )?(?:expected |planned |"
    r"announced |eventual |full |final )?(?:drawdown|withdrawal|pull-?out|departure|evacuation|handover|transfer)",
    # a purpose: "to deter Houthi attacks", a ship "sent to carry troops out"
    r"to (?:deter|counter|repel|fend off|defend against|guard against|prevent|stop) (?:[\w'’-]+ ){0,4}?"
    r"(?:attacks?|strikes?|raids?)",
    r"sent to",
    # statistics of a tour: "had flown more than 30,000 hours and sailed more than 55,000 miles"
    r"(?:flown|flew|sailed|steamed|logged|driven) (?:more than |over |some |about |nearly )?[\d,.]+ "
    r"(?:flight )?(?:hours|miles|nautical miles|kilometres|kilometers|km|sorties)",
)) + r")\b"
_NOT_THE_EVENT = re.compile(_NOT_THE_EVENT_PATTERN)  # for lower-cased text (as _LOWER below)
_NOT_THE_EVENT_ANY_CASE = re.compile(_NOT_THE_EVENT_PATTERN, re.IGNORECASE)
_COMPILED = (
    # leaving a named place: "left Hmeimim", "departed the Tartus naval base" (case matters: a proper name)
    ("withdrawal", 3, re.compile(r"\b(?:left|leave|leaving|leaves|departed|departing|quit|pulled out of|took off from|"
                                 r"flew out of|sailed out of)\s+(?:the\s+)?"
                                 r"(?:port of\s+)?[A-Z](?![^.,;]{0,40}\bwithout\b)[\w'’-]*")),
    # stronger triggers claim their words first ("leave Russia without a base" is a loss, not a departure)
    *((cls, w, re.compile(r"\b(?:" + p + r")\b", re.IGNORECASE))
      for cls, w, p in sorted(_TRIGGERS, key=lambda t: -t[1])),
)
# The same case-blind triggers compiled for lower-cased text: about five times faster than IGNORECASE (which
# Python's matcher applies at every position); [A-Z] under IGNORECASE matched any letter, so it becomes [a-z].
_LOWER = (_COMPILED[0], *((cls, w, re.compile(p.pattern.replace("[A-Z]", "[a-z]"))) for cls, w, p in _COMPILED[1:]))
# On equal scores the more specific class wins.
_PRIORITY: tuple[EventClass, ...] = ("strike", "withdrawal", "transport", "deployment", "basing")
_MILITARY = re.compile(
    r"\b(?:military|troops|forces|army|navy|naval|air force|soldiers|armed|warships?|units?|personnel|"
    r"weapons|isis|islamic state|hts|wagner|hezbollah|militia|militants|rebels|defen[cs]e|bases?|airbases?|"
    r"warplanes|fighter jets|combat jets|helicopters|carriers?|carrier groups?|strike groups?|houthis|taliban|"
    r"hamas|al-shabaab|jihadists?|insurgents?|radars?|missiles?|launchers?|air defen[cs]es?|depots?|"
    r"ammunition|munitions)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EventScore:
    event: EventClass
    score: int
    scores: dict[str, int]
    first_trigger: int  # position of the first trigger of the chosen class (-1: none)
    strongest: int = 0  # weight of the strongest single trigger found (any class)
    cues: tuple[str, ...] = ()  # the trigger words of the chosen class, in text order


# Vehicles named as participants ("a Russian cargo aircraft took off from Hmeimim"): nouns, not the event.
_VEHICLE = re.compile(r"^(?:(?:cargo|transport|military|supply) (?:planes?|aircraft|ships?|vessels?|jets?)|"
                      r"(?:il|an|c)-\d{2,3}s?|landing ships?)$", re.IGNORECASE)
# A non-restrictive relative clause (", which led the response to attacks on shipping,") is background.
_RELATIVE = re.compile(r",\s+(?:which|who|whose|sent|built|ordered|tasked|designed|used|known|led|once)\b"
                       r"(?:[^,;.]|(?<=\b[A-Z])\.)*,|"  # an initial's period ("the U.S. response") ends no clause
                       # a hedged participle phrase is not the asserted event: ", possibly escorting the ships,"
                       r",\s+(?:possibly|probably|likely|perhaps|apparently|reportedly)\s+\w+ing\b[^,;.]*")


def score_events(text: str) -> EventScore:
    """Scores per class of the main clause (relative clauses blanked), or of the whole text when the main
    clause has no trigger."""
    main = _RELATIVE.sub(lambda m: " " * len(m.group()), text)
    if main != text:
        scored = _score(main)
        if scored.score > 0:
            return scored
    return _score(text)


def _score(text: str) -> EventScore:
    scores: dict[str, int] = dict.fromkeys(_PRIORITY, 0)
    first: dict[str, int] = {}
    taken = bytearray(len(text))  # 1 where a trigger already lies
    strongest = 0
    nominal: dict[str, int] = {}  # weight above 1 that vehicle nouns gave each class
    found: list[tuple[int, str, str]] = []  # (position, class, words) of every trigger taken
    verbal: set[str] = set()  # classes named by a strong trigger that is not a vehicle noun
    lower = text.lower()
    same_length = len(lower) == len(text)  # lower-casing keeps offsets (not so for a few non-ASCII letters)
    for m in (_NOT_THE_EVENT.finditer(lower) if same_length else _NOT_THE_EVENT_ANY_CASE.finditer(text)):
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for n, (cls, weight, pattern) in enumerate(_LOWER if same_length else _COMPILED):
        for m in pattern.finditer(text if n == 0 or not same_length else lower):
            words = text[m.start():m.end()]
            if taken[m.start()] or _in_name(text, m.start(), words):
                continue
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            scores[cls] += weight
            found.append((m.start(), cls, words))
            vehicle = weight >= 2 and _VEHICLE.match(words) is not None
            if vehicle:
                nominal[cls] = nominal.get(cls, 0) + weight - 1
            elif weight >= 3:
                verbal.add(cls)
            if weight >= 2 and not vehicle:  # where the class is first named by a real trigger, not a noun
                first[cls] = min(first.get(cls, m.start()), m.start())
            strongest = max(strongest, weight)
    for named, excess in nominal.items():
        if verbal - {named}:
            scores[named] -= excess  # a vehicle noun is context where another event is named by its verb
    # on equal scores the event named first wins (the main clause leads in news prose), then the priority
    best = max(_PRIORITY, key=lambda c: (scores[c], -first.get(c, len(text)), -_PRIORITY.index(c)))
    if scores[best] == 0:
        return EventScore("other", 0, scores, -1)
    cues = tuple(words for _, cls, words in sorted(found) if cls == best)
    return EventScore(best, scores[best], scores, first.get(best, -1), strongest, cues)


_LOOK_BACK = 200
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "this", "that", "these", "those", "one", "two"})


def _in_name(text: str, start: int, matched: str) -> bool:
    """A trigger inside a proper name mid-sentence: "the 121st Brigade of Landing Ships", "Strike Group"."""
    words = matched.split()
    if start == 0 or not all(w[:1].isupper() for w in words):
        return False
    before = text[max(0, start - _LOOK_BACK):start]  # the previous word (not the whole text before)
    previous = before.split()[-1:] or [""]
    if previous[0].lower() in _DETERMINERS:
        return False  # "An Il-76 of Russia's Emergencies Ministry": a sentence's first article is no name
    if len(words) < 2 and not previous[0][:1].isupper():
        return False  # a single capitalised token such as a type designator ("Il-76") still counts
    before = before.rstrip()
    return not before.endswith((".", "!", "?", ":", "\"", "“", "(")) and matched[:1].isupper()


# A count of a force in a place: "France had about 1,000 military personnel in Chad", "There are 1,890 Russian
# instructors in the CAR". A claim (a troop count) even without an event word.
_FORCE_COUNT = re.compile(
    r"\b\d[\d,.]*\s+(?:[\w.'’-]+\s+){0,3}?(?:troops|soldiers|personnel|sailors|marines|instructors|advisers|"
    r"advisors|mercenaries|fighters|service members|servicemen|paratroopers|military police|warships|aircraft|jets)\b",
    re.IGNORECASE,
)


# Access refused to a force's ship, aircraft or troops: "authorities had refused to let the ship in".
_ACCESS_REFUSED = re.compile(
    r"\b(?:refus|den(?:y|ie)|bar|barr|block|forbid|forbad|ban|bann)\w* (?:entry|access|permission|landing|docking|"
    r"overflight|to let (?:[\w'’-]+ ){1,4}(?:in|dock|land|enter|berth|through))\b",
    re.IGNORECASE,
)


def counts_forces(text: str) -> bool:
    return _FORCE_COUNT.search(text) is not None


def refuses_access(text: str) -> bool:
    return _ACCESS_REFUSED.search(text) is not None


def mentions_military(text: str) -> bool:
    return _MILITARY.search(text) is not None
