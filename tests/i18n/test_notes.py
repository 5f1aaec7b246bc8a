"""A Note is its English sentence and remembers how to say it in another language."""

from __future__ import annotations

import copy
import json
import pickle

from qantar.i18n import speaker
from qantar.notes import N_, Note, dump_notes, load_notes, say


def _russian(message: str) -> str:
    return {
        "stratum %(name)s: %(warning)s": "страта %(name)s: %(warning)s",
        "only %(n)s persons are on both lists": "только %(n)s человек в обоих списках",
    }.get(message, message)


def test_a_note_is_its_english_sentence() -> None:
    note = Note(N_("only %(n)s persons are on both lists"), n=3)
    assert note == "only 3 persons are on both lists"
    assert json.dumps([note]) == '["only 3 persons are on both lists"]'
    assert "persons are on both" in note


def test_a_note_inside_a_note_is_worded_in_the_same_language() -> None:
    inner = Note(N_("only %(n)s persons are on both lists"), n=3)
    outer = Note(N_("stratum %(name)s: %(warning)s"), name="Almaty", warning=inner)
    assert outer == "stratum Almaty: only 3 persons are on both lists"
    assert say(outer, _russian) == "страта Almaty: только 3 человек в обоих списках"


def test_notes_survive_json_pickle_and_copy() -> None:
    inner = Note(N_("only %(n)s persons are on both lists"), n=3)
    notes = [Note(N_("stratum %(name)s: %(warning)s"), name="A", warning=inner), "plain"]
    texts = json.loads(json.dumps(notes))
    words = json.loads(json.dumps(dump_notes(notes)))
    back = load_notes(texts, words)
    assert back == notes
    assert isinstance(back[0], Note) and not isinstance(back[1], Note)
    assert say(back[0], _russian) == "страта A: только 3 человек в обоих списках"
    for again in (pickle.loads(pickle.dumps(back[0])), copy.deepcopy(back[0])):
        assert isinstance(again, Note) and say(again, _russian) == say(back[0], _russian)


def test_texts_saved_before_notes_come_back_as_they_were() -> None:
    assert load_notes(["a", "b"], None) == ["a", "b"]
    assert load_notes(["a", "b"], [None]) == ["a", "b"]  # lists out of step: texts win
    edited = dump_notes([Note(N_("only %(n)s persons are on both lists"), n=3)])
    assert not isinstance(load_notes(["something else"], edited)[0], Note)


def test_a_plain_sentence_without_parameters_is_found_in_the_catalog() -> None:
    ru = speaker("ru").gettext
    assert say("None.", ru) != "None."
    assert say("", ru) == ""
    assert say(None, ru) is None
