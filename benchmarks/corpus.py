"""A generated corpus of ~4 KB English reports naming border-region places (for benchmarks)."""

from __future__ import annotations

import json
import random

PLACES = ["Grayvoron", "Kozinka", "Glotovo", "Borisovka", "Tetkino", "Shebekino", "Vovchansk", "Kupiansk",
          "Kharkiv", "Sumy", "Belgorod", "Kursk", "Bryansk", "Lyptsi", "Izium", "Chuhuiv", "Popasna",
          "Sudzha", "Valuyki", "Novaya Tavolzhanka", "the Belgorod region", "Kharkiv Oblast"]
SENTENCES = [
    "Shelling of {p} continued on {d}, the governor said in a statement.",
    "Drones dropped grenades on two homes in {p} overnight, officials reported.",
    "Fighters in {p} were constructing fortifications as government troops approached.",
    "Fourteen villages near {p} are without power after strikes on a substation.",
    "Residents of {p} were evacuated as artillery fire intensified in the area.",
    "Independent channels said firefights were heard near {p} for the last 24 hours.",
    "Analysts noted that the situation around {p} remained tense but stable.",
]
DAYS = ["Monday", "Tuesday", "yesterday", "Sunday", "22 May"]


def make(n: int, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        parts = []
        while sum(len(s) + 1 for s in parts) < 4000:
            parts.append(rnd.choice(SENTENCES).format(p=rnd.choice(PLACES), d=rnd.choice(DAYS)))
        out.append({"id": f"gen-{i:06d}", "date": "2023-05-23", "text": " ".join(parts)})
    return out


def write_jsonl(path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in make(n):
            fh.write(json.dumps(r) + "\n")
