"""Incidents: turn resolved places into dated, typed incident records with their evidence.

Fifth stage. One incident per (report, place, date, event type); a place in a sentence with no
event cue, or known only to country level, becomes a ``mention`` record instead. Each record
carries the derived attributes users filter by: admin names, border distance and side.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import replace
from pathlib import PurePath

from gazetteer import Place

from .border import border_distance
from .claims import HEDGE_FACTOR, UNKNOWN, ReportClaims, contested
from .events import classify, event_type, fatalities
from .memo import Memo
from .records import (
    DateSource,
    Incident,
    Kind,
    Level,
    Mention,
    Recognition,
    Report,
    Resolved,
    Role,
)
from .theatre import theatre_prior
from .timeline import expressions, nearest

STATEMENT_WEIGHT = 0.6
EVIDENCE_MAX = 10  # evidence snippets kept per incident (a long report repeats a place often)
EVIDENCE_CHARS = 300  # the evidence window around a mention: a 9 KB sentence naming 800 villages
# would otherwise be copied into every one of its 800 incidents (output growing with the square)


def clip_evidence(sentence: str, mention: str, at: int, *, width: int = EVIDENCE_CHARS) -> str:
    """The sentence, or a window of about ``width`` characters of it around the mention (the
    occurrence nearest ``at``, an offset into the sentence), cut at word boundaries, with an
    ellipsis where it was cut."""
    if len(sentence) <= width:
        return sentence
    pos, k = max(0, min(at, len(sentence))), sentence.find(mention) if mention else -1
    best = None
    while k >= 0:  # the occurrence nearest the mention's offset (whitespace may have shifted it)
        if best is None or abs(k - at) < abs(best - at):
            best = k
        if k > at:
            break
        k = sentence.find(mention, k + 1)
    pos = pos if best is None else best
    a = max(0, pos + len(mention) // 2 - width // 2)
    b = min(len(sentence), a + width)
    a = max(0, b - width)
    if a > 0:
        sp = sentence.find(" ", a, pos)
        a = sp + 1 if sp >= 0 else a
    if b < len(sentence):
        sp = sentence.rfind(" ", pos + len(mention), b)
        b = sp if sp >= 0 else b
    return ("…" if a > 0 else "") + sentence[a:b].strip() + ("…" if b < len(sentence) else "")


def incident_id(report_id: str, geonameid: int, date, event_type: str) -> str:
    h = hashlib.sha1(f"{report_id}|{geonameid}|{date}|{event_type}".encode()).hexdigest()
    return f"im-{h[:12]}"


_FACTS = Memo(200_000)  # geonameid -> (the place, its slim copy, border km, side)


def _place_facts(p: Place) -> tuple[Place, float, str]:
    """The place an incident carries, with of its names only the Latin and the Cyrillic one it
    shows (not the dozens of alternate spellings every pickled and exported incident would
    carry), and its border distance and side. Worked out once per place and process: a feed
    names the same few hundred places over and over."""
    hit = _FACTS.get(p.geonameid)
    if hit is not None and hit[0] is p:  # (this very place: another gazetteer's may share its id)
        return hit[1], hit[2], hit[3]
    km, side = border_distance(p.lat, p.lon)
    cyr = p.cyrillic_name
    slim = replace(p, names=(cyr,) if cyr else ())
    _FACTS.put(p.geonameid, (p, slim, km, side))
    return slim, km, side


_BULLET_RE = re.compile(r"\s*(?:[-•*·–—]|\d{1,2}[.)])\s")


def _event_of(rec: Recognition, si: int, sentence: str, memo: dict[int, object]):
    """The event a sentence reports: its own cue's, or, for an item of a list introduced by a
    line ending in a colon ("Shelled were the villages of these hromadas:" then one bullet a
    line), the introduction's."""
    if si in memo:
        return memo[si]
    et = classify(sentence)
    if et is None and si > 0:
        s0, s1 = rec.sentences[si]
        p0, p1 = rec.sentences[si - 1]
        gap = rec.text[p1:s0]
        intro = rec.text[p0:p1].rstrip()
        if "\n" in gap or s0 == p1:
            if intro.endswith(":") or (_BULLET_RE.match(rec.text[p0:p1]) and _BULLET_RE.match(rec.text[s0:s1])) \
                    or _BULLET_RE.match(rec.text[s0:s1]) and intro.endswith(":"):
                et = _event_of(rec, si - 1, rec.sentence_text(si - 1), memo)
    memo[si] = et
    return et


_RANK = {Level.SETTLEMENT: 0, Level.COMMUNITY: 1, Level.DISTRICT: 2, Level.REGION: 3}


