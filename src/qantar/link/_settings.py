"""Splink settings over the prepared feature columns: comparisons, blocking, training rules.

Settings are data (a plain Splink settings dict), saved with each run's trained model.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from splink import block_on

from qantar.link._dialect import DUCKDB, Dialect, dialect
from qantar.settings import DEFAULTS


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True}


def _else() -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "different"}


def _name_comparison(d: Dialect) -> dict[str, Any]:
    s_eq = "surname_key_l = surname_key_r"
    g_eq = "given_key_l = given_key_r"
    swap = "surname_key_l = given_key_r AND given_key_l = surname_key_r"
    ph = (
        "((surname_ph_l = surname_ph_r AND given_ph_l = given_ph_r) OR "
        "(surname_ph_l = given_ph_r AND given_ph_l = surname_ph_r))"
    )

    # Slips in the lists fall inside a word; a different first letter (Бегалиев,
    # Ергалиев) is a different name however high Jaro-Winkler scores it.
    def jw(a: str, b: str) -> str:
        return (
            f"({d.jaro_winkler(f'{a}_l', f'{b}_r')} >= 0.9 "
            f"AND substr({a}_l, 1, 1) = substr({b}_r, 1, 1))"
        )

    straight = f"{jw('surname_key', 'surname_key')} AND {jw('given_key', 'given_key')}"
    crossed = f"{jw('surname_key', 'given_key')} AND {jw('given_key', 'surname_key')}"
    close = f"(({straight}) OR ({crossed}))"
    initial = (
        "given_initial_l = given_initial_r AND (length(given_key_l) = 1 OR length(given_key_r) = 1)"
    )
    one_missing = "(given_key_l IS NULL OR given_key_r IS NULL)"
    swap_initial = (
        "((surname_key_l = given_key_r AND length(given_key_l) = 1 "
        "AND given_initial_l = substr(surname_key_r, 1, 1)) OR "
        "(surname_key_r = given_key_l AND length(given_key_r) = 1 "
        "AND given_initial_r = substr(surname_key_l, 1, 1)))"
    )
    same_first = "substr(surname_key_l, 1, 1) = substr(surname_key_r, 1, 1)"
    loose = (
        f"{d.jaro_winkler('surname_key_l', 'surname_key_r')} >= 0.88 "
        f"AND {d.jaro_winkler('given_key_l', 'given_key_r')} >= 0.8 AND {same_first}"
    )
    return {
        "output_column_name": "name",
        "comparison_description": "surname and given name keys, either order",
        "comparison_levels": [
            _null(
                "(surname_key_l IS NULL AND given_key_l IS NULL) OR "
                "(surname_key_r IS NULL AND given_key_r IS NULL)"
            ),
            _level(
                "full_key_l = full_key_r",
                "same surname and given name",
                tf_adjustment_column="full_key",
                tf_adjustment_weight=0.25,
            ),
            _level(swap, "same names, swapped order"),
            _level(ph, "names sound alike"),
            _level(close, "names close (Jaro-Winkler >= 0.9)"),
            _level(
                f"{s_eq} AND ({initial} OR {one_missing})",
                "same surname, initial compatible",
                # "Ким А." says little when Ким is common: adjust by the surname's frequency.
                tf_adjustment_column="surname_key",
                tf_adjustment_weight=1.0,
            ),
            _level(
                f"({d.jaro_winkler('surname_key_l', 'surname_key_r')} >= 0.88 AND {initial}) "
                f"OR {swap_initial}",
                "surname near or swapped, initial compatible",
            ),
            _level(
                f"{g_eq} AND {d.jaro_winkler('surname_key_l', 'surname_key_r')} >= 0.8 "
                f"AND {same_first}",
                "same given, surname near",
            ),
            _level(loose, "names near (Jaro-Winkler >= 0.8)"),
            _level(
                s_eq,
                "same surname, given differs",
                tf_adjustment_column="surname_key",
                tf_adjustment_weight=1.0,
            ),
            # A woman's surname after marriage, or a surname misheard past recognition.
            _level(g_eq, "same given name, surname differs"),
            _else(),
        ],
    }


def _patronymic_comparison(d: Dialect) -> dict[str, Any]:
    # A list that does not record patronymics says nothing: the null level is neutral.
    return {
        "output_column_name": "patronymic",
        "comparison_description": "father's name inside the patronymic",
        "comparison_levels": [
            _null("patronymic_initial_l IS NULL OR patronymic_initial_r IS NULL"),
            _level("patronymic_key_l = patronymic_key_r", "same father's name"),
            _level(
                f"{d.jaro_winkler('patronymic_key_l', 'patronymic_key_r')} >= 0.88",
                "father's name close",
            ),
            _level(
                "(patronymic_key_l IS NULL OR patronymic_key_r IS NULL "
                "OR length(patronymic_key_l) = 1 OR length(patronymic_key_r) = 1) "
                "AND patronymic_initial_l = patronymic_initial_r",
                "initials agree",
            ),
            _else(),
        ],
    }


def _date_slip(d: Dialect) -> str:
    return (
        f"{d.damerau_levenshtein('birth_date_l', 'birth_date_r')} <= 1 "
        f"OR {d.days_apart('birth_date_l', 'birth_date_r', lenient=True)} <= 1 "
        "OR (substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) "
        "AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) "
        "AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2))"
    )


_DATE_SLIP = _date_slip(DUCKDB)


def _round_age(side: str, year: int = DEFAULTS.case.start_year) -> str:
    """The age a birth year came from is a multiple of 5: often a guess ("about thirty";
    age heaping). The age is recovered as ``qantar.link._features`` derived the year
    (``year``: the case's first year, where a record has no event date)."""
    event = f"TRY_CAST(event_date_{side} AS DATE)"
    age = (
        f"(coalesce(year({event}), {int(year)}) - birth_year_{side} "
        f"- CASE WHEN coalesce(month({event}), 1) <= 6 THEN 1 ELSE 0 END)"
    )
    return f"(birth_year_from_age_{side} AND {age} % 5 = 0)"


def _birth_comparison(d: Dialect, year: int) -> dict[str, Any]:
    diff = "abs(birth_year_l - birth_year_r)"
    # Ages given by relatives and hotlines are approximate: a birth year derived from an
    # age gets its own, wider level so EM can learn how loose such ages are.
    from_age = "(birth_year_from_age_l OR birth_year_from_age_r)"
    return {
        "output_column_name": "birth",
        "comparison_description": "birth date, birth year, or birth year from age at the event",
        "comparison_levels": [
            _null("birth_year_l IS NULL OR birth_year_r IS NULL"),
            _level("birth_date_l = birth_date_r", "same birth date"),
            # Hand-typed dates slip: one digit, a day off, day and month swapped.
            _level(_date_slip(d), "birth date one slip apart"),
            _level(f"{diff} = 0", "same birth year"),
            # An age is often one year off (a birthday near the event, a guess); a birth
            # year written in a list seldom is.
            _level(f"{diff} <= 1 AND {from_age}", "within 1, one from an age"),
            _level(f"{diff} <= 1", "birth years within 1"),
            _level(
                f"{diff} <= 3 AND ({_round_age('l', year)} OR {_round_age('r', year)})",
                "within 3, a round age",
            ),
            _level(f"{diff} <= 3 AND {from_age}", "within 3, one from an age"),
            _level(f"{diff} <= 3", "birth years within 3"),
            _else(),
        ],
    }


def _event_comparison(d: Dialect) -> dict[str, Any]:
    days = d.days_apart("event_date_l", "event_date_r")
    return {
        "output_column_name": "event_date",
        "comparison_description": "date of the event",
        "comparison_levels": [
            _null("event_date_l IS NULL OR event_date_r IS NULL"),
            _level("event_date_l = event_date_r", "same day"),
            _level(f"{days} <= 2", "1-2 days apart"),
            _level(f"{days} <= 7", "3-7 days apart"),
            _else(),
        ],
    }


def _place_comparison(d: Dialect) -> dict[str, Any]:
    both_ids = "place_id_l IS NOT NULL AND place_id_r IS NOT NULL"
    both_written = "place_key_l IS NOT NULL AND place_key_r IS NOT NULL"
    return {
        "output_column_name": "place",
        "comparison_description": "gazetteer place, then the place as written, then region",
        "comparison_levels": [
            _null(f"NOT ({both_ids}) AND NOT ({both_written})"),
            # The id is often coarser than what the list wrote (a district or street that
            # the gazetteer resolves to its city; a postcode over several suburbs).
            _level(
                "place_id_l = place_id_r AND place_key_l = place_key_r",
                "same place, written alike",
            ),
            _level("place_id_l = place_id_r", "same place"),
            # No gazetteer id on a side, or ids that differ while the text agrees (a
            # place known by a name the gazetteer lacks; an id taken from another column).
            _level(
                "place_key_l = place_key_r",
                "same place as written",
                tf_adjustment_column="place_key",
                tf_adjustment_weight=1.0,
            ),
            # Where both ids are known they settle it: the texts of two places in one
            # region look alike ("Алматинская обл., г. Есик", "... г. Талгар").
            _level(
                f"NOT ({both_ids}) AND {d.jaro_winkler('place_key_l', 'place_key_r')} >= 0.9",
                "place as written close",
            ),
            _level("region_id_l = region_id_r", "same region"),
            _level(both_ids, "different"),
            # One side unresolved and written otherwise: a district, a street, a village
            # the other list names by its town. Weaker than two different places.
            _level("ELSE", "written differently"),
        ],
    }


def _sex_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "sex",
        "comparison_description": "recorded or inferred sex",
        "comparison_levels": [
            _null("sex_l = 'U' OR sex_r = 'U' OR sex_l IS NULL OR sex_r IS NULL"),
            _level("sex_l = sex_r", "same sex"),
            _else(),
        ],
    }


