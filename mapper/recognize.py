"""Recognise: find the spans of a report that name places, and say why others are not places.

Second stage. The report is masked and split into sentences and words (:mod:`mapper.text`);
runs of the words' folded keys are probed against the gazetteer, longest first. Each span is
then accepted or rejected with a reason: organisation names (Kyiv Post), people (governor
Gladkov), actors (Moscow's official line), common words that are also village names.

The module is longer than the others because it is one class: the matching and the ~20 rules
that judge a span share the recognizer's caches (probes, key facts, misspellings) and its
lexicon; split into modules, each rule would take them all as arguments. What needs none of
them (Title Case runs, datelines, list items, the per-sentence cap) is :mod:`mapper.spans`.

Probing walks the key prefixes of capitalised words against the gazetteer's B-tree (or an
in-memory key set once a process has probed enough). On a 4 KB report that is ~200 probes,
much cheaper than loading an Aho-Corasick automaton of every name for one report
(benchmarks/MEASURED.md).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cached_property
from itertools import compress
from typing import NamedTuple

from gazetteer import Gazetteer, fold_token
from gazetteer.fold import is_cyrillic

from .dates import MONTHS, WEEKDAYS
from .lexicon import Coordination, Lexicon
from .memo import Memo
from .records import Mention, Recognition, Role
from .spans import GAP_OK_RE, TitleCase, capped, dateline, list_items, people_everywhere
from .text import Tokens, mask, segments, split_sentences, tokenize
from .theatre import FRONT_PRIOR, FUZZY_SCOPE, theatre_prior

class _KeyFacts(NamedTuple):
    region_form: bool  # an admin region's name of two or more words ("Belgorod region")
    symbolic: bool  # a capital or a country: may stand for its government
    capital: bool
    all_common: bool  # every place so named is spelled like a common word
    common_key: bool  # the key is a frequent word in some language
    plain_spellings: frozenset[str]  # casefolded spellings that are no common word


# English adjectives of nationality and direction end so ("Russian", "Chinese", "Polish",
# "Eastern"); Slavic place names do not
_NATIONALITY_ENDINGS = ("ian", "ern", "ese", "ish")


class Recognizer:
    """Finds place-name spans with the names of one gazetteer.

    Probes go to the gazetteer's SQLite index (cached), which is what one report
    wants. ``preload=True`` loads every key into memory instead, which pays only when
    a process meets tens of thousands of distinct words; ``preload="auto"`` (batches) starts
    with the index and loads the keys once it has made ``AUTO_PRELOAD_AFTER`` probes, so a
    4,000-report batch never pays the load and a million-report one pays it once.
    """

    MAX_TOKENS = 6
    AUTO_PRELOAD_AFTER = 50_000  # about half what the load costs, in probes (benchmarks/MEASURED.md)

    def __init__(self, gazetteer: Gazetteer, *, lexicon: Lexicon | None = None,
                 preload: bool | str = False) -> None:
        self.gaz = gazetteer
        self.lex = lexicon or Lexicon()
        self._keys: frozenset[str] | None = None
        self._prefixes: frozenset[str] | None = None
        self._probe_cache: Memo = Memo(200_000)  # key -> (a name key?, a prefix of one?)
        self._fuzzy_cache: Memo = Memo(100_000)  # phrase -> (key, reason) of its misspelling, or None
        self._facts: Memo = Memo(200_000)  # key -> _KeyFacts
        self._auto = preload == "auto"
        self._probes = 0
        if preload is True:
            self.preload()

    @property
    def preloaded(self) -> bool:
        """Are the gazetteer's name keys in memory (else each is probed in its index)?"""
        return self._keys is not None

    def preload(self) -> None:
        keys = frozenset(self.gaz.keys())
        prefixes = set()
        for k in keys:
            parts = k.split(" ")
            for n in range(1, len(parts)):
                prefixes.add(" ".join(parts[:n]))
        self._keys, self._prefixes = keys, frozenset(prefixes)

    def probe(self, key: str) -> tuple[bool, bool]:
        """(is a name key, is the prefix of a longer name key), remembered for the process."""
        hit = self._probe_cache.get(key)
        if hit is not None:
            return hit
        if self._keys is not None:
            hit = (key in self._keys, key in self._prefixes)  # type: ignore[operator]
        else:
            hit = self.gaz.probe(key)
            self._probes += 1
            if self._auto and self._probes >= self.AUTO_PRELOAD_AFTER:
                self._auto = False
                self.preload()
        return self._probe_cache.put(key, hit)

    # -- matching ---------------------------------------------------------------------------
    def _spans(self, tk: Tokens, heads, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Name spans (i, j, key) among words lo..hi-1, probing from each of ``heads``."""
        found = []
        keys, possessive, gaps, probe = tk.key, tk.possessive, tk.gaps, self.probe
        known = self._probe_cache.get
        longest = self.MAX_TOKENS
        for i in heads:
            key, j = keys[i], i
            while True:
                is_key, is_prefix = known(key) or probe(key)
                if is_key:
                    found.append((i, j, key))
                if not is_prefix or j + 1 >= hi or j - i + 1 >= longest:
                    break
                if possessive[j] or not GAP_OK_RE.match(gaps[j + 1]):
                    break
                j += 1
                key = f"{key} {keys[j]}"
        if len(found) < 2:
            return found
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

    def _colloquial(self, tk: Tokens, heads, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """``spans`` with every colloquial region name among the words ``heads`` as its region
        («на Харківщині» is Kharkiv Oblast, «Краснопільщина» the Krasnopillia hromada), in place
        of a same-named village or a part of a longer span."""
        coord = self.coordination
        for i in heads:
            for key in coord.colloquial_keys(tk.key[i]):
                if self.probe(key)[0]:
                    spans = sorted([s for s in spans if s[1] < i or s[0] > i] + [(i, i, key)])
                    break
        return spans

    def _bare_adjectives(self, tk: Tokens, lo: int, hi: int, spans: list[tuple[int, int, str]],
                         covered: dict[int, tuple[int, int]]) -> list[tuple[int, int, str]]:
        """In a report about hromadas, a hromada's adjective standing alone is the hromada: the
        Sumy bulletins' «Юнаківська: пуск КАБів», bullet lists of «Хотінська», «Білопільська»."""
        out = list(spans)
        caps = tk.caps
        for k in range(lo, hi):
            if not caps[k] or k in covered or not is_cyrillic(tk.words[k]):
                continue
            a = k
            while a - 1 >= lo and caps[a - 1] and tk.gaps[a].strip() in ("-", "‐", "‑") and a - 1 not in covered:
                a -= 1  # Середино-Будська
            out = self._with_head(tk, a, k, self.coordination.community_nouns, out)
        return sorted(out)

    def _with_head(self, tk: Tokens, a: int, b: int, nouns: tuple[str, ...],
                   spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """``spans`` with words a..b as one span, if they and one of the head ``nouns`` (folded)
        name a place: the first noun that does (the adjective's own case picks it)."""
        prefix = " ".join(tk.key[a:b + 1])
        for noun in nouns:
            key = f"{prefix} {noun}"
            if self.probe(key)[0]:
                return [s for s in spans if s[1] < a or s[0] > b] + [(a, b, key)]
        return spans

    def _coordinated(self, tk: Tokens, lo: int, hi: int, spans: list[tuple[int, int, str]], heads: list[int], *,
                     bare: bool = False) -> list[tuple[int, int, str]]:
        """Adjectives that share a head noun («Хотінська, Юнаківська та Краснопільська громади»,
        "Valuysky, Grayvoronsky and Shebekinsky urban districts"): each adjective of the list is
        probed as adjective + the head's singular forms, and a name found so is the adjective's
        span. A hyphenated adjective (Середино-Будська) is one item."""
        coord, lower = self.coordination, tk.lower
        covered = {k: (a, b) for a, b, _ in spans for k in range(a, b + 1)}
        out = list(spans)
        if bare:
            out = self._bare_adjectives(tk, lo, hi, out, covered)
            covered = {k: (a, b) for a, b, _ in out for k in range(a, b + 1)}
        if not heads:
            return out
        for h in heads:
            if h in covered:
                continue  # the head is part of a name ("Khotin, Sumy Oblast"): no list shares it
            items = list_items(tk, lo, hi, h, coord)
            for a, b in items:
                if a in covered and covered[a][1] > b:
                    continue  # part of a longer name already ("Краснопільська громада")
                out = self._with_head(tk, a, b, coord.heads[lower[h]], out)
        return sorted(out)

    @cached_property
    def _water_words(self) -> frozenset[str]:
        return frozenset(self.lex.water_before) | frozenset(self.lex.water_after)

    @cached_property
    def coordination(self) -> Coordination:
        return Coordination.load()

    FUZZY_MIN_SCORE = 0.8
    FUZZY_CUTOFF = 85.0  # rapidfuzz ratio: "Popsana" is 86 from Popasna
    FUZZY_MARGIN = 0.1  # a spelling this much less close than the best is still weighed by where it is

    def _fuzzy(self, tk: Tokens, heads, lo: int, hi: int, spans: list[tuple[int, int, str]],
               reasons: dict[str, str]) -> list[tuple[int, int, str]]:
        """Misspelt names after a place cue ("in Popasana", "village of Malaya Rohan"): the
        longest run of 1-3 capitalised words that fuzzily matches a name replaces shorter exact
        matches inside it. Only after a cue, so ordinary capitalised words are not guessed at."""
        cue_ends = self.lex.last_words["fuzzy_cues"]
        caps, lower = tk.caps, tk.lower
        cued = [i for i in heads if i > lo and caps[i] and lower[i - 1] in cue_ends]
        if not cued:
            return spans
        covered = {k: (a, b) for a, b, _ in spans for k in range(a, b + 1)}
        out = list(spans)
        for i in cued:
            if i in covered and covered[i][1] > i:
                continue  # already part of a multi-word name
            if not self.lex.before("fuzzy_cues", tk, i, lo):
                continue
            for n in (3, 2, 1):
                j = i + n - 1
                if j >= hi or not all(caps[k] for k in range(i, j + 1)):
                    continue
                if not all(tk.spaced(k) for k in range(i, j)):
                    continue
                if n == 1 and i in covered:
                    break
                phrase = tk.phrase(i, j)
                if len(phrase) < 5 or (n == 1 and lower[i].endswith(_NATIONALITY_ENDINGS)):
                    continue  # "in Russian attacks": an adjective of nationality is no misspelt village
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

        # only names that could be accepted are searched: a misspelling far away is no answer.
        # A spelling nearly as close as the best, of a place in a border or front oblast, wins
        # over one elsewhere: "Nyrkovo on the Popasna front" is Nyrkove (Luhansk), not Nyrkiv
        # (Ternopil)
        cands = self.gaz.lookup(phrase, limit=5, fuzzy_cutoff=self.FUZZY_CUTOFF, fuzzy_scope=FUZZY_SCOPE)
        hit = None
        if cands and cands[0].match == "fuzzy" and cands[0].score >= self.FUZZY_MIN_SCORE * 0.9:
            best = cands[0]
            if theatre_prior(best.place) < FRONT_PRIOR:
                best = next((c for c in cands if c.match == "fuzzy" and theatre_prior(c.place) >= FRONT_PRIOR
                             and c.score >= best.score - self.FUZZY_MARGIN), best)
            hit = (fold_name(best.matched_name), best.matched_name)
        self._fuzzy_cache.put(phrase, hit)
        return hit

    @cached_property
    def _org_index(self) -> dict[str, list[tuple[str, ...]]]:
        idx: dict[str, list[tuple[str, ...]]] = {}
        for w in self.lex.data["org_names"]:
            ph = tuple(w.split())
            idx.setdefault(ph[0], []).append(ph)
        return idx

    def _org_at(self, tk: Tokens, lo: int, hi: int, i: int, j: int) -> str | None:
        """The organisation or media name (Kyiv Post, Ria Novosti) of the sentence lo..hi-1 that
        overlaps words i..j, if any: only the few words where such a name could start are
        looked at, not the whole sentence."""
        index, lower = self._org_index, tk.lower
        for st in range(max(lo, i - self._org_longest + 1), j + 1):
            for ph in index.get(lower[st], ()):
                n = len(ph)
                if st + n > i and st + n <= hi and lower[st:st + n] == ph:
                    return tk.phrase(st, st + n - 1)
        return None

    @cached_property
    def _given_keys(self) -> frozenset[str]:
        return frozenset(fold_token(w) for w in self.lex.given_names)

    @cached_property
    def _org_longest(self) -> int:
        return max((len(ph) for phs in self._org_index.values() for ph in phs), default=1)

    def _key_facts(self, key: str) -> "_KeyFacts":
        """What judging needs to know of the places named ``key``, once per key and process."""
        hits = self.gaz.by_key(key)
        codes = {h.place.feature_code for h in hits}
        facts = _KeyFacts(
            region_form=" " in key and any(h.place.is_admin for h in hits),
            symbolic=bool(codes & {"PPLC", "PCLI"}), capital="PPLC" in codes,
            all_common=bool(hits) and all(h.common for h in hits),
            common_key=bool(hits) and key in self.gaz.common_keys,
            plain_spellings=frozenset(h.variant.casefold() for h in hits if not h.common))
        return self._facts.put(key, facts)

    def _judge(self, tk: Tokens, lo: int, hi: int, i: int, j: int, key: str,
               matched: set[int], in_title, water_words: bool = True) -> tuple[str, str]:
        """('place'|'rejected', reason) for the span of words i..j of the sentence lo..hi-1."""
        lex = self.lex
        words, lower, caps = tk.words, tk.lower, tk.caps
        surface = tk.phrase(i, j)
        name = self._org_at(tk, lo, hi, i, j)
        if name:
            return Role.REJECTED, f"organisation or media name: {name}"
        if i == lo and dateline(tk, i, j):
            return Role.REJECTED, f"a dateline, where the report was written: {surface}"
        venue = lex.before("venue_before", tk, i, lo)
        if venue:
            return Role.REJECTED, f"a venue ({venue}), not where anything happened"
        if i == j and lower[i] in lex.officials:
            return Role.REJECTED, f"an official's surname: {surface}"
        if i == j and lower[i] in lex.not_places:
            return Role.REJECTED, f"a weapon, medium or unit, not a place: {surface}"
        if water_words:  # (the piece has a word for water: most have none)
            end = j  # "the Siverskyi Donets River": the river's name runs to the word "River"
            while end + 1 < hi and caps[end + 1] and tk.spaced(end) and lower[end + 1] not in lex.water_after:
                end += 1
            water = lex.before("water_before", tk, i, lo) or lex.after("water_after", tk, end, hi)
            if water:
                return Role.REJECTED, f"a river or water body ({water}): it names a line, not a place"
        nxt = j + 1 if j + 1 < hi else None
        if nxt is not None and caps[nxt] and lower[nxt] in lex.org_suffixes and not tk.possessive[j]:
            return Role.REJECTED, f"part of an organisation name: {surface} {words[nxt]}"
        title = lex.before("person_titles", tk, i, lo)
        if title:
            return Role.REJECTED, f"a person (after '{title}')"
        if i - lo >= 2 and caps[i - 1] and tk.spaced(i - 1):
            title = lex.before("person_titles", tk, i - 1, lo)
            if title:  # "governor Vyacheslav Gladkov": the surname too
                return Role.REJECTED, f"a person (after '{title} {words[i - 1]}')"
        given = self._given_keys
        if i > lo and caps[i - 1] and tk.key[i - 1] in given and tk.spaced(i - 1):
            return Role.REJECTED, f"a person (after the given name '{words[i - 1]}')"
        if i == j and tk.key[i] in given and nxt is not None and caps[nxt] and tk.spaced(j):
            return Role.REJECTED, f"a person's given name: {surface} {words[nxt]}"
        facts = self._facts.get(key) or self._key_facts(key)
        if i == j and len(key) < 3:
            return Role.REJECTED, f"too short to be a place name on its own: {surface}"
        if i == j and words[i].isupper() and len(words[i]) <= 4:
            return Role.REJECTED, f"an acronym: {surface}"
        if i == j and (lower[i] in MONTHS or lower[i] in WEEKDAYS) and not lex.before("settlement_nouns", tk, i, lo):
            return Role.REJECTED, f"a date word: {surface}"
        is_region_form = facts.region_form
        prev = i - 1 if i > lo else None
        if (prev is not None and caps[prev] and i == j and not is_region_form
                and prev not in matched and lower[prev] not in lex.locative
                and not lower[prev].endswith(_NATIONALITY_ENDINGS)
                and lower[prev] not in lex.person_titles
                and lower[prev] not in lex.not_places  # «дронами БпЛА Харків»: a weapon, then the place
                and sum(map(str.isupper, words[prev])) < 2  # an acronym (БпЛА, ЗСУ, FPV) names no place
                and prev > lo and not in_title(i)):
            return Role.REJECTED, f"part of a longer proper name: {words[prev]} {surface}"
        if (nxt is not None and i == j and not is_region_form and caps[nxt]
                and nxt not in matched and lower[nxt] not in lex.facility_words
                and tk.spaced(j) and not in_title(i)):
            return Role.REJECTED, f"part of a longer proper name: {surface} {words[nxt]}"
        located = lex.before("locative", tk, i, lo)
        if nxt is not None and lower[nxt] in lex.actor_nouns and tk.spaced(j) \
                and not (located and is_cyrillic(surface)):
            return Role.REJECTED, f"actor, not a location: {surface} {words[nxt]}"
        # actors: capitals and countries standing for their governments
        if facts.symbolic and not located:
            capital = facts.capital
            if capital and tk.possessive[j]:
                follower = lower[nxt] if nxt is not None else ""
                if follower not in lex.possessive_place_words:
                    return Role.REJECTED, f"actor, not a location: {surface}'s {words[nxt] if nxt is not None else ''}".strip()
            after = lex.after("actor_after", tk, j, hi)
            if after and not tk.possessive[j]:
                return Role.REJECTED, f"actor, not a location: {surface} {after}"
            before = lex.before("actor_before", tk, i, lo)
            if capital and before in ("by", "with", "against"):
                return Role.REJECTED, f"actor, not a location: {before} {surface}"
        # a frequent word ("School", "Tank", "All") needs a place cue before it, unless a
        # place is spelled exactly so and is no common word itself (Moscow, Kharkiv)
        if facts.all_common or (facts.common_key and surface.casefold() not in facts.plain_spellings):
            if not located:
                return Role.REJECTED, f"common word, no place cue before it: {surface}"
        return Role.PLACE, ""

    @cached_property
    def _boilerplate_at(self):
        """Matches a boilerplate phrase at the start of a sentence: ``(text, start, end)``,
        leading whitespace skipped, any case (no slice or lower-cased copy of each sentence)."""
        return re.compile(r"\s*(?:" + "|".join(re.escape(b) for b in self.lex.data["boilerplate"]) + ")",
                          re.IGNORECASE).match

    SEGMENT_CHARS = 200_000  # a long report is read in pieces of about this size (see recognize)
    # a sentence's place mentions kept, at most (a bulletin's longest lists name a few dozen);
    # the rest are rejected as CAPPED and counted in the report's warnings
    MAX_PLACES_PER_SENTENCE = 200

    def recognize(self, text: str) -> Recognition:
        """Every place-name span of a report, accepted or rejected with a reason.

        A report longer than ``SEGMENT_CHARS`` is read in pieces that end at a line break (or a
        sentence end, or a space): the words of a piece are dropped before the next is read,
        so memory stays bounded by the piece, not the report (a 50 MB text had needed 3.7 GB).
        Sentences never straddle pieces, so nothing is judged differently."""
        masked, mspans = mask(text)
        sents: list[tuple[int, int]] = []
        mentions: list[Mention] = []
        boiler: set[int] = set()
        per_sentence: dict[int, int] = {}
        dropped = 0
        for a, b in segments(masked, self.SEGMENT_CHARS):
            n = len(mentions)
            self._recognize_piece(text, masked, a, b, sents, mentions, boiler)
            # the cap, piece by piece: a line of a million names never holds a million mentions
            mentions[n:], over = capped(mentions[n:], self.MAX_PLACES_PER_SENTENCE, per_sentence)
            dropped += over
        return Recognition(masked, tuple(sents), tuple(people_everywhere(mentions)), tuple(mspans), frozenset(boiler),
                           dropped)

    def _recognize_piece(self, text: str, full: str, offset: int, stop: int, all_sents: list,
                         mentions: list[Mention], boiler: set[int]) -> None:
        """Recognise ``full[offset:stop]``, appending its sentences, mentions and boilerplate
        sentence numbers (in report offsets and numbering) to the given lists."""
        masked = full[offset:stop] if offset or stop < len(full) else full
        sents = split_sentences(masked)
        base = len(all_sents)
        all_sents.extend((s + offset, e + offset) for s, e in sents)
        tk = tokenize(masked)
        n = len(tk)
        # the coordination rules apply where a head noun is, or anywhere in a report about hromadas
        head_nouns = list(compress(range(n), map(self.coordination.heads.__contains__, tk.lower)))
        water_words = not self._water_words.isdisjoint(tk.lower)
        community = self.coordination.community_forms
        about_communities = any(tk.lower[h] in community for h in head_nouns)
        # every word starts with a letter; lower-case text ("in kozinka") is read without caps
        need_caps = sum(tk.caps) >= 0.03 * max(1, n)
        heads = list(compress(range(n), tk.caps)) if need_caps else range(n)
        starts = tk.start
        fuzzy_keys: dict[str, str] = {}  # key -> "fuzzy match for X"
        near_after = self.lex.near_after
        boilerplate_at = self._boilerplate_at
        lo = 0
        for si, (s, e) in enumerate(sents, base):
            if boilerplate_at(masked, s, e):
                boiler.add(si)
            lo = bisect_left(starts, s, lo)
            hi = bisect_left(starts, e, lo)
            if lo == hi:
                continue
            h0 = bisect_left(heads, lo)
            hs = heads[h0:bisect_left(heads, hi, h0)]  # where names can start in this sentence
            spans = self._colloquial(tk, hs, self._fuzzy(tk, hs, lo, hi, self._spans(tk, hs, lo, hi), fuzzy_keys))
            c0 = bisect_left(head_nouns, lo + 1)
            sentence_heads = head_nouns[c0:bisect_left(head_nouns, hi, c0)]
            if sentence_heads or about_communities:
                spans = self._coordinated(tk, lo, hi, spans, sentence_heads, bare=about_communities)
            if not spans:
                continue
            matched = {k for a, b, _ in spans for k in range(a, b + 1)}
            in_title = TitleCase(tk, lo, hi, self.lex.title_small_words)
            for i, j, key in spans:
                role, reason = self._judge(tk, lo, hi, i, j, key, matched, in_title, water_words)
                if role == Role.PLACE and si in boiler:
                    role, reason = Role.REJECTED, "in a sidebar or teaser, not the report"
                near = bool(self.lex.before("near", tk, i, lo)) or (j + 1 < hi and tk.lower[j + 1] in near_after)
                if role == Role.PLACE and key in fuzzy_keys:
                    reason = fuzzy_keys[key]
                # an axis of advance named after a town («на Покровському напрямку») places the
                # report's other names (it stays a place for resolution) but is no incident place
                axis = role == Role.PLACE and bool(self.lex.after("axis_after", tk, j, hi))
                a, b = starts[i] + offset, tk.end[j] + offset
                mentions.append(Mention(text=text[a:b], start=a, end=b, key=key, sentence=si, role=role,
                                        reason=reason, near=near,
                                        headline=role == Role.PLACE and si < 2 and in_title.headline(i, matched), axis=axis))
