from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.accountability import DEFAULT_THRESHOLD, make
from qantar.accountability._screening import score_pair
from qantar.data import read_csv
from qantar.names import SCHEMES, transliterate

SURNAMES = sorted({r["surname_m"] for r in read_csv("kz/surnames.csv") if r["surname_m"]})
GIVEN = sorted({r["name_cyrillic"] for r in read_csv("kz/given_names.csv") if r["gender"] == "M"})
# Plausible birth dates: FtM drops dates it does not accept (e.g. year 3000) on the way in.
dates = st.dates(dt.date(1900, 1, 1), dt.date(2010, 12, 31)).map(lambda d: d.isoformat())


@settings(max_examples=60, deadline=None)
@given(
    surname=st.sampled_from(SURNAMES),
    given_name=st.sampled_from(GIVEN),
    scheme=st.sampled_from(SCHEMES),
    born=dates,
    other=dates,
)
def test_same_person_across_scripts_matches_and_a_namesake_never_does(
    surname: str, given_name: str, scheme: str, born: str, other: str
) -> None:
    cyrillic = f"{surname} {given_name}"
    latin_given_first = f"{transliterate(given_name, scheme)} {transliterate(surname, scheme)}"
    ours = make("Person", name=cyrillic, birthDate=born, nationality="kz")
    theirs = make("Person", name=latin_given_first, birthDate=born, nationality="kz")
    score, reasons = score_pair(ours, theirs)
    assert score >= DEFAULT_THRESHOLD, reasons
    if other != born:
        namesake = make("Person", name=latin_given_first, birthDate=other, nationality="kz")
        assert score_pair(ours, namesake)[0] < DEFAULT_THRESHOLD