# Beyond this many lists, one level "same list" stands for all (a level per list would
# leave EM too few pairs per level to learn from).
LIST_LEVELS_UP_TO = 12


def _list_comparison(lists: int) -> dict[str, Any]:
    """Whether both records come from one list, and which. Lists repeat a person at very
    different rates (a ministry's list almost never, a hotline's often): EM learns each
    list's rate, so two namesakes on an official list are kept apart while two hotline
    calls about one person are not."""
    same = f"{LIST_COLUMN}_l = {LIST_COLUMN}_r"
    if lists > LIST_LEVELS_UP_TO:
        levels = [_level(same, "same list")]
    else:
        levels = [
            _level(f"{same} AND {LIST_COLUMN}_l = '{source_name(i)}'", f"both from list {i + 1}")
            for i in range(lists)
        ]
    return {
        "output_column_name": "list",
        "comparison_description": "same list (a repeat) or two lists",
        "comparison_levels": [*levels, _level("ELSE", "different lists")],
    }


def source_name(i: int) -> str:
    """The name Splink gives the i-th list's records (``source_dataset``), also in
    their column ``LIST_COLUMN``."""
    return f"src{i}"


# The list comparison reads its own copy of ``source_dataset``: Splink selects that
# column for itself too, and Spark refuses the two same-named columns DuckDB lets pass.
LIST_COLUMN = "list_key"


