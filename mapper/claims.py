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
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from importlib.resources import files

from .errors import MapperError
from .language import fold_cues, fold_letters
from .records import Report

SIDES = ("ru_official", "ua_official", "independent", "other")
UNKNOWN = "unknown"
HEDGE_FACTOR = 0.75  # the confidence of an incident told only in hedged words ("reportedly")
SPAN_MAX = 60  # a longer span is shortened to its claimant and cue: "Vyacheslav Gladkov … said"
CUE_REACH = 80  # characters between a claimant and its cue: further apart, the two are unrelated
PARAGRAPH_REACH = 6  # sentences back a paragraph's claimant still reaches
SUBJECT_AT = 40  # a claimant this near a sentence's start is its subject, however far its verb
GENERIC_REACH = 40  # characters between a generic title and the named claimant it stands for


@dataclass(frozen=True, slots=True)
class Claimant:
    name: str  # as outputs write it: "Belgorod governor"
    side: str  # one of SIDES
    scale: str  # ACLED's source_scale
    generic: bool = False  # a title with no region ("губернатор", "ОВА"): a named one beside it is meant


@dataclass(frozen=True, slots=True)
class Claim:
    """What a sentence's wording says of its own truth."""

    claimant: Claimant | None  # None: nobody is named as saying it
    span: str = ""  # the words that attribute it, as written ("Gladkov said", "according to Astra")
    hedged: bool = False  # "allegedly", «нібито»
    outcome: str = ""  # "repelled" or "ongoing", as the sentence tells it; "" if it does not say
    start: int = -1  # where its span starts in the sentence


_KEY_RE = re.compile(r"[^*\"'«»“”„]+")
_WORD_TAIL = re.compile(r"\w*")
_BY_START = lambda h: (h.start, -h.end)  # noqa: E731
_SPACES = "\n\r\t\u00a0\u2009\u202f"
_SEP = r"[\s\"'«»“”„]+"  # between a phrase's words: spaces, and quotes (Legion "Freedom of Russia")


_NO_CLAIM = Claim(None)


def _acronym(word: str) -> bool:
    return word.rstrip("*").isupper() and len(word.rstrip("*")) >= 2


def _phrase_rx(phrase: str) -> str:
    """A lexicon phrase as a regex: words apart by any space, "*" any ending. A phrase of
    acronyms only (AP, "МО РФ") is matched in capitals only, so "ap" or "rt" in a sentence are
    no claimant; beside an ordinary word an acronym is matched in any case, as outlets write
    it ("RIA Novosti", "Ria Novosti", «Сумська ова»)."""
    parts = []
    words = phrase.split()
    caps_only = all(_acronym(w) for w in words)
    for word in words:
        star = word.endswith("*")
        w = re.escape(word.rstrip("*")) + (r"\w*" if star else "")
        if caps_only:
            w = f"(?-i:{w})"
        parts.append(w)
    return r"(?<!\w)" + _SEP.join(parts) + r"(?!\w)"


class Hit(NamedTuple):
    """A phrase found in a text: where, as written, and the group (claimant number, kind) it is
    of. A named tuple: a report makes dozens, and a frozen dataclass cost 3x as much to make."""

    start: int
    end: int
    text: str
    group: str  # "who:3" (claimant 3), "cue:", "cue:pre", "hedge:", "outcome:repelled"
    kind: str  # the group up to its ":"