def _report_place_is_the_incident(groups: "OrderedDict[tuple, dict]") -> None:
    """A report that names places in the theatre but states no event ("Izyum mass grave",
    "Russian army in Trostyanets, Sumy", "Kreminna") is still a report of something there: its
    most specific place (the first of those) becomes an incident of type ``other``, with the
    lower confidence a mention has. A report is written because something happened somewhere."""
    pool = [(k, g) for k, g in groups.items()
            if g["r"].level in _RANK and theatre_prior(g["r"].place) > 0]
    if not pool:
        return
    _, g = min(pool, key=lambda kg: _RANK[kg[1]["r"].level])
    g["kind"], g["et"], g["type"] = Kind.INCIDENT, event_type("other"), "other"


def build_incidents(report: Report, rec: Recognition, resolved: list[Resolved]) -> list[Incident]:
    groups: "OrderedDict[tuple, dict]" = OrderedDict()
    events: dict[int, object] = {}  # sentence -> its event type (list items inherit theirs)
    per_sentence: dict[int, tuple] = {}  # classification and time expressions, once a sentence
    counted: set[int] = set()  # sentences whose stated dead are counted already
    claims: ReportClaims | None = None  # made when a sentence with a place asks for it
    body_has_incident = False
    # a headline's places come last: they are incidents only if the body reports none
    body = [r for r in resolved if not r.mention.headline]
    head = [r for r in resolved if r.mention.headline]
    places_in: dict[int, list[Mention]] = {}  # sentence -> its place mentions
    for r in resolved:
        if r.mention.role == Role.PLACE:
            places_in.setdefault(r.mention.sentence, []).append(r.mention)
    for n, r in enumerate(body + head):
        if n == len(body):
            body_has_incident = any(g["kind"] == Kind.INCIDENT for g in groups.values())
        m = r.mention
        if m.role != Role.PLACE or m.sentence in rec.boilerplate:
            continue
        s0, s1 = rec.sentences[m.sentence]
        if m.sentence not in per_sentence:
            sentence = rec.sentence_text(m.sentence)
            if claims is None:
                claims = ReportClaims(report, rec.text, rec.sentences)
            found = expressions(rec.text[s0:s1], report.date)
            if found:  # a place named like a date word ("у селищі Середа", Wednesday) dates nothing
                named = [(q.start - s0, q.end - s0) for q in places_in.get(m.sentence, ())]
                found = [(at, t) for at, t in found
                         if not any(a < at + len(t.expression) and at < b for a, b in named)]
            per_sentence[m.sentence] = (sentence, _event_of(rec, m.sentence, sentence, events), found,
                                        fatalities(sentence))
        sentence, et, found, fatal = per_sentence[m.sentence]
        claim = claims(m.sentence, m.start - s0)
        tr = nearest(found, report.date, m.start - s0)
        kind = Kind.INCIDENT if et is not None and r.level != Level.COUNTRY else Kind.MENTION
        if m.headline and body_has_incident:
            kind = Kind.MENTION  # "Belgorod Incursion Appears to be Over": the body tells where
        etype = et.type if et and kind == Kind.INCIDENT else "mention"
        key = (r.place.geonameid, tr.date, etype)
        g = groups.get(key)
        weight = STATEMENT_WEIGHT if etype in ("statement", "mention") else 1.0
        if g is None:
            groups[key] = g = {"r": r, "et": et, "tr": tr, "kind": kind, "evidence": [], "mentions": [],
                               "conf": 0.0, "fatal": None, "geo": r.geo_precision, "claims": []}
        if claim not in g["claims"]:
            g["claims"].append(claim)
        clip = clip_evidence(sentence, " ".join(m.text.split()), m.start - s0)
        if clip not in g["evidence"] and len(g["evidence"]) < EVIDENCE_MAX:
            g["evidence"].append(clip)
        if m.text not in g["mentions"]:
            g["mentions"].append(m.text)
        g["conf"] = max(g["conf"], round(r.confidence * weight, 3))
        g["geo"] = min(g["geo"], r.geo_precision)
        if fatal is not None and m.sentence not in counted and not (m.headline and body_has_incident):
            # a sentence's dead are counted once, at its first place, not at every place it names;
            # a headline's are the body's own, told again ("Strike Kills 3 in Kharkiv Region")
            counted.add(m.sentence)
            g["fatal"] = max(g["fatal"] or 0, fatal)
    if not any(g["kind"] == Kind.INCIDENT for g in groups.values()):
        _report_place_is_the_incident(groups)
    out = []
    # a file's name, never its local path: outputs are shared
    source = report.source or (PurePath(report.path).name if report.path else "") or report.id
    for (gid, date, etype), g in groups.items():
        r, et, tr = g["r"], g["et"], g["tr"]
        etype = g.get("type", etype)
        slim, km, side = _place_facts(r.place)
        said = [c for c in g["claims"] if c.claimant is not None]
        first = said[0] if said else None
        hedged = all(c.hedged for c in g["claims"])
        outcomes = [c.outcome for c in g["claims"] if c.outcome]
        out.append(Incident(
            incident_id=incident_id(report.id, gid, date, etype), report_id=report.id, kind=g["kind"],
            place=slim, mentions=tuple(g["mentions"]),
            evidence=tuple(g["evidence"]), event_type=etype,
            sub_event_type=et.sub if et and g["kind"] == Kind.INCIDENT else "",
            date=date, date_end=tr.date_end, time_precision=tr.time_precision if date else None,
            time_expression=tr.expression, level=r.level, geo_precision=g["geo"],
            confidence=round(g["conf"] * HEDGE_FACTOR, 3) if hedged else g["conf"], source=source, url=report.url,
            border_km=km, border_side=side, fatalities=g["fatal"], sources=(source,),
            date_source=DateSource.SENTENCE if tr.expression else DateSource.REPORT if date else DateSource.NONE,
            claimed_by=first.claimant.name if first else "", claimant_side=first.claimant.side if first else UNKNOWN,
            claim=first.span if first else "", claimants=tuple(dict.fromkeys(c.claimant.name for c in said)),
            hedged=hedged, outcome=outcomes[0] if outcomes else "", contested=contested(g["claims"]),
        ))
    return out


