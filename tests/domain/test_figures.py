"""Counting a programme's fiches: by service, barrier, consequence and month; groups per theme."""

from dataclasses import dataclass
from datetime import date

from mag.domain.figures import (
    NOT_GIVEN,
    count_fiches,
    fiches_per_month,
)
from mag.domain.programme import OTHER

SERVICES = ["CPAS", "Commune", "Mutualité"]


@dataclass
class Fiche:
    """What counting reads of a fiche (a stored fiche has these fields and more)."""

    service: str = "CPAS"
    service_other: str = ""
    barrier: str = "application"
    consequences: tuple[str, ...] = ("retard",)
    occurred_on: date = date(2024, 3, 12)
    region: str = ""


def test_fiches_are_counted_by_service_in_the_teams_order():
    fiches = [Fiche(service="Mutualité"), Fiche(), Fiche(), Fiche(service="Commune")]
    figures = count_fiches(fiches, SERVICES)
    assert figures.total == 4
    assert list(figures.by_service.items()) == [("CPAS", 2), ("Commune", 1), ("Mutualité", 1)]


def test_a_written_service_counts_under_autre_unless_the_list_holds_it():
    fiches = [
        Fiche(service=OTHER, service_other="Banque Populaire"),
        Fiche(service=OTHER, service_other="Syndicat"),
        Fiche(service=OTHER, service_other="  cpas "),  # the person meant the listed one
        Fiche(service="", service_other="mutualité"),
        Fiche(service="", service_other=""),
    ]
    figures = count_fiches(fiches, SERVICES)
    assert figures.by_service == {"CPAS": 1, "Mutualité": 1, OTHER: 2, NOT_GIVEN: 1}


def test_a_service_removed_from_the_list_since_counts_under_its_name():
    fiches = [Fiche(service="Pensions"), Fiche(service="cpas"), Fiche()]
    figures = count_fiches(fiches, SERVICES)
    assert figures.by_service == {"CPAS": 2, "Pensions": 1}


def test_fiches_are_counted_by_barrier_with_those_that_name_none():
    fiches = [Fiche(barrier="telephone"), Fiche(barrier=""), Fiche(), Fiche(barrier=OTHER)]
    figures = count_fiches(fiches, SERVICES)
    assert list(figures.by_barrier.items()) == [
        ("application", 1),
        ("telephone", 1),
        (OTHER, 1),
        (NOT_GIVEN, 1),
    ]


def test_a_fiche_with_two_consequences_counts_in_both():
    fiches = [Fiche(consequences=("retard", "cout")), Fiche(consequences=()), Fiche()]
    figures = count_fiches(fiches, SERVICES)
    assert figures.by_consequence == {"retard": 2, "cout": 1, NOT_GIVEN: 1}
    assert sum(figures.by_consequence.values()) == 4 > figures.total


def test_months_between_the_first_and_last_fiche_count_zero_when_empty():
    days = [date(2023, 11, 30), date(2024, 2, 1), date(2023, 11, 2), date(2024, 2, 29)]
    assert fiches_per_month(days) == [
        (date(2023, 11, 1), 2),
        (date(2023, 12, 1), 0),
        (date(2024, 1, 1), 0),
        (date(2024, 2, 1), 2),
    ]


def test_one_month_and_no_fiche():
    assert fiches_per_month([date(2024, 12, 31)]) == [(date(2024, 12, 1), 1)]
    assert fiches_per_month([]) == []
    figures = count_fiches([], SERVICES)
    assert figures.total == 0 and figures.by_service == figures.by_barrier == {}
    assert figures.by_consequence == {} and figures.by_month == []


def test_the_count_by_month_reads_the_situations_date():
    fiches = [Fiche(occurred_on=date(2024, 1, 5)), Fiche(occurred_on=date(2024, 3, 9))]
    assert count_fiches(fiches, SERVICES).by_month == [
        (date(2024, 1, 1), 1),
        (date(2024, 2, 1), 0),
        (date(2024, 3, 1), 1),
    ]


def test_fiches_are_counted_by_region_in_the_lists_order_the_unknown_last():
    fiches = [Fiche(region="wallonie"), Fiche(region=""), Fiche(region="bruxelles"),
              Fiche(region="wallonie")]  # fmt: skip
    assert count_fiches(fiches, SERVICES).by_region == {"bruxelles": 1, "wallonie": 2, "": 1}
