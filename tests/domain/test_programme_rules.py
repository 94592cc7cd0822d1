"""A programme's rules and a fiche incident's: limits, lists, the personal-data check."""

from dataclasses import dataclass
from datetime import date

import pytest

from mag.domain.i18n import DomainError
from mag.domain.personal_data import Kind
from mag.domain.programme import (
    LIST_MAX,
    SHORT_MAX,
    STORY_MAX,
    THEME_MAX,
    FicheFilter,
    FicheRefused,
    apply_replacements,
    clean_fiche,
    clean_list,
    clean_programme,
    clean_tags,
    may_save,
    personal_data_warnings,
    proposal_from_fiche,
    texts_digest,
    themes_in_use,
)

TODAY = date(2026, 3, 10)
SERVICES = ["CPAS", "Commune"]


def fiche_form(**changes):
    form = {
        "what_happened": "Le CPAS n'accepte plus les demandes qu'en ligne.",
        "service": "CPAS",
        "barrier": "formulaire",
        "public": "une personne âgée",
        "consequences": ["retard", "renoncement"],
        "action": "J'ai rempli le formulaire avec elle.",
        "function": "AS en CPAS",
        "region": "wallonie",
        "occurred_on": "2026-03-02",
    }
    return {**form, **changes}


def refusals(**changes) -> dict[str, str]:
    with pytest.raises(FicheRefused) as refused:
        clean_fiche(fiche_form(**changes), services=SERVICES, today=TODAY)
    return {name: error.code for name, error in refused.value.errors.items()}


def test_a_programme_has_a_title_a_question_and_a_period():
    programme = clean_programme(" Numérique ", "Qu'est-ce qui change ?", "2023-01-01", "2025-12-31")
    assert programme.title == "Numérique"
    assert (programme.period_start, programme.period_end) == (date(2023, 1, 1), date(2025, 12, 31))
    assert clean_programme("T", "Q", "", "").period_start is None


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("", "Q", "", ""), "text_empty"),
        (("T" * 121, "Q", "", ""), "text_too_long"),
        (("T", "", "", ""), "text_empty"),
        (("T", "Q", "2025-01-01", "2024-01-01"), "invalid_period"),
        (("T", "Q", "hier", ""), "invalid_date"),
    ],
)
def test_a_programme_refuses(args, code):
    with pytest.raises(DomainError) as refused:
        clean_programme(*args)
    assert refused.value.code == code


def test_lists_are_one_item_a_line_without_repeats():
    assert clean_list("CPAS\n\n cpas \nCommune\r\n", "Services") == ["CPAS", "Commune"]
    with pytest.raises(DomainError) as refused:
        clean_list("\n".join(f"Service {n}" for n in range(LIST_MAX + 1)), "Services")
    assert refused.value.code == "list_too_long"


def test_a_fiche_keeps_its_fields_and_orders_its_consequences():
    fiche = clean_fiche(
        fiche_form(consequences=["renoncement", "perte_droit"]), services=SERVICES, today=TODAY
    )
    assert fiche.service == "CPAS"
    assert fiche.consequences == ("perte_droit", "renoncement")
    assert fiche.occurred_on == date(2026, 3, 2)


def test_an_empty_fiche_is_refused_field_by_field():
    assert refusals(what_happened="  ", occurred_on="") == {
        "what_happened": "text_empty",
        "occurred_on": "text_empty",
    }


def test_an_oversized_fiche_is_refused():
    assert refusals(what_happened="x" * (STORY_MAX + 1), public="p" * (SHORT_MAX + 1)) == {
        "what_happened": "text_too_long",
        "public": "text_too_long",
    }


def test_choices_come_from_the_lists():
    assert refusals(service="Banque", barrier="fax", region="paris") == {
        "service": "invalid_choice",
        "barrier": "invalid_choice",
        "region": "invalid_choice",
    }
    assert refusals(consequences=["retard", "bonheur"]) == {"consequences": "invalid_choice"}


def test_other_asks_what_it_is():
    assert refusals(service="autre", barrier="autre", consequences=["autre"]) == {
        "service_other": "other_empty",
        "barrier_other": "other_empty",
        "consequence_other": "other_empty",
    }
    fiche = clean_fiche(
        fiche_form(service="autre", service_other="Une banque"), services=SERVICES, today=TODAY
    )
    assert (fiche.service, fiche.service_other) == ("autre", "Une banque")


