"""Lexicon: the word lists recognition judges spans by, loaded and checked from data files.

``mapper/data/lexicon.toml`` (titles, cues, organisations, boilerplate ... as sets and
phrases) and ``mapper/data/coordination.toml`` (head nouns a list of adjectives shares).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files

from gazetteer import fold_token
from gazetteer.fold import is_cyrillic

from .text import Tokens


TABLES = (
    "locative", "fuzzy_cues", "near", "near_after", "person_titles", "officials", "not_places",
    "water_before", "water_after", "given_names", "org_suffixes", "org_names", "actor_after",
    "actor_nouns", "actor_before", "title_small_words", "possessive_place_words", "boilerplate",
    "facility_words", "settlement_nouns", "venue_before", "axis_after",
)


class Lexicon:
    """The word lists of ``mapper/data/lexicon.toml``: each table (one of ``TABLES``, all
    required, no others) as a set of its single words (``lex.near``) and a list of its phrases
    as word tuples (``lex.near_phrases``). A table of the wrong shape is an error at load,
    not a silent miss later."""

    locative: set[str]
    near: set[str]
    near_after: set[str]
    person_titles: set[str]
    officials: set[str]
    not_places: set[str]
    water_before: set[str]
    water_after: set[str]
    given_names: set[str]
    org_suffixes: set[str]
    actor_nouns: set[str]
    title_small_words: set[str]
    possessive_place_words: set[str]
    facility_words: set[str]
    settlement_nouns: set[str]

    def __init__(self, data: dict | None = None) -> None:
        if data is None:
            data = tomllib.loads((files("mapper") / "data" / "lexicon.toml").read_text(encoding="utf-8"))
        missing, unknown = [t for t in TABLES if t not in data], [k for k in data if k not in TABLES]
        if missing or unknown:
            raise ValueError(f"lexicon.toml: missing tables {missing}, unknown tables {unknown}")
        for name in TABLES:
            if not isinstance(data[name], list) or not all(isinstance(w, str) and w.strip() for w in data[name]):
                raise ValueError(f"lexicon.toml: {name} must be a list of words or phrases")
        self.data = data
        self._by_last: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        # the last word of every entry: a set test rules out most tokens before a full match
        self.last_words: dict[str, frozenset[str]] = {}
        for name in TABLES:
            words = data[name]
            single = {w for w in words if " " not in w}
            phrases = [tuple(w.split()) for w in words if " " in w]
            setattr(self, name, single)  # (the tables are the annotations above)
            setattr(self, name + "_phrases", phrases)
            by_last: dict[str, list[tuple[str, ...]]] = {}
            for ph in phrases:
                by_last.setdefault(ph[-1], []).append(ph)
            self._by_last[name] = by_last
            self.last_words[name] = frozenset(single | set(by_last))

    def before(self, table: str, tk: Tokens, i: int, lo: int) -> str | None:
        """The entry of ``table`` that ends right before word ``i`` (one word or a phrase),
        within the sentence that starts at word ``lo``."""
        if i <= lo:
            return None
        lower = tk.lower
        last = lower[i - 1]
        if last not in self.last_words[table]:
            return None
        for ph in self._by_last[table].get(last, ()):
            n = len(ph)
            if i - n >= lo and all(lower[i - n + k] == ph[k] for k in range(n - 1)):
                return " ".join(ph)
        return last if last in getattr(self, table) else None

    def after(self, table: str, tk: Tokens, j: int, hi: int) -> str | None:
        """The entry of ``table`` that starts right after word ``j``, before word ``hi``."""
        if j + 1 < hi and tk.lower[j + 1] in getattr(self, table):
            return tk.lower[j + 1]
        for ph in getattr(self, table + "_phrases"):
            n = len(ph)
            if tk.lower[j + 1:min(j + 1 + n, hi)] == ph:
                return " ".join(ph)
        return None


def _fold_head(head: str) -> str:
    """A colloquial head («ська область») folded as the name keys are: its ending as the end of
    a word («ська» -> «ска»: soft signs go), its noun as a word."""
    ending, _, noun = head.partition(" ")
    letter = "ж" if is_cyrillic(ending) else "b"
    return fold_token(letter + ending)[1:] + " " + fold_token(noun)


@dataclass(frozen=True)
class Coordination:
    """``mapper/data/coordination.toml``: head nouns a list of adjectives can share, each form
    of one mapped to the folded singular forms to pair with every adjective of the list."""

    heads: dict[str, tuple[str, ...]]
    conjunctions: frozenset[str]
    modifiers: frozenset[str]
    community_nouns: tuple[str, ...]  # the folded singular forms of "hromada" heads
    community_forms: frozenset[str]  # their forms: a report using one speaks of hromadas
    links: frozenset[str]  # words after a head noun that a list follows ("communities of ...")
    # colloquial region names («Харківщина»): the folded endings, the folded heads a stem is
    # tried with («ска област»), and other spellings of a stem (і as е)
    colloquial_suffixes: tuple[str, ...] = ()
    colloquial_heads: tuple[str, ...] = ()
    stem_spellings: tuple[tuple[str, str], ...] = ()

    def colloquial_keys(self, key: str) -> list[str]:
        """The name keys a folded word may stand for as a colloquial region name, in the order
        to try them: «харківщині» -> «харківска област», «харківский район», ... (none if the
        word has no such ending). A few set probes of the word's last letters: most words of a
        report are tried, and few end so."""
        for n in self._suffix_lengths:
            if len(key) > n + 1 and key[-n:] in self._suffix_set:
                stem = key[:-n]
                stems = [stem] + [stem.replace(a, b) for a, b in self.stem_spellings if a in stem]
                cyr = is_cyrillic(key)
                return [s + head for head in self.colloquial_heads if is_cyrillic(head) == cyr for s in stems]
        return []

    @cached_property
    def _suffix_set(self) -> frozenset[str]:
        return frozenset(self.colloquial_suffixes)

    @cached_property
    def _suffix_lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(x) for x in self.colloquial_suffixes}, reverse=True))

    @classmethod
    def load(cls, data: dict | None = None) -> "Coordination":
        if data is None:
            data = tomllib.loads((files("mapper") / "data" / "coordination.toml").read_text(encoding="utf-8"))
        heads: dict[str, tuple[str, ...]] = {}
        community_nouns: dict[str, None] = {}
        community_forms: set[str] = set()
        try:
            for h in data["head"]:
                singular = tuple(dict.fromkeys(fold_token(w) for w in h["singular"]))
                for f in h["forms"]:
                    if not isinstance(f, str) or " " in f:
                        raise ValueError(f"head noun form {f!r}: one lower-case word")
                    heads[f.lower()] = tuple(dict.fromkeys(heads.get(f.lower(), ()) + singular))
                if h.get("community", False) is True:
                    community_nouns.update(dict.fromkeys(singular))
                    community_forms.update(f.lower() for f in h["forms"])
            col = data["colloquial"]
            suffixes = tuple(sorted({fold_token(x) for x in col["suffixes"]}, key=lambda x: (-len(x), x)))
            col_heads = tuple(dict.fromkeys(_fold_head(h) for h in col["heads"]))
            spellings = tuple((str(a), str(b)) for a, b in col["stem_spellings"])
            return cls(heads, frozenset(map(str.lower, data["conjunctions"])), frozenset(map(str.lower, data["modifiers"])),
                       tuple(community_nouns), frozenset(community_forms), frozenset(data["links"]),
                       suffixes, col_heads, spellings)
        except (KeyError, TypeError, AttributeError) as e:
            raise ValueError(f"coordination.toml: bad shape ({e})") from None
