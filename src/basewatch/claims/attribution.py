"""Who says so: find the source a sentence attributes its content to, and what kind of source it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from basewatch.claims.model import SourceKind

_SAY = (r"said|says|say|warn|argue|note|insist|insists|insisted|told|tells|tell|stated|states|confirmed|"
        r"confirms|confirm|announced|announces|noted|notes|played down|plays down|downplayed|downplays|minimi[sz]ed|"
        r"reported|reports|report|claimed|claims|claim|added|adds|warned|warns|denied|denies|deny|rejected|rejects|"
        r"dismissed|acknowledged|acknowledges|admitted|explained|insisted|estimated|estimates|believe|believes|"
        r"replied|wrote|writes|posted|observed|highlighted|emphasi[sz]ed|stressed|assessed|assesses|assess|"
        r"went on|continued|asserted|alleged|refrained|declined|did not respond|has not responded|revealed|"
        r"agreed|argued|argues|maintained|maintains|predicted|cautioned|indicated|"
        r"(?:called|calls|described|describes)(?= (?:it|this|that|them|the (?:move|decision|withdrawal|handover|"
        r"departure|pullout|deployment))\b)")
_EVIDENCE = (r"recorded|logged|registered|tracked|counted|spotted|detected|show|shows|showed|shown|reveal|reveals|"
             r"revealed|indicate|indicates|indicated|suggest|suggests|"
             r"suggested|captured|capture|captures|point to|points to|pointed to|confirm|confirms|confirmed|depict|"
             r"depicts|depicted|appear to show|appears to show|appeared to show|document|documents|documented")
_AUX = (r"(?:(?:has|have|had|was|were|is|are|will|would|also|later|earlier|previously|then|further|again|publicly|"
        r"not|never|did|does|do|[a-z]+ly)\s+)*")  # adverbs too: "has never officially acknowledged"
_ACCORDING = re.compile(r"\b(?:according to|cited by|as reported by|reported by|quoted by|in the words of)\s+"
                        r"(?P<src>[^,;:.\"“”]{1,300}(?:\.\s?[A-Z]\.?)?[^,;:.\"“”]{0,300})", re.IGNORECASE)
# '..., said a senior US defence official.'  /  '..." said Peskov.'
_INVERTED = re.compile(r"[,\"”]\s*(?P<verb>" + _SAY + r")\s+(?P<src>(?:a|an|the|one|two|three|several|some|many)?\s*"
                       r"[^,;:.\"“”]{2,80}?)(?:,|\.|;|$| on \w+day| in a statement| who| in an)")
_VERB = re.compile(r"\b" + _AUX + r"(?P<verb>" + _SAY + r"|" + _EVIDENCE + r")\b")
_PASSIVE_BY = re.compile(r"\b(?:described|reported|confirmed|cited|quoted|seen|observed|captured|spotted|"
                         r"photographed|tracked|recorded|documented|shown|published|released|taken|detected|"
                         r"monitored|characteri[sz]ed)\b[^.;]{0,80}?\bby\s+(?P<src>(?:the\s+)?[A-Za-z][^,;:.\"“”()]{1,70})",
                         re.IGNORECASE)
_INTRO = re.compile(r"^(?:(?:on|in|at|by|late|early|last|earlier|later|meanwhile|however|but|and|also|separately|"
                    r"speaking|when|asked|after|before|while|since|during|for its part|in a statement)\b[^,]*,\s*)+",
                    re.IGNORECASE)
_SEEN_BY = re.compile(r"\s+(?:seen|obtained|reviewed|viewed|verified) by\b.*$|\s+shared with\b.*$", re.IGNORECASE)
_CUT = re.compile(r"\s+(?:who|which|that|speaking to|"
                  r"in an? (?:interview|statement|post|briefing)|on condition|"
                  r"in comments)\b.*$", re.IGNORECASE)

_KIND_WORDS: tuple[tuple[SourceKind, str], ...] = (
    ("imagery", r"satellite|imagery|images?|photos?|photographs?|pictures?|maxar|planet labs|airbus defence|"
                r"sentinel|blacksky|capella|umbra|landsat"),
    ("tracking", r"flight[- ]?(?:records?|data|tracking|trackers?|radar|logs?)|tracking|trackers?|flightradar\w*|"
                 r"(?:port|shipping|harbou?r|customs|maritime) (?:records|logs|data|authority data)|"
                 r"ads-?b\w*|marinetraffic|vesselfinder|myshiptracking|ais (?:data|signals?|records?)|"
                 r"transponders?|radar data"),
    ("intelligence", r"intelligence|hur|gur|special services|cia|dia|mi6|mossad|sbu|spy agenc\w+|"
                     r"security services?|main directorate"),
    ("expert", r"analysts?|experts?|researchers?|think[- ]tank|institute|isw|rusi|iiss|csis|open[- ]source|osint|"
               r"observers|professor|scholar|former (?:officer|official|commander)|once an officer|retired|"
               r"military bloggers?|milbloggers?|specialists?|consultan\w+|fellow|monitoring group|monitors?|"
               r"watchdog|observatory"),
    ("media", r"news agency|agency|agenzia|reuters|associated press|\bap\b|afp|bloomberg|tass|ria novosti|ria|"
              r"interfax|wall street journal|wsj|new york times|financial times|guardian|bbc|cnn|al jazeera|"
              r"newspaper|outlet|media|broadcaster|television|tv|radio|daily|journal|times|post|telegraph|"
              r"economist|politico|axios|kommersant|izvestia|reports?$|the press|footage|videos?|social media|"
              r"telegram|posts?|bloggers?|channels?"),
    ("anonymous", r"sources?|familiar|rumou?rs?|speculation|hearsay|"
                  r"anonymity|people|persons?|insiders?|diplomats?|officials?|officers?|"
                  r"residents?|witnesses|eyewitnesses"),
    ("official", r"spokes(?:man|woman|person)|ministry|minister|department|kremlin|pentagon|white house|government|"
                 r"president|command|centcom|africom|eucom|indopacom|nato|army|navy|armed forces|military|general|"
                 r"admiral|commander|chief of staff|statement|embassy|authorities|mod|parliament|prime minister|"
                 r"ambassador|secretary|presidency|governor|mayor|council|senator|lieutenant|colonel|headquarters|"
                 r"forces|office|administration|cabinet|state department|foreign ministry|defen[cs]e ministry|"
                 r"alliance|coalition|investigators|prosecutors|police|coast guard|customs|documents?|"
                 r"records|filings|contracts?|tenders?|agreement|treaty|memorandum"),
)
_KIND_RE = tuple((kind, re.compile(r"\b(?:" + p + r")\b", re.IGNORECASE)) for kind, p in _KIND_WORDS)
_KIND_RE_BY_NAME = dict(_KIND_RE)
_NON_SOURCE = re.compile(r"^(?:(?:recent|latest|new|these|the|such|further)\s+)*(?:developments?|events?|moves?|"
                         r"changes?|situation|signs?|evidence|indications?|this|that|it|which|they)$", re.IGNORECASE)
_ANON_HEAD = re.compile(r"\b(?:officials?|officers?|sources?|people|persons?|diplomats?|insiders?|residents?|workers?|"
                        r"witnesses|eyewitnesses|locals|activists|businessm[ae]n|traders|merchants|dockers|"
                        r"fishermen|pilots|rumou?rs|speculation|hearsay)\b", re.IGNORECASE)
_POSTMOD = re.compile(r"\s+(?:close to|familiar with|in|at|from|of|with|near|inside|within|on|who|based in)\s+",
                      re.IGNORECASE)
_DEMONYM = re.compile(r"^(?:[A-Z][a-z]+(?:ian|ese|ish|ean|an|i|ic)|Western|Eastern|Northern|Southern|US|UK|EU|"
                      r"Two|Three|One|Some|Several|Senior|Many|The|A|An)$")
_PRIORITY: tuple[SourceKind, ...] = ("imagery", "tracking", "intelligence", "expert", "media", "official", "anonymous")
_NAMED_INSTITUTION = re.compile(
    r"\b(?:ministry|department|kremlin|pentagon|white house|government|command|centcom|"
    r"spokes(?:man|woman|person)|army|navy|authorities|embassy|presidency|commander|general|admiral|colonel|"
    r"minister|ambassador|governor|president|mayor|chief of staff)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"^(?:We|I|Our|our|[Tt]his (?:newspaper|outlet|publication|blog|website|reporter))\b")
_PASSIVE_AUX = re.compile(r"\b(?:was|were|is|are|been|being)\b", re.IGNORECASE)
_INDEFINITE = re.compile(r"^(?:a|an|one|two|three|four|several|some|many|few)\s+\w", re.IGNORECASE)
_PRESS_OFFICE = re.compile(r"\b(?:press|media|information) (?:office|service|centre|center|department|secretary)\b",
                           re.IGNORECASE)
# a participle opening a reduced relative clause after the subject's head noun: "images published by ..."
_REDUCED_RELATIVE = re.compile(
    r"(?<=[a-z])\s+(?:published|released|taken|captured|obtained|reviewed|provided|shared|analy[sz]ed|collected|"
    r"made public|posted|distributed|circulated|issued)\s+(?:by|on|to|last|this|earlier)\b[^\"“”]*$")
# "Al-Watan quoted Riad Joudy, head of Tartous customs, as saying": the quoted person speaks, not the paper
_QUOTED_AS = re.compile(r"\bquot(?:ed|es|ing)\s+(?P<src>[^;:\"“”]{2,160}?),?\s+as (?:saying|telling|stating)\b")
_QUOTED_CUE = "quoted ... as saying"
# "an Associated Press report citing an unnamed U.S. official", "CBS reported, citing American officials",
# "the paper, which cited Western and Arab officials": the cited people speak, not the outlet citing them
_CITING = re.compile(r"\b(?:citing|(?:who|which) cited|quoting)\s+(?P<src>(?:[^,;:.\"“”]|(?<=\b[A-Z])\.){2,120}?)"
                     r"(?=\s*[,;:\"“”]|(?<!\b[A-Z])\.|\s*$|\s+as saying|\s+who\b|\s+on \w+day)")
_CITING_CUE = "citing"
# a pronoun or a bare back-reference as the subject of a reporting verb: its speaker is named earlier
PRONOUN_SOURCE = re.compile(r"^(?:he|she|they|it|we|one of them|the same (?:source|official|person|officer|diplomat)|"
                            r"the (?:group|company|organi[sz]ation|movement|militia))$", re.IGNORECASE)
# "there have been persistent rumours that ...": the hearsay itself is the source
_THERE_ARE = re.compile(r"\bthere (?:have been|has been|are|were|is|was) (?:\w+ ){0,2}?"
                        r"(?P<src>rumou?rs|reports|claims|speculation|allegations)\s+(?:that|of)\b", re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+\s+)?$", re.IGNORECASE)
_SUBJECT_WINDOW = 400  # characters before a reporting verb searched for its subject
_PERSON = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


@dataclass(frozen=True)
class Attribution:
    source: str
    kind: SourceKind
    start: int  # offsets of the source phrase within the sentence
    end: int
    anaphoric: bool = False  # "He said", "the same source said": the speaker is named in an earlier sentence
    cue: str = ""  # the words that name the source relation ("according to", "said", "showed")


@dataclass
class SourceMemory:
    """Names seen earlier in a document with their kind ("Nova" after "the news agency Nova")."""

    kinds: dict[str, SourceKind] = field(default_factory=dict)

    def remember(self, source: str, kind: SourceKind) -> None:
        for word in re.findall(r"\b[A-Z][\w-]{2,}\b", source):
            if word.lower() not in ("the", "and", "russia", "russian", "us", "ukraine", "syria"):
                self.kinds.setdefault(word, kind)

    def recall(self, source: str) -> SourceKind | None:
        for word in re.findall(r"\b[A-Z][\w-]{2,}\b", source):
            if word in self.kinds:
                return self.kinds[word]
        return None


def _head(source: str) -> str:
    """The noun phrase before its post-modifiers: "A source close to the army" -> "A source"."""
    return _POSTMOD.split(source, maxsplit=1)[0]


def names_person(text: str) -> bool:
    """Two or more capitalised words after any leading nationality or region adjectives ("Dmitry Peskov"; not
    "Syrian Army"). Only leading words are adjectives: "Omar Hassan" and "Kohistani" are names."""
    for m in _PERSON.finditer(text):
        words = m.group().split()
        while words and _DEMONYM.match(words[0]):
            words.pop(0)
        if len(words) >= 2:
            return True
    return False


_ANALYST_OF = re.compile(r"\b(?:imagery|satellite|tracking|flight[- ]tracking|ship[- ]tracking|intelligence|"
                         r"open[- ]source|osint|military|defen[cs]e|research)\s+(?:analysts?|experts?|researchers?|"
                         r"specialists?|groups?|firms?|institutes?|consultan\w+)\b", re.IGNORECASE)


_DOCUMENT = re.compile(r"^(?:a|an|the)\s+(?:[\w'’-]+\s+)?(?:draft|copy|text|letter|memo|memorandum|document|decree|"
                       r"communiqu\w+|cable|directive|order)s?\b", re.IGNORECASE)


def classify_source(source: str, memory: SourceMemory | None = None) -> SourceKind | None:
    """The kind of a named source; None when the phrase names no source at all."""
    if _NON_SOURCE.match(source.strip()):
        return None
    found = {kind: m.start() for kind, pattern in _KIND_RE if (m := pattern.search(source))}
    analyst = _ANALYST_OF.search(source)
    if analyst and not any(pos < analyst.start() for pos in found.values()):
        return "expert"  # "the imagery analyst MT Anderson" (but "flight data compiled by analysts" is data)
    strong = [(found[k], k) for k in ("imagery", "tracking", "intelligence", "expert") if k in found]
    if strong:
        return min(strong)[1]  # the first named: "flight records and satellite imagery" -> tracking
    if _FIRST_PERSON.match(source.strip()):
        return "reporter"  # "We could not confirm", "Our flight-tracking log" (but: "our analysis of imagery")
    if _PRESS_OFFICE.search(source):
        return "official"  # "the army's media office", "the ministry's press service"
    head = _head(source)
    unnamed = not _NAMED_INSTITUTION.search(head) and not names_person(head)
    anon = _ANON_HEAD.search(head)
    if anon and unnamed and not (anon.group()[:1].isupper() and re.match(r"^[Tt]he\s+$", head[:anon.start()])):
        return "anonymous"
    if "media" in found and _KIND_RE_BY_NAME["media"].search(head):
        return "media"
    if _DOCUMENT.match(head):
        return "official"  # "A draft of the agreement", "a letter seen by Reuters": a document speaks officially
    if _INDEFINITE.match(head) and unnamed:
        return "anonymous"  # "a port worker", "two residents": someone not named
    for kind in _PRIORITY:
        if kind in found and kind != "anonymous":
            return kind
    if memory is not None:
        remembered = memory.recall(source)
        if remembered is not None:
            return remembered
    if re.search(r"[A-Z]", source):
        return "official"  # a named person or body with no other cue
    return None


def _clean(src: str) -> str:
    src = _CUT.sub("", src.strip())
    src = _INTRO.sub("", src)
    return src.strip(" ,\"“”'").strip()


def _subject(pre: str) -> str:
    """The noun phrase before a reporting verb, without introductory phrases or a reduced relative clause
    ("Satellite pictures published by CSIS on April 18 show" -> "Satellite pictures")."""
    pre = _REDUCED_RELATIVE.sub("", pre.rstrip())
    appositive = pre.endswith(",")
    parts = pre.rstrip(",").split(",")
    candidate = ",".join(parts[-2:]) if appositive and len(parts) >= 2 else parts[-1]
    candidate = _INTRO.sub("", candidate.strip())
    words = candidate.split()
    # a subordinate clause ending in the subject: keep the last capitalised run ("When asked ..., X replied")
    return " ".join(words[-_MAX_SUBJECT_WORDS:]) if len(words) > _MAX_SUBJECT_WORDS else candidate


_FINITE = re.compile(r"\b(?:had|has|have|was|were|is|are|will|would|could|can|did|does|do|that|left|went|took)\b")
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|this|that|its|their|his|her|these|those)\s+$", re.IGNORECASE)
_MAX_SUBJECT_WORDS = 12


def _clause_fragment(pre: str, subject: str) -> bool:
    """A subject cut out of a longer clause (more words before the verb than a subject has) that starts with a
    lower-case word: the verb's real subject is a list of events, not a source."""
    words = _INTRO.sub("", pre.rstrip(" ,").split(",")[-1].strip()).split()  # the phrase the subject was cut from
    return len(words) > _MAX_SUBJECT_WORDS and subject[:1].islower()