def test_a_date_in_the_future_is_refused():
    assert refusals(occurred_on="2026-03-12") == {"occurred_on": "date_in_future"}
    assert refusals(occurred_on="1999-12-31") == {"occurred_on": "invalid_date"}


def test_personal_data_is_found_field_by_field():
    fiche = clean_fiche(
        fiche_form(
            what_happened="Mme Lambert a appelé le 0470 12 34 56 sans réponse.",
            action="Écrit à lambert@example.be",
        ),
        services=SERVICES,
        today=TODAY,
    )
    warnings = personal_data_warnings(fiche, names=["Lambert"])
    assert warnings.by_field == {
        "what_happened": [Kind.NAME, Kind.PHONE],
        "action": [Kind.EMAIL],
    }
    assert warnings.as_data() == {"what_happened": ["name", "phone"], "action": ["email"]}
    assert personal_data_warnings(fiche).by_field == {
        "what_happened": [Kind.PHONE],
        "action": [Kind.EMAIL],
    }


def test_a_fiche_with_personal_data_is_saved_only_once_its_very_texts_are_confirmed():
    fiche = clean_fiche(
        fiche_form(what_happened="Le numéro du service, 02 555 12 34, sonne dans le vide."),
        services=SERVICES,
        today=TODAY,
    )
    warnings = personal_data_warnings(fiche)
    assert warnings
    assert not may_save(warnings, fiche, None)
    assert may_save(warnings, fiche, texts_digest(fiche))
    changed = clean_fiche(
        fiche_form(what_happened="Le 02 555 12 34 et le 0470 12 34 56 sonnent dans le vide."),
        services=SERVICES,
        today=TODAY,
    )
    assert not may_save(personal_data_warnings(changed), changed, texts_digest(fiche))
    clean = clean_fiche(fiche_form(), services=SERVICES, today=TODAY)
    assert may_save(personal_data_warnings(clean), clean, None)


# Themes, levels, the filter, and a fiche made a récit -----------------------------------------


def test_themes_are_free_words_kept_once_and_levels_come_from_the_list():
    themes, levels = clean_tags(
        "Accès aux droits, accès aux droits\nFracture numérique", ["politique", "pratique"]
    )
    assert themes == ["Accès aux droits", "Fracture numérique"]
    assert levels == ["pratique", "politique"]  # in the method's order
    assert clean_tags("", None) == ([], [])
    with pytest.raises(DomainError) as refused:
        clean_tags("", ["national"])
    assert refused.value.code == "invalid_choice"
    with pytest.raises(DomainError) as refused:
        clean_tags("x" * (THEME_MAX + 1), [])
    assert refused.value.code == "text_too_long"


@dataclass
class Tagged:
    service: str = "CPAS"
    barrier: str = "application"
    consequences: tuple = ("retard",)
    themes: tuple = ("Accès aux droits",)
    levels: tuple = ("institution",)


@pytest.mark.parametrize(
    ("args", "kept"),
    [
        ({}, True),
        ({"service": "CPAS"}, True),
        ({"service": "Commune"}, False),
        ({"barrier": "guichet"}, False),
        ({"consequence": "retard"}, True),
        ({"consequence": "cout"}, False),
        ({"theme": "accès aux droits"}, True),
        ({"theme": "Logement"}, False),
        ({"level": "institution"}, True),
        ({"level": "politique"}, False),
        ({"service": "CPAS", "level": "politique"}, False),
        ({"service": ["not", "a", "string"]}, True),
    ],
)
def test_the_filter_keeps_the_fiches_that_match_every_field_chosen(args, kept):
    assert FicheFilter.from_args(args).keeps(Tagged()) is kept


def test_the_themes_in_use_are_listed_once():
    assert themes_in_use([Tagged(themes=("b", "A")), Tagged(themes=("a",))]) == ["A", "b"]


def test_a_fiche_becomes_a_proposal_with_the_replacement_lists_applied():
    title, body = proposal_from_fiche(
        "Mme Lambert attend au CPAS de Forest depuis mars.\nRien ne bouge.",
        [("Forest", "la commune"), ("lambert", "")],
        title_max=120,
        body_max=2000,
    )
    assert body == "Mme […] attend au CPAS de la commune depuis mars.\nRien ne bouge."
    assert "Lambert" not in title and len(title) <= 60 and title.endswith("…")
    _title, cut = proposal_from_fiche("mot " * 1000, [], title_max=120, body_max=2000)
    assert len(cut) <= 2000 and cut.endswith("…")
    assert apply_replacements("Lamberto et Lambert", [("Lambert", "X")]) == "Lamberto et X"
