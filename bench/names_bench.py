"""Benchmark of qantar.names: cross-script key agreement, collisions, throughput.

Run from the repository root:  PYTHONPATH=src python bench/names_bench.py [--seed 7]

Figures printed:
- agreement: share of same-name pairs (one Cyrillic, one Latin in each scheme; Cyrillic
  with Kazakh letters and Russified; Latin made from either) whose name_key is equal.
  Target >= 97% in every scheme.
- collisions: share of pairs of different listed names (given with given, surname with
  surname; Cyrillic against Latin in each scheme) whose keys are equal. Target < 1%.
- throughput: names parsed and keyed per second, caches cleared first, on a synthetic
  stream of records about a fixed number of people, each written in the style of one
  of several sources (names repeat as in real lists), and on all-distinct names; the
  anchor is a naive anyascii-style fold of the same stream (one fixed letter table +
  rapidfuzz's default_process), measured in the same run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import time
from collections.abc import Callable, Iterable

from rapidfuzz.utils import default_process

from qantar.data import read_csv
from qantar.names import (
    SCHEMES,
    _fold,
    _keys,
    _parse,
    keys,
    name_key,
    parse,
    russify,
    transliterate,
)

# The naive anchor: what a generic "transliterate to ASCII then compare" pipeline does
# (anyascii/unidecode style), one fixed table, no knowledge of schemes.
_NAIVE = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
        "һ": "h", "і": "i",
        "ä": "a", "ğ": "g", "ı": "i", "ñ": "n", "ö": "o", "ş": "sh", "ū": "u", "ü": "u",
        "á": "a", "ǵ": "g", "ń": "n", "ó": "o", "ú": "u", "ý": "y", "ž": "zh", "č": "ch",
        "š": "sh", "ŝ": "shch", "ġ": "g", "ķ": "k", "ṇ": "n", "ô": "o", "ù": "u", "ḥ": "h",
        "ì": "i", "â": "ya", "û": "yu", "è": "e", "ë": "yo", "ī": "i",
    }
)  # fmt: skip


# Real-world Latin spellings (press, passports, sports and business registers), written by
# hand, not produced by our schemes: an independent check of the keys.
_HAND = """
Нұрсұлтан/Nursultan Қасым-Жомарт/Kassym-Jomart Ерлан/Yerlan Асель/Assel Айгерим/Aigerim
Айгерім/Aigerim Жанар/Zhanar Даурен/Dauren Бауыржан/Baurzhan Бауыржан/Bauyrzhan
Ержан/Yerzhan Жандос/Zhandos Жанболат/Zhanbolat Нұрбол/Nurbol Дархан/Darkhan Ербол/Yerbol
Ерболат/Yerbolat Еркебұлан/Yerkebulan Медет/Medet Айдос/Aidos Айдос/Aydos Алмас/Almas
Асқар/Askar Асхат/Askhat Қанат/Kanat Қуаныш/Kuanysh Мақсат/Maksat Мұрат/Murat Олжас/Olzhas
Саят/Sayat Тимур/Timur Ғалым/Galym Шыңғыс/Shyngys Шыңғыс/Chingis Жұлдыз/Zhuldyz
Мөлдір/Moldir Айнұр/Ainur Гүлнара/Gulnara Динара/Dinara Сәуле/Saule Әсем/Assem Ақерке/Akerke
Назерке/Nazerke Аружан/Aruzhan Аяжан/Ayazhan Меруерт/Meruyert Меруерт/Meruert
Ботагөз/Botagoz Құралай/Kuralai Қарлығаш/Karlygash Ляззат/Lyazzat Жібек/Zhibek Майра/Maira
Шолпан/Sholpan Салтанат/Saltanat Гаухар/Gaukhar Индира/Indira Карина/Karina
Ахметов/Akhmetov Оспанов/Ospanov Сулейменов/Suleimenov Сулейменов/Suleymenov
Искаков/Iskakov Абдрахманов/Abdrakhmanov Ибрагимов/Ibragimov Калиев/Kaliyev Садыков/Sadykov
Ибраев/Ibrayev Смагулов/Smagulov Исаев/Issayev Нургалиев/Nurgaliyev Кусаинов/Kusainov
Кусаинов/Kussainov Жумабаев/Zhumabayev Аубакиров/Aubakirov Касымов/Kassymov
Жунусов/Zhunussov Абишев/Abishev Тулегенов/Tulegenov Муканов/Mukanov Касенов/Kassenov
Сыздыков/Syzdykov Мусин/Mussin Сарсенбаев/Sarsenbayev Утегенов/Utegenov Жакупов/Zhakupov
Жусупов/Zhussupov Рахметов/Rakhmetov Кудайбергенов/Kudaibergenov Кожахметов/Kozhakhmetov
Кенжебаев/Kenzhebayev Мустафин/Mustafin Оразбаев/Orazbayev Байжанов/Baizhanov
Бейсенов/Beisenov Бейсенов/Beysenov Тажибаев/Tazhibayev Шаяхметов/Shayakhmetov
Дюсенов/Dyussenov Дюсембаев/Dyussembayev Ким/Kim Цой/Tsoy Пак/Pak Тен/Ten Югай/Yugay Ли/Lee
Шмидт/Schmidt Миллер/Miller Бондаренко/Bondarenko Шевченко/Shevchenko Коваленко/Kovalenko
Григорьев/Grigoriev Васильев/Vasiliev Васильев/Vassiliev Алексеев/Alekseev Юсупов/Yusupov
Юлдашев/Yuldashev Усманов/Usmanov Турсунов/Tursunov Александр/Alexander Сергей/Sergey
Андрей/Andrei Андрей/Andrey Дмитрий/Dmitry Евгений/Yevgeny Евгений/Evgeniy Алексей/Alexey
Юрий/Yuri Юрий/Yury Виталий/Vitaly Наталья/Natalia Татьяна/Tatiana Юлия/Yulia Юлия/Julia
Ксения/Ksenia Ксения/Xenia Екатерина/Ekaterina Екатерина/Yekaterina Ольга/Olga Елена/Elena
Елена/Yelena Анастасия/Anastasia Людмила/Lyudmila Людмила/Ludmila Светлана/Svetlana
Вячеслав/Vyacheslav Пётр/Pyotr Фёдор/Fyodor Семён/Semyon Михаил/Mikhail
"""
HAND_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (pair.split("/")[0], pair.split("/")[1]) for pair in _HAND.split()
)


def naive_key(text: str) -> str:
    return default_process(text.lower().translate(_NAIVE)).replace(" ", "")


def _names() -> tuple[list[str], list[str]]:
    given: list[str] = []
    for row in read_csv("kz/given_names.csv"):
        given.append(row["name_kk"] or row["name_cyrillic"])
    surnames: list[str] = []
    for row in read_csv("kz/surnames.csv"):
        surnames.append(row["surname_m"])
        if row["surname_f"] != row["surname_m"]:
            surnames.append(row["surname_f"])
    return given, surnames


def _same_pairs(names: Iterable[str], scheme: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for kz in names:
        ru = russify(kz)
        for cyr in {kz, ru}:
            for src in {kz, ru}:
                pairs.append((cyr, transliterate(src, scheme)))
    return pairs


def agreement(pairs: list[tuple[str, str]], key: Callable[[str], str]) -> float:
    return sum(key(a) == key(b) for a, b in pairs) / len(pairs)


def collisions(names: list[str], scheme: str, key: Callable[[str], str]) -> tuple[float, int]:
    # Names that the data itself says are one name (same row variants) are excluded by
    # comparing only different rows; identical strings in two rows are skipped.
    cyr = [key(n) for n in names]
    lat = [key(transliterate(n, scheme)) for n in names]
    hits = total = 0
    for i, j in itertools.permutations(range(len(names)), 2):
        if russify(names[i]) == russify(names[j]):
            continue
        total += 1
        hits += cyr[i] == lat[j]
    return hits / total, total


def _person(
    rng: random.Random,
    given_rows: list[dict[str, str]],
    sur_rows: list[dict[str, str]],
    male: list[dict[str, str]],
) -> tuple[str, str, str, bool]:
    # Zipf-like weights: common names are much more common than rare ones.
    g = rng.choices(given_rows, [1.0 / (i + 1) for i in range(len(given_rows))])[0]
    s = rng.choices(sur_rows, [1.0 / (i + 1) ** 0.8 for i in range(len(sur_rows))])[0]
    father = rng.choices(male, [1.0 / (i + 1) for i in range(len(male))])[0]["name_cyrillic"]
    female = g["gender"] == "F"
    surname = s["surname_f"] if female else s["surname_m"]
    given = g["name_cyrillic"] if rng.random() < 0.7 else (g["name_kk"] or g["name_cyrillic"])
    if rng.random() < 0.5:
        base = father[:-2] + "е" if father.endswith(("ей", "ий")) else father
        if female:
            pat = base + ("евна" if base.endswith("е") else "овна")
        else:
            pat = base + ("евич" if base.endswith("е") else "ович")
    elif rng.random() < 0.3:
        pat = father + (" қызы" if female else " ұлы")
    else:
        pat = father + ("кызы" if female else "улы")
    return surname, given, pat, female


def _render(person: tuple[str, str, str, bool], form: int) -> str:
    surname, given, pat, _ = person
    if form == 0:
        return f"{surname.upper()} {given} {pat}"  # prosecutor's list
    if form == 1:
        return f"{given} {surname}"  # NGO list
    if form == 2:
        return f"{surname} {given[0]}.{pat[0]}."  # morgue register
    return transliterate(f"{given} {surname}", SCHEMES[form - 3])  # press, by scheme


def _stream(n: int, seed: int, persons: int) -> list[str]:
    """``n`` records about ``persons`` people, each written by one of 3 + len(SCHEMES)
    sources in that source's style: the repetition real lists have (one person, several
    lists, each list spelling the name its own way)."""
    rng = random.Random(seed)
    given_rows = list(read_csv("kz/given_names.csv"))
    sur_rows = list(read_csv("kz/surnames.csv"))
    male = [r for r in given_rows if r["gender"] == "M" and r["kind"] == "full"]
    people = [_person(rng, given_rows, sur_rows, male) for _ in range(persons)]
    forms = 3 + len(SCHEMES)
    return [_render(rng.choice(people), rng.randrange(forms)) for _ in range(n)]


def _clear_caches() -> None:
    from qantar.names import _keys_of

    for fn in (
        parse,
        _keys_of,
        name_key,
        transliterate,
        _fold.fold_words,
        _keys.canonical_words,
        _keys.canonical_latin,
        _keys.patronymic_key,
        _keys.surname_family_key,
        _parse.parse_parts,
    ):
        fn.cache_clear()


def throughput(stream: list[str]) -> tuple[float, float, float]:
    _clear_caches()
    name_key("прогрев")  # load the shipped lists outside the timing
    t0 = time.perf_counter()
    for n in stream:
        keys(parse(n))
    cold = len(stream) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for n in stream:
        keys(parse(n))
    warm = len(stream) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for n in stream:
        [naive_key(w) for w in n.split()]
    naive = len(stream) / (time.perf_counter() - t0)
    return cold, warm, naive


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stream", type=int, default=200_000)
    ap.add_argument("--persons", type=int, default=5_000)
    args = ap.parse_args()
    given, surnames = _names()
    everything = given + surnames

    print("cross-script key agreement on same-name pairs (target >= 97%)")
    print(f"{'scheme':<10} {'pairs':>6} {'qantar':>8} {'naive':>8}")
    worst = 1.0
    for scheme in SCHEMES:
        pairs = _same_pairs(everything, scheme)
        ours, base = agreement(pairs, name_key), agreement(pairs, naive_key)
        worst = min(worst, ours)
        print(f"{scheme:<10} {len(pairs):>6} {ours:>8.2%} {base:>8.2%}")
    print(f"worst scheme: {worst:.2%}")
    hand = list(HAND_PAIRS)
    misses = [f"{a}/{b}" for a, b in hand if name_key(a) != name_key(b)]
    print(
        f"hand-written real-world spellings ({len(hand)} pairs): "
        f"qantar {agreement(hand, name_key):.2%}, naive {agreement(hand, naive_key):.2%}"
    )
    print(f"  missed: {' '.join(misses) or 'none'}")

    print("\ncollisions between different names, Cyrillic vs Latin (target < 1%)")
    print(f"{'scheme':<10} {'pairs':>8} {'given':>8} {'surname':>8} {'naive':>8}")
    worst_c = 0.0
    for scheme in SCHEMES:
        cg, ng = collisions(given, scheme, name_key)
        cs, ns = collisions(surnames, scheme, name_key)
        cb, _ = collisions(given, scheme, naive_key)
        worst_c = max(worst_c, cg, cs)
        print(f"{scheme:<10} {ng + ns:>8} {cg:>8.3%} {cs:>8.3%} {cb:>8.3%}")
    print(f"worst collision rate: {worst_c:.3%}")

    stream = _stream(args.stream, args.seed, args.persons)
    cold, warm, naive = throughput(stream)
    unique = list(dict.fromkeys(_stream(args.stream // 4, args.seed + 1, args.stream)))
    u_cold, _, u_naive = throughput(unique)
    load = os.getloadavg()[0]
    print(f"\nload average during the run: {load:.1f} on {os.cpu_count()} cores (shared)")
    print(
        f"\nthroughput on {len(stream):,} names ({len(set(stream)):,} distinct, seed {args.seed})"
    )
    print(f"  parse + keys, cold caches : {cold:>10,.0f} names/s")
    print(f"  parse + keys, warm caches : {warm:>10,.0f} names/s")
    print(f"  naive fold (anchor)       : {naive:>10,.0f} names/s")
    print(f"  cold / anchor = {cold / naive:.2f}   (target: >= 100,000 names/s)")
    print(f"worst case, every name distinct ({len(unique):,} names, nothing to memoise):")
    print(f"  parse + keys              : {u_cold:>10,.0f} names/s")
    print(f"  naive fold (anchor)       : {u_naive:>10,.0f} names/s")


if __name__ == "__main__":
    main()
