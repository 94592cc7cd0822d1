"""The programme's cross-analysis page: its board of themes, for the research team only.

Every route checks the team's cookie on the server (``programme.team_programme``). The page
works with plain forms: each change posts, is committed, then redirects back to the place
it was made (an anchor); a refusal comes back as the page with the message beside the form
that sent it (400), and changes nothing. After each committed change the team's other
browsers are told (``Mag.programme_changed``, ``mag.programme_realtime``) and fetch the
board's fragment again (``static/js/programme_board.js``).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mag import cross_analysis, programmes
from mag.domain.cross_analysis import (
    LEVELS,
    SOURCE_KINDS,
    THEME_PROPOSAL_MAX,
    THEME_SUMMARY_MAX,
    THEME_TITLE_MAX,
    Board,
    SourceKind,
)
from mag.domain.i18n import N_, DomainError
from mag.models import ProgrammeRecord
from mag.services import new_id
from mag.web.programme import team_programme

bp = Blueprint("programme_board", __name__)

MOVES = {"up": -1, "down": 1}


@dataclass(frozen=True)
class Failed:
    """A refused form: which one (``form``, as the template names it), why, what was typed."""

    form: str
    message: str
    values: dict[str, str] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # the sources ticked


def source_id(key: str) -> str:
    """A source's key made fit for an element's id (keys hold colons, spaces, any letter)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def version(found: Board) -> str:
    """What the board shows, in a few characters: a browser fetches it again when it differs."""
    shown = repr((found.themes, found.groups, found.unsorted))
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


# Reading ---------------------------------------------------------------------------------------


@bp.get("/programme/<programme_id>/analyse")
def page(programme_id: str):
    return _page(team_programme(programme_id))


@bp.get("/programme/<programme_id>/analyse/tableau")
def fragment(programme_id: str):
    """The board's section alone, which the page's script puts in place of its own."""
    record = team_programme(programme_id)
    return render_template("_programme_board.html", **_board_context(record))


def _board_context(
    record: ProgrammeRecord, *, failed: Failed | None = None, error: str | None = None
) -> dict[str, object]:
    with current_app.extensions["mag"].sessions() as db:
        found = cross_analysis.programme_board(db, record)
    theme_ids = {view.theme.id for view in found.themes}
    if failed is not None and failed.form.startswith("theme-"):
        theme_id = failed.form.split("-", 2)[1]
        if theme_id not in theme_ids:  # the theme is gone (or never was): said on top
            failed, error = None, failed.message
    unsorted_groups = [
        (group, [s for s in found.unsorted if s.session_id == group.session_id])
        for group in found.groups
    ]
    return {
        "programme": record,
        "board": found,
        "version": version(found),
        "groups": {group.session_id: group for group in found.groups},
        "unsorted_groups": [(group, sources) for group, sources in unsorted_groups if sources],
        "unsorted_tags": [s for s in found.unsorted if s.kind is SourceKind.FICHE_TAG],
        "kinds": SOURCE_KINDS,
        "levels": LEVELS,
        "fiche_tag": SourceKind.FICHE_TAG,
        "fiche": SourceKind.FICHE,
        "failed": failed,
        "error": error,
        "source_id": source_id,
        "new_id": new_id,
        "format_number": format_number,
        "board_limits": {
            "title": THEME_TITLE_MAX,
            "summary": THEME_SUMMARY_MAX,
            "proposal": THEME_PROPOSAL_MAX,
        },
    }


def _page(record: ProgrammeRecord, *, failed=None, error=None, status: int = 200):
    context = _board_context(record, failed=failed, error=error)
    return render_template("programme_board.html", **context), status


# Changing ---------------------------------------------------------------------------------------


