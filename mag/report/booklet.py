"""A programme's booklet: the draft generated from its cross-analysis, and the paper printed.

The draft is Markdown in the structure of an action-research booklet:

1. « Contexte et méthode »: the question, the period, how many groups and fiches, the
   groups' participants by function;
2. « Quelques chiffres »: the fiches counted (:func:`figures`);
3. one chapter per theme of the programme's board: its summary, what the groups found
   and said (quotes attributed by function and group), what the fiches say (a few
   excerpts, by function and region, and how many there are);
4. « Propositions »: every theme's proposals at the three levels;
5. « Annexe : sources »: each group (dates, participants), the fiches by region and service.

Nothing here reads a database: the edge gathers the programme, its board, its fiches and
each group's facts (:func:`group_facts`, from the group's exportable material, so its
replacement list is applied and a participant who withdrew is gone), and the draft is made
from those alone. Every text someone typed goes through :meth:`Scrubber.text` (the
programme's names, the participants' pseudonyms and the team members' names replaced) and
:func:`~mag.report.markdown.escape`: the booklet names people by function only, and what
anyone wrote reads as they wrote it, never as markup.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from mag import dates
from mag.domain.booklet import GroupFacts, participants_by_function
from mag.domain.cross_analysis import (
    LEVELS,
    SOURCE_KINDS,
    Board,
    Group,
    Source,
    SourceKind,
    ThemeView,
)
from mag.domain.figures import count_fiches
from mag.domain.programme import OTHER, REGIONS, apply_replacements, cut_at_word
from mag.report import method
from mag.report.charts import Chart
from mag.report.figures import charts_drawn, charts_markdown_tables, fiche_charts, theme_chart
from mag.report.markdown import escape
from mag.report.material import Material
from mag.report.paper import Paper
from mag.report.synthesis import cell, item, table

QUOTES_PER_THEME = 40  # a theme's quotes of the groups in the draft
FICHE_EXCERPTS = 5  # a theme's fiches quoted in the draft
EXCERPT_MAX = 600  # characters of a fiche's text in an excerpt


# ---------------------------------------------------------------- what the draft is made of


def group_facts(material: Material, title: str) -> GroupFacts:
    """What the booklet says of a group, from its exportable material."""
    state = material.state
    known = method.facts(material)
    if known.started_at is not None:
        first = material.local(known.started_at).date()
        last = material.local(known.ended_at).date() if known.ended_at else first
        days, is_planned = tuple(dict.fromkeys((first, last))), False
    else:
        planned: set[date] = set()
        for text in known.planned_dates:
            try:
                planned.add(date.fromisoformat(text))
            except ValueError:
                continue
        ordered = sorted(planned)
        days, is_planned = tuple(dict.fromkeys(ordered[:1] + ordered[-1:])), True
    took_part = [p for p in state.participants.values() if p.has_accepted]
    staying = [p for p in state.participants.values() if p.withdrawn_at is None]
    team = _("l'équipe d'animation")
    return GroupFacts(
        session_id=material.session_id,
        title=title,
        days=days,
        is_planned=is_planned,
        participants=len(took_part),
        withdrawn=sum(1 for p in took_part if p.withdrawn_at is not None),
        functions=tuple(p.function for p in took_part if p.withdrawn_at is None),
        names=(
            *((p.pseudonym, p.function) for p in staying),
            *((m.name, team) for m in state.members.values() if m.name),
        ),
    )


class Scrubber:
    """People's words as the booklet prints them: names replaced, then escaped.

    The programme's names become « […] »; a participant's pseudonym becomes their function
    (« un·e participant·e » when they gave none); a team member's name, « l'équipe
    d'animation ». Whole words, any case, longest first (``apply_replacements``).
    """

    def __init__(self, names: Sequence[str], groups: Sequence[GroupFacts]) -> None:
        unnamed = _("un·e participant·e")
        people = [
            (name, shown or unnamed)
            for group in groups
            for name, shown in group.names
            if name.strip() and name.strip().casefold() != shown.strip().casefold()
        ]
        # The programme's names last: they win over a pseudonym spelled the same.
        self.replacements = [*people, *((name, "") for name in names)]

    def text(self, value: str) -> str:
        return apply_replacements(value, self.replacements)

    def __call__(self, value: str) -> str:
        """``value`` scrubbed and escaped: Markdown that reads as it was typed."""
        return escape(self.text(value))


def _blocks(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


def _quote(words: str, attribution: str) -> str:
    """A blockquote: « words » (Markdown), then « — attribution » on a line of its own."""
    lines = f"« {words} »  \n— {attribution}".split("\n")
    return "\n".join("> " + line for line in lines)


def excerpt(text: str) -> str:
    """A fiche's text as the draft quotes it (before escaping): cut at a word, with « … »."""
    return cut_at_word(text.strip(), EXCERPT_MAX)