class PhraseSet:
    """Lexicon phrases found in a text in one pass. A regex alternation of a few hundred phrases
    tried at every offset was slow (benchmarks/MEASURED.md); here an Aho-Corasick automaton finds where a
    phrase's first word starts (in C, one pass over the lower-cased text) and only there is the
    phrase's own regex tried (endings, spaces, quotes, capitals)."""

    def __init__(self, phrases: list[tuple[str, str]]) -> None:
        import ahocorasick

        # per phrase: its regex, or None for one plain word (the key is the whole phrase: only
        # its end needs checking, without a regex), whether it ends in "*", its group
        self._rx: list[tuple[re.Pattern | None, bool, str, str]] = []
        self._auto = ahocorasick.Automaton()
        by_key: dict[str, list[int]] = {}
        for phrase, group in phrases:
            # the key: the phrase's literal start, up to a "*" or a quote ("по неподтвержд" of
            # "по неподтвержд* данным"), so that common first words ("is said to", "по словам")
            # do not send every "is" and "по" of a report to a regex
            phrase = fold_letters(phrase)  # the one folding of tables and text (ё as е, apostrophes)
            key = " ".join(_KEY_RE.match(fold_cues(phrase)).group(0).split())
            by_key.setdefault(key, []).append(len(self._rx))
            word = " " not in phrase.strip()
            caps = phrase.rstrip("*") if word and phrase.rstrip("*").isupper() else ""
            self._rx.append((None if word else re.compile(_phrase_rx(phrase), re.I), phrase.endswith("*"), caps, group,
                             group.partition(":")[0]))
        for key, ids in by_key.items():
            self._auto.add_word(key, (len(key), ids))
        self._auto.make_automaton()

    def find(self, text: str) -> dict[str, list[Hit]]:
        """The hits of each kind (a group's text up to its first ":"), left to right, the
        longest at each place, not overlapping others of the kind: one pass for every kind."""
        return by_kind(self.find_all(text))

    def find_all(self, text: str) -> list[Hit]:
        """Every hit, by start (longest first at one start), overlaps and all kinds included."""
        low = fold_cues(text)  # (one character for one: offsets hold)
        folded = fold_letters(text)
        for c in _SPACES:  # a phrase broken over a line still starts with its key (str.replace:
            if c in low:  # str.translate was slower)
                low = low.replace(c, " ")
        hits = []
        tail, size, new = _WORD_TAIL.match, len(low), tuple.__new__  # (tuple.__new__: a Hit at C speed)
        for last, (n, ids) in self._auto.iter(low):
            start = last - n + 1
            if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
                continue  # inside a word: "ap" of "happened"
            best: dict[str, Hit] = {}  # per kind: "claimed" is a cue and a hedge
            for k in ids:
                rx, star, caps, group, kind = self._rx[k]
                if rx is None:
                    end = start + n
                    if star:
                        end = tail(low, end).end()
                    elif end < size and (low[end].isalnum() or low[end] == "_"):
                        continue
                    if caps and folded[start:end] != caps:
                        continue  # an acronym in capitals only
                else:
                    m = rx.match(folded, start)
                    if not m:
                        continue
                    end = m.end()
                if kind not in best or end > best[kind].end:
                    best[kind] = new(Hit, (start, end, text[start:end], group, kind))
            hits += best.values()
        hits.sort(key=_BY_START)
        return hits


def by_kind(hits: list[Hit], offset: int = 0) -> dict[str, list[Hit]]:
    """Sorted hits (of :meth:`PhraseSet.find_all`) grouped by kind, overlaps within a kind
    dropped, offsets made relative to ``offset``."""
    out: dict[str, list[Hit]] = {}
    new = tuple.__new__
    for h in hits:
        kind = out.get(h.kind)
        if kind is None:
            kind = out[h.kind] = []
        if not kind or h.start - offset >= kind[-1].end:
            kind.append(new(Hit, (h.start - offset, h.end - offset, h.text, h.group, h.kind)) if offset else h)
    return out


