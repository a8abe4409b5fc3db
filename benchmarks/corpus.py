"""Generated corpora of ~4 KB reports naming border-region places (for benchmarks).

Two densities, because speed depends on how many places a report names:

* ``news`` is shaped like the seed report (a real 3.6 KB article): ~16 sentences of ~230
  characters, about half naming one or two places, with the organisation names, actors and
  Russian/Ukrainian sentences real feeds carry. ~18 candidate spans, ~13 places, ~9 incidents.
  Like a real feed, it keeps meeting words it has not seen: people's names and villages made
  up from syllables (most in no gazetteer), so per-process caches do not flatter the figures.
* ``dense`` is a stress case: ~50 short sentences, every one naming a place and most an event.
  ~50 places and ~37 incidents a report, three times the seed's density.
"""

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

# news density: sentences of real-article length; {p} and {q} are places
NEWS_NO_PLACE = [
    "The claims could not be independently verified, and officials declined to comment on the reports "
    "when they were contacted by telephone on {d}, citing the security situation in the area.",
    "Analysts say the raids are designed to stretch defences along a border that runs for hundreds of "
    "kilometres through fields, forest and small farming villages that have emptied since the spring.",
    "The governor urged residents to stay in shelters until the all-clear was given, and said that "
    "schools and kindergartens would remain closed for the rest of the week as a precaution.",
    "Moscow's official line is that the situation is under control, a message repeated on state "
    "television throughout the day, although local channels told a different story.",
    "According to Ria Novosti, the defence ministry said its units had repelled the attack, while the "
    "Kyiv Post quoted military intelligence as saying the operation was carried out by volunteers.",
    "Power engineers were working to restore supplies, the regional energy company said in a short "
    "post on its Telegram channel, adding that repairs could take several days.",
    "Дроны атаковали объекты инфраструктуры, пострадавших нет, сообщили в оперативном штабе региона "
    "вечером во вторник, уточнив, что информация о разрушениях уточняется.",
]
NEWS_ONE_PLACE = [
    "Artillery shells struck the outskirts of {p} early on {d}, damaging several houses and a power line, "
    "and emergency crews spent hours putting out fires in the gardens behind the main street.",
    "A drone attack on {p} overnight wounded two civilians and set a warehouse on fire, the regional "
    "governor said in a statement, adding that both victims were taken to hospital.",
    "Residents of {p} described hearing explosions for most of the night and said many families had "
    "already left for relatives further from the border, taking only what they could carry.",
    "Ukrainian forces struck a command post near {p} on {d}, according to the general staff, which "
    "published drone footage of the strike but gave no figure for casualties on either side.",
    "В {r} ночью была слышна стрельба, жители сообщают о повреждённых домах и перебоях со светом, "
    "власти призвали людей не выходить на улицу без необходимости.",
    "Вранці {u} зазнав обстрілу з боку російських військ, пошкоджено приватні будинки та лінію "
    "електропередачі, інформація про постраждалих уточнюється.",
]
NEWS_TWO_PLACES = [
    "Fighting was reported between {p} and {q} on {d}, with both sides claiming to have inflicted heavy "
    "losses, though neither offered evidence that could be checked independently.",
    "Evacuation buses left {p} for {q} in the afternoon, carrying mostly elderly residents and children, "
    "after the regional authorities announced a compulsory evacuation of border villages.",
]
# sentences naming people and small villages, made up per report: a feed's vocabulary grows
NEWS_NAMES = [
    "“We heard the first explosions before dawn,” said {person}, a resident who drove his family "
    "out of {p} later that morning.",
    "{person}, a spokesman for the regional administration, said {n} drones had been shot down and "
    "that debris had damaged a school.",
    "Shells also hit the village of {village}, {n} kilometres from the border, according to local "
    "channels, which posted photographs of burning barns.",
    "Local officials named the dead man as {person}, a {age}-year-old tractor driver from {village}.",
]
FIRST_NAMES = ["Ivan", "Olena", "Serhiy", "Tetiana", "Mykola", "Anna", "Dmitry", "Yulia", "Oleksandr",
               "Irina", "Vasyl", "Natalia", "Andriy", "Svetlana", "Pavlo", "Galina"]
SYLLABLES = (["Kov", "Pet", "Shev", "Bon", "Mel", "Tar", "Hry", "Lys", "Zin", "Dan", "Bur", "Sav"],
             ["al", "ren", "chen", "dar", "ysh", "ov", "ul", "ak"],
             ["enko", "chuk", "ov", "ova", "sky", "yak", "in", "ets"])
VILLAGE_SYLLABLES = (["Novo", "Staro", "Verkh", "Nyzh", "Zelen", "Kamen", "Pisch", "Bilo", "Chervon", "Mal"],
                     ["hor", "yar", "dol", "lis", "pol", "rich", "ozer", "bor"],
                     ["ivka", "ivske", "ne", "ka", "ovo", "yne", "ets"])


def _made_up(rnd: random.Random, parts: tuple[list[str], ...]) -> str:
    return "".join(rnd.choice(p) for p in parts)


RU_LOCATIVE = ["Грайвороне", "Шебекино", "Белгородской области", "Козинке", "Новой Таволжанке", "Судже"]
UK_NOMINATIVE = ["Вовчанськ", "Куп'янськ", "Липці", "Харків", "Ізюм"]


def _news_text(rnd: random.Random) -> str:
    parts: list[str] = []
    while sum(len(s) + 1 for s in parts) < 3800:
        roll = rnd.random()
        pool = (NEWS_NO_PLACE if roll < 0.4 else NEWS_ONE_PLACE if roll < 0.75 else NEWS_TWO_PLACES if roll < 0.87
                else NEWS_NAMES)
        p, q = rnd.sample(PLACES, 2)
        parts.append(rnd.choice(pool).format(
            p=p, q=q, d=rnd.choice(DAYS), r=rnd.choice(RU_LOCATIVE), u=rnd.choice(UK_NOMINATIVE),
            person=f"{rnd.choice(FIRST_NAMES)} {_made_up(rnd, SYLLABLES)}", village=_made_up(rnd, VILLAGE_SYLLABLES),
            n=rnd.randint(2, 70), age=rnd.randint(19, 78)))
    return " ".join(parts)


def _dense_text(rnd: random.Random) -> str:
    parts: list[str] = []
    while sum(len(s) + 1 for s in parts) < 4000:
        parts.append(rnd.choice(SENTENCES).format(p=rnd.choice(PLACES), d=rnd.choice(DAYS)))
    return " ".join(parts)


def make(n: int, seed: int = 1, density: str = "news") -> list[dict]:
    """``n`` reports of ~4 KB at the given density ('news' or 'dense')."""
    rnd = random.Random(seed)
    text = {"news": _news_text, "dense": _dense_text}[density]
    return [{"id": f"gen-{i:06d}", "date": "2023-05-23", "text": text(rnd)} for i in range(n)]


def write_jsonl(path, n: int, density: str = "news") -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in make(n, density=density):
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