def _day(value: date) -> str:
    return dates.day(value)


# ---------------------------------------------------------------- the draft


def chapter_titles() -> dict[str, str]:
    """The draft's fixed chapters, by name, in the language of the moment."""
    return {
        "context": _("Contexte et méthode"),
        "figures": _("Quelques chiffres"),
        "proposals": _("Propositions"),
        "annex": _("Annexe : sources"),
    }


def draft(
    programme,
    board: Board,
    fiches: Sequence,
    groups: Sequence[GroupFacts],
    names: Sequence[str] = (),
    services: Sequence[str] = (),
) -> str:
    """The booklet's draft in Markdown: a ``#`` title, then one ``##`` chapter each.

    ``programme`` has a title, a question and a period (``period_start``, ``period_end``);
    ``board`` is its cross-analysis (mag.domain.cross_analysis.board); ``fiches`` its fiches
    (anything with a stored fiche's fields); ``groups`` each session's facts, in the
    board's order; ``names`` the programme's list of names to remove; ``services`` its team's
    list of services (the figures count a service written out under it when it is listed).
    """
    scrub = Scrubber(names, groups)
    titles = chapter_titles()
    by_id = {fiche.id: fiche for fiche in fiches}
    chapters = [
        (titles["context"], _context(programme, board, fiches, groups, scrub)),
        (titles["figures"], figures(fiches, board, services, scrub)),
        *((scrub(view.theme.title), _theme(view, board, by_id, scrub)) for view in board.themes),
        (titles["proposals"], _proposals(board, scrub)),
        (titles["annex"], _annex(groups, fiches, scrub)),
    ]
    parts = [f"# {scrub(programme.title) or _('Livret du programme')}"]
    for heading, body in chapters:
        parts += [f"## {heading}", body]
    return "\n\n".join(parts) + "\n"


def _period(programme) -> str | None:
    start, end = programme.period_start, programme.period_end
    if start and end:
        return _("du %(start)s au %(end)s", start=_day(start), end=_day(end))
    if start:
        return _("depuis le %(start)s", start=_day(start))
    if end:
        return _("jusqu'au %(end)s", end=_day(end))
    return None


