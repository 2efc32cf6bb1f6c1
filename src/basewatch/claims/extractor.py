"""The default claim extractor: rules over sentences (no model). Other backends share the Protocol."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from basewatch.claims.actors import ActorFinder
from basewatch.claims.attribution import Attribution, SourceMemory, classify_source, find_attribution, names_person
from basewatch.claims.certainty import certainty_cues, certainty_of
from basewatch.claims.dates import find_dates
from basewatch.claims.discourse import (
    AGENTLESS,
    ANAPHOR,
    BACK_REFERENCE,
    CONNECTIVE,
    CONTRAST,
    EVENT_ANAPHOR,
    FUNCTION_WORDS,
    SECONDARY,
    blank,
    carries_wire_copy,
    is_commentary,
    mask_quotes,
    title_source,
)
from basewatch.claims.events import EventScore, counts_forces, mentions_military, refuses_access, score_events
from basewatch.claims.grading import SourceGrades
from basewatch.claims.model import Certainty, Claim, ClaimWhy, DateRange, EventClass, PlaceRef, SourceKind
from basewatch.claims.places import Gazetteer, unique_places
from basewatch.claims.sentences import Sentence, split_sentences
from basewatch.watchlist.model import Actor, Site


@dataclass(frozen=True)
class Document:
    """A report's text and what is known of it. body_start skips a metadata header."""

    text: str
    date: dt.date | None = None
    body_start: int = 0
    title: str | None = None
    publisher: str | None = None


class Extractor(Protocol):
    name: str

    def extract(self, doc: Document) -> tuple[Claim, ...]: ...


@dataclass(frozen=True)
class _Draft:
    """A claim before its source is settled; elaborating sentences merge into it."""

    sentence: Sentence
    start: int
    end: int
    event: EventClass
    certainty: Certainty
    attribution: Attribution | None
    places: tuple[PlaceRef, ...]
    actors: tuple[str, ...]
    date: DateRange | None
    secondary: bool = False
    event_cues: tuple[str, ...] = ()
    certainty_cues: tuple[str, ...] = ()


def _same_speaker_goes_on(prev: _Draft, cur: _Draft, grades: SourceGrades) -> bool:
    """The next sentence is the same source saying more of the same ("... CENTCOM said." / '"The camps were
    struck ...," CENTCOM said.'): same named source, event and certainty, and nothing in between."""
    if prev.attribution is None or cur.attribution is None or prev.secondary:
        return False
    if cur.sentence.paragraph - prev.sentence.paragraph > 1 or cur.event != prev.event or \
            cur.certainty != prev.certainty:
        return False
    entry_a, entry_b = grades.entry(prev.attribution.source), grades.entry(cur.attribution.source)
    if entry_a is not None and entry_a == entry_b:
        return True
    a, b = prev.attribution.source.lower(), cur.attribution.source.lower()
    return a == b or a.endswith(b) or b.endswith(a) or bool(set(a.split()) & set(b.split()) - FUNCTION_WORDS)


_SINCE = re.compile(r"\bsince\s+(?:(?:early|mid|late|the end of|the start of)\s+)?(?:\w+\s+)?(?:19|20)\d\d\b",
                    re.IGNORECASE)
_ANTECEDENT_REACH = 4  # sentences back a pronoun source ("He said") looks for the speaker named before


_HUMAN_HEAD = re.compile(r"\b(?:official|spokes\w+|source|person|officer|minister|commander|analyst|expert|fellow|"
                         r"ambassador|envoy|diplomat|general|admiral|colonel|lieutenant|captain|chief|director|head|"
                         r"secretary|president|adviser|advisor|researcher|journalist|correspondent|resident|witness|"
                         r"worker|paratrooper|soldier|pilot|man|woman|lt|gen|col|maj|adm|sgt)\b", re.IGNORECASE)
_NON_PERSON_KINDS = ("imagery", "tracking")


def _agrees(pronoun: str, antecedent: Attribution) -> bool:
    """Whether an anaphoric source can refer to an earlier one: "he"/"she" to a person (a name or a human head
    noun, never pictures or tracks); "the same source"/"the official" to an antecedent with that head noun."""
    p = pronoun.lower()
    src = antecedent.source
    if p in ("he", "she"):
        return antecedent.kind not in _NON_PERSON_KINDS and (names_person(src) or bool(_HUMAN_HEAD.search(src)))
    noun = re.search(r"\b(source|official|person|officer|diplomat)\b", p)
    if noun:
        return re.search(r"\b" + noun.group(1), src, re.IGNORECASE) is not None or (
            noun.group(1) == "source" and antecedent.kind == "anonymous")
    return True


