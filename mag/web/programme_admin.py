"""What a programme's team keeps in order: its members' links, its sessions, its fiches.

- Members: the team invites a researcher by name, which makes a private link shown once
  (``/programme/<id>/membre/<member>/<secret>``), and revokes any link but its own.
- Sessions: an existing session joins the programme on its facilitator link's proof, and
  leaves it (its data stays with it).
- Fiches: a fiche is deleted, for good.

Each route checks the team's cookie first (``programme.team_link``); whatever leaves data
behind or locks someone out asks for a confirmation on a page of its own first.
"""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mag import booklets, programmes
from mag.domain.i18n import DomainError
from mag.domain.programme_links import CREATOR
from mag.web.programme import enter_with, limits, page, team_link, unknown_fiche

bp = Blueprint("programme_admin", __name__)
# The programme's page, shown again with a refusal, repeats the domain's limits as its own does.
bp.context_processor(limits)


def _back(programme_id: str, done: str | None = None, anchor: str = "") -> str:
    return url_for("programme.page", programme_id=programme_id, fait=done) + anchor


def _confirm(programme_id: str, *, heading: str, text: str, quote: str = "", button: str):
    """A page asking to confirm what the same address does when posted to."""
    return render_template(
        "programme_confirm.html",
        heading=heading,
        text=text,
        quote=quote,
        button=button,
        action=request.path,
        back_url=_back(programme_id),
    )


# Members ----------------------------------------------------------------------------------------


@bp.get("/programme/<programme_id>/membre/<member_id>/<secret>")
def enter(programme_id: str, member_id: str, secret: str):
    """An invited member's private link: their cookie, then the page without the secret."""
    return enter_with(programme_id, programmes.member_cookie_value(member_id, secret))


@bp.post("/programme/<programme_id>/equipe")
def invite(programme_id: str):
    """A new private link for the member named, shown this once."""
    record, _link = team_link(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            member_id, secret = programmes.invite_member(
                db, programme_id, request.form.get("name", "")
            )
    except DomainError as refused:
        return page(programme_id, beside={"member": refused.message(_)}, status=400)
    return render_template(
        "programme_invited.html",
        programme=record,
        name=request.form.get("name", "").strip(),
        member_url=url_for(
            "programme_admin.enter",
            programme_id=programme_id,
            member_id=member_id,
            secret=secret,
            _external=True,
        ),
        back_url=_back(programme_id, anchor="#team-heading"),
    )


def _member_name(programme_id: str, holder: str) -> str:
    """The name the page gives the link ``holder``; 404 for a link the team never had."""
    if holder == CREATOR:
        return _("Lien de création du programme")
    with current_app.extensions["mag"].sessions() as db:
        for member in programmes.team_members(db, programme_id):
            if member.id == holder:
                return member.name
    abort(404)


@bp.get("/programme/<programme_id>/equipe/<holder>/revoquer")
def confirm_revocation(programme_id: str, holder: str):
    team_link(programme_id)
    name = _member_name(programme_id, holder)
    return _confirm(
        programme_id,
        heading=_("Révoquer ce lien d'équipe ?"),
        text=_(
            "Le lien « %(name)s » n'ouvrira plus la page du programme, sur aucun navigateur. "
            "Ce que cette personne a fait reste. Pour qu'elle revienne, créez-lui un nouveau "
            "lien.",
            name=name,
        ),
        button=_("Révoquer le lien « %(name)s »", name=name),
    )


@bp.post("/programme/<programme_id>/equipe/<holder>/revoquer")
def revoke(programme_id: str, holder: str):
    _record, link = team_link(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            programmes.revoke_link(db, programme_id, holder, link.holder)
    except DomainError as refused:
        if refused.code == "unknown_member":
            abort(404)
        return page(programme_id, beside={"team": refused.message(_)}, status=400)
    return redirect(_back(programme_id, "lien-revoque", "#team-heading"))


# Sessions ---------------------------------------------------------------------------------------


@bp.post("/programme/<programme_id>/seances/rattacher")
def attach(programme_id: str):
    """An existing session joins the programme: its facilitator link proves access to it."""
    team_link(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            programmes.attach_session(db, programme_id, request.form.get("link", ""))
    except DomainError as refused:
        return page(programme_id, beside={"attach": refused.message(_)}, status=400)
    return redirect(_back(programme_id, "seance-rattachee", "#sessions-heading"))


def _session_title(programme_id: str, session_id: str) -> str:
    with current_app.extensions["mag"].sessions() as db:
        try:
            return programmes.programme_session(db, programme_id, session_id).title
        except DomainError:
            abort(404)


@bp.get("/programme/<programme_id>/seances/<session_id>/detacher")
def confirm_detachment(programme_id: str, session_id: str):
    team_link(programme_id)
    title = _session_title(programme_id, session_id)
    return _confirm(
        programme_id,
        heading=_("Détacher cette séance du programme ?"),
        text=_(
            "La séance « %(title)s » quittera le programme : elle n'apparaîtra plus sur sa "
            "page, et ses fiches ne pourront plus y être proposées. Elle garde tout ce qu'elle "
            "contient, et son lien d'animation continue de l'ouvrir ; ce même lien la "
            "rattache de nouveau.",
            title=title,
        ),
        button=_("Détacher « %(title)s »", title=title),
    )


@bp.post("/programme/<programme_id>/seances/<session_id>/detacher")
def detach(programme_id: str, session_id: str):
    team_link(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            programmes.detach_session(db, programme_id, session_id)
    except DomainError:
        abort(404)
    return redirect(_back(programme_id, "seance-detachee", "#sessions-heading"))


# Fiches -----------------------------------------------------------------------------------------


@bp.get("/programme/<programme_id>/fiches/<fiche_id>/supprimer")
def confirm_deletion(programme_id: str, fiche_id: str):
    team_link(programme_id)
    with current_app.extensions["mag"].sessions() as db:
        try:
            fiche = programmes.fiche_record(db, programme_id, fiche_id)
        except DomainError:
            return unknown_fiche(programme_id)
    return _confirm(
        programme_id,
        heading=_("Supprimer cette fiche ?"),
        text=_(
            "La fiche sera effacée du programme : de sa page, de ses filtres, de ses comptes "
            "et de ses exports. Cela ne peut pas être annulé. Un récit déjà proposé à partir "
            "d'elle dans une séance y reste : il appartient à la personne qui l'a proposé."
        ),
        quote=fiche.what_happened,
        button=_("Supprimer la fiche définitivement"),
    )


@bp.post("/programme/<programme_id>/fiches/<fiche_id>/supprimer")
def delete_fiche(programme_id: str, fiche_id: str):
    team_link(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            # The booklet's saved versions lose its words in the same transaction.
            fiche = programmes.fiche_record(db, programme_id, fiche_id)
            booklets.forget_fiche(db, programmes.programme_record(db, programme_id), fiche)
            programmes.delete_fiche(db, programme_id, fiche_id)
    except DomainError:
        return unknown_fiche(programme_id)
    return redirect(_back(programme_id, "fiche-supprimee", "#fiches-heading"))
