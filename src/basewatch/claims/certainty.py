"""How sure: asserted, hedged (may, reportedly, unclear ...) or denied (denied, rejected reports ...)."""

from __future__ import annotations

import re

from basewatch.claims.model import Certainty

_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|rejected|rejects|dismiss(?:ed|es|ing)|refut(?:ed|es|ing)|rebuff(?:ed|s)|"
    r"(?:no|any) truth|baseless|unfounded|groundless|fake news|false (?:reports?|claims?|information)|"
    r"(?:reports?|claims?) (?:were|are|was|is) (?:false|untrue|fabricated)|no (?:such )?plans? to|"
    r"(?:has|have|had) no (?:intention|plans?)|nothing to do with|never (?:happened|took place)|"
    r"no question of|out of the question|never (?:\w+ly )?(?:acknowledged|admitted|recogni[sz]ed)|"
    r"not (?:going|planning) to|play(?:s|ed|ing)? down|downplay\w*|"
    r"minimi[sz](?:e|es|ed|ing) (?:the )?(?:scale|size|extent|importance))\b",
    re.IGNORECASE,
)
# A negated event: "did not withdraw", "have not received any request", "no troops have left".
_NEGATED = re.compile(
    r"\b(?:did|does|do|has|have|had|was|were|is|are)(?:n't| not| never)\s+(?:\w+\s+){0,2}?"
    r"(?:withdr\w+|le(?:ave|ft)|deploy\w*|sen[dt]|mov\w+|arriv\w+|land\w*|flown|fl[ye]w?|sail\w*|"
    r"dock\w*|strik\w*|struck|evacuat\w+|pull\w*|transfer\w*|receiv\w+|station\w*|hand\w* over|dispatch\w*|"
    r"visit\w*|call\w* at|berth\w*|mean|signal\w*|amount to|represent|constitute)\b|"
    r"\bno (?:[\w'’-]+ )?(?:troops|forces|soldiers|aircraft|warships|"
    r"ships|flights|equipment|personnel|request)\b|"
    r"\b(?:shows?|showed|found|revealed?) no (?:new |further |visible |sign of )?(?:construction|activity|"
    r"movement|work|aircraft|ships|vehicles)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:may|might|could(?! not| n't|n't)|possibl[ey]|possibility|probabl[ey]|likely|unlikely|perhaps|"
    r"potential(?:ly)?|"
    r"reportedly|allegedly|alleged|apparently|purportedly|supposedly|presumabl[ey]|seemingly|"
    r"suggest(?:s|ed|ing)?|indicat(?:e|es|ed|ing)|point(?:s|ed)? to|appear(?:s|ed)? to|seem(?:s|ed)? to|"
    r"believed|believes?|thought to|understood to|said to be|expected to|"
    r"(?:remains?|is|was|still|not|it is|it was|it remains) (?:\w+ ){0,2}?(?:unclear|uncertain|unknown|"
    r"not (?:yet )?(?:clear|known|certain)|unconfirmed|unverified)|unclear|uncertain|"
    r"not (?:\w+ )?(?:clear|known|certain)|"
    r"(?:could|can|has|have) not (?:be |been )?(?:independently )?(?:verified|confirmed)|"
    r"too early|exploring|explore|weigh(?:s|ed|ing)|consider(?:s|ed|ing)|mull(?:s|ed|ing)|"
    r"(?:declined|refused|refrained) (?:to comment|from comment\w*)|would not (?:comment|confirm)|"
    r"(?:has|have|had|did|does|do|would|will)(?:n't| not) (?:yet )?(?:said|say|confirm\w*|disclos\w*|specif\w*|"
    r"announc\w*|reveal\w*|commented) (?:whether|if|how|when|where|which)|"
    r"no (?:official |independent |public |formal )?(?:indication|evidence|sign|confirmation)|"
    r"so far|if confirmed|speculat\w+|rumou?r\w*|"
    r"estimat\w+|assess(?:es|ed)? that|unconfirmed|unverified|nothing (?:has been|was|is) (?:yet )?decided|"
    r"no decision (?:has been|was|is)|undecided|on the table|(?:could|can|did) not confirm)\b",
    re.IGNORECASE,
)