class ClaimsLexicon:
    """The claimants, cues, hedges and outcome words of claims.toml, checked and compiled."""

    def __init__(self, data: dict) -> None:
        try:
            self.claimants: list[Claimant] = []
            phrases = []
            for k, c in enumerate(data["claimant"]):
                if c["side"] not in SIDES:
                    raise MapperError(f"claims.toml: {c['name']}: side {c['side']!r} is not one of {', '.join(SIDES)}")
                if not isinstance(c.get("generic", False), bool):
                    raise MapperError(f"claims.toml: {c['name']}: generic must be true or false")
                self.claimants.append(Claimant(str(c["name"]), c["side"], str(c["scale"]), c.get("generic", False)))
                phrases += [(p, f"who:{k}") for p in c["patterns"]]
            claims = data["claims"]
            phrases += [(p, "cue:pre" if p in claims["preposed"] else "cue:") for p in claims["cues"]]
            phrases += [(p, "cue:pre") for p in claims["preposed"] if p not in claims["cues"]]
            phrases += [(p, "hedge:") for p in claims["hedges"]]
            phrases += [(p, f"outcome:{kind}") for kind, words in data["outcomes"].items() for p in words]
            self.phrases = PhraseSet(phrases)
        except (KeyError, TypeError, AttributeError, re.error) as e:
            raise MapperError(f"claims.toml is malformed: {e}") from None
        self.by_name = {c.name: c for c in self.claimants}

    def claimant_at(self, h: Hit) -> Claimant:
        return self.claimants[int(h.group.partition(":")[2])]

    def _named(self, who: list[Hit]) -> list[Hit]:
        """The claimant hits with each generic title that stands beside a named claimant
        ("губернатор Вячеслав Гладков", "Syniehubov, head of the OVA") taken as that claimant:
        the name is meant, and the title may be the word nearer the verb."""
        named = [m for m in who if not self.claimant_at(m).generic]
        out = []
        for m in who:
            if self.claimant_at(m).generic:
                n = next((n for n in named if -GENERIC_REACH <= n.start - m.end <= GENERIC_REACH
                          or -GENERIC_REACH <= m.start - n.end <= GENERIC_REACH), None)
                if n is not None:
                    m = m._replace(group=n.group)
            out.append(m)
        return out

    def sentence(self, text: str, hits: dict[str, list[Hit]] | None = None) -> list[Claim]:
        """The claims a sentence makes by its own words, in the order they stand (usually one;
        "Astra reported X, and pro-Ukrainian channels said Y" makes two). A sentence naming no
        claimant gives one claim with none, which still says whether it is hedged. ``hits``:
        the sentence's lexicon phrases, if already found (:class:`ReportClaims` finds a whole
        report's in one pass)."""
        if hits is None:
            hits = self.phrases.find(text)
        if not hits:
            return [_NO_CLAIM]
        hedged = "hedge" in hits
        told = hits.get("outcome")
        outcome = told[0].group.partition(":")[2] if told else ""
        cues = hits.get("cue", [])
        who = hits.get("who", [])
        if any(self.claimant_at(m).generic for m in who):
            who = self._named(who)
        found: dict[int, tuple[int, Hit, Hit | None]] = {}  # cue start -> (gap, claimant, cue)
        for cue in cues:
            pre = cue.group == "cue:pre"
            for m in who:
                if m.end <= cue.start and not pre:
                    gap = cue.start - m.end  # "Gladkov said", "Astra reported that"
                    if gap > CUE_REACH and m.start > SUBJECT_AT:
                        continue  # unless the claimant opens the sentence: "Gladkov, governor of ..., said"
                elif m.start >= cue.end:
                    gap = (m.start - cue.end) * (1 if pre else 2)  # "according to Astra", "said Gladkov"
                    if gap > CUE_REACH:
                        continue
                else:
                    continue
                if cue.start not in found or gap < found[cue.start][0]:
                    found[cue.start] = (gap, m, cue)
        if not found:
            # "Гладков: ..." opens a statement
            m = next((m for m in who if m.start < 60 and re.match(r"\s*[:—–-]", text[m.end:m.end + 3])), None)
            if m is not None:
                found[m.start] = (0, m, None)
        out = []
        used: set[int] = set()
        for _, m, cue in sorted(found.values(), key=lambda f: f[0]):
            if m.start in used:
                continue  # one claimant, one claim
            used.add(m.start)
            a, b = (min(m.start, cue.start), max(m.end, cue.end)) if cue else (m.start, m.end + 1)
            span = " ".join(text[a:b].split())
            if len(span) > SPAN_MAX and cue is not None:  # "Vyacheslav Gladkov, governor of ..., said"
                span = " … ".join(" ".join(x.text.split()) for x in sorted((m, cue), key=lambda x: x.start))
            out.append(Claim(self.claimant_at(m), span, hedged, outcome, a))
        return sorted(out, key=lambda c: c.start) or [Claim(None, "", hedged, outcome)]

    def author(self, report: Report, first_sentence: str) -> Claim | None:
        """A bulletin's author: the claimant opening it ("Гладков: за прошедшие сутки ..."), or
        the known claimant its source or title names (a Telegram channel "Сумська ОВА")."""
        head = first_sentence.lstrip()
        hits = self.phrases.find(head[:80]).get("who", [])
        if hits and hits[0].start == 0 and re.match(r"\s*[:—–-]", head[hits[0].end:hits[0].end + 3]):
            return Claim(self.claimant_at(hits[0]), " ".join(head[:hits[0].end].split()))
        for field in filter(None, (report.source, report.title)):
            hits = self.phrases.find(field).get("who", [])
            if hits:
                return Claim(self.claimant_at(hits[0]), f"source: {field}")
        return None


@lru_cache(maxsize=1)
def lexicon() -> ClaimsLexicon:
    return ClaimsLexicon(tomllib.loads((files("mapper") / "data" / "claims.toml").read_text(encoding="utf-8")))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


