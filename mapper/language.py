"""Which language a report is in, from its script: enough to pick cue-word tables, no model.

Used by :attr:`records.Report.language`, so it depends on nothing of the pipeline.
"""

from __future__ import annotations

import string


def detect_language(text: str) -> str:
    """'uk', 'ru' or 'en' from the script: enough to pick cue-word tables, no model needed."""
    # Letters are counted on the UTF-8 bytes with bytes.translate, in C: a per-character loop
    # or regex findall was slower, and this runs serially in a batch's parent process.
    # U+0400..U+04FF are exactly the characters whose UTF-8 lead byte is D0..D3.
    sample = text[:4000].encode("utf-8", "replace")
    cyr = len(sample) - len(sample.translate(None, _CYR_LEAD))
    if cyr and cyr > len(sample) - len(sample.translate(None, _ASCII_LETTERS)):
        uk = sum(text.count(c, 0, 4000) for c in "іїєґІЇЄҐ")
        ru = sum(text.count(c, 0, 4000) for c in "ыэъёЫЭЪЁ")
        return "uk" if uk > ru else "ru"
    return "en"


# One folding for every cue table and the text it is matched on: lower case, ё as е, and every
# apostrophe as ' («прилётов» meets the cue «прилет», «б’ють» the form «б'ють»). One character
# for one, so offsets into the folded text are offsets into the text.
_CUE_FOLD = (("ё", "е"), ("Ё", "Е"), ("’", "'"), ("ʼ", "'"), ("‘", "'"), ("`", "'"))


def fold_letters(text: str) -> str:
    """``text`` with ё as е and every apostrophe as ', its case kept (for phrases matched in
    capitals: acronyms)."""
    for a, b in _CUE_FOLD:  # str.replace where the letter occurs: translate() was 3x slower
        if a in text:
            text = text.replace(a, b)
    return text


def fold_cues(text: str) -> str:
    """``text`` lower-cased and folded as cue tables are (ё→е, apostrophes as ')."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): keep offsets
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return fold_letters(low)


_CYR_LEAD = bytes(range(0xD0, 0xD4))
_ASCII_LETTERS = string.ascii_letters.encode()


class PhraseMatcher:
    """The whole-word phrases of a word table found in a folded text in one pass (an
    Aho-Corasick automaton, in C), leftmost-longest and without overlaps, as a regex
    alternation ``(?<!\\w)(?:a|b|...)(?!\\w)`` finds them, at a fraction of its cost: the
    alternation tries every phrase at every position of every sentence."""

    def __init__(self, phrases: dict[str, object]) -> None:
        import ahocorasick

        self._auto = ahocorasick.Automaton()
        for phrase, value in phrases.items():
            self._auto.add_word(phrase, (len(phrase), value))
        if phrases:
            self._auto.make_automaton()
        self._empty = not phrases

    def find(self, text: str) -> list[tuple[int, int, object]]:
        """(start, end, value) of each phrase in ``text``, in order."""
        if self._empty:
            return []
        hits = []
        last = len(text) - 1
        for end, (n, value) in self._auto.iter(text):
            start = end - n + 1
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if end < last and (text[end + 1].isalnum() or text[end + 1] == "_"):
                continue
            hits.append((start, end + 1, value))
        if len(hits) < 2:
            return hits
        hits.sort(key=lambda h: (h[0], -h[1]))
        out, reach = [], -1
        for h in hits:
            if h[0] >= reach:
                out.append(h)
                reach = h[1]
        return out
