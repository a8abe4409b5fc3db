"""Who says so: the claimant a report attributes each sentence's events to, how sure its wording
is, and how it says an attack ended.

Part of the incidents stage. Border reporting is a war of claims ("the Russian defence ministry
said the militants were wiped out"; "Astra reported firing still continuing"), so every incident
carries its claimant as the report words it. A sentence's claimant is one it names beside a word
of attribution ("said", «сообщил», «за даними», "according to"); a sentence with none takes its
paragraph's, and then the bulletin's author — the opening "Гладков:" of a governor's post, or a
report whose source or title is a known claimant. The lexicon, in three languages, is
``mapper/data/claims.toml``: adding a claimant or a cue word needs no code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from .errors import MapperError
from .records import Report

SIDES = ("ru_official", "ua_official", "independent", "other")
UNKNOWN = "unknown"
HEDGE_FACTOR = 0.75  # the confidence of an incident told only in hedged words ("reportedly")
SPAN_MAX = 60  # a longer span is shortened to its claimant and cue: "Vyacheslav Gladkov … said"
CUE_REACH = 80  # characters between a claimant and its cue: further apart, the two are unrelated
SUBJECT_AT = 40  # a claimant this near a sentence's start is its subject, however far its verb


@dataclass(frozen=True, slots=True)
class Claimant:
    name: str  # as outputs write it: "Belgorod governor"
    side: str  # one of SIDES
    scale: str  # ACLED's source_scale


@dataclass(frozen=True, slots=True)
class Claim:
    """What a sentence's wording says of its own truth."""

    claimant: Claimant | None  # None: nobody is named as saying it
    span: str = ""  # the words that attribute it, as written ("Gladkov said", "according to Astra")
    hedged: bool = False  # "allegedly", «нібито»
    outcome: str = ""  # "repelled" or "ongoing", as the sentence tells it; "" if it does not say
    start: int = -1  # where its span starts in the sentence


_SEP = r"[\s\"'«»“”„]+"  # between a phrase's words: spaces, and quotes (Legion "Freedom of Russia")


def _phrase_rx(phrase: str) -> str:
    """A lexicon phrase as a regex: words apart by any space, "*" any ending, words in capitals
    (acronyms: AP, ГУР) matched in capitals only, so "ap" or "rt" in a sentence are no claimant."""
    parts = []
    for word in phrase.split():
        star = word.endswith("*")
        w = re.escape(word.rstrip("*")) + (r"\w*" if star else "")
        if word.rstrip("*").isupper() and len(word.rstrip("*")) >= 2:
            w = f"(?-i:{w})"
        parts.append(w)
    return r"(?<!\w)" + _SEP.join(parts) + r"(?!\w)"


