"""An action-research programme and the fiches incident practitioners file from a phone.

A programme has a title, a question and a period, and the lists its team keeps: the services
and administrations a fiche may name, the names to look for before a fiche is saved (its
replacement list), and the consent text the public form shows. A fiche is what a
practitioner reports when a situation went wrong: what happened, with which service, the
kind of digital barrier, who was affected (a kind of public, never a name), the
consequences, what the worker did, the worker's function and region, and the date.

Rules here, storage elsewhere: :func:`clean_fiche` checks every field at once and raises
:class:`FicheRefused` with a message per field, so a phone shows each one beside its field;
:func:`personal_data_warnings` says, field by field, what looks like a person's identity.
"""

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from mag.domain.i18n import N_, DomainError
from mag.domain.personal_data import Kind, find_personal_data
from mag.domain.state import Level
from mag.domain.steps.base import clean_text

# Limits -------------------------------------------------------------------------------------

PROGRAMME_TITLE_MAX = 120
PROGRAMME_QUESTION_MAX = 1000
CONSENT_MAX = 2000
LIST_ITEM_MAX = 120
LIST_MAX = 60  # services, or names, a team keeps
STORY_MAX = 4000  # what happened, what the worker did
SHORT_MAX = 120  # a service, a barrier or a consequence written out, a kind of public
FUNCTION_MAX = 80
EARLIEST = date(2000, 1, 1)

# Lists ---------------------------------------------------------------------------------------

OTHER = "autre"

BARRIERS = {
    "application": N_("Application seulement"),
    "formulaire": N_("Formulaire en ligne"),
    "guichet": N_("Plus de guichet"),
    "telephone": N_("Ligne téléphonique fermée"),
    "documents": N_("Envoi de documents"),
    "lecteur_eid": N_("Lecteur de carte d'identité"),
    OTHER: N_("Autre"),
}

CONSEQUENCES = {
    "perte_droit": N_("Perte d'un droit"),
    "retard": N_("Retard"),
    "cout": N_("Coût"),
    "renoncement": N_("Renoncement"),
    OTHER: N_("Autre"),
}

REGIONS = {
    "bruxelles": N_("Région de Bruxelles-Capitale"),
    "wallonie": N_("Wallonie"),
    "flandre": N_("Flandre"),
}

# The three levels of a fiche (the researchers' reading) and of a session's perspectives.
LEVELS = {
    Level.PRATIQUE.value: N_("Pratique professionnelle"),
    Level.INSTITUTION.value: N_("Institution"),
    Level.POLITIQUE.value: N_("Politique et secteur"),
}

# The list a new programme starts with; the team edits it.
DEFAULT_SERVICES = (
    N_("CPAS"),
    N_("Commune"),
    N_("Mutualité"),
    N_("Chômage (ONEM, Actiris, Forem, syndicat, CAPAC)"),
    N_("SPF Finances (MyMinfin, Tax-on-web)"),
    N_("Allocations familiales"),
    N_("Pensions"),
    N_("Banque"),
    N_("Énergie ou eau"),
    N_("Logement social"),
)

DEFAULT_CONSENT = N_(
    "Cette fiche sert à la recherche-action de l'équipe qui vous a donné cette adresse. "
    "Ne donnez aucun nom ni aucune information qui permettrait de reconnaître la personne "
    "accompagnée. Votre fiche est gardée par l'équipe de recherche, sur son propre serveur ; "
    "elle peut être citée dans le rapport, sans votre nom, par votre fonction seulement."
)

# The free texts of a fiche, in the form's order: each is checked for personal data.
FREE_TEXTS = (
    "what_happened",
    "service_other",
    "barrier_other",
    "public",
    "consequence_other",
    "action",
    "function",
)


# Programme -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    title: str
    question: str
    period_start: date | None
    period_end: date | None