# More hedges: resemblance ("what looked like"), refusals to say, open decisions, inference ("a sign that"),
# and hearsay channels that name no one ("reports say", "according to ... media reports", "observers believe").
_HEDGE_MORE = re.compile(
    r"\b(?:look(?:s|ed)? like|what (?:appeared|appears|looked|seemed) to be|"
    r"(?:refused|refuses|refusing|declined|declines|would not|will not|did not) (?:to )?"
    r"(?:say|disclose|specify|reveal|give) (?:when|whether|how|where|which|if)|"
    r"no (?:timetable|timeline|date|decision|deadline|schedule) (?:(?:for|on|about) (?:[\w'’-]+ ){1,4}?)?"
    r"(?:has|had|have)? ?(?:yet )?(?:been|was|is) "
    r"(?:yet )?(?:set|fixed|agreed|decided|made|announced)|"
    r"nothing (?:has|had)? ?(?:yet )?(?:been|was|is) (?:yet )?(?:\w+ )?(?:decided|agreed|settled)|"
    r"(?:is|was|are|were|be) (?:the |a |an |one )?(?:\w+ ){0,2}signs? (?:yet )?(?:that|of)|"
    r"(?:(?:unofficial|unconfirmed|local|media|press|news|some|other|several) )?reports (?:say|said|suggest\w*|"
    r"indicate\w*|claim\w*)|"
    r"according to (?:[\w'’-]+ ){0,6}?(?:media |press |news |unofficial |unconfirmed )?reports|"
    r"(?:observers|some|many|others) (?:take|took) the view|"
    # hearsay without a speaker, plans not yet approved: "are reported to have left", "is set to establish",
    # "the plan, which still needs a final go-ahead"
    r"(?:is|are|was|were|has been|have been) (?:widely |also |now )?(?:reported|rumou?red) to|"
    r"(?:is|are) (?:now )?set to|"
    r"(?:still |yet )?(?:needs?|requires?|awaits?|awaiting|pending) (?:a |the )?(?:final |formal |official )?"
    r"(?:go-ahead|approval|sign-off|ratification|green light)|(?:observers|commentators) (?:believe|think|say))\b",
    re.IGNORECASE,
)
# A hedge set off in a trailing or parenthetical phrase qualifies that phrase, not the main clause:
# "..., a sign that they were ready", "..., possibly escorting the ships", "vehicles, reportedly including ...,".
_PARENTHETICAL = re.compile(
    r",\s+(?:(?:a|an|the|one)\s+(?:\w+\s+)?sign (?:that|of)|"
    r"(?:possibly|probably|most likely|likely|perhaps|reportedly|apparently|presumably|allegedly)\s+"
    r"(?:\w+ing|for|to|in|at|as|with|from)\b)[^,;.]*",
    re.IGNORECASE,
)
_NON_DENIAL = re.compile(r"\b(?:confirm|neither confirm)\s+(?:or|nor)\s+deny\b", re.IGNORECASE)


# A second clause hedging a side question of the first: "...; where they were going remained unclear",
# "..., but their destination is unknown". It qualifies that question, not the event of the main clause.
_SIDE_QUESTION = re.compile(
    r"(?<=\w)\s*[;,]\s*(?:but |though |although |and )?(?:(?:where|when|how|why|what|which|who)\b[^;,.]{0,80}?|"
    r"(?:their|its|his|her|the) (?:\w+ )?(?:destination|whereabouts|purpose|route|cargo|final stop)\s+)"
    r"(?:remain(?:s|ed)?|is|was|were|are)\s+(?:still\s+|yet\s+)?(?:unclear|unknown|not (?:yet )?(?:clear|known))"
    r"[^;,.]*",
    re.IGNORECASE,
)


# The month, not the modal: "had started in May", "since May 2024", "on 5 May", "May 12" (mid-sentence capital).
_MONTH_MAY = re.compile(r"(?<=\S )May\b(?! (?:be|have|not|also|well|soon|never|still|already|now|yet)\b)")


def main_clause(text: str) -> str:
    """The text with trailing and parenthetical hedged phrases and side questions blanked (same length), and
    the month May blanked."""
    text = _MONTH_MAY.sub("   ", text)
    text = _PARENTHETICAL.sub(lambda m: " " * len(m.group()), text)
    return _SIDE_QUESTION.sub(lambda m: " " * len(m.group()), text)


def _first(pattern: re.Pattern[str], text: str) -> int:
    m = pattern.search(text)
    return m.start() if m else -1


def certainty_of(text: str) -> Certainty:
    """The certainty of a clause. A denial word wins ("refused to confirm or deny" is a hedge); between a
    negated event and a hedge the one written first scopes over the other ("imagery suggested that the ships
    had never left" is hedged, "the ships did not leave, apparently" denied)."""
    text = main_clause(text)
    if _NON_DENIAL.search(text):
        return "hedged"
    if _DENIAL.search(text):
        return "denied"
    hedges = [i for i in (_first(_HEDGE, text), _first(_HEDGE_MORE, text)) if i >= 0]
    negated = _first(_NEGATED, text)
    if negated >= 0 and (not hedges or negated < min(hedges)):
        return "denied"
    return "hedged" if hedges else "asserted"


def certainty_cues(text: str) -> tuple[str, ...]:
    """The words that decided certainty_of(text) (empty when asserted)."""
    text = main_clause(text)
    found = [(m.start(), m.group()) for p in (_NON_DENIAL, _DENIAL, _NEGATED, _HEDGE, _HEDGE_MORE)
             for m in p.finditer(text)]
    return tuple(dict.fromkeys(w for _, w in sorted(found)))  # each cue once, in text order


def hedge_cues(text: str) -> list[str]:
    return [m.group() for p in (_HEDGE, _HEDGE_MORE) for m in p.finditer(text)]


def denial_cues(text: str) -> list[str]:
    return [m.group() for m in (*_DENIAL.finditer(text), *_NEGATED.finditer(text))]
