"""Text: what a report's text is made of before any name is looked for — masks, sentences, words.

Part of the recognition stage, with no knowledge of places: links, @handles and tweet
signatures are blanked out (keeping every offset), the text is cut into sentences and long
texts into pieces, and the words become parallel tuples with the facts recognition asks of
each (folded key, lower case, capital, possessive). ``SENTENCE_END``, ``WORD_SPLIT`` and
``MASKS`` are the patterns that define these; the functions find the same, sentence ends and
masks in less time.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from itertools import accumulate, compress

from gazetteer import fold_token
from gazetteer.fold import TOKEN_RE, is_cyrillic

from .memo import Memo

# Each pattern starts with a literal so that re can skip ahead to it: with re.I, a leading
# look-behind or an alternation, re tries every offset (one link pattern for all four
# prefixes cost much more than these four: benchmarks/MEASURED.md).
_LINK_PREFIXES = (r"https?://", r"www\.", r"pic\.twitter\.com/", r"t\.me/")
_LINK_RES = [re.compile(p + r"\S+") for p in _LINK_PREFIXES]
_LINK_ANYCASE = re.compile(f"(?:{'|'.join(_LINK_PREFIXES)})\\S+", re.I)  # for HTTP:// or WWW.
MASKS = [
    ("tweet signature", re.compile(r"[—–-]\s*[^—–\n]{1,80}?\(@\w+\)(?:\s+\w+\s+\d{1,2},\s+\d{4})?")),
    ("handle", re.compile(r"@(?<!\w@)\w+")),
]
_NOT_NEWLINE = re.compile(r"[^\n]")


def _link_spans(text: str, shouting: bool) -> list[tuple[int, int]]:
    """Links, left to right and not overlapping, as one alternation of the prefixes finds them
    (www. inside https://www... is the same link); in any case if the text ``shouting`` has
    HTTP or WWW in capitals."""
    if shouting:
        return [m.span() for m in _LINK_ANYCASE.finditer(text)]
    out, end = [], -1
    for a, b in sorted(m.span() for rx in _LINK_RES for m in rx.finditer(text)):
        if a >= end:
            out.append((a, b))
            end = b
    return out


def _signature_start(text: str) -> int:
    """Where a tweet signature ("— Name (@handle) May 23, 2023") can start at the earliest, or
    -1 if there is none: its dash is at most 80 characters and a run of whitespace before the
    first "(@". The pattern's lazy scan from every dash of a long report is skipped up to there."""
    at = text.find("(@")
    if at < 0:
        return -1
    start = max(0, at - 81)
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return max(0, start - 1)


def mask(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Blank out links, @handles and tweet signatures, keeping every offset."""
    shouting = "HTTP" in text or "Http" in text or "WWW" in text  # links in any case then
    if "@" not in text and "/" not in text and "www." not in text and not shouting:
        return text, []  # most reports have neither links nor handles: skip the regex scans
    spans = [(a, b, "link") for a, b in _link_spans(text, shouting)]
    if "@" in text:
        for reason, rx in MASKS:
            start = 0
            if reason == "tweet signature":
                start = _signature_start(text)
                if start < 0:
                    continue
            spans += [(m.start(), m.end(), reason) for m in rx.finditer(text, start)]
    if not spans:
        return text, spans
    parts, pos = [], 0
    for a, b, _ in sorted(spans):
        if b <= pos:
            continue
        a = max(a, pos)
        parts.append(text[pos:a])
        blank = text[a:b]
        parts.append(_NOT_NEWLINE.sub(" ", blank) if "\n" in blank else " " * (b - a))
        pos = b
    parts.append(text[pos:])
    return "".join(parts), spans


SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"”»'’)]*\s+(?=[\"“«(\[]?[A-ZА-ЯЁІЇЄҐ0-9])|\n\s*\n+|\n(?=\s*[-•*#>\d])|(?<=[.!?:…])\s*\n"
)
# where SENTENCE_END can match: one character class first (an alternation here was slower)
_SENT_END_AT = re.compile(r"[.!?…:\n][.!?…:]*")

def segments(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` of at most about ``size`` characters, each ending at a
    blank line if there is one in its second half, else a line break, else a sentence end, else
    a space (a piece ends mid-word only in text with no space at all)."""
    out, a, n = [], 0, len(text)
    while n - a > size:
        lo, hi = a + size // 2, a + size
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            cut = text.rfind(sep, lo, hi)
            if cut >= 0:
                cut += len(sep)
                break
        cut = hi if cut < 0 else cut
        out.append((a, cut))
        a = cut
    out.append((a, n))
    return out


def load_abbreviations(data: dict | None = None) -> frozenset[str]:
    """``mapper/data/abbreviations.toml``: lower-case abbreviations without their last full stop."""
    if data is None:
        data = tomllib.loads((files("mapper") / "data" / "abbreviations.toml").read_text(encoding="utf-8"))
    words = data.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) and w and w == w.lower() and not w.endswith(".")
                                              and not any(c.isspace() for c in w) for w in words):
        raise ValueError("abbreviations.toml: words must be a list of lower-case abbreviations, one word "
                         "each, without their last full stop")
    return frozenset(words)


