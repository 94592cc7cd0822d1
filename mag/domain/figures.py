"""What a programme's fiches add up to: the counts its team's page and its booklet draw.

Each count is of fiches, for the whole programme (never a filtered list), keyed by what the
fiche chose: a service of the team's list, a key of ``BARRIERS`` or ``CONSEQUENCES``,
:data:`OTHER` (« Autre ») or :data:`NOT_GIVEN` (left empty). Only what at least one fiche
chose is counted; the order of the lists is kept, and charts sort by count themselves.

Services written out under « Autre »: a written name equal to a service of the team's list
(whatever its case, « cpas » for « CPAS ») counts under that service, as the person meant
it; any other written name counts under « Autre ». Written names are free text, spelt many
ways and checked for personal data only when filed, so they are read on each fiche rather
than drawn one bar each: the chart shows how much falls outside the team's list, and the
team can add a service that keeps coming back.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from mag.domain.programme import BARRIERS, CONSEQUENCES, OTHER, REGIONS

NOT_GIVEN = ""  # a fiche that names no service, no barrier, or no consequence


@dataclass(frozen=True)
class FicheFigures:
    """The counts of a programme's fiches (``total`` of them)."""

    total: int
    by_service: dict[str, int]  # a service's name, OTHER or NOT_GIVEN -> fiches
    by_barrier: dict[str, int]  # a key of BARRIERS (OTHER among them) or NOT_GIVEN -> fiches
    # A key of CONSEQUENCES or NOT_GIVEN -> fiches: a fiche with two consequences counts in
    # both, so these may add up to more than ``total``.
    by_consequence: dict[str, int]
    by_month: list[tuple[date, int]]  # the first day of each month -> fiches, in date order
    by_region: dict[str, int]  # a key of REGIONS or NOT_GIVEN -> fiches


def count_fiches(fiches: Iterable, services: Sequence[str]) -> FicheFigures:
    """The counts of ``fiches`` (anything with a fiche's fields), the team's ``services`` known.

    A fiche's service no longer in the team's list (renamed or removed since) counts under
    the name it was filed with.
    """
    fiches = list(fiches)
    listed = {service.casefold(): service for service in services}
    by_service: Counter[str] = Counter()
    by_barrier: Counter[str] = Counter()
    by_consequence: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    for fiche in fiches:
        by_region[fiche.region or NOT_GIVEN] += 1
        by_service[_service_of(fiche, listed)] += 1
        by_barrier[fiche.barrier or NOT_GIVEN] += 1
        for consequence in fiche.consequences or (NOT_GIVEN,):
            by_consequence[consequence] += 1
    return FicheFigures(
        total=len(fiches),
        by_service=_in_order(by_service, [*services, OTHER, NOT_GIVEN]),
        by_barrier=_in_order(by_barrier, [*BARRIERS, NOT_GIVEN]),
        by_consequence=_in_order(by_consequence, [*CONSEQUENCES, NOT_GIVEN]),
        by_month=fiches_per_month(fiche.occurred_on for fiche in fiches),
        by_region=_in_order(by_region, [*REGIONS, NOT_GIVEN]),
    )


def _service_of(fiche, listed: Mapping[str, str]) -> str:
    if fiche.service and fiche.service != OTHER:
        return listed.get(fiche.service.casefold(), fiche.service)
    written = " ".join(fiche.service_other.split())
    if written.casefold() in listed:
        return listed[written.casefold()]
    return OTHER if fiche.service == OTHER or written else NOT_GIVEN


def _in_order(counts: Counter[str], order: Sequence[str]) -> dict[str, int]:
    """``counts`` in the list's order, then what the list does not hold, alphabetically."""
    known = [key for key in order if counts[key]]
    rest = sorted(key for key in counts if key not in order)
    return {key: counts[key] for key in [*known, *rest]}


def fiches_per_month(days: Iterable[date]) -> list[tuple[date, int]]:
    """How many of ``days`` fall in each month, from the first one's month to the last one's.

    A month between them without any counts 0, so a drawing's gaps are true gaps. The months
    are those of the situations told (a fiche's date), whatever the programme's period says:
    a situation from before the period is still one the team received.
    """
    counts = Counter(day.replace(day=1) for day in days)
    if not counts:
        return []
    month, last = min(counts), max(counts)
    months = []
    while month <= last:
        months.append((month, counts[month]))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months