def _context(programme, board: Board, fiches: Sequence, groups, scrub: Scrubber) -> str:
    facts = [_("**Question de recherche :** %(question)s", question=scrub(programme.question))]
    period = _period(programme)
    if period:
        facts.append(_("**Période :** %(period)s", period=period))
    gathered = _(
        "Ce livret rassemble ce qu'ont trouvé %(groups)s et ce que disent %(fiches)s.",
        groups=ngettext("%(num)s groupe d'analyse", "%(num)s groupes d'analyse", len(groups)),
        fiches=ngettext("%(num)s fiche incident", "%(num)s fiches incident", len(fiches)),
    )
    method_text = _(
        "Chaque groupe a suivi la méthode d'analyse en groupe : des récits de situations "
        "vécues, leurs interprétations par chacun·e, puis les convergences, les divergences "
        "et les perspectives pratiques. Les fiches incident ont été remplies par des "
        "travailleur·euses de terrain, sans compte, quand une situation a mal tourné. "
        "L'équipe de recherche a rassemblé les uns et les autres en %(themes)s.",
        themes=ngettext("%(num)s thème", "%(num)s thèmes", len(board.themes)),
    )
    took_part = sum(group.participants for group in groups)
    withdrawn = sum(group.withdrawn for group in groups)
    people = [
        "### " + _("Participant·es des groupes, par fonction"),
        ngettext(
            "%(num)s personne a pris part aux groupes (en acceptant leur convention de travail).",
            "%(num)s personnes ont pris part aux groupes (en acceptant leur convention de travail).",
            took_part,
        ),
    ]
    functions = participants_by_function(groups)
    if functions:
        unknown = _("fonction non précisée")
        people.append(
            "\n".join(
                item(f"{scrub(function) or unknown} : {count}") for function, count in functions
            )
        )
    if withdrawn:
        people.append(
            ngettext(
                "%(num)s d'entre elles a retiré son consentement : ses propos ne figurent pas "
                "dans ce livret, et elle n'est comptée sous aucune fonction.",
                "%(num)s d'entre elles ont retiré leur consentement : leurs propos ne figurent "
                "pas dans ce livret, et elles ne sont comptées sous aucune fonction.",
                withdrawn,
            )
        )
    people.append(
        _(
            "*Les citations sont attribuées par fonction seulement. Les noms de personnes "
            "que l'équipe a listés sont remplacés par « […] ».*"
        )
    )
    return _blocks("\n".join(item(f) for f in facts), gathered, method_text, *people)


# ---------------------------------------------------------------- figures


def charts(fiches: Sequence, board: Board, services: Sequence[str], scrub: Scrubber) -> list[Chart]:
    """The programme's charts: its page's, and how many groups raised each theme."""
    found = fiche_charts(count_fiches(fiches, services))
    if board.themes:
        groups = board.groups_per_theme().items()
        found.append(theme_chart({scrub.text(title): count for title, count in groups}))
    return found


def figures(fiches: Sequence, board: Board, services: Sequence[str], scrub: Scrubber) -> str:
    """« Quelques chiffres »: each chart's table, as the programme's page shows them; the
    drawings go into the HTML and the PDF as this chapter's fragment (:func:`figure_fragments`).
    """
    if not fiches and not board.themes:
        return _("*Aucune fiche incident pour l'instant.*")
    return charts_markdown_tables(charts(fiches, board, services, scrub))


def _service(value: str, scrub: Scrubber) -> str:
    if value == OTHER:
        return _("Autre")
    return cell(scrub.text(value)) if value else _("Non précisé")


def _listed(value: str, labels: Mapping[str, str]) -> str:
    if not value:
        return _("Non précisé")
    return _(labels[value]) if value in labels else cell(value)


def _region(value: str) -> str:
    return _(REGIONS[value]) if value in REGIONS else ""


# ---------------------------------------------------------------- one chapter per theme


def _group_of(board: Board, source: Source) -> Group | None:
    return next((g for g in board.groups if g.session_id == source.session_id), None)


