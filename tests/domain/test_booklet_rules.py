"""The booklet's rules: versions saved on the latest only, and the counts of its draft."""

import pytest

from mag.domain.booklet import (
    BOOKLET_MAX,
    VERSIONS_MAX,
    GroupFacts,
    base_version,
    check_save,
    clean_booklet,
    participants_by_function,
)
from mag.domain.i18n import DomainError


def refused(work) -> DomainError:
    with pytest.raises(DomainError) as caught:
        work()
    return caught.value


def test_a_save_is_made_on_the_latest_version_only():
    check_save("Texte", 0, 0, None)  # the first version
    check_save("Autre texte", 3, 3, "Texte")
    stale = refused(lambda: check_save("Autre texte", 2, 3, "Texte"))
    assert stale.code == "booklet_changed" and stale.params == {"version": 3}
    ahead = refused(lambda: check_save("Autre texte", 4, 3, "Texte"))
    assert ahead.code == "booklet_changed"


def test_a_save_that_changes_nothing_or_one_too_many_is_refused():
    assert refused(lambda: check_save("Texte", 3, 3, "Texte")).code == "booklet_unchanged"
    last = VERSIONS_MAX
    assert refused(lambda: check_save("Neuf", last, last, "Texte")).code == "too_many_versions"


def test_the_text_and_its_base_version_are_checked():
    assert clean_booklet("  # Livret\r\n\r\nTexte  ") == "# Livret\n\nTexte"
    assert refused(lambda: clean_booklet("   ")).code == "text_empty"
    assert refused(lambda: clean_booklet("x" * (BOOKLET_MAX + 1))).code == "text_too_long"
    assert refused(lambda: clean_booklet(["x"])).code == "invalid_text"
    assert base_version("3") == 3 and base_version(" 0 ") == 0 and base_version(2) == 2
    for bad in ("", "-1", "1.5", "v2", None, True, "9" * 12):
        assert refused(lambda bad=bad: base_version(bad)).code == "invalid_version", bad


def group(*functions: str, withdrawn: int = 0) -> GroupFacts:
    return GroupFacts("s", "G", (), False, len(functions) + withdrawn, withdrawn, functions)


def test_participants_are_counted_by_function_across_groups_whatever_the_case():
    groups = [
        group("AS en CPAS", "médiatrice numérique", "", withdrawn=1),
        group("as en  CPAS", "éducateur de rue", "médiatrice numérique", ""),
    ]
    assert participants_by_function(groups) == [
        ("AS en CPAS", 2),
        ("médiatrice numérique", 2),
        ("éducateur de rue", 1),
        ("", 2),
    ]
    assert participants_by_function([]) == []