# The period of a title or an initial before a name ("said Gen. Mir Kohistani", "Col. Ryan Dillon said", "Austin S.
# Miller") is part of the source, not its end: it is masked while the source is looked for.
_NAME_DOT = re.compile(r"\b(?P<w>Gen|Lt|Col|Maj|Capt|Cpt|Sgt|Adm|Brig|Cmdr|Cdr|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Gov|St|[A-Z])"
                       r"\.(?= [A-Z])")
_MASK = "\u2024"  # one dot leader: one character, matched by none of the source patterns' stop characters


def find_attribution(sentence: str, memory: SourceMemory | None = None) -> Attribution | None:
    """The first source the sentence names, with its kind; None when it names none."""
    masked = _NAME_DOT.sub(lambda m: m.group("w") + _MASK, sentence)
    if masked == sentence:
        return _find_attribution(sentence, memory)
    found = _find_attribution(masked, memory)
    if found is None or _MASK not in found.source:
        return found
    src = found.source.replace(_MASK, ".")
    if memory is not None:
        memory.remember(src, found.kind)
    return Attribution(src, found.kind, found.start, found.end, found.anaphoric, found.cue)


def _find_attribution(sentence: str, memory: SourceMemory | None) -> Attribution | None:
    candidates: list[tuple[int, str, str]] = []
    according: list[tuple[int, int]] = []
    there = _THERE_ARE.search(sentence)
    if there:
        candidates.append((there.start("src"), there.group("src"), "there are " + there.group("src").lower()))
    quoted = _QUOTED_AS.search(sentence)
    if quoted:
        candidates.append((quoted.start("src"), quoted.group("src"), _QUOTED_CUE))
    for m in _CITING.finditer(sentence):
        candidates.append((m.start("src"), m.group("src"), _CITING_CUE))
    for m in _ACCORDING.finditer(sentence):
        candidates.append((m.start("src"), m.group("src"), m.group().split()[0].lower() + " " +
                           m.group().split()[1].lower()))
        according.append((m.start(), m.end()))
    inverted: set[int] = set()  # where a verb stands before its subject: ", said Lt. Cmdr. Tim Gorman"
    for m in _INVERTED.finditer(sentence):
        if len(m.group("src").split()) <= 8:  # "said a senior US defence official", not a whole clause
            candidates.append((m.start("src"), m.group("src"), m.group("verb")))
            if not _FINITE.search(m.group("src")):  # "..., said two ships had left": a clause, not a source
                inverted.add(m.start("verb"))
    for m in _PASSIVE_BY.finditer(sentence):
        candidates.append((m.start("src"), m.group("src"), "by"))
    for m in _VERB.finditer(sentence):
        if any(a <= m.start() < b for a, b in according):
            continue  # "according to unconfirmed reports": a noun, not a reporting verb
        if m.start("verb") in inverted:
            continue  # the words before an inverted verb are what was said, not who said it
        if m.group("verb").endswith(("ed", "en", "wn")) and (
                _PASSIVE_AUX.search(m.group()) or _PASSIVE_BEFORE.search(sentence[max(0, m.start() - 30):m.start()])):
            continue  # "a carrier group was detected", "the ships were first shown": passive, no source
        if _DETERMINER_BEFORE.search(sentence[max(0, m.start() - 12):m.start()]):
            continue  # "an alleged demand", "the reported move": a participle used as an adjective
        window = max(0, m.start() - _SUBJECT_WINDOW)  # a subject is a few words, not the whole text before
        begin = max(max(sentence.rfind(c, window, m.start()) for c in "\"“”:;") + 1, window)
        pre = sentence[begin:m.start()]
        if not pre.strip():
            continue
        subject = _subject(pre)
        if subject and _clause_fragment(pre, subject):
            continue  # "... their berthing at the pier and the disappearance of both ... all point to": no source
        if subject:
            at = pre.rfind(subject[:10])
            candidates.append((begin + max(at, 0), subject, m.group("verb")))
    # the quoted or cited person before the paper quoting them
    candidates.sort(key=lambda c: (c[2] not in (_QUOTED_CUE, _CITING_CUE), c[0]))
    for pos, raw, cue in candidates:
        full = _clean(raw)
        src = _SEEN_BY.sub("", full)  # "customs documents seen by Example Journal": the documents speak
        if not src or len(src) > 140:
            continue
        if PRONOUN_SOURCE.match(src):
            at = max(pos, 0)
            return Attribution(src, classify_source(src, memory) or "anonymous", at, at + len(src), True, cue)
        kind = classify_source(src, memory)
        if kind is None or (kind == "anonymous" and not _ANON_HEAD.search(src)) or \
                (full != src and _DOCUMENT.match(src)):
            fallback = classify_source(full, memory) if full != src else None
            if fallback is not None and fallback != "anonymous":
                src, kind = full, fallback  # "a draft seen by Reuters": known only through the outlet
        if kind is None:
            continue
        if kind == "official" and cue.lower() in ("reported", "reports", "report") and \
                not _KIND_RE_BY_NAME["official"].search(src) and not names_person(src):
            kind = "media"  # "The Insider reported": a named body that reports is an outlet
        if memory is not None:
            memory.remember(src, kind)
        return Attribution(src, kind, max(pos, 0), max(pos, 0) + len(src), cue=cue)
    return None