def clean_programme(
    title: object, question: object, period_start: object, period_end: object
) -> Programme:
    """A programme's title, question and period, or a refusal naming the field."""
    start = clean_date(period_start, N_("Début de la période"), required=False)
    end = clean_date(period_end, N_("Fin de la période"), required=False)
    if start and end and end < start:
        raise DomainError(
            "invalid_period", N_("La période finit avant de commencer : vérifiez les dates.")
        )
    return Programme(
        title=clean_text(title, N_("Titre du programme"), PROGRAMME_TITLE_MAX),
        question=clean_text(question, N_("Question de recherche"), PROGRAMME_QUESTION_MAX),
        period_start=start,
        period_end=end,
    )


def clean_retention(value: object) -> date | None:
    """The day after which ``mag purge`` deletes the programme, its fiches and forms (or None)."""
    return clean_date(value, N_("Conserver jusqu'au"), required=False)


def clean_date(value: object, label: str, *, required: bool = True) -> date | None:
    text = clean_text(value, label, 10, required=required)
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10 or day < EARLIEST:
        raise DomainError(
            "invalid_date", N_("Le champ « %(field)s » n'est pas une date valable."), field=label
        )
    return day


def clean_list(value: object, label: str) -> list[str]:
    """One item a line, as typed in a text area: blank lines and repeats dropped."""
    text = clean_text(value, label, LIST_MAX * (LIST_ITEM_MAX + 1), required=False)
    items: list[str] = []
    for line in text.splitlines():
        item = clean_text(line, label, LIST_ITEM_MAX, required=False)
        if item and item.casefold() not in {i.casefold() for i in items}:
            items.append(item)
    if len(items) > LIST_MAX:
        raise DomainError(
            "list_too_long",
            N_("La liste « %(field)s » compte plus de %(limit)s lignes."),
            field=label,
            limit=LIST_MAX,
        )
    return items


def clean_consent(value: object) -> str:
    return clean_text(value, N_("Texte de consentement"), CONSENT_MAX)


# Fiches --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fiche:
    what_happened: str
    service: str  # one of the team's list, or "" (then perhaps service_other)
    service_other: str
    barrier: str  # a key of BARRIERS, or ""
    barrier_other: str
    public: str
    consequences: tuple[str, ...]  # keys of CONSEQUENCES, in the list's order
    consequence_other: str
    action: str
    function: str
    region: str  # a key of REGIONS, or ""
    occurred_on: date

    def free_texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FREE_TEXTS}


class FicheRefused(Exception):
    """A fiche that cannot be saved: a refusal for each field that has one, by field name."""

    def __init__(self, errors: Mapping[str, DomainError]) -> None:
        super().__init__("; ".join(str(e) for e in errors.values()))
        self.errors = dict(errors)


def clean_fiche(form: Mapping[str, object], *, services: Sequence[str], today: date) -> Fiche:
    """The fiche ``form`` describes (the public form's fields), or every refusal at once.

    ``consequences`` is a list; every other field a string. ``today``: the server's date,
    after which no situation can have happened (a day's grace for time zones).
    """
    errors: dict[str, DomainError] = {}
    values: dict[str, object] = {}

    def check(name: str, clean) -> None:
        try:
            values[name] = clean()
        except DomainError as error:
            errors[name] = error

    def text(name: str, label: str, limit: int, required: bool = False) -> None:
        check(name, lambda: clean_text(form.get(name), label, limit, required=required))

    text("what_happened", N_("Ce qui s'est passé"), STORY_MAX, required=True)
    check("service", lambda: _choice(form.get("service"), [*services, OTHER], N_("Service")))
    text("service_other", N_("Autre service"), SHORT_MAX)
    check("barrier", lambda: _choice(form.get("barrier"), BARRIERS, N_("Obstacle numérique")))
    text("barrier_other", N_("Autre obstacle"), SHORT_MAX)
    text("public", N_("Qui était concerné"), SHORT_MAX)
    check("consequences", lambda: _choices(form.get("consequences"), N_("Conséquences")))
    text("consequence_other", N_("Autre conséquence"), SHORT_MAX)
    text("action", N_("Ce que vous avez fait"), STORY_MAX)
    text("function", N_("Votre fonction"), FUNCTION_MAX)
    check("region", lambda: _choice(form.get("region"), REGIONS, N_("Région")))
    check("occurred_on", lambda: clean_date(form.get("occurred_on"), N_("Date")))
    day = values.get("occurred_on")
    if isinstance(day, date) and day > today + timedelta(days=1):
        errors["occurred_on"] = DomainError(
            "date_in_future", N_("La date est dans le futur : indiquez le jour de la situation.")
        )
    for choice, other, field_name in (
        ("service", "service_other", N_("Autre service")),
        ("barrier", "barrier_other", N_("Autre obstacle")),
    ):
        if values.get(choice) == OTHER and values.get(other) == "" and other not in errors:
            errors[other] = _other_empty(field_name)
    if (
        OTHER in values.get("consequences", ())
        and values.get("consequence_other") == ""
        and "consequence_other" not in errors
    ):
        errors["consequence_other"] = _other_empty(N_("Autre conséquence"))
    if errors:
        raise FicheRefused(errors)
    return Fiche(**values)  # type: ignore[arg-type]