class ReportClaims:
    """The claim behind each sentence of one report: its own, else its paragraph's (an earlier
    sentence of the paragraph naming a claimant), else the bulletin author's, else the one the
    report's sentences attribute their words to most, wherever they stand. Worked out only
    for the sentences asked about (those with places), each once.

    The report's lexicon phrases are found in one pass; the sentences among them that name a
    claimant are indexed, so a sentence naming none finds its paragraph's claimant by a
    bisection into that index, not by reading back through every sentence before it."""

    def __init__(self, report: Report, text: str, sentences: tuple[tuple[int, int], ...]) -> None:
        self._lex = lexicon()
        self._text, self._sents = text, sentences
        self._sent_starts = [a for a, _ in sentences]
        self._own: dict[int, list[Claim]] = {}
        self._hits: list[Hit] | None = None
        self._starts: list[int] = []
        self._naming: list[int] = []  # the sentences with a claimant's name in them, in order
        self._breaks: list[int] | None = None
        self._inherited: dict[int, Claim] = {}
        self._told: tuple[Claim, ...] | None = None  # the report's claim, once worked out
        first = text[sentences[0][0]:sentences[0][1]] if sentences else ""
        self._author = self._lex.author(report, first)

    def _find(self) -> None:
        """The report's phrases, in one pass over its text, and the sentences naming a claimant."""
        self._hits = self._lex.phrases.find_all(self._text)
        self._starts = [h.start for h in self._hits]
        naming = {bisect_left(self._sent_starts, h.start + 1) - 1 for h in self._hits if h.kind == "who"}
        self._naming = sorted(naming)

    def _paragraph_start(self, si: int) -> int:
        """The first sentence of sentence ``si``'s paragraph (paragraphs end at blank lines)."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(self._text)]
        k = bisect_left(self._breaks, self._sents[si][0]) - 1  # the last break before the sentence
        return bisect_left(self._sent_starts, self._breaks[k]) if k >= 0 else 0

    def _sentence(self, si: int) -> list[Claim]:
        c = self._own.get(si)
        if c is None:
            if self._hits is None:
                self._find()
            s0, s1 = self._sents[si]
            a, b = bisect_left(self._starts, s0), bisect_left(self._starts, s1)
            if a == b:  # no lexicon phrase in the sentence: most of a report
                c = self._own[si] = [_NO_CLAIM]
            else:
                mine = [h for h in self._hits[a:b] if h.end <= s1]
                c = self._own[si] = self._lex.sentence(self._text[s0:s1], by_kind(mine, s0))
        return c

    def __call__(self, si: int, at: int = 0) -> Claim:
        """The claim behind what sentence ``si`` says at offset ``at`` (of the sentence): of its
        own claims the last one before that point, else the first after it."""
        got = self._inherited.get(si)  # a sentence with at most one claim: the same for every place
        if got is not None:
            return got
        own = self._sentence(si)
        said = [c for c in own if c.claimant is not None]
        if len(said) > 1:
            before = [c for c in said if c.start <= at]
            return before[-1] if before else said[0]
        got = self._inherited[si] = said[0] if said else self._inherit(si, own[0])
        return got

    def _inherit(self, si: int, own: Claim) -> Claim:
        """The claim of a sentence that names no claimant: the last claimant named in the
        PARAGRAPH_REACH sentences before it in its paragraph, else the author's."""
        first = max(self._paragraph_start(si), si - PARAGRAPH_REACH)
        naming = self._naming
        k = bisect_left(naming, si) - 1
        while k >= 0 and naming[k] >= first:
            said = [c for c in self._sentence(naming[k]) if c.claimant is not None]
            if said:
                return Claim(said[-1].claimant, said[-1].span, own.hedged, own.outcome)
            k -= 1
        if self._author is not None:
            return Claim(self._author.claimant, self._author.span, own.hedged, own.outcome)
        told = self._report_claim()
        if told is not None:
            return Claim(told.claimant, told.span, own.hedged, own.outcome)
        return own

    def _report_claim(self) -> Claim | None:
        """The claim a retold bulletin makes as a whole: the claimant its sentences attribute
        what they say to most often (the first of equals; a named one before a generic title),
        wherever they stand ("Про це
        повідомив голова ОВА" after the list, "…”, Starovoit wrote" at the end)."""
        if self._told is None:
            said: dict[str, list[Claim]] = {}
            for si in self._naming:
                for c in self._sentence(si):
                    if c.claimant is not None:
                        said.setdefault(c.claimant.name, []).append(c)
            named = {k: v for k, v in said.items() if not v[0].claimant.generic} or said
            self._told = (max(named.values(), key=len)[0],) if named else ()
        return self._told[0] if self._told else None


def contested(claims: list[Claim]) -> bool:
    """Claimants of different sides telling different outcomes of the same event."""
    told = {(c.claimant.side, c.outcome) for c in claims if c.claimant is not None and c.outcome}
    return len({s for s, _ in told}) > 1 and len({o for _, o in told}) > 1


__all__ = ["Claim", "Claimant", "ReportClaims", "contested", "lexicon", "SIDES", "UNKNOWN", "HEDGE_FACTOR"]
