"""Build script: the word forms of the event cues that ``events.toml`` gives as lemmas.

``python -m mapper.build_cues`` writes ``mapper/data/cue_forms.json``: each lemma ("uk:влучити")
with every form pymorphy3 makes of it in its language (влучив, влучила, влучили ...). Made at
build time, not when the table loads, so a run does not pay for loading pymorphy3's
dictionaries; ``mapper.events`` refuses a lemma that has no forms here.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def lemma_forms(lemmas: list[str]) -> dict[str, list[str]]:
    """Each "lang:lemma" with the sorted word forms of its first parse as that part of speech."""
    import pymorphy3

    morph = {lang: pymorphy3.MorphAnalyzer(lang=lang) for lang in ("uk", "ru")}
    out = {}
    for lemma in sorted(set(lemmas)):
        lang, _, word = lemma.partition(":")
        parses = morph[lang].parse(word)
        best = next((p for p in parses if p.normal_form == word), parses[0])
        out[lemma] = sorted({f.word for f in best.lexeme} | {word})
    return out


def lemmas_of(events_toml: dict) -> list[str]:
    return [lemma for e in events_toml["event"] for lemma in e.get("lemmas", [])]


def main(argv: list[str] | None = None) -> int:
    data = tomllib.loads((DATA / "events.toml").read_text(encoding="utf-8"))
    forms = lemma_forms(lemmas_of(data))
    out = DATA / "cue_forms.json"
    out.write_text(json.dumps(forms, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{out}: {len(forms)} lemmas, {sum(map(len, forms.values()))} forms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
