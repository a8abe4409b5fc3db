"""Recognise: find the spans of a report that name places, and say why others are not places.

Second stage. The report is masked (links, @handles, tweet signatures, sidebars), split into
sentences and tokens; every token gets the gazetteer's folded key, and runs of keys are probed
against the gazetteer, longest first. Each span is then accepted or rejected with a reason:
organisation names (Kyiv Post), people (governor Gladkov), actors (Moscow's official line),
common words that are also village names.

Probing walks the key prefixes of capitalised tokens against the gazetteer's B-tree (or an
in-memory key set in batch mode). On a 4 KB report that is ~200 probes, cheaper than loading an
Aho-Corasick automaton of 265,000 names (0.5 s from a pickle, 0.5 s to build) for one report.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple
from importlib.resources import files

from gazetteer import Gazetteer, fold_token
from gazetteer.fold import TOKEN_RE, is_cyrillic

from .dates import MONTHS, WEEKDAYS
from .records import Mention

# Each pattern starts with a literal so that re can skip ahead to it: with re.I or a leading
# look-behind, re tries every offset and the link pattern alone cost 0.1 ms on a 4 KB report.
_LINK_RE = r"(?:https?://|www\.|pic\.twitter\.com/|t\.me/)\S+"
_MASK_RES = [
    ("link", re.compile(_LINK_RE)),
    ("tweet signature", re.compile(r"[—–-]\s*[^—–\n]{1,80}?\(@\w+\)(?:\s+\w+\s+\d{1,2},\s+\d{4})?")),
    ("handle", re.compile(r"@(?<!\w@)\w+")),
]
_LINK_ANYCASE = re.compile(_LINK_RE, re.I)  # for the rare report that shouts HTTP:// or WWW.
_SENT_END_RE = re.compile(
    r"(?<=[.!?…])[\"”»'’)]*\s+(?=[\"“«(\[]?[A-ZА-ЯЁІЇЄҐ0-9])|\n\s*\n+|\n(?=\s*[-•*#>\d])|(?<=[.!?:…])\s*\n"
)
_GAP_OK_RE = re.compile(r"^[ \t\u00a0\-‐‑–'’]*$")
_POSSESSIVE_RE = re.compile(r"^(.*\w)['’ʼ]s$", re.I)


_SMALL_WORDS = {"to", "be", "of", "the", "in", "a", "an", "and", "for", "on", "at", "by", "is", "as", "but"}


def _title_runs(toks: list["Token"], text: str) -> set[int]:
    """Indices of tokens inside a Title Case run of four or more capitalised words
    ("Belgorod Incursion Appears to be Over"): a headline, not a person's or firm's name."""
    out: set[int] = set()
    run: list[int] = []
    caps = 0

    def close() -> None:
        if caps >= 4:
            out.update(run)

    for k, t in enumerate(toks):
        joined = k == 0 or "\n" not in text[toks[k - 1].end:t.start]
        if t.capitalised and joined:
            run.append(k)
            caps += 1
        elif t.lower in _SMALL_WORDS and run and joined:
            run.append(k)
        else:
            close()
            run, caps = ([k], 1) if t.capitalised else ([], 0)
    close()
    return out


class _TitleCase:
    """Is token i in Title Case (a headline, not a name)? Worked out only if a rule asks."""

    def __init__(self, toks: list["Token"], text: str) -> None:
        self.toks, self.text, self.runs = toks, text, None

    def __call__(self, i: int) -> bool:
        if self.runs is None:
            long_words = [t for t in self.toks if len(t.text) >= 4]
            headline = len(long_words) >= 6 and len([t for t in long_words if t.capitalised]) >= 0.6 * len(long_words)
            self.runs = set(range(len(self.toks))) if headline else _title_runs(self.toks, self.text)
        return i in self.runs


def text_gap_is_space(a: "Token", b: "Token", text: str) -> bool:
    gap = text[a.end:b.start]
    return bool(gap) and gap.isspace() and "\n" not in gap


class Token(NamedTuple):
    """A word of the report. A NamedTuple, not a frozen dataclass: a report has hundreds of
    tokens, and a frozen dataclass costs 1.3 us to create against 0.2 us for a tuple."""

    text: str
    start: int
    end: int
    key: str
    possessive: bool = False
    lower: str = ""  # precomputed: these are read thousands of times per report
    capitalised: bool = False


@dataclass(frozen=True, slots=True)
class Recognition:
    """What recognition saw in one report."""

    text: str  # the masked text (same length as the report's)
    sentences: tuple[tuple[int, int], ...]
    mentions: tuple[Mention, ...]  # accepted and rejected, in text order
    masked: tuple[tuple[int, int, str], ...]
    boilerplate: frozenset[int]  # sentence indices that are sidebars or teasers

    @property
    def accepted(self) -> list[Mention]:
        return [m for m in self.mentions if m.role != "rejected"]

    def sentence_text(self, i: int) -> str:
        s, e = self.sentences[i]
        return re.sub(r"\s+", " ", self.text[s:e]).strip()


class Lexicon:
    """The word lists of ``mapper/data/lexicon.toml`` as sets and token-sequence phrases."""

    def __init__(self, data: dict | None = None) -> None:
        if data is None:
            data = tomllib.loads((files("mapper") / "data" / "lexicon.toml").read_text(encoding="utf-8"))
        self.data = data
        self._by_last: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        # the last word of every entry: a set test rules out most tokens before a full match
        self.last_words: dict[str, frozenset[str]] = {}
        for name, words in data.items():
            single = {w for w in words if " " not in w}
            phrases = [tuple(w.split()) for w in words if " " in w]
            setattr(self, name, single)
            setattr(self, name + "_phrases", phrases)
            by_last: dict[str, list[tuple[str, ...]]] = {}
            for ph in phrases:
                by_last.setdefault(ph[-1], []).append(ph)
            self._by_last[name] = by_last
            self.last_words[name] = frozenset(single | set(by_last))

    def before(self, table: str, toks: list[Token], i: int) -> str | None:
        """The entry of ``table`` that ends right before token ``i`` (one word or a phrase)."""
        if i <= 0:
            return None
        last = toks[i - 1].lower
        if last not in self.last_words[table]:
            return None
        for ph in self._by_last[table].get(last, ()):
            n = len(ph)
            if i >= n and all(toks[i - n + k].lower == ph[k] for k in range(n - 1)):
                return " ".join(ph)
        return last if last in getattr(self, table) else None

    def after(self, table: str, toks: list[Token], j: int) -> str | None:
        if j + 1 < len(toks) and toks[j + 1].lower in getattr(self, table):
            return toks[j + 1].lower
        for ph in getattr(self, table + "_phrases"):
            n = len(ph)
            if tuple(t.lower for t in toks[j + 1:j + 1 + n]) == ph:
                return " ".join(ph)
        return None


def mask(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Blank out links, @handles and tweet signatures, keeping every offset."""
    if "@" not in text and "/" not in text and "www." not in text.lower():
        return text, []  # most reports have neither links nor handles: skip three regex scans
    spans = []
    for reason, rx in _MASK_RES:
        if reason == "link" and ("HTTP" in text or "Http" in text or "WWW" in text):
            rx = _LINK_ANYCASE
        elif reason != "link" and "@" not in text:
            continue
        spans += [(m.start(), m.end(), reason) for m in rx.finditer(text)]
    if not spans:
        return text, spans
    parts, pos = [], 0
    for a, b, _ in sorted(spans):
        if b <= pos:
            continue
        a = max(a, pos)
        parts.append(text[pos:a])
        parts.append("".join("\n" if c == "\n" else " " for c in text[a:b]))
        pos = b
    parts.append(text[pos:])
    return "".join(parts), spans