def _family(i: Incident) -> str:
    """The event family reports of one event may word differently: ACLED's event type (a
    "missile strike" and "shelling" of one place and day are one explosion event)."""
    return event_type(i.event_type).acled if i.kind == Kind.INCIDENT else i.event_type


def merge_across_reports(incidents: list[Incident]) -> list[Incident]:
    """``--merge``: the incidents of one place, day and event family across reports as one
    event, with every report's source and claimant; claimants of different sides telling
    different outcomes make it ``contested``. An oblast's or district's incident and a village's
    in it, of the same day and family from another report, are one event too: the village's,
    the more specific, with both reports."""
    groups: "OrderedDict[tuple, list[Incident]]" = OrderedDict()
    for i in incidents:
        groups.setdefault((i.kind, i.place.geonameid, i.date, _family(i)), []).append(i)
    events = list(groups.values())
    by_day: dict[tuple, list[int]] = {}
    for k, items in enumerate(events):
        i = items[0]
        if i.kind == Kind.INCIDENT and i.level in (Level.SETTLEMENT, Level.COMMUNITY):
            by_day.setdefault((i.date, _family(i)), []).append(k)
    absorbed: set[int] = set()
    for k, items in enumerate(events):
        a = items[0]
        if a.kind != Kind.INCIDENT or a.level not in (Level.DISTRICT, Level.REGION):
            continue
        reports = {i.report_id for i in items}
        inside = [j for j in by_day.get((a.date, _family(a)), ())
                  if a.place.contains(events[j][0].place) and {i.report_id for i in events[j]} - reports]
        for j in inside:
            events[j] = events[j] + items
        if inside:
            absorbed.add(k)
    return [_combine(items) for k, items in enumerate(events) if k not in absorbed]


def _combine(items: list[Incident]) -> Incident:
    """One event of the incidents ``items`` (the first gives its place and type)."""
    first = items[0]
    if len(items) == 1:
        return first
    ev, mn, src, who = [], [], [], []
    for i in items:
        ev += [e for e in i.evidence if e not in ev]
        mn += [x for x in i.mentions if x not in mn]
        src += [s for s in i.sources if s not in src]
        who += [c for c in i.claimants if c not in who]
    told = {(i.claimant_side, i.outcome) for i in items if i.outcome and i.claimed_by}
    split = len({s for s, _ in told}) > 1 and len({o for _, o in told}) > 1
    return replace(first, incident_id=incident_id("merged", first.place.geonameid, first.date, _family(first)),
                   report_id=",".join(dict.fromkeys(r for i in items for r in i.report_id.split(","))),
                   evidence=tuple(ev[:EVIDENCE_MAX]), mentions=tuple(mn), sources=tuple(src),
                   claimants=tuple(who), hedged=all(i.hedged for i in items),
                   outcome=next((i.outcome for i in items if i.outcome), ""),
                   contested=split or any(i.contested for i in items),
                   fatalities=max((i.fatalities for i in items if i.fatalities is not None), default=None),
                   confidence=max(i.confidence for i in items),
                   geo_precision=min(i.geo_precision for i in items))