def _theme(view: ThemeView, board: Board, fiches: Mapping[str, object], scrub: Scrubber) -> str:
    parts = []
    summary = scrub(view.theme.summary)
    if summary:
        parts.append(summary)
    parts.append(
        _(
            "*Ce thème vient de %(groups)s et de %(fiches)s.*",
            groups=ngettext("%(num)s groupe", "%(num)s groupes", len(view.groups)),
            fiches=ngettext("%(num)s fiche", "%(num)s fiches", len(view.fiche_ids)),
        )
    )
    parts.append("### " + _("Ce qu'en disent les groupes"))
    findings, quotes = [], []
    for source in view.sources:
        if source.kind not in (SourceKind.CONVERGENCE, SourceKind.DIVERGENCE, SourceKind.NOEUD):
            continue
        group = _group_of(board, source)
        where = f" *({scrub(group.title)})*" if group is not None else ""
        text = scrub(source.text)
        findings.append(
            item(
                f"**{_(SOURCE_KINDS[source.kind])}** — **{scrub(source.title)}**"
                + (f" : {text}" if text else "")
                + where
            )
        )
        for quote in source.quotes:
            function = scrub(quote.function) or _("un·e participant·e")
            attribution = f"{function}, {scrub(group.title)}" if group is not None else function
            quotes.append(_quote(scrub(quote.text), attribution))
    if findings:
        parts.append("\n".join(findings))
        parts += quotes[:QUOTES_PER_THEME]
        if len(quotes) > QUOTES_PER_THEME:
            parts.append(
                _(
                    "*%(shown)s citations sur %(total)s : les autres sont dans les exports des "
                    "séances.*",
                    shown=QUOTES_PER_THEME,
                    total=len(quotes),
                )
            )
    else:
        parts.append(_("*Aucun constat des groupes n'est rattaché à ce thème.*"))
    parts.append("### " + _("Ce qu'en disent les fiches"))
    held = [fiches[fid] for fid in view.fiche_ids if fid in fiches]
    if held:
        parts.append(
            ngettext(
                "%(num)s fiche incident relève de ce thème.",
                "%(num)s fiches incident relèvent de ce thème.",
                len(held),
            )
        )
        for fiche in held[:FICHE_EXCERPTS]:
            function = scrub(fiche.function) or _("un·e travailleur·euse de terrain")
            region = _region(fiche.region)
            attribution = f"{function}, {region}" if region else function
            words = escape(excerpt(scrub.text(fiche.what_happened)))
            parts.append(_quote(words, attribution))
        if len(held) > FICHE_EXCERPTS:
            parts.append(
                _(
                    "*Extraits de %(shown)s fiches sur %(total)s.*",
                    shown=FICHE_EXCERPTS,
                    total=len(held),
                )
            )
    else:
        parts.append(_("*Aucune fiche incident n'est rattachée à ce thème.*"))
    return _blocks(*parts)


# ---------------------------------------------------------------- proposals and annex


@dataclass
class _Proposal:
    text: str
    origin: str  # Markdown: the group that proposed it, or the team
    themes: list[str]


def _proposals(board: Board, scrub: Scrubber) -> str:
    parts = []
    for level, label in LEVELS.items():
        found: dict[str, _Proposal] = {}
        for view in board.themes:
            for proposal in view.proposals.get(level, []):
                source = proposal.source
                if source is not None:
                    key = source.key
                    group = _group_of(board, source)
                    origin = (
                        _("proposée par le groupe « %(group)s »", group=scrub(group.title))
                        if group is not None
                        else _("proposée par un groupe")
                    )
                else:
                    key = f"{view.theme.id}:{proposal.proposal_id}"
                    origin = _("proposée par l'équipe de recherche")
                entry = found.setdefault(key, _Proposal(scrub(proposal.text), origin, []))
                entry.themes.append(scrub(view.theme.title))
        parts.append(f"### {_(label)}")
        if found:
            lines = []
            for entry in found.values():
                themes = ", ".join(f"« {t} »" for t in dict.fromkeys(entry.themes))
                about = ngettext(
                    "thème %(themes)s", "thèmes %(themes)s", len(entry.themes), themes=themes
                )
                lines.append(item(f"{entry.text} *({about} ; {entry.origin})*"))
            parts.append("\n".join(lines))
        else:
            parts.append(_("*Aucune proposition à ce niveau.*"))
    return _blocks(*parts)


def _days(group: GroupFacts) -> str:
    if not group.days:
        return _("pas de date")
    shown = (
        _("du %(start)s au %(end)s", start=_day(group.days[0]), end=_day(group.days[-1]))
        if len(group.days) > 1
        else _day(group.days[0])
    )
    return _("prévue : %(days)s", days=shown) if group.is_planned else shown