def split_sentences(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _SENT_END_RE.finditer(text):
        if text[pos:m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out


_WORDS: dict[str, tuple[str, str, bool, str, bool]] = {}  # word -> (text, key, possessive, lower, caps)


def _word(raw: str) -> tuple[str, str, bool, str, bool]:
    word, possessive = raw, False
    if ("'" in word or "’" in word or "ʼ" in word) and not is_cyrillic(word):
        pm = _POSSESSIVE_RE.match(word)
        if pm:
            word, possessive = pm.group(1), True
    info = (word, fold_token(word), possessive, word.lower(), word[:1].isupper())
    if len(_WORDS) < 500_000:
        _WORDS[raw] = info
    return info


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]``. Reports repeat their words, so a word's key, case and
    possessive form are worked out once per process (a dict hit is ~20x cheaper than folding)."""
    out = []
    new = tuple.__new__
    words = _WORDS
    for m in TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        raw = m.group()
        info = words.get(raw) or _word(raw)
        s0 = m.start()
        out.append(new(Token, (info[0], s0, s0 + len(info[0]), info[1], info[2], info[3], info[4])))
    return out


class Recognizer:
    """Finds place-name spans with the names of one gazetteer.

    ``preload=True`` loads every key into memory (0.2 s) for fast batches; otherwise each probe
    is an indexed SQLite query, which is faster for one report.
    """

    MAX_TOKENS = 6

    def __init__(self, gazetteer: Gazetteer, *, lexicon: Lexicon | None = None, preload: bool = False) -> None:
        self.gaz = gazetteer
        self.lex = lexicon or Lexicon()
        self._keys: frozenset[str] | None = None
        self._prefixes: frozenset[str] | None = None
        self._probe_cache: dict[str, tuple[bool, bool]] = {}
        self._fuzzy_cache: dict[str, tuple[str, str] | None] = {}
        if preload:
            self.preload()

    def preload(self) -> None:
        keys = frozenset(self.gaz.keys())
        prefixes = set()
        for k in keys:
            parts = k.split(" ")
            for n in range(1, len(parts)):
                prefixes.add(" ".join(parts[:n]))
        self._keys, self._prefixes = keys, frozenset(prefixes)

    @cached_property
    def _con(self):
        return self.gaz._con

    def probe(self, key: str) -> tuple[bool, bool]:
        """(is a name key, is the prefix of a longer name key)."""
        if self._keys is not None:
            return key in self._keys, key in self._prefixes  # type: ignore[operator]
        hit = self._probe_cache.get(key)
        if hit is None:
            is_key = self._con.execute("SELECT 1 FROM names WHERE key=? LIMIT 1", (key,)).fetchone() is not None
            is_prefix = self._con.execute(
                "SELECT 1 FROM names WHERE key > ? AND key < ? LIMIT 1", (key + " ", key + " \uffff")
            ).fetchone() is not None
            hit = (is_key, is_prefix)
            if len(self._probe_cache) < 200_000:
                self._probe_cache[key] = hit
        return hit

    # -- matching ---------------------------------------------------------------------------
    def _spans(self, toks: list[Token], text: str, need_caps: bool) -> list[tuple[int, int, str]]:
        found = []
        for i, t in enumerate(toks):
            if need_caps and not t.capitalised:
                continue
            key, j = t.key, i
            while True:
                is_key, is_prefix = self.probe(key)
                if is_key:
                    found.append((i, j, key))
                if not is_prefix or j + 1 >= len(toks) or j - i + 1 >= self.MAX_TOKENS:
                    break
                if toks[j].possessive or not _GAP_OK_RE.match(text[toks[j].end:toks[j + 1].start]):
                    break
                j += 1
                key = f"{key} {toks[j].key}"
        # longest first, then leftmost; no overlaps
        found.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: set[int] = set()
        chosen = []
        for i, j, key in found:
            if taken.isdisjoint(range(i, j + 1)):
                taken.update(range(i, j + 1))
                chosen.append((i, j, key))
        chosen.sort()
        return chosen

    FUZZY_MIN_SCORE = 0.8

    def _fuzzy(self, toks: list[Token], text: str, spans: list[tuple[int, int, str]],
               reasons: dict[str, str]) -> list[tuple[int, int, str]]:
        """Misspelt names after a place cue ("in Popasana", "village of Malaya Rohan"): the
        longest run of 1-3 capitalised words that fuzzily matches a name replaces shorter exact
        matches inside it. Only after a cue, so ordinary capitalised words are not guessed at."""
        cue_ends = self.lex.last_words["fuzzy_cues"]
        cued = [i for i in range(1, len(toks)) if toks[i].capitalised and toks[i - 1].lower in cue_ends]
        if not cued:
            return spans
        covered = {k: (a, b) for a, b, _ in spans for k in range(a, b + 1)}
        out = list(spans)
        for i in cued:
            if i in covered and covered[i][1] > i:
                continue  # already part of a multi-word name
            if not self.lex.before("fuzzy_cues", toks, i):
                continue
            for n in (3, 2, 1):
                j = i + n - 1
                if j >= len(toks) or not all(toks[k].capitalised for k in range(i, j + 1)):
                    continue
                if any(not text_gap_is_space(toks[k], toks[k + 1], text) for k in range(i, j)):
                    continue
                if n == 1 and i in covered:
                    break
                phrase = " ".join(x.text for x in toks[i:j + 1])
                if len(phrase) < 5:
                    continue
                hit = self._fuzzy_lookup(phrase)
                if hit is not None:
                    key, name = hit
                    out = [s for s in out if s[1] < i or s[0] > j]
                    out.append((i, j, key))
                    reasons[key] = f"fuzzy match for {name}"
                    break
        return sorted(out)

    def _fuzzy_lookup(self, phrase: str) -> tuple[str, str] | None:
        """(key, name) of a fuzzy match for a phrase, cached: feeds repeat their phrases."""
        if phrase in self._fuzzy_cache:
            return self._fuzzy_cache[phrase]
        from gazetteer import fold_name

        cands = self.gaz.lookup(phrase, limit=1, fuzzy_cutoff=88.0)
        hit = None
        if cands and cands[0].match == "fuzzy" and cands[0].score >= self.FUZZY_MIN_SCORE * 0.9:
            hit = (fold_name(cands[0].matched_name), cands[0].matched_name)
        if len(self._fuzzy_cache) < 100_000:
            self._fuzzy_cache[phrase] = hit
        return hit

    @cached_property
    def _org_index(self) -> dict[str, list[tuple[str, ...]]]:
        idx: dict[str, list[tuple[str, ...]]] = {}
        for w in self.lex.data["org_names"]:
            ph = tuple(w.split())
            idx.setdefault(ph[0], []).append(ph)
        return idx

    def _org_spans(self, toks: list[Token]) -> list[tuple[int, int, str]]:
        out = []
        lows = [t.lower for t in toks]
        if self._org_index.keys().isdisjoint(lows):
            return out
        for i, w in enumerate(lows):
            for ph in self._org_index.get(w, ()):
                n = len(ph)
                if tuple(lows[i:i + n]) == ph:
                    out.append((i, i + n - 1, " ".join(t.text for t in toks[i:i + n])))
        return out

    def _judge(self, toks: list[Token], i: int, j: int, key: str, text: str,
               orgs: list[tuple[int, int, str]], matched: set[int], in_title) -> tuple[str, str]:
        """('place'|'rejected', reason) for the span of tokens i..j."""
        lex = self.lex
        surface = " ".join(t.text for t in toks[i:j + 1])
        for a, b, name in orgs:
            if a <= j and i <= b:
                return "rejected", f"organisation or media name: {name}"
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is not None and nxt.capitalised and nxt.lower in lex.org_suffixes and not toks[j].possessive:
            return "rejected", f"part of an organisation name: {surface} {nxt.text}"
        title = lex.before("person_titles", toks, i)
        if title:
            return "rejected", f"a person (after '{title}')"
        if i >= 2 and toks[i - 1].capitalised and text_gap_is_space(toks[i - 1], toks[i], text):
            title = lex.before("person_titles", toks, i - 1)
            if title:  # "governor Vyacheslav Gladkov": the surname too
                return "rejected", f"a person (after '{title} {toks[i - 1].text}')"
        cands = self.gaz.by_key(key)
        places = [c[0] for c in cands]
        if i == j and len(key) < 3:
            return "rejected", f"too short to be a place name on its own: {surface}"
        if i == j and toks[i].text.isupper() and len(toks[i].text) <= 4:
            return "rejected", f"an acronym: {surface}"
        if i == j and (toks[i].lower in MONTHS or toks[i].lower in WEEKDAYS):
            return "rejected", f"a date word: {surface}"
        is_region_form = any(c[0].is_admin for c in cands) and " " in key
        prev = toks[i - 1] if i > 0 else None
        if (prev is not None and prev.capitalised and i == j and not is_region_form
                and (i - 1) not in matched and prev.lower not in lex.locative
                and not prev.lower.endswith(("ian", "ern", "ese", "ish"))
                and prev.lower not in lex.person_titles
                and i - 1 > 0 and not in_title(i)):
            return "rejected", f"part of a longer proper name: {prev.text} {surface}"
        if (nxt is not None and i == j and not is_region_form and nxt.capitalised
                and (j + 1) not in matched and nxt.lower not in lex.facility_words
                and text_gap_is_space(toks[j], nxt, text) and not in_title(i)):
            return "rejected", f"part of a longer proper name: {surface} {nxt.text}"
        if nxt is not None and nxt.lower in lex.actor_nouns and text_gap_is_space(toks[j], nxt, text):
            return "rejected", f"actor, not a location: {surface} {nxt.text}"
        # actors: capitals and countries standing for their governments
        symbolic = [p for p in places if p.feature_code in ("PPLC", "PCLI")]
        located = lex.before("locative", toks, i)
        if symbolic and not located:
            capital = any(p.feature_code == "PPLC" for p in symbolic)
            if capital and toks[j].possessive:
                follower = nxt.lower if nxt else ""
                if follower not in lex.possessive_place_words:
                    return "rejected", f"actor, not a location: {surface}'s {nxt.text if nxt else ''}".strip()
            after = lex.after("actor_after", toks, j)
            if after and not toks[j].possessive:
                return "rejected", f"actor, not a location: {surface} {after}"
            before = lex.before("actor_before", toks, i)
            if capital and before in ("by", "with", "against"):
                return "rejected", f"actor, not a location: {before} {surface}"
        # a frequent word ("School", "Tank", "All") needs a place cue before it, unless a
        # place is spelled exactly so and is no common word itself (Moscow, Kharkiv)
        if cands and (all(c[3] for c in cands) or (key in self.gaz.common_keys and not any(
                not c[3] and c[1].casefold() == surface.casefold() for c in cands))):
            cue = lex.before("locative", toks, i)
            if not cue:
                return "rejected", f"common word, no place cue before it: {surface}"
        return "place", ""

    @cached_property
    def _boilerplate_re(self) -> re.Pattern:
        return re.compile("|".join(re.escape(b) for b in self.lex.data["boilerplate"]))

    def recognize(self, text: str) -> Recognition:
        masked, mspans = mask(text)
        sents = split_sentences(masked)
        boiler = set()
        mentions: list[Mention] = []
        all_toks = tokenize(masked)
        # every token starts with a letter; lower-case text ("in kozinka") is read without caps
        need_caps = sum(t.capitalised for t in all_toks) >= 0.03 * max(1, len(all_toks))
        starts = [t.start for t in all_toks]
        fuzzy_keys: dict[str, str] = {}  # key -> "fuzzy match for X"
        for si, (s, e) in enumerate(sents):
            if self._boilerplate_re.match(masked[s:e].lstrip()[:60].lower()):
                boiler.add(si)
            toks = all_toks[bisect_left(starts, s):bisect_left(starts, e)]
            if not toks:
                continue
            spans = self._fuzzy(toks, masked, self._spans(toks, masked, need_caps), fuzzy_keys)
            if not spans:
                continue
            orgs = self._org_spans(toks)
            matched = {k for a, b, _ in spans for k in range(a, b + 1)}
            in_title = _TitleCase(toks, masked)
            for i, j, key in spans:
                role, reason = self._judge(toks, i, j, key, masked, orgs, matched, in_title)
                if role == "place" and si in boiler:
                    role, reason = "rejected", "in a sidebar or teaser, not the report"
                near = bool(self.lex.before("near", toks, i)) or (
                    j + 1 < len(toks) and toks[j + 1].lower in self.lex.near_after)
                if role == "place" and key in fuzzy_keys:
                    reason = fuzzy_keys[key]
                mentions.append(Mention(text=text[toks[i].start:toks[j].end], start=toks[i].start,
                                        end=toks[j].end, key=key, sentence=si, role=role,
                                        reason=reason, near=near))
        return Recognition(masked, tuple(sents), tuple(mentions), tuple(mspans), frozenset(boiler))