# Starting m probabilities per level (non-null levels, in order), from a model trained on
# a 1,000-person synthetic scenario. EM starts from them and replaces them; where EM
# cannot run (a small project, a level never observed) they are the model's values.
PRIOR_M: dict[str, tuple[float, ...]] = {
    "name": (0.55, 0.012, 0.016, 0.06, 0.28, 0.025, 0.006, 0.005, 0.005, 0.005, 0.036),
    "patronymic": (0.70, 0.01, 0.27, 0.02),
    "birth": (0.2, 0.02, 0.6, 0.08, 0.02, 0.02, 0.02, 0.02, 0.02),
    "event_date": (0.88, 0.08, 0.02, 0.02),
    "place": (0.8, 0.15, 0.005, 0.005, 0.01, 0.025, 0.005),
    "sex": (0.98, 0.02),
}


def comparisons(
    lists: int = 1, backend: str = "duckdb", year: int = DEFAULTS.case.start_year
) -> list[dict[str, Any]]:
    """The comparisons, with a list comparison when there are two lists or more, in the
    SQL of ``backend``; ``year`` is the case's first year (``[case] period_start``)."""
    d = dialect(backend)
    out = [
        _name_comparison(d),
        _patronymic_comparison(d),
        _birth_comparison(d, year),
        _event_comparison(d),
        _place_comparison(d),
        _sex_comparison(),
    ]
    for comp in out:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for lv, m in zip(levels, PRIOR_M[comp["output_column_name"]], strict=True):
            lv["m_probability"] = m
    if lists > 1:
        comp = _list_comparison(lists)
        levels = comp["comparison_levels"]
        # Repeats are a few percent of a list's persons: start every list there.
        for lv in levels[:-1]:
            lv["m_probability"] = 0.02
        levels[-1]["m_probability"] = 1.0 - 0.02 * (len(levels) - 1)
        out.append(comp)
    return out