ABBREVIATIONS = load_abbreviations()
_OPENERS = "(«\"“„'"


def abbreviation_before(text: str, at: int) -> bool:
    """Does the full stop just before ``at`` end an abbreviation or a single letter ("с.",
    "В. Гладков") rather than a sentence? Not a letter after a number: "500 м." is metres."""
    if at > 8 and text[at - 9:at - 1].isalpha():
        return False  # a word of eight letters or more: longer than any abbreviation
    head = text[max(0, at - 14):at - 1]
    parts = head.rsplit(None, 1)
    if not parts or (len(parts) == 1 and at > 14):
        return False  # no word, or one longer than any abbreviation
    word = parts[-1].lstrip(_OPENERS).lower()
    if len(word) == 1:
        return word.isalpha() and not (len(parts) == 2 and parts[0][-1:].isdigit())
    return word in ABBREVIATIONS


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans. ``SENTENCE_END`` starts with a look-behind, so ``re`` would try it at
    every offset; it is tried only where a sentence can end instead, after punctuation or at a
    line break, which finds the same ends in a fraction of the time (benchmarks/MEASURED.md).
    A full stop after an abbreviation (``ABBREVIATIONS``) or a single letter ends no sentence
    unless a line break follows it."""
    out, pos, last = [], 0, -1
    match = SENTENCE_END.match
    for c in _SENT_END_AT.finditer(text):
        a, b = c.span()
        # a line break is a candidate where it is; a run of punctuation, right after it
        for at in ((a, b) if text[a] == "\n" and b > a + 1 else (a,) if text[a] == "\n" else (b,)):
            if at < pos or at == last:
                continue
            last = at
            m = match(text, at)
            if m is None:
                continue
            if text[at - 1] == "." and "\n" not in text[at:m.end()] and abbreviation_before(text, at):
                continue
            if text[pos:at].strip():
                out.append((pos, at))
            pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out


_POSSESSIVE_RE = re.compile(r"^(.*\w)['’ʼ]s$", re.I)



class Tokens:
    """The words of a report as parallel tuples, one entry per word, indexed by word number.

    Not one object per word: a 4 KB report has ~600 words, and building them one by one in a
    Python loop cost a third of recognition. Here the regex split, the offsets
    (``accumulate``) and the per-word facts (a dict of words already seen, transposed by
    ``zip``) are all C-level passes (benchmarks/MEASURED.md). No library tokenizer gives offsets and our folded
    keys together; spaCy's or NLTK's would cost more than the whole pipeline.
    """

    __slots__ = ("text", "words", "start", "end", "key", "possessive", "lower", "caps", "gaps")

    def __init__(self, text: str) -> None:
        parts = split_words(text)  # [gap, word, gap, word, ..., gap]
        offsets = list(accumulate(map(len, parts)))
        raw = parts[1::2]
        infos = list(map(_WORDS.get, raw))
        if None in infos:
            infos = [info or _word(w) for info, w in zip(infos, raw)]
        self.text = text
        self.gaps = parts[0::2]  # gaps[k]: the text between word k-1 and word k (the raw words)
        self.start = offsets[0:-1:2]
        if infos:
            self.words, self.key, self.possessive, self.lower, self.caps = zip(*infos)
        else:
            self.words = self.key = self.possessive = self.lower = self.caps = ()
        self.end = offsets[1::2]
        if True in self.possessive:  # "Moscow's" is the word "Moscow": its end moves back
            for k in compress(range(len(raw)), self.possessive):
                self.end[k] = self.start[k] + len(self.words[k])

    def __len__(self) -> int:
        return len(self.start)

    def spaced(self, k: int) -> bool:
        """Are words k and k+1 separated by nothing but spaces on one line?"""
        gap = self.gaps[k + 1]
        return bool(gap) and not self.possessive[k] and gap.isspace() and "\n" not in gap

    def phrase(self, i: int, j: int) -> str:
        return " ".join(self.words[i:j + 1])


WORD_SPLIT = re.compile(f"({TOKEN_RE.pattern})")


def split_words(text: str) -> list[str]:
    """[gap, word, gap, word, ..., gap]: the words as ``TOKEN_RE`` finds them."""
    return WORD_SPLIT.split(text)


_WORDS = Memo(500_000)  # word as written -> (text, key, possessive, lower, caps)


def _word(raw: str) -> tuple[str, str, bool, str, bool]:
    """What recognition needs to know of a word, worked out once per process: reports repeat
    their words, and a dict hit is ~20x cheaper than folding."""
    word, possessive = raw, False
    if ("'" in word or "’" in word or "ʼ" in word) and not is_cyrillic(word):
        pm = _POSSESSIVE_RE.match(word)
        if pm:
            word, possessive = pm.group(1), True
    info = (word, fold_token(word), possessive, word.lower(), word[:1].isupper())
    return _WORDS.put(raw, info)


def tokenize(text: str) -> Tokens:
    return Tokens(text)