def resolve_pronouns(found: Sequence[Attribution | None]) -> list[Attribution | None]:
    """Speaker coreference: "He told Reuters ..." takes the source of the nearest earlier attributed sentence
    (within _ANTECEDENT_REACH sentences) that agrees with it (a person for "he", a source for "the same
    source"), else the nearest; an unresolved "it"/"they" names no source, "we" is the reporter."""
    out: list[Attribution | None] = []
    seen: list[tuple[int, Attribution]] = []
    for i, a in enumerate(found):
        if a is not None and a.anaphoric and a.source.lower() not in ("we",):
            near = [(j, b) for j, b in reversed(seen) if i - j <= _ANTECEDENT_REACH]
            pick = next((b for _, b in near if _agrees(a.source, b)), near[0][1] if near else None)
            if pick is not None:
                a = replace(a, source=pick.source, kind=pick.kind)
            elif a.source.lower() in ("it", "they"):
                a = None
        elif a is not None and a.anaphoric:
            a = replace(a, kind="reporter")
        elif a is not None:
            seen.append((i, a))
        out.append(a)
    return out


# an arrival, a call or a wait somewhere, or a named destination: a movement that is not a departure even in a
# story of withdrawal. A bare direction ("driven south toward Tartus") is no destination: it is the way out.
_ARRIVAL = re.compile(r"\b(?:arriv\w+|dock(?:s|ed|ing)?|berth\w*|moor\w*|landed|lands|landing at|reach\w*|"
                      r"port calls?|visit\w*|called at|calls at|entered|enter|into|through|cross\w*|via|"
                      r"unload\w*|offload\w*|request|circl\w+|drift\w+|loiter\w*)\b|\bto (?:the )?[A-Z]")


def story_frame(drafts: Sequence[_Draft]) -> list[_Draft]:
    """A report about a withdrawal frames its movement pictures: where withdrawal is one of the report's main
    events (at least two claims and a third of them), a transport claim that names no arrival, route or
    destination (aircraft readied with their noses open, equipment gathered at the base, a plane taking off)
    is part of the withdrawal."""
    counts: dict[str, int] = {}
    for d in drafts:
        counts[d.event] = counts.get(d.event, 0) + 1
    if counts.get("withdrawal", 0) < 2 or 3 * counts["withdrawal"] < len(drafts):
        return list(drafts)
    return [replace(d, event="withdrawal", event_cues=("story: withdrawal", *d.event_cues))
            if d.event == "transport" and not _ARRIVAL.search(d.sentence.text) else d for d in drafts]


def _decide(s: Sentence, scores: EventScore, certainty: Certainty, attribution: Attribution | None,
            has_place: bool, previous: _Draft | None) -> EventClass | None:
    """The sentence's event class when it makes a claim, else None."""
    military = mentions_military(s.text)
    # context words alone ("the two sites are Russia's airbase and a naval facility") make no claim
    if scores.strongest >= 2 and (scores.score >= 3 or has_place or military):
        return scores.event
    if previous is not None and previous.end >= s.start - 2 and ANAPHOR.match(s.text) and \
            certainty != previous.certainty and scores.score < 3:
        return previous.event  # "However, the permanency of this move remains uncertain."
    if counts_forces(s.text) and (attribution is None or attribution.kind != "reporter"):
        return "other"  # a troop count: "France had about 1,000 military personnel in Chad"
    if refuses_access(s.text) and (military or has_place or scores.score >= 1):
        return "other"  # "Syria's new authorities had refused to let the ship in"
    if attribution is None:
        return None
    if previous is not None and (attribution.anaphoric or BACK_REFERENCE.match(attribution.source)) and \
            s.start - previous.end < 400:
        return previous.event  # '"Nothing has been decided," the official said.'
    if previous is not None and scores.strongest < 2 and s.start - previous.end < 400 and \
            EVENT_ANAPHOR.search(s.text):
        return previous.event  # '... said the operation had finished ahead of schedule'
    speaks_for_forces = attribution.kind in ("official", "intelligence", "anonymous") and (
        military or certainty == "denied" or scores.strongest >= 2
    )
    # what pictures, tracks, experts and outlets show of forces or of a watched place
    observes = attribution.kind in ("imagery", "tracking") and (military or has_place or scores.score >= 1)
    comments = attribution.kind in ("expert", "media") and (scores.strongest >= 2 or (military and has_place))
    speaks_for_forces = speaks_for_forces or observes or comments
    if speaks_for_forces or (certainty == "denied" and scores.score >= 1):
        # an attributed statement about forces: weak cues still choose the class ("facilities", "talks")
        return scores.event if scores.score >= 2 else "other"
    return None