def _either_initial_only(base: str) -> list[str]:
    """``base`` where one side's given name is only an initial ("Оспанов М.М."), as two
    rules: a condition on one side is applied before the join, an OR of both after it."""
    return [f"{base} AND length({side}.given_key) = 1" for side in ("l", "r")]


def _one_side(base: str, condition: str) -> list[str]:
    """``base`` where ``condition`` holds on one side, as two rules (see above)."""
    return [f"{base} AND {condition.format(side=side)}" for side in ("l", "r")]


def _birth_years_within_1(base: str) -> list[str]:
    """``base`` with birth years at most one apart, as three equality joins: DuckDB
    joins on equalities, and filters anything else only after forming every pair."""
    return [
        f"{base} AND l.birth_year = r.birth_year",
        f"{base} AND l.birth_year = r.birth_year + 1",
        f"{base} AND l.birth_year + 1 = r.birth_year",
    ]


def blocking_rules(
    *, nameless: bool = True, broad: bool = True, backend: str = "duckdb"
) -> list[Any]:
    """Rules whose union keeps pair recall above 99.5% on synthetic truth (see docs/link.md).

    ``nameless=False`` leaves out the rules for records without a name (see
    ``nameless_pairs``); ``broad=False`` the rules on one name and the place alone (see
    ``broad_pairs``).

    Candidate pairs grow with the square of the records wherever names repeat, so the
    broad keys (a surname with an initial, a sound skeleton with a place) are narrowed
    by a date or by one side being an initial: at a million records the unnarrowed
    rules gave about a billion candidate pairs (bench/README.md, Linkage, Scale). Each
    narrowing is written as equality joins (several rules where it is an OR), so that
    the database never forms the broad pairs only to throw them away. The rules are in
    the SQL of ``backend`` where it differs (the day after an event).
    """
    surname_initial = "l.surname_key = r.surname_key AND l.given_initial = r.given_initial"
    prefix_initial = (
        "substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3) "
        "AND l.given_initial = r.given_initial"
    )
    surname_given2 = (
        "l.surname_key = r.surname_key AND substr(l.given_key, 1, 2) = substr(r.given_key, 1, 2)"
    )
    prefix_given2 = (
        "substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3) "
        "AND substr(l.given_key, 1, 2) = substr(r.given_key, 1, 2)"
    )
    rules = [
        block_on("surname_key", "given_key"),
        "l.surname_key = r.given_key AND l.given_key = r.surname_key",
        block_on("surname_sk", "given_sk"),
        "l.surname_sk = r.given_sk AND l.given_sk = r.surname_sk",
        # Lists that write "Surname I.I.": the surname and the initial.
        *_either_initial_only(surname_initial),
        "l.surname_sk = r.surname_sk AND l.given_initial = r.given_initial "
        "AND l.event_date = r.event_date AND (length(l.given_key) = 1 "
        "OR length(r.given_key) = 1 OR l.birth_year IS NULL OR r.birth_year IS NULL "
        "OR abs(l.birth_year - r.birth_year) <= 3)",
        # Swapped order with an initial, in both directions (Splink orders l and r).
        "l.surname_key = r.given_key AND l.given_initial = substr(r.surname_key, 1, 1)",
        "r.surname_key = l.given_key AND r.given_initial = substr(l.surname_key, 1, 1)",
        block_on("birth_date"),
        block_on("given_key", "birth_year"),
        block_on("surname_key", "birth_year", "place_id"),
        block_on("surname_key", "birth_year", "event_date"),
        *_birth_years_within_1("l.surname_sk = r.surname_sk AND l.place_id = r.place_id"),
        block_on("given_sk", "event_date", "place_id"),
        # A typo in one name: the other name plus the first letters of the mistyped one.
        "l.given_key = r.given_key AND substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)",
        *_birth_years_within_1(surname_given2),
        f"{surname_given2} AND l.event_date = r.event_date",
        *_either_initial_only(prefix_initial),
        *_birth_years_within_1(prefix_initial),
        # Lists that give neither a birth date nor an age: the place narrows instead
        # (the first two letters of the given name: one initial would add 3% of pairs).
        *_one_side(f"{prefix_given2} AND l.place_id = r.place_id", "{side}.birth_year IS NULL"),
        # One name missing on one side: the other name and the place.
        *_one_side(
            "l.surname_key = r.surname_key AND l.place_id = r.place_id", "{side}.given_key IS NULL"
        ),
        *_one_side(
            "l.given_key = r.given_key AND l.place_id = r.place_id", "{side}.surname_key IS NULL"
        ),
        # A mistyped birth year (1943 for 1934): the same day and month.
        f"{surname_given2} AND substr(l.birth_date, 6, 5) = substr(r.birth_date, 6, 5)",
    ]
    # One name and the place, nothing else: every other rule needs a second name, a date
    # or a birth year to agree, so a record with a mistyped given name and a wrong birth
    # date is found only here. Affordable on small projects only (see broad_pairs).
    if broad:
        rules += [block_on(name, "place_id") for name in BROAD_KEYS]
    # An unidentified body (no name on one side): the same place, the same day or a
    # register's intake the day after, a compatible sex and age. Splink scores these
    # pairs on everything but the name; most stay uncertain and go to reviewers.
    # Written once for each side: a condition on one side filters before the join,
    # whereas "either side" would first pair every record of the same place and day.
    if nameless:
        rules += [
            f"{_nameless_side(side)} AND l.place_id = r.place_id AND {day} AND {_FITS}"
            for day in _days(dialect(backend))
            for side in ("l", "r")
        ]
    return rules


