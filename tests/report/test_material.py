"""What may leave the server: visibility, replacements, withdrawn words."""

import json
import re

from story import PLACE, PLACE_PSEUDONYM, PSEUDONYM, REAL_NAME, WITHDRAWN_WORDS, material_of

from mag.domain import events as ev
from mag.domain.roles import FACILITATOR


def everything(material) -> str:
    return json.dumps([e.to_json() for e in material.events], ensure_ascii=False)


def test_secret_ballots_evaluation_answers_and_the_replacement_list_stay_in(material):
    types = {e.type for e in material.events}
    assert ev.BALLOT_CAST not in types
    assert ev.EVALUATION_ANSWERED not in types
    assert ev.REPLACEMENTS_SET not in types
    # What they led to is there: who voted, the results, the evaluation summary.
    assert {ev.VOTED, ev.VOTE_CLOSED, ev.EVALUATION_REVEALED} <= types


def test_listed_names_are_replaced_in_every_text(material):
    text = everything(material)
    assert REAL_NAME not in text and PLACE not in text
    assert PSEUDONYM in text and PLACE_PSEUDONYM in text
    assert PSEUDONYM in material.state.synthesis_text
    assert material.state.proposals["prop-0001"].title == f"La borne et {PSEUDONYM}"


def test_replacement_is_whole_words_any_case(app_context, played):
    played.steer("set_replacements", replacements=[{"find": "borne", "replace": "automate"}])
    titles = {p.title for p in material_of(played).state.proposals.values()}
    assert "La automate et Mme Lambert" in titles  # "Mme Lambert" is no longer listed
    assert all("bornes" not in t for t in titles)


def test_withdrawn_words_are_nowhere(material):
    text = everything(material)
    for sentence in WITHDRAWN_WORDS:
        assert sentence not in text
    assert "Emma" not in text
    assert "stagiaire assistante sociale" not in text
    assert material.marker in material.state.synthesis_text  # the quote in the synthesis too


def test_withdrawn_words_show_as_a_marker_or_not_at_all(app_context, played):
    marked = material_of(played)
    bodies = [c.body for c in marked.contributions()]
    assert marked.marker in bodies
    played.steer("change_settings", withdrawal="remove")
    removed = material_of(played)
    assert removed.marker not in [c.body for c in removed.contributions()]
    assert len(removed.contributions()) == len(bodies) - 1


def test_speakers_are_named_by_function_or_pseudonym(app_context, played):
    awa = next(p for p in played.state.participants.values() if p.pseudonym == "Awa")
    assert material_of(played).speaker(awa.id) == "AS en CPAS"
    played.steer("change_settings", attribution="pseudonym")
    assert material_of(played).speaker(awa.id) == "Awa"


def test_by_function_no_pseudonym_is_left_in_anyones_words_nor_paired(app_context, played):
    """« Je rejoins Awa » would name the AS en CPAS: by function, her pseudonym goes too."""
    pseudonyms = [p.pseudonym for p in played.state.participants.values()]

    def synthesis(text: str) -> str:
        played.steer("save_synthesis", base_version=played.state.synthesis_version, text=text)
        return material_of(played).state.synthesis_text

    bruno = next(p for p in played.state.participants.values() if p.pseudonym == "Bruno")
    assert synthesis("Je rejoins Awa, et bruno aussi.") == (
        f"Je rejoins AS en CPAS, et {bruno.function} aussi."
    )
    dumped = json.dumps([e.data for e in material_of(played).events], ensure_ascii=False)
    assert [name for name in pseudonyms if re.search(rf"\b{re.escape(name)}\b", dumped)] == []
    # A line of the team's list for a pseudonym overrides its automatic line.
    played.steer("set_replacements", replacements=[{"find": "Awa", "replace": "une collègue"}])
    assert material_of(played).state.synthesis_text.startswith("Je rejoins une collègue,")
    # By pseudonym, pseudonyms are how the exports name people: they stay.
    played.steer("change_settings", attribution="pseudonym")
    assert synthesis("Je rejoins Bruno.") == "Je rejoins Bruno."


def test_a_name_is_replaced_even_with_its_punctuation_escaped_in_markdown(app_context, played):
    played.do(
        FACILITATOR,
        "save_synthesis",
        base_version=played.state.synthesis_version,
        text="## Contexte\n\nAu CPAS de Saint\\-Gilles, puis au cpas de saint-gilles.",
    )
    text = material_of(played).state.synthesis_text
    assert "Gilles" not in text
    assert text.count(PLACE_PSEUDONYM) == 2