class RuleExtractor:
    """Sentence rules: event triggers, attribution (direct, inverted, quotes, neighbours), hedges, places, dates."""

    name = "rules"

    def __init__(self, sites: Iterable[Site], actors: Iterable[Actor] = (),
                 grades: SourceGrades | None = None) -> None:
        self._gazetteer = Gazetteer(sites)
        names: list[str] = []
        for a in actors:
            names.extend(v.name for v in a.vessels if v.name)
            for rule in a.rules:
                names.extend(rule.ship_names)
        self._actors = ActorFinder(names)
        self._grades = grades or SourceGrades.default()

    def extract(self, doc: Document) -> tuple[Claim, ...]:
        sentences = [s for s in split_sentences(doc.text, doc.body_start) if not s.headline]
        memory = SourceMemory()
        default = title_source(doc.title)
        default_kind = classify_source(default, memory) if default else None
        if default_kind == "media" and carries_wire_copy(doc.title):
            default_kind = "reporter"  # "(Newser, citing AP)": AP's own reporting
        attributions = self._attributions(sentences, memory)
        drafts: list[_Draft] = []
        previous: _Draft | None = None
        for i, s in enumerate(sentences):
            draft = self._draft(s, attributions[i], doc.date, previous)
            if draft is None:
                continue
            if previous is not None and drafts and drafts[-1] is previous and self._continues(previous, draft):
                previous = drafts[-1] = self._merge(previous, draft)
                continue
            drafts.append(draft)
            drafts.extend(self._secondary(s, draft))
            previous = draft
        drafts = story_frame(drafts)
        claims = [self._finish(d, doc, default, default_kind) for d in drafts]
        return tuple(claims)

    # -- per sentence -------------------------------------------------------------------------
    def _attributions(self, sentences: Sequence[Sentence], memory: SourceMemory) -> list[Attribution | None]:
        found = [find_attribution(mask_quotes(s), memory) for s in sentences]
        # a multi-sentence quotation has one speaker
        groups: dict[int, Attribution] = {}
        for s, a in zip(sentences, found, strict=True):
            if s.quote_group is not None and a is not None:
                groups.setdefault(s.quote_group, a)
        out: list[Attribution | None] = []
        for i, (s, a) in enumerate(zip(sentences, found, strict=True)):
            if a is None and s.quote_group is not None:
                a = groups.get(s.quote_group)
            if a is None and i > 0 and out[i - 1] is not None and self._inherits(s, sentences[i - 1]):
                a = out[i - 1]
            out.append(a)
        return resolve_pronouns(out)

    @staticmethod
    def _inherits(s: Sentence, prev: Sentence) -> bool:
        """An unattributed sentence that continues the previous one takes its source."""
        text = s.text.lstrip("\"“ ")
        if CONTRAST.match(text):
            return False  # "However, ..." is the reporter's own voice
        if AGENTLESS.search(text) or CONNECTIVE.match(text):
            return True
        if s.text.startswith(("\"", "“")) and prev.text.rstrip().endswith((".", "”", "\"")) and \
                prev.paragraph == s.paragraph - 1 and "\"" in prev.text:
            return True  # a quotation right after another speaker's quotation
        return bool(ANAPHOR.match(text)) and s.paragraph == prev.paragraph

    def _draft(self, s: Sentence, attribution: Attribution | None, ref: dt.date | None,
               previous: _Draft | None) -> _Draft | None:
        m = SECONDARY.search(s.text)
        certainty = certainty_of(s.text[: m.start()] if m else s.text)  # the main clause's certainty
        dates = find_dates(s.text, ref)
        if is_commentary(s.text):
            return None
        places = self._gazetteer.find(s.text, s.start)
        text = blank(s.text, attribution.source if attribution else None)
        scores = score_events(text[: m.start()]) if m else score_events(text)  # the main clause's event
        if scores.score == 0:
            scores = score_events(text)
        event = _decide(s, scores, certainty, attribution, bool(places), previous)
        if event is None:
            return None
        if event == scores.event and scores.score > 0:
            event_cues = scores.cues
        elif previous is not None and event == previous.event:
            event_cues = ("previous claim", *previous.event_cues)
        else:
            event_cues = ()
        return _Draft(s, s.start, s.end, event, certainty, attribution, places, self._actors.find(s.text),
                      self._claim_date(s.text, dates, ref), event_cues=event_cues,
                      certainty_cues=certainty_cues(s.text[: m.start()] if m else s.text) if certainty != "asserted"
                      else ())

    @staticmethod
    def _claim_date(text: str, dates: list[DateRange], ref: dt.date | None) -> DateRange | None:
        """When the claim holds. History stays a claim, dated when it happened ("In 2015 Russia deployed
        warplanes"), so fusion places it there and never counts it as news of the report's days; a state since
        a past year ("has been in Mali since late 2021") lasts from then until the report."""
        if not dates:
            return None
        since = _SINCE.search(text)
        if since is not None and ref is not None:
            start = next((d for d in dates if since.start() <= text.find(d.text) < since.end() + 1), dates[0])
            if start.start <= ref:
                return DateRange(start.start, ref, since.group())
        return dates[0]

    def _secondary(self, s: Sentence, main: _Draft) -> list[_Draft]:
        """A trailing clause ("..., indicating a shift towards Africa") that makes its own claim."""
        m = SECONDARY.search(s.text)
        if not m:
            return []
        clause = s.text[m.start():]
        scores = score_events(clause)
        certainty = "hedged" if main.certainty == "hedged" else certainty_of(clause)
        if certainty == "asserted" and re.match(r",\s+(?:indicating|suggesting|signall?ing|pointing|intending|aiming)",
                                                clause, re.IGNORECASE):
            certainty = "hedged"  # an inference or an intention, not an observed fact
        if scores.score < 2 or (scores.event == main.event and certainty == main.certainty):
            return []
        return [_Draft(s, s.start, s.end, scores.event, certainty, main.attribution, main.places, main.actors,
                       main.date, secondary=True, event_cues=scores.cues,
                       certainty_cues=certainty_cues(clause) or (clause.split()[1],))]

    # -- merging ------------------------------------------------------------------------------
    def _continues(self, prev: _Draft, cur: _Draft) -> bool:
        """The sentence elaborates the previous claim (same paragraph, anaphoric start, same event and certainty)."""
        if _same_speaker_goes_on(prev, cur, self._grades):
            return True
        if prev.sentence.paragraph != cur.sentence.paragraph or cur.sentence.start - prev.end > 2:
            return False
        if not ANAPHOR.match(cur.sentence.text.lstrip("\"“ ")):
            return False
        if cur.certainty != prev.certainty:
            return False
        if prev.attribution is not None and cur.attribution is not None and \
                prev.attribution.kind != cur.attribution.kind:
            return False
        return cur.event in (prev.event, "other") or score_events(cur.sentence.text).score < 3

    @staticmethod
    def _merge(prev: _Draft, cur: _Draft) -> _Draft:
        return replace(
            prev,
            end=cur.end,
            attribution=prev.attribution or cur.attribution,
            places=prev.places + cur.places,
            actors=prev.actors + tuple(a for a in cur.actors if a not in prev.actors),
            date=prev.date or cur.date,
        )

    # -- output -------------------------------------------------------------------------------
    def _finish(self, d: _Draft, doc: Document, default: str | None, default_kind: SourceKind | None) -> Claim:
        source_cues: tuple[str, ...]
        if d.attribution is not None:
            source, kind = d.attribution.source, d.attribution.kind
            source_cues = (d.attribution.cue, "coreference") if d.attribution.anaphoric else (d.attribution.cue,)
        elif default is not None and default_kind is not None:
            source, kind = default, default_kind
            source_cues = ("headline",)
        else:
            source, kind = doc.publisher or "reporter", "reporter"
            source_cues = ()
        claim = Claim(
            text=doc.text[d.start:d.end],
            start=d.start,
            end=d.end,
            event=d.event,
            actors=tuple(d.actors),
            places=unique_places(d.places),
            source=source,
            source_kind=kind,
            certainty=d.certainty,
            date=d.date,
            why=ClaimWhy(d.event_cues, d.certainty_cues if d.certainty != "asserted" else (), source_cues),
        )
        return replace(claim, reliability=self._grades.reliability(source, kind))


def extract_claims(doc: Document, extractor: Extractor) -> tuple[Claim, ...]:
    return extractor.extract(doc)
