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
from .events import EventType, actors, classify, counted, event_type, fatalities, marks
from .language import fold_cues
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
from .theatre import FRONT_PRIOR, theatre_prior
from .timeline import expressions, nearest

STATEMENT_WEIGHT = 0.6
LIST_WEIGHT = 0.8  # an item of an attack's list with no cue of its own («Гирине (двічі)»)
REPORT_WEIGHT = 0.6  # a place of a report that tells an attack, its own sentence stating none
EVIDENCE_MAX = 10  # evidence snippets kept per incident (a long report repeats a place often)
EVIDENCE_CHARS = 300  # the evidence window around a mention: a 9 KB sentence naming 800 villages
# would otherwise be copied into every one of its 800 incidents (output growing with the square)


def clip_evidence(text: str, sentence: tuple[int, int], start: int, end: int, *,
                  width: int = EVIDENCE_CHARS) -> str:
    """The sentence ``text[s0:s1]``, or a window of about ``width`` characters of it around the
    mention at ``text[start:end]``, cut at spaces, its whitespace collapsed, with an ellipsis
    where it was cut. Cut by offsets, never searched for: the work is the window's, whatever
    the sentence's length (a 9 KB line naming 800 villages costs 800 windows, not 800 lines)."""
    s0, s1 = sentence
    if s1 - s0 <= width:
        return " ".join(text[s0:s1].split())
    a = max(s0, (start + end) // 2 - width // 2)
    b = min(s1, a + width)
    a = max(s0, b - width)
    if a > s0:
        sp = text.find(" ", a, start)
        a = sp + 1 if sp >= 0 else a
    if b < s1:
        sp = text.rfind(" ", end, b)
        b = sp if sp >= 0 else b
    return ("…" if a > s0 else "") + " ".join(text[a:b].split()) + ("…" if b < s1 else "")


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


def _event_of(rec: Recognition, si: int, sentence: str, memo: dict[int, tuple]) -> tuple[EventType | None, str]:
    """The event a sentence reports and how it was found: its own cue's (``""``, or ``"frame"``
    for words that say only that an attack happened), or, for an item of a list introduced by a
    line ending in a colon ("Shelled were the villages of these hromadas:" then one bullet a
    line), the introduction's (``"list"``)."""
    if si in memo:
        return memo[si]
    et = classify(sentence)
    how = et.inferred if et is not None else ""
    if et is None and si > 0:
        s0, s1 = rec.sentences[si]
        p0, p1 = rec.sentences[si - 1]
        gap = rec.text[p1:s0]
        intro = rec.text[p0:p1].rstrip()
        if "\n" in gap or s0 == p1:
            if intro.endswith(":") or (_BULLET_RE.match(rec.text[p0:p1]) and _BULLET_RE.match(rec.text[s0:s1])) \
                    or _BULLET_RE.match(rec.text[s0:s1]) and intro.endswith(":"):
                et = _event_of(rec, si - 1, rec.sentence_text(si - 1), memo)[0]
                how = "list" if et is not None else ""
    memo[si] = (et, how)
    return et, how


_RANK = {Level.SETTLEMENT: 0, Level.COMMUNITY: 1, Level.DISTRICT: 2, Level.REGION: 3}


def _report_place_is_the_incident(groups: "OrderedDict[tuple, dict]") -> None:
    """A report that names places in the theatre but states no event ("Izyum mass grave",
    "Russian army in Trostyanets, Sumy", "Kreminna") is still a report of something there: its
    most specific place (the first of those) becomes an incident of type ``other``, with the
    lower confidence a mention has. A report is written because something happened somewhere:
    on an axis of advance it names alone ("Kupiansk axis, photo"), around the town it is named after."""
    pool = [(k, g) for k, g in groups.items()
            if g["r"].level in _RANK and theatre_prior(g["r"].place) > 0 and (not g["aside"] or g["axis"])]
    if not pool:
        return
    _, g = min(pool, key=lambda kg: _RANK[kg[1]["r"].level])
    g["kind"], g["et"], g["type"] = Kind.INCIDENT, event_type("other"), "other"


def _places_of_the_attack(groups: "OrderedDict[tuple, dict]", rec: Recognition) -> None:
    """A report that tells an attack reports it at places its sentences name with no cue of
    their own: the items of its lists (a place counted, «Гирине (двічі)», takes the attack of the
    nearest sentence before it that states one) and, failing that, any place of it in a border
    or front oblast that nothing else explains (not where fire came from, not where the wounded
    were taken, not where those who say so sit, not a headline the body tells again, not a
    capital standing for its government). Such an incident says how it was inferred and weighs
    less. The report's sentences are classified only if some place is left to explain."""
    pending = [(k, g) for k, g in groups.items() if g["kind"] == Kind.MENTION and not g["aside"]
               and g["r"].level in _RANK and theatre_prior(g["r"].place) >= FRONT_PRIOR
               and g["r"].place.feature_code != "PPLC"]
    if not pending:
        return
    stated = [(si, et) for si in range(len(rec.sentences)) if si not in rec.boilerplate
              for et in (classify(rec.sentence_text(si)),) if et is not None and et.attack]
    if not stated:
        return
    counts: dict[str, int] = {}
    for _, et in stated:
        counts[et.type] = counts.get(et.type, 0) + 1
    order = [et.type for _, et in stated]
    main = event_type(max(counts, key=lambda t: (counts[t], -order.index(t))))
    told = {(gid, date) for (gid, date, _), g in groups.items() if g["kind"] == Kind.INCIDENT}
    for (gid, date, _), g in pending:
        if (gid, date) in told:
            continue
        if g["counted"] is None and g["r"].level == Level.REGION:
            continue  # an oblast a report names in passing ("Belgorod and Rostov regions") is its setting
        if g["counted"] is not None:
            before = [et for si, et in stated if si <= g["counted"]]
            et, how = (before[-1] if before else main), "list"
        else:
            et, how = main, "report"
        g["kind"], g["et"], g["type"], g["how"] = Kind.INCIDENT, event_type(et.type), et.type, how
        told.add((gid, date))


_WEIGHTS = {"list": LIST_WEIGHT, "report": REPORT_WEIGHT}


def build_incidents(report: Report, rec: Recognition, resolved: list[Resolved]) -> list[Incident]:
    groups: "OrderedDict[tuple, dict]" = OrderedDict()
    events: dict[int, tuple] = {}  # sentence -> its event type and how it was found (list items inherit)
    per_sentence: dict[int, tuple] = {}  # classification and time expressions, once a sentence
    counted_dead: set[int] = set()  # sentences whose stated dead are counted already
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
            raw_low = fold_cues(rec.text[s0:s1])
            per_sentence[m.sentence] = (sentence, *_event_of(rec, m.sentence, sentence, events), found,
                                        fatalities(sentence), raw_low, marks(raw_low),
                                        tuple(n for n, _ in actors(sentence)))
        sentence, et, how, found, fatal, raw_low, mk, who = per_sentence[m.sentence]
        claim = claims(m.sentence, m.start - s0)
        tr = nearest(found, report.date, m.start - s0)
        # an axis of advance («на Покровському напрямку»), where fire came from («з боку
        # Бєлгорода»), or where the wounded were taken, saw no attack;
        # nor, if its sentence states no event, where those who say so sit ("Officials in Belgorod")
        aside = m.axis or mk.origin_of_fire(raw_low, m.start - s0) or mk.destination_of(raw_low, m.start - s0) \
            or (et is None and mk.speakers)
        kind = Kind.INCIDENT if et is not None and r.level != Level.COUNTRY and not aside else Kind.MENTION
        if m.headline and body_has_incident:
            kind, aside = Kind.MENTION, True  # "Belgorod Incursion Appears to be Over": the body tells where
        etype = et.type if et and kind == Kind.INCIDENT else "mention"
        key = (r.place.geonameid, tr.date, etype)
        g = groups.get(key)
        if g is None:
            groups[key] = g = {"r": r, "et": et, "tr": tr, "kind": kind, "evidence": [], "mentions": [],
                               "conf": 0.0, "fatal": None, "geo": r.geo_precision, "claims": [],
                               "how": how if kind == Kind.INCIDENT else "", "aside": aside, "counted": None,
                               "actors": [], "axis": m.axis}
        g["aside"] = g["aside"] and aside  # a place is beside the attack only if every mention says so
        g["axis"] = g["axis"] and m.axis
        if kind == Kind.MENTION and g["counted"] is None and et is None and counted(rec.text, m.end):
            g["counted"] = m.sentence
        if claim not in g["claims"]:
            g["claims"].append(claim)
        g["actors"] += [a for a in who if a not in g["actors"]]
        clip = sentence if s1 - s0 <= EVIDENCE_CHARS else clip_evidence(rec.text, (s0, s1), m.start, m.end)
        if clip not in g["evidence"] and len(g["evidence"]) < EVIDENCE_MAX:
            g["evidence"].append(clip)
        if m.text not in g["mentions"]:
            g["mentions"].append(m.text)
        g["conf"] = max(g["conf"], r.confidence)
        g["geo"] = min(g["geo"], r.geo_precision)
        if fatal is not None and m.sentence not in counted_dead and not (m.headline and body_has_incident):
            # a sentence's dead are counted once, at its first place, not at every place it names;
            # a headline's are the body's own, told again ("Strike Kills 3 in Kharkiv Region")
            counted_dead.add(m.sentence)
            g["fatal"] = max(g["fatal"] or 0, fatal)
    _places_of_the_attack(groups, rec)
    if not any(g["kind"] == Kind.INCIDENT for g in groups.values()):
        _report_place_is_the_incident(groups)
    report_actors: tuple[str, ...] | None = None  # the attackers the whole report names, if asked for
    out = []
    # a file's name, never its local path: outputs are shared
    source = report.source or (PurePath(report.path).name if report.path else "") or report.id
    for (gid, date, etype), g in groups.items():
        r, et, tr = g["r"], g["et"], g["tr"]
        etype = g.get("type", etype)
        weight = STATEMENT_WEIGHT if etype in ("statement", "mention", "other") else _WEIGHTS.get(g["how"], 1.0)
        conf = round(g["conf"] * weight, 3)
        slim, km, side = _place_facts(r.place)
        said = [c for c in g["claims"] if c.claimant is not None]
        first = said[0] if said else None
        hedged = all(c.hedged for c in g["claims"])
        outcomes = [c.outcome for c in g["claims"] if c.outcome]
        named = tuple(g["actors"])
        if not named and g["kind"] == Kind.INCIDENT and et is not None and et.attack:
            if report_actors is None:  # a bulletin names its attacker once («ворог», «ВСУ»), not per village
                report_actors = tuple(n for n, _ in actors(rec.text))
            named = report_actors
        out.append(Incident(
            incident_id=incident_id(report.id, gid, date, etype), report_id=report.id, kind=g["kind"],
            place=slim, mentions=tuple(g["mentions"]),
            evidence=tuple(g["evidence"]), event_type=etype,
            sub_event_type=et.acled_sub if et and g["kind"] == Kind.INCIDENT else "",
            date=date, date_end=tr.date_end, time_precision=tr.time_precision if date else None,
            time_expression=tr.expression, level=r.level, geo_precision=g["geo"],
            confidence=round(conf * HEDGE_FACTOR, 3) if hedged else conf, source=source, url=report.url,
            border_km=km, border_side=side, fatalities=g["fatal"], sources=(source,),
            date_source=DateSource.SENTENCE if tr.expression else DateSource.REPORT if date else DateSource.NONE,
            claimed_by=first.claimant.name if first else "", claimant_side=first.claimant.side if first else UNKNOWN,
            claim=first.span if first else "", claimants=tuple(dict.fromkeys(c.claimant.name for c in said)),
            hedged=hedged, outcome=outcomes[0] if outcomes else "", contested=contested(g["claims"]),
            inferred_from=g["how"] if g["kind"] == Kind.INCIDENT else "",
            actors=named[:2] if g["kind"] == Kind.INCIDENT else (),
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
    ev, mn, src, who, acts = [], [], [], [], []
    for i in items:
        ev += [e for e in i.evidence if e not in ev]
        mn += [x for x in i.mentions if x not in mn]
        src += [s for s in i.sources if s not in src]
        who += [c for c in i.claimants if c not in who]
        acts += [a for a in i.actors if a not in acts]
    told = {(i.claimant_side, i.outcome) for i in items if i.outcome and i.claimed_by}
    split = len({s for s, _ in told}) > 1 and len({o for _, o in told}) > 1
    return replace(first, incident_id=incident_id("merged", first.place.geonameid, first.date, _family(first)),
                   report_id=",".join(dict.fromkeys(r for i in items for r in i.report_id.split(","))),
                   evidence=tuple(ev[:EVIDENCE_MAX]), mentions=tuple(mn), sources=tuple(src),
                   claimants=tuple(who), actors=tuple(acts[:2]), hedged=all(i.hedged for i in items),
                   outcome=next((i.outcome for i in items if i.outcome), ""),
                   contested=split or any(i.contested for i in items),
                   fatalities=max((i.fatalities for i in items if i.fatalities is not None), default=None),
                   confidence=max(i.confidence for i in items),
                   geo_precision=min(i.geo_precision for i in items))