def _other_empty(label: str) -> DomainError:
    return DomainError(
        "other_empty",
        N_("Vous avez choisi « Autre » : précisez-le dans « %(field)s »."),
        field=label,
    )


def _choice(value: object, allowed, label: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or value not in allowed:
        raise DomainError(
            "invalid_choice", N_("Choisissez « %(field)s » dans la liste."), field=label
        )
    return value


def _choices(value: object, label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(v in CONSEQUENCES for v in value):
        raise DomainError(
            "invalid_choice", N_("Choisissez « %(field)s » dans la liste."), field=label
        )
    return tuple(key for key in CONSEQUENCES if key in value)


# Personal data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Warnings:
    """What looks like a person's identity in a fiche: its kinds, by field, in the form's order."""

    by_field: dict[str, list[Kind]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def as_data(self) -> dict[str, list[str]]:
        return {name: [str(kind) for kind in kinds] for name, kinds in self.by_field.items()}


def personal_data_warnings(fiche: Fiche, names: Sequence[str] = ()) -> Warnings:
    """Every free text of ``fiche`` checked with the team's ``names`` (its replacement list)."""
    found: dict[str, list[Kind]] = {}
    for name, text in fiche.free_texts().items():
        kinds: list[Kind] = []
        for finding in find_personal_data(text, names):
            if finding.kind not in kinds:
                kinds.append(finding.kind)
        if kinds:
            found[name] = kinds
    return Warnings(found)


def texts_digest(fiche: Fiche) -> str:
    """A digest of the free texts: a confirmation given for these texts holds for them only."""
    texts = json.dumps(fiche.free_texts(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(texts.encode()).hexdigest()


def may_save(warnings: Warnings, fiche: Fiche, confirmed_digest: str | None) -> bool:
    """Whether the fiche may be saved: nothing found, or the person confirmed these very texts.

    A first submission with something found is never saved: the form comes back with each
    warning beside its field and asks to remove it. The person may then confirm, with a box
    they tick, that what was found is not a person's identity (a service's public phone number,
    a street named after someone); the confirmation holds for the texts they were warned about
    and no other, so a text changed since is checked, and warned about, again.
    """
    return not warnings or confirmed_digest == texts_digest(fiche)


def fiche_data(fiche: Fiche) -> dict[str, object]:
    data = asdict(fiche)
    data["consequences"] = list(fiche.consequences)
    data["occurred_on"] = fiche.occurred_on.isoformat()
    return data


# The researchers' reading: themes and levels --------------------------------------------------

THEME_MAX = 60
THEMES_MAX = 20


def clean_tags(themes: object, levels: object) -> tuple[list[str], list[str]]:
    """A fiche's themes (free words, one a line or separated by commas) and levels.

    ``levels`` holds values of :class:`mag.domain.state.Level`; repeats are dropped, in
    every case, so « Accès aux droits » and « accès aux droits » are one theme.
    """
    label = N_("Thèmes")
    text = clean_text(themes, label, THEMES_MAX * (THEME_MAX + 2), required=False)
    found: list[str] = []
    for part in text.replace(",", "\n").splitlines():
        theme = clean_text(part, label, THEME_MAX, required=False)
        if theme and theme.casefold() not in {t.casefold() for t in found}:
            found.append(theme)
    if len(found) > THEMES_MAX:
        raise DomainError(
            "list_too_long",
            N_("La liste « %(field)s » compte plus de %(limit)s lignes."),
            field=label,
            limit=THEMES_MAX,
        )
    if levels is None:
        levels = []
    if not isinstance(levels, list | tuple) or not all(v in set(Level) for v in levels):
        raise DomainError(
            "invalid_choice", N_("Choisissez « %(field)s » dans la liste."), field=N_("Niveaux")
        )
    return found, [level.value for level in Level if level.value in levels]


@dataclass(frozen=True)
class FicheFilter:
    """What the team's list of fiches is narrowed to; an empty field keeps every fiche."""

    service: str = ""
    barrier: str = ""
    consequence: str = ""
    theme: str = ""
    level: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, object]) -> "FicheFilter":
        def value(name: str) -> str:
            found = args.get(name)
            return found.strip()[:LIST_ITEM_MAX] if isinstance(found, str) else ""

        return cls(
            *(value(name) for name in ("service", "barrier", "consequence", "theme", "level"))
        )

    def __bool__(self) -> bool:
        return any((self.service, self.barrier, self.consequence, self.theme, self.level))

    def keeps(self, fiche) -> bool:
        """Whether ``fiche`` (anything with a fiche's fields, themes and levels) is kept."""
        themes = {theme.casefold() for theme in fiche.themes}
        return (
            (not self.service or fiche.service == self.service)
            and (not self.barrier or fiche.barrier == self.barrier)
            and (not self.consequence or self.consequence in fiche.consequences)
            and (not self.theme or self.theme.casefold() in themes)
            and (not self.level or self.level in fiche.levels)
        )


def themes_in_use(fiches) -> list[str]:
    """Every theme given to ``fiches``, once, alphabetically: the words the team reuses."""
    seen: dict[str, str] = {}
    for fiche in fiches:
        for theme in fiche.themes:
            seen.setdefault(theme.casefold(), theme)
    return sorted(seen.values(), key=str.casefold)


# From fiche to récit ---------------------------------------------------------------------------

# What a listed name becomes when the list gives no replacement (the programme's names).
NAME_REMOVED = "[…]"
PROPOSAL_TITLE_WORDS = 60  # characters of the fiche's text that make the proposal's title


def apply_replacements(text: str, replacements: Sequence[tuple[str, str]]) -> str:
    """``text`` with each listed name (whole words, any case) replaced, longest names first."""
    table = {find.casefold(): replace for find, replace in replacements if find.strip()}
    if not table:
        return text
    ordered = sorted(table, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(f) for f in ordered) + r")(?!\w)", re.IGNORECASE
    )
    return pattern.sub(lambda m: table[m.group(0).casefold()] or NAME_REMOVED, text)


def proposal_from_fiche(
    what_happened: str,
    replacements: Sequence[tuple[str, str]],
    *,
    title_max: int,
    body_max: int,
) -> tuple[str, str]:
    """A récit proposal's title and body from a fiche's text, the replacement list applied.

    The body is what happened, cut at a word with « … » if the proposal's limit is shorter;
    the title is its first words.
    """
    text = apply_replacements(what_happened, replacements).strip()
    title = cut_at_word(" ".join(text.split()), min(title_max, PROPOSAL_TITLE_WORDS))
    return title, cut_at_word(text, body_max)


def cut_at_word(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a word with « … »."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head[limit // 2 :]:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:.") + "…"