def _annex(groups: Sequence[GroupFacts], fiches: Sequence, scrub: Scrubber) -> str:
    parts = ["### " + _("Groupes d'analyse")]
    if groups:
        rows = []
        for group in groups:
            count = str(group.participants)
            if group.withdrawn:
                count += " " + ngettext(
                    "(dont %(num)s retrait)", "(dont %(num)s retraits)", group.withdrawn
                )
            rows.append([cell(scrub.text(group.title)), _days(group), count])
        parts.append(table([_("Groupe"), _("Dates"), _("Participant·es")], rows))
    else:
        parts.append(_("*Aucun groupe pour l'instant.*"))
    parts.append("### " + _("Fiches incident"))
    if fiches:
        days = sorted(fiche.occurred_on for fiche in fiches)
        counted = ngettext("%(num)s fiche", "%(num)s fiches", len(fiches))
        parts.append(
            _(
                "%(fiches)s, sur des situations du %(start)s au %(end)s.",
                fiches=counted,
                start=_day(days[0]),
                end=_day(days[-1]),
            )
            if days[0] != days[-1]
            else _("%(fiches)s, sur des situations du %(day)s.", fiches=counted, day=_day(days[0]))
        )
        regions = count_fiches(fiches, ()).by_region.items()
        rows = [[_region(v) or _("Non précisé"), str(n)] for v, n in regions]
        parts.append(table([_("Région"), _("Fiches")], rows))
    else:
        parts.append(_("*Aucune fiche incident pour l'instant.*"))
    return _blocks(*parts)


# ---------------------------------------------------------------- the paper printed


@dataclass(frozen=True)
class SavedVersion:
    """A saved version of the booklet, as an export names it."""

    version: int
    text: str
    saved_at: datetime
    author: str  # "" for the team as a whole


def author_label(author: str) -> str:
    return author or _("l'équipe")


def paper(
    title: str,
    generated: str | None,
    saved: SavedVersion | None,
    *,
    now: datetime,
    created_at: datetime,
    local=lambda at: at,
    fragments: Mapping[str, str] | None = None,
) -> Paper:
    """The booklet as the formats print it: the latest saved version, else the draft.

    Which one it is, and when, is said under its title. ``generated`` is the draft (only
    read when no version is saved); ``local`` puts a time in the organisation's zone.
    """
    if saved is not None:
        text = saved.text
        note = _(
            "*Version %(version)s du livret, enregistrée le %(date)s à %(time)s par %(who)s.*",
            version=saved.version,
            date=dates.day(local(saved.saved_at)),
            time=dates.clock(local(saved.saved_at)),
            who=escape(author_label(saved.author)),
        )
        changed = saved.saved_at
    else:
        text = generated or ""
        note = _(
            "*Brouillon généré le %(date)s à %(time)s : aucune version du livret n'a encore "
            "été enregistrée.*",
            date=dates.day(local(now)),
            time=dates.clock(local(now)),
        )
        changed = now
    return Paper(
        title=title,
        markdown=_with_note(text, note),
        created_at=created_at,
        changed_at=changed,
        annexes=(chapter_titles()["annex"],),
        fragments=dict(fragments or {}),
    )


def _with_note(text: str, note: str) -> str:
    """``note`` under the text's ``#`` title, or first when it has none."""
    text = text.strip()
    first, _sep, rest = text.partition("\n")
    if first.startswith("# "):
        return _blocks(first, note, rest.strip()) + "\n"
    return _blocks(note, text) + "\n"


def figure_fragments(
    fiches: Sequence, board: Board, services: Sequence[str], names: Sequence[str]
) -> dict[str, str]:
    """The charts' drawings for the HTML and the PDF, at the chapter of figures (its text holds
    their tables)."""
    drawn = charts(fiches, board, services, Scrubber(names, ()))
    return {chapter_titles()["figures"]: charts_drawn(drawn)}