# Beyond this many, the pairs of records without a name are not compared: their number
# grows with the square of the deaths per place and day (about 13,000 for 2,200 records,
# some 25 million for 100,000), and on age, date and sex alone their scores cannot tell
# the persons who fit apart anyway. Reviewers still get the few-fit ones (qantar review).
NAMELESS_PAIR_LIMIT = 2_000_000


def nameless_pairs(features: pa.Table) -> int:
    """About how many pairs the rules for records without a name would add (sex and
    age are left out of the count: an upper bound)."""
    import datetime as dt

    named: dict[tuple[str, str], int] = {}
    bodies: dict[tuple[str, str], int] = {}
    columns = [
        features.column(c).to_pylist()
        for c in ("place_id", "event_date", "surname_key", "given_key")
    ]
    for place, day, surname, given in zip(*columns, strict=True):
        if not (place and day):
            continue
        key = (place, day)
        target = named if (surname or given) else bodies
        target[key] = target.get(key, 0) + 1
    total = 0
    for (place, day), n in bodies.items():
        try:
            d = dt.date.fromisoformat(day)
        except ValueError:
            continue
        days = {delta: (place, (d + dt.timedelta(days=delta)).isoformat()) for delta in (-1, 0, 1)}
        total += n * sum(named.get(k, 0) for k in days.values())
        # Two bodies: once each, same day or a day apart.
        total += n * (n - 1) // 2 + n * bodies.get(days[1], 0)
    return total