class ClaimsLexicon:
    """The claimants, cues, hedges and outcome words of claims.toml, checked and compiled."""

    def __init__(self, data: dict) -> None:
        try:
            self.claimants: list[Claimant] = []
            alts = []
            for k, c in enumerate(data["claimant"]):
                if c["side"] not in SIDES:
                    raise MapperError(f"claims.toml: {c['name']}: side {c['side']!r} is not one of {', '.join(SIDES)}")
                self.claimants.append(Claimant(str(c["name"]), c["side"], str(c["scale"])))
                alts.append(f"(?P<c{k}>" + "|".join(_phrase_rx(p) for p in sorted(c["patterns"], key=len, reverse=True)) + ")")
            self.claimant_rx = re.compile("|".join(alts), re.I)
            self.cue_rx = re.compile("|".join(_phrase_rx(p) for p in data["claims"]["cues"]), re.I)
            self.preposed_rx = re.compile("|".join(_phrase_rx(p) for p in data["claims"]["preposed"]), re.I)
            self.hedge_rx = re.compile("|".join(_phrase_rx(p) for p in data["claims"]["hedges"]), re.I)
            self.outcome_rx = re.compile("|".join(
                f"(?P<{kind}>" + "|".join(_phrase_rx(p) for p in words) + ")"
                for kind, words in data["outcomes"].items()), re.I)
        except (KeyError, TypeError, re.error) as e:
            raise MapperError(f"claims.toml is malformed: {e}") from None
        self.by_name = {c.name: c for c in self.claimants}

    def claimant_at(self, m: re.Match) -> Claimant:
        return self.claimants[int(m.lastgroup[1:])]

    def sentence(self, text: str) -> list[Claim]:
        """The claims a sentence makes by its own words, in the order they stand (usually one;
        "Astra reported X, and pro-Ukrainian channels said Y" makes two). A sentence naming no
        claimant gives one claim with none, which still says whether it is hedged."""
        hedged = self.hedge_rx.search(text) is not None
        om = self.outcome_rx.search(text)
        outcome = om.lastgroup if om else ""
        cues = list(self.cue_rx.finditer(text))
        colon = ":" in text[:80]
        who = list(self.claimant_rx.finditer(text)) if cues or colon else []
        found: dict[int, tuple[int, re.Match, re.Match | None]] = {}  # cue start -> (gap, claimant, cue)
        for cue in cues:
            pre = self.preposed_rx.fullmatch(cue.group(0)) is not None
            for m in who:
                if m.end() <= cue.start() and not pre:
                    gap = cue.start() - m.end()  # "Gladkov said", "Astra reported that"
                    if gap > CUE_REACH and m.start() > SUBJECT_AT:
                        continue  # unless the claimant opens the sentence: "Gladkov, governor of ..., said"
                elif m.start() >= cue.end():
                    gap = (m.start() - cue.end()) * (1 if pre else 2)  # "according to Astra", "said Gladkov"
                    if gap > CUE_REACH:
                        continue
                else:
                    continue
                if cue.start() not in found or gap < found[cue.start()][0]:
                    found[cue.start()] = (gap, m, cue)
        if not found:
            # "Гладков: ..." opens a statement
            m = next((m for m in who if m.start() < 60 and re.match(r"\s*[:—–-]", text[m.end():m.end() + 3])), None)
            if m is not None:
                found[m.start()] = (0, m, None)
        out = []
        used: set[int] = set()
        for _, m, cue in sorted(found.values(), key=lambda f: f[0]):
            if m.start() in used:
                continue  # one claimant, one claim
            used.add(m.start())
            a, b = (min(m.start(), cue.start()), max(m.end(), cue.end())) if cue else (m.start(), m.end() + 1)
            span = " ".join(text[a:b].split())
            if len(span) > SPAN_MAX and cue is not None:  # "Vyacheslav Gladkov, governor of ..., said"
                span = " … ".join(" ".join(x.group(0).split()) for x in sorted((m, cue), key=lambda x: x.start()))
            out.append(Claim(self.claimant_at(m), span, hedged, outcome, a))
        return sorted(out, key=lambda c: c.start) or [Claim(None, "", hedged, outcome)]

    def author(self, report: Report, first_sentence: str) -> Claim | None:
        """A bulletin's author: the claimant opening it ("Гладков: за прошедшие сутки ..."), or
        the known claimant its source or title names (a Telegram channel "Сумська ОВА")."""
        m = self.claimant_rx.match(first_sentence.lstrip())
        if m and re.match(r"\s*[:—–-]", first_sentence.lstrip()[m.end():m.end() + 3]):
            return Claim(self.claimant_at(m), " ".join(first_sentence.lstrip()[:m.end()].split()))
        for field in (report.source, report.title):
            m = self.claimant_rx.search(field or "")
            if m:
                return Claim(self.claimant_at(m), f"source: {field}")
        return None


@lru_cache(maxsize=1)
def lexicon() -> ClaimsLexicon:
    return ClaimsLexicon(tomllib.loads((files("mapper") / "data" / "claims.toml").read_text(encoding="utf-8")))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


class ReportClaims:
    """The claim behind each sentence of one report: its own, else its paragraph's (an earlier
    sentence of the paragraph naming a claimant), else the bulletin author's. Worked out only
    for the sentences asked about (those with places), each once."""

    def __init__(self, report: Report, text: str, sentences: tuple[tuple[int, int], ...]) -> None:
        self._lex = lexicon()
        self._text, self._sents = text, sentences
        self._own: dict[int, Claim] = {}
        first = text[sentences[0][0]:sentences[0][1]] if sentences else ""
        self._author = self._lex.author(report, first)

    def _sentence(self, si: int) -> list[Claim]:
        c = self._own.get(si)
        if c is None:
            s0, s1 = self._sents[si]
            c = self._own[si] = self._lex.sentence(self._text[s0:s1])
        return c

    def __call__(self, si: int, at: int = 0) -> Claim:
        """The claim behind what sentence ``si`` says at offset ``at`` (of the sentence): of its
        own claims the last one before that point, else the first after it."""
        own = self._sentence(si)
        said = [c for c in own if c.claimant is not None]
        if said:
            before = [c for c in said if c.start <= at]
            return before[-1] if before else said[0]
        hedged, outcome = own[0].hedged, own[0].outcome
        k = si
        while k > 0 and si - k < 6 and not _PARAGRAPH_BREAK.search(self._text[self._sents[k - 1][1]:self._sents[k][0]]):
            k -= 1
            prev = [c for c in self._sentence(k) if c.claimant is not None]
            if prev:
                return Claim(prev[-1].claimant, prev[-1].span, hedged, outcome)
        if self._author is not None:
            return Claim(self._author.claimant, self._author.span, hedged, outcome)
        return own[0]


def contested(claims: list[Claim]) -> bool:
    """Claimants of different sides telling different outcomes of the same event."""
    told = {(c.claimant.side, c.outcome) for c in claims if c.claimant is not None and c.outcome}
    return len({s for s, _ in told}) > 1 and len({o for _, o in told}) > 1


__all__ = ["Claim", "Claimant", "ReportClaims", "contested", "lexicon", "SIDES", "UNKNOWN", "HEDGE_FACTOR"]
