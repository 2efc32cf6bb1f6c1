"""Discourse cues between and around sentences: continuations, commentary, headline sources, quotations."""

from __future__ import annotations

import re

from basewatch.claims.sentences import Sentence

# A sentence that continues the previous one: a pronoun or a definite reference to the event.
ANAPHOR = re.compile(
    r"^(?:(?:however|but|and|yet|still|so far|meanwhile|in the meantime|also|moreover|furthermore|in addition|"
    r"additionally)\b,?\s*)?(?:(?:they|it|this|these|those|such)\b|(?:the|this|that|these|those)\s+"
    r"(?:\w+\s+){0,3}?(?:move|moves|withdrawal|drawdown|pullout|deployment|redeployment|operation|operations|"
    r"transfer|relocation|buildup|build-up|strikes|airstrikes|flights|shipments|decision|plan|plans|aim|goal|"
    r"shift|handover|departure|evacuation|convoy|vessels|ships|aircraft|planes)\b)",
    re.IGNORECASE,
)
CONNECTIVE = re.compile(r"^(?:in the meantime|also|in addition|additionally|moreover|furthermore)\b",
                        re.IGNORECASE)
# The reporter's own voice, never the previous speaker's: a contrast, a change of scene ("Meanwhile Moscow has
# begun ..."), and an expletive "it" judging what is known ("It is not yet clear whether ...").
CONTRAST = re.compile(r"^(?:however|but|yet|still|nevertheless|nonetheless|even so|meanwhile|"
                      r"it (?:is|was|remains|remained) (?:not )?(?:yet |immediately |still )?(?:clear|unclear|known|"
                      r"unknown|uncertain))\b", re.IGNORECASE)
AGENTLESS = re.compile(r"\b(?:is|are|was|were)\s+(?:\w+\s+)?(?:deemed|considered|said|believed|seen|described|"
                       r"thought|understood|regarded|viewed)\b(?![^.]{0,300}?\bby\b)", re.IGNORECASE)
SECONDARY = re.compile(
    r",\s+(?:indicating|suggesting|signall?ing|pointing to|intending to|aiming to|in a bid to|in an effort to|"
    r"with (?:the )?(?:aim|efforts?|plans?|intention|goal) (?:of|to))\b",
    re.IGNORECASE,
)
# Commentary, not a report of events: "The evolving situation underscores a shift", "The buildup comes as ...".
_COMMENTARY = re.compile(
    r"^(?:[\w'’-]+\s+){0,6}?(?:underscores?|signals?|signifies|marks?|represents?|reflects?|illustrates?|"
    r"demonstrates?|regards?|comes? as|came as)\b"
    # "Today marks the end of the disengagement of French forces": an event, dated, not a comment
    r"(?! the (?:end|start|beginning|completion|conclusion|close) of\b)",
    re.IGNORECASE,
)
# A reaction to events reported elsewhere: "Iran's foreign ministry condemned the strikes."
_REACTION = re.compile(
    r"^[^,;]{0,60}?\b(?:condemn|welcom|prais|criticis|criticiz|denounc|deplor|applaud|hail)(?:e|es|ed|ing)?\b",
    re.IGNORECASE,
)
_SOURCE_NOUNS = frozenset(("officials", "official", "sources", "source", "intelligence", "media", "spokesman",
                           "spokeswoman", "military", "army", "navy", "ministry"))
# "X has not commented on the flights": no content of its own (unless it embeds one: "... on whether ...")
_NO_COMMENT = re.compile(
    r"\b(?:has|have|had|did)(?:n't| not) (?:yet )?(?:commented|responded|replied)|"
    r"declined to comment|could not be reached|did not respond|no immediate comment",
    re.IGNORECASE,
)
_EMBEDDED = re.compile(r"\b(?:whether|that|if)\b", re.IGNORECASE)
# "the official said", "he said": the source named just before speaks again
BACK_REFERENCE = re.compile(r"^(?:the|that|this)\s+(?:\w+\s+)?(?:official|person|source|spokes\w+|diplomat|officer|"
                             r"minister|commander|agency)$|^(?:he|she|they)$", re.IGNORECASE)
FUNCTION_WORDS = frozenset(("the", "a", "an", "of", "and", "us", "u.s.", "officials", "official", "said", "says"))
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TITLE_SOURCE = re.compile(
    r"^(?P<prefix>[A-Z][\w .'’-]{1,40}):\s|\((?:[^()]*?\bciting\s+(?P<citing>[^()]+?)|(?:[^()]*?\b(?:repost|copy|"
    r"summary|translation) of\s+)?(?P<report>[^()]+?)\s+report)\)"
)



def mask_quotes(s: Sentence) -> str:
    """The sentence with quoted words blanked (same length), so a speaker inside a quote is not a source."""
    chars = list(s.text)
    inside = s.inside_quote
    for i, c in enumerate(chars):
        if c in "\"“”":
            inside = not inside
            continue
        if inside:
            chars[i] = " "
    return "".join(chars)


def blank(text: str, phrase: str | None) -> str:
    """The text with a phrase blanked: a source's name ("ship-tracking data") is no event trigger."""
    if not phrase:
        return text
    at = text.find(phrase)
    return text if at < 0 else text[:at] + " " * len(phrase) + text[at + len(phrase):]


def title_source(title: str | None) -> str | None:
    """A source named by a headline: "HUR: Russian units ...", "(..., citing WSJ)", "(... Nova report)"."""
    if not title:
        return None
    m = _TITLE_SOURCE.search(title)
    if not m:
        return None
    prefix = m.group("prefix")
    if prefix is not None:
        # a named source leads the headline ("HUR: ...", "Pentagon: ..."), not a topic ("Tracking the airlift: ...")
        words = prefix.split()
        if len(words) > 4 or not all(w[:1].isupper() or w.lower() in _SOURCE_NOUNS for w in words):
            return None
        return prefix.strip()
    return (m.group("citing") or m.group("report") or "").strip() or None


def carries_wire_copy(title: str | None) -> bool:
    """The headline's bracket says the outlet carries another's story ("(Newser, citing AP)"): the body is that
    outlet's own reporting, so its unattributed sentences are the reporter's voice, not a quoted medium."""
    return bool(title) and re.search(r"\(\s*[^()]*?\bciting\s+[^()]+\)", title or "") is not None


# A definite reference to an event named just before: "the operation had finished", "the pullout will ..."
EVENT_ANAPHOR = re.compile(
    r"\b(?:the|this|that|its|their)\s+(?:\w+\s+)?(?:operation|move|withdrawal|pullout|pull-out|drawdown|handover|"
    r"departure|evacuation|deployment|transfer|redeployment|exit|buildup|build-up|shift|process|mission)\b",
    re.IGNORECASE,
)


def is_commentary(text: str) -> bool:
    """Analysis, reactions and "no comment" sentences report no event of their own."""
    if _COMMENTARY.match(text) or _REACTION.match(text):
        return True
    return _NO_COMMENT.search(text) is not None and _EMBEDDED.search(text) is None