# The rules on one name and the place (surname or given name alone) are kept while they add
# at most this many pairs: on FEBRL4 (10,000 records) they lift pairwise F1 from 0.987 to
# 0.992; at 100,000 Kazakh records, where a few given names and cities dominate, they
# would add tens of millions.
BROAD_KEYS = ("surname_key", "given_key")
BROAD_PAIR_LIMIT = 1_000_000


def broad_pairs(features: pa.Table) -> int:
    """How many pairs the rules on one name and the place would form (an upper bound:
    pairs that other rules also find are counted)."""
    total = 0
    for key in BROAD_KEYS:
        groups = (
            features.select([key, "place_id"])
            .drop_null()
            .group_by([key, "place_id"])
            .aggregate([([], "count_all")])
        )
        sizes = groups.column("count_all").to_numpy()
        total += int((sizes * (sizes - 1) // 2).sum())
    return total


def _nameless_side(side: str) -> str:
    return f"({side}.surname_key IS NULL AND {side}.given_key IS NULL)"


def _days(d: Dialect) -> tuple[str, ...]:
    return (
        "l.event_date = r.event_date",
        f"l.event_date = {d.next_day('r.event_date')}",
        f"r.event_date = {d.next_day('l.event_date')}",
    )


_FITS = (
    "(l.sex = r.sex OR l.sex = 'U' OR r.sex = 'U') "
    "AND (l.birth_year IS NULL OR r.birth_year IS NULL OR abs(l.birth_year - r.birth_year) <= 10)"
)


def training_rules() -> list[Any]:
    """EM blocks: each leaves out the comparisons it blocks on, so together they train all."""
    return [
        block_on("surname_key", "given_key"),
        block_on("birth_year", "place_id"),
    ]


def deterministic_rules() -> list[str | Any]:
    """Near-certain matches, used to estimate the prior probability of a match."""
    return [
        "l.full_key = r.full_key AND l.birth_year = r.birth_year",
        "l.full_key = r.full_key AND l.event_date = r.event_date AND l.place_id = r.place_id",
    ]


def settings_dict(
    prior: float = 1e-4,
    *,
    nameless: bool = True,
    broad: bool = True,
    lists: int = 1,
    backend: str = "duckdb",
    year: int = DEFAULTS.case.start_year,
) -> dict[str, Any]:
    """Splink settings in the SQL of ``backend`` (see ``qantar.link._dialect``)."""
    return {
        "link_type": "link_and_dedupe",
        "unique_id_column_name": "record_id",
        "source_dataset_column_name": "source_dataset",
        "probability_two_random_records_match": prior,
        "comparisons": comparisons(lists, backend, year),
        "blocking_rules_to_generate_predictions": [
            r if isinstance(r, str) else r.get_blocking_rule(backend).blocking_rule_sql
            for r in blocking_rules(nameless=nameless, broad=broad, backend=backend)
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "max_iterations": 20,
        "em_convergence": 0.0001,
    }
