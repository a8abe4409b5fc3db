"""What recognition knows of the words around a span, and what it does with all the spans of a
report at the end: Title Case runs (is a capitalised word part of a name or of a headline?),
datelines ("KYIV (Reuters) —"), a person's name that is a person everywhere in the report, and
the cap on the places one sentence may give.

Apart from :mod:`mapper.recognize` because none of it needs the recognizer's caches: each works
on the words (:class:`mapper.text.Tokens`) or on the mentions alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .records import Mention, Role
from .text import Tokens

# what may stand between two words of one name: spaces, hyphens, an apostrophe
GAP_OK_RE = re.compile(r"^[ \t\u00a0\-‐‑–'’]*$")


class TitleCase:
    """Is word i inside a Title Case run of four or more capitalised words ("Belgorod Incursion
    Appears to be Over"), or in a sentence that is a headline? Then it is a headline's word, not
    part of a person's or firm's name. A run is a line's stretch of capitalised words and small
    words ("to", "of"), from its first capitalised word on. Worked out only if a rule asks, and
    only around word i: a scan of the whole sentence cost more than judging the span."""

    def __init__(self, tk: Tokens, lo: int, hi: int, small_words: frozenset[str] | set[str]) -> None:
        self.tk, self.lo, self.hi, self.all_title = tk, lo, hi, None
        self.small = small_words  # the lexicon's title_small_words ("to", "of")
        self._runs: dict[int, tuple[int, int]] = {}  # word -> the bounds of its run, once per run
        self._caps_in: dict[tuple[int, int], tuple[int, int]] = {}  # a run -> (its capitals, the first)
        self._headline: dict[tuple[int, int], bool] = {}  # a run -> is it a headline's

    def _runnable(self, k: int) -> bool:
        return self.tk.caps[k] or self.tk.lower[k] in self.small

    def __call__(self, i: int) -> bool:
        tk, lo, hi = self.tk, self.lo, self.hi
        if self.all_title is None:
            long_caps = [c for w, c in zip(tk.words[lo:hi], tk.caps[lo:hi]) if len(w) >= 4]
            self.all_title = len(long_caps) >= 6 and sum(long_caps) >= 0.6 * len(long_caps)
        if self.all_title:
            return True
        if not self._runnable(i):
            return False
        a, b = self._bounds(i)
        got = self._caps_in.get((a, b))
        if got is None:
            caps = tk.caps
            got = self._caps_in[(a, b)] = (sum(caps[a:b + 1]), caps.index(True, a, b + 1) if True in caps[a:b + 1] else b + 1)
        return got[0] >= 4 and i >= got[1]

    def _bounds(self, i: int) -> tuple[int, int]:
        """The run of word i, walked once: every word of it is given its bounds, so a line of
        thousands of names is walked once, not once a name."""
        got = self._runs.get(i)
        if got is not None:
            return got
        tk, lo, hi = self.tk, self.lo, self.hi
        gaps, a, b = tk.gaps, i, i
        while a > lo and "\n" not in gaps[a] and self._runnable(a - 1):
            a -= 1
        while b + 1 < hi and "\n" not in gaps[b + 1] and self._runnable(b + 1):
            b += 1
        for k in range(a, b + 1):
            self._runs[k] = (a, b)
        return a, b

    def headline(self, i: int, names: set[int]) -> bool:
        """Is word i in a headline: a Title Case run with at least three capitalised words that
        are no place names ("Belgorod Incursion Appears to be Over"), not a list of places
        («Обстріляли Липці, Вовчанськ, Куп'янськ»)?"""
        a, b = self._bounds(i)  # (word i is capitalised: it names a place)
        got = self._headline.get((a, b))
        if got is None:  # (``names`` is the sentence's, the same for every word asked about)
            tk = self.tk
            got = self._headline[(a, b)] = sum(1 for k in range(a, b + 1)
                                               if tk.caps[k] and k not in names and len(tk.words[k]) >= 3) >= 3
        return got


# after a line's first place: ", Ukraine (AP) —", " (Reuters) -", or in capitals " —"
_DATELINE_AFTER = re.compile(r"(?:\s*,\s*[^\W\d_][\w .]{0,30})?\s*(?:\([^\W\d_][\w .&/-]{0,30}\)\s*[—–-]|[—–-]\s)")


def dateline(tk: Tokens, i: int, j: int) -> bool:
    """Are words i..j a dateline ("KYIV (Reuters) —", "KHARKIV, Ukraine (AP) —"): a place
    opening a line, then an agency in brackets and a dash (or, in capitals, a dash alone)?"""
    if i and "\n" not in tk.gaps[i]:
        return False
    m = _DATELINE_AFTER.match(tk.text, tk.end[j], tk.end[j] + 60)
    return m is not None and ("(" in m.group(0) or tk.words[i].isupper())


def people_everywhere(mentions: list[Mention]) -> list[Mention]:
    """A name the report shows to be a person's (after a title, a given name, an official's
    surname) is that person wherever else the report uses it: "Governor Chaus said ... Chaus
    added" (a village Chaus exists)."""
    people = {m.key: m.reason for m in mentions if m.role == Role.REJECTED and " " not in m.key
              and (m.reason.startswith("a person") or m.reason.startswith("an official"))}
    if not people:
        return mentions
    return [replace(m, role=Role.REJECTED, reason=f"a person named so elsewhere in the report ({people[m.key]})")
            if m.role == Role.PLACE and m.key in people else m for m in mentions]


def capped(mentions: list[Mention], cap: int, seen: dict[int, int]) -> tuple[list[Mention], int]:
    """``mentions`` with at most ``cap`` places kept per sentence (``seen``: how many each
    sentence has kept so far), and how many were dropped: a line of 16,000 names (a dump, an
    attack on the reader) gives 200 places and a count, not 16,000 incidents to resolve, write
    and draw."""
    out = []
    dropped = 0
    for m in mentions:
        if m.role == Role.PLACE:
            n = seen[m.sentence] = seen.get(m.sentence, 0) + 1
            if n > cap:
                dropped += 1
                continue
        out.append(m)
    return out, dropped


def list_items(tk: Tokens, lo: int, hi: int, h: int, coord) -> list[tuple[int, int]]:
    """The word spans (first, last) of the capitalised items a head noun at ``h`` governs, in a
    list before it ("Valuysky, Grayvoronsky and Shebekinsky districts") or after it ("the
    communities of Esman, Khotin and Krasnopil"); a hyphenated item (Середино-Будська) is one.
    ``coord``: the coordination lexicon (its modifiers, conjunctions and links)."""
    lower, caps, gaps = tk.lower, tk.caps, tk.gaps
    k = h - 1
    while k > lo and lower[k] in coord.modifiers:
        k -= 1
    items: list[tuple[int, int]] = []
    while k >= lo and caps[k]:
        a = k
        while a - 1 >= lo and caps[a - 1] and gaps[a].strip() in ("-", "‐", "‑") and not gaps[a].isspace():
            a -= 1  # Середино-Будська
        items.append((a, k))
        if a - 2 >= lo and lower[a - 1] in coord.conjunctions and caps[a - 2] and "," not in gaps[a]:
            k = a - 2
        elif a - 1 >= lo and gaps[a].strip() == "," and caps[a - 1]:
            k = a - 1
        else:
            break
    if h + 2 < hi and lower[h + 1] in coord.links:  # "the communities of Esman, Khotin and Krasnopil"
        k = h + 2
        while k < hi and caps[k]:
            b = k
            while b + 1 < hi and caps[b + 1] and gaps[b + 1].strip() in ("-", "‐", "‑") and not gaps[b + 1].isspace():
                b += 1
            items.append((k, b))
            if b + 2 < hi and lower[b + 1] in coord.conjunctions and caps[b + 2]:
                k = b + 2
            elif b + 1 < hi and gaps[b + 1].strip() in (",", ", and", ",and") and caps[b + 1]:
                k = b + 1
            else:
                break
    return items


__all__ = ["GAP_OK_RE", "TitleCase", "capped", "dateline", "list_items", "people_everywhere"]