def _change(
    programme_id: str,
    form: str,
    work: Callable[[Session, ProgrammeRecord], str | None],
    *,
    anchor: str = "",
):
    """Do ``work`` in one transaction, tell the team, go back to ``anchor`` (or what it returns).

    Refused (a ``DomainError``), nothing is written: the page comes back with the message
    beside the form named ``form`` and what was typed in it.
    """
    team_programme(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            landed = work(db, programmes.programme_record(db, programme_id))
    except DomainError as refused:
        values = request.form.to_dict()
        failed = Failed(form, refused.message(_), values, request.form.getlist("sources"))
        with current_app.extensions["mag"].sessions() as db:
            record = programmes.programme_record(db, programme_id)
        return _page(record, failed=failed, status=400)
    current_app.extensions["mag"].programme_changed(programme_id)
    target = url_for("programme_board.page", programme_id=programme_id)
    return redirect(f"{target}#{landed or anchor}")


@bp.post("/programme/<programme_id>/analyse/themes")
def add_theme(programme_id: str):
    def work(db, programme):
        return "theme-" + cross_analysis.add_theme(db, programme.id, request.form.get("title"))

    return _change(programme_id, "new-theme", work)


@bp.post("/programme/<programme_id>/analyse/themes/<theme_id>")
def edit_theme(programme_id: str, theme_id: str):
    def work(db, programme):
        cross_analysis.edit_theme(
            db,
            programme.id,
            theme_id,
            title=request.form.get("title"),
            summary=request.form.get("summary", ""),
        )

    return _change(programme_id, f"theme-{theme_id}-edit", work, anchor=f"theme-{theme_id}")


@bp.post("/programme/<programme_id>/analyse/themes/<theme_id>/supprimer")
def delete_theme(programme_id: str, theme_id: str):
    def work(db, programme):
        cross_analysis.delete_theme(db, programme.id, theme_id)

    return _change(programme_id, f"theme-{theme_id}-delete", work, anchor="themes-heading")


@bp.post("/programme/<programme_id>/analyse/themes/<theme_id>/deplacer")
def move_theme(programme_id: str, theme_id: str):
    offset = MOVES.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)

    def work(db, programme):
        cross_analysis.move_theme(db, programme.id, theme_id, offset)

    return _change(programme_id, f"theme-{theme_id}-move", work, anchor=f"theme-{theme_id}")


@bp.post("/programme/<programme_id>/analyse/classer")
def sort_sources(programme_id: str):
    """Sources of « Sources à classer » (one or several) given to the theme chosen."""
    theme_id = request.form.get("theme", "")
    keys = request.form.getlist("sources")
    form = request.form.get("form", "")
    if not form.startswith("sort-"):
        form = "sort-tags"

    def work(db, programme):
        if not theme_id:
            raise DomainError("no_theme", N_("Choisissez le thème où classer ces sources."))
        if not keys:
            raise DomainError("no_source", N_("Cochez au moins une source à classer."))
        cross_analysis.add_sources(db, programme, theme_id, keys)
        return f"theme-{theme_id}"

    return _change(programme_id, form, work)


@bp.post("/programme/<programme_id>/analyse/themes/<theme_id>/sources/retirer")
def remove_source(programme_id: str, theme_id: str):
    def work(db, programme):
        cross_analysis.remove_source(db, programme.id, theme_id, request.form.get("source", ""))

    return _change(
        programme_id, f"theme-{theme_id}-sources", work, anchor=f"theme-{theme_id}-sources"
    )


@bp.post("/programme/<programme_id>/analyse/themes/<theme_id>/propositions")
def add_proposal(programme_id: str, theme_id: str):
    def work(db, programme):
        cross_analysis.add_proposal(
            db,
            programme.id,
            theme_id,
            proposal_id=request.form.get("proposal_id"),
            level=request.form.get("level"),
            text=request.form.get("text"),
        )

    return _change(
        programme_id, f"theme-{theme_id}-proposal", work, anchor=f"theme-{theme_id}-proposals"
    )


@bp.post("/programme/<programme_id>/analyse/themes/<theme_id>/propositions/retirer")
def remove_proposal(programme_id: str, theme_id: str):
    def work(db, programme):
        cross_analysis.remove_proposal(
            db, programme.id, theme_id, request.form.get("proposal_id", "")
        )

    return _change(
        programme_id, f"theme-{theme_id}-proposals", work, anchor=f"theme-{theme_id}-proposals"
    )
