"""After the session: the synthesis, its review by the group, export settings, withdrawal,
archiving.
"""

from collections.abc import Mapping
from datetime import date
from typing import NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import LANGUAGES, N_, DomainError
from mag.domain.payloads import ByParticipant, Empty, Id, Iso, Settled
from mag.domain.state import (
    AmendmentStatus,
    Approval,
    Attribution,
    SessionState,
    Status,
    SynthesisComment,
    SynthesisVersion,
    Withdrawal,
    text_or_none,
)
from mag.domain.steps.base import (
    BY_ANIMATEUR,
    BY_STAFF,
    CONTRIBUTION_MAX,
    Command,
    archived_refusal,
    by_the_edge,
    clean_text,
    client_id,
    for_participants,
)

ARCHIVE = "archive"


"""An animateur archives the ended session (``archive``, once the folder is written)."""


SYNTHESIS_MAX = 300_000
SECTION_MAX = 200
REPLACEMENT_MAX = 200
MAX_REPLACEMENTS = 500


def save_synthesis(state, protocol, actor, args) -> list[NewEvent]:
    """Keep a new version of the synthesis; ``base_version`` guards against overwriting a colleague's."""
    text = clean_text(args.get("text"), N_("Synthèse"), SYNTHESIS_MAX)
    if args.get("base_version") != state.synthesis_version:
        raise DomainError(
            "synthesis_changed",
            N_(
                "Une version plus récente de la synthèse (version %(version)s) a été enregistrée entre-temps : rechargez-la avant d'enregistrer."
            ),
            version=state.synthesis_version,
        )
    if state.synthesis_versions and text == state.synthesis_text:
        raise DomainError(
            "synthesis_unchanged",
            N_("Rien n'a changé depuis la version %(version)s."),
            version=state.synthesis_version,
        )
    return [
        NewEvent(
            ev.SYNTHESIS_SAVED,
            {
                "version": state.synthesis_version + 1,
                "text": text,
                "base_version": state.synthesis_version,
            },
            audience=ev.AUDIENCE_STAFF,
        )
    ]


def open_validation(state, protocol, actor, args) -> list[NewEvent]:
    if state.status is not Status.ENDED:
        raise DomainError(
            "session_not_ended",
            N_("La relecture s'ouvre une fois la séance terminée."),
        )
    version = args.get("version")
    if not isinstance(version, int) or not 1 <= version <= state.synthesis_version:
        raise DomainError(
            "unknown_version", N_("Enregistrez d'abord la synthèse : cette version n'existe pas.")
        )
    if state.is_validation_open and state.validation_version == version:
        raise DomainError(
            "validation_already_open",
            N_("La relecture de la version %(version)s est déjà ouverte."),
            version=version,
        )
    return [NewEvent(ev.VALIDATION_OPENED, {"version": version})]


def close_validation(state, protocol, actor, args) -> list[NewEvent]:
    if not state.is_validation_open:
        raise DomainError("validation_not_open", N_("La relecture n'est pas ouverte."))
    return [NewEvent(ev.VALIDATION_CLOSED, {})]


def _validated_version(state: SessionState, args: Mapping[str, object]) -> int:
    """The version a participant acts on: the one open for validation, nothing else."""
    if not state.is_validation_open or state.validation_version is None:
        raise DomainError("validation_not_open", N_("La relecture n'est pas ouverte."))
    if args.get("version") != state.validation_version:
        raise DomainError(
            "version_changed",
            N_(
                "La synthèse a changé : la version %(version)s est maintenant en relecture. Relisez-la."
            ),
            version=state.validation_version,
        )
    return state.validation_version


def comment_synthesis(state, protocol, actor, args) -> list[NewEvent]:
    """A comment on a section of the draft, or (``amendment``) a wording to put in its place."""
    version = _validated_version(state, args)
    comment_id = client_id(args.get("comment_id"))
    if comment_id in state.comments:
        raise DomainError("duplicate_id", N_("Ce commentaire existe déjà."))
    is_amendment = bool(args.get("amendment"))
    return [
        NewEvent(
            ev.SYNTHESIS_COMMENTED,
            {
                "comment_id": comment_id,
                "participant_id": actor.participant_id,
                "entered_by": actor.entered_by,
                "version": version,
                "section": clean_text(args.get("section"), N_("Section"), SECTION_MAX),
                "body": clean_text(
                    args.get("body"),
                    N_("Amendement") if is_amendment else N_("Commentaire"),
                    CONTRIBUTION_MAX,
                ),
                "is_amendment": is_amendment,
            },
            audience=ev.audience_participant(str(actor.participant_id)),
        )
    ]


def settle_amendment(state, protocol, actor, args) -> list[NewEvent]:
    comment = state.comments.get(str(args.get("comment_id")))
    if comment is None or not comment.is_amendment:
        raise DomainError("unknown_amendment", N_("Cet amendement n'existe pas."))
    status = args.get("status")
    if status not in (AmendmentStatus.ACCEPTED, AmendmentStatus.DECLINED):
        raise DomainError("invalid_status", N_("Requête mal formée."))
    if comment.status != AmendmentStatus.PENDING:
        raise DomainError("already_settled", N_("Cet amendement a déjà été traité."))
    return [
        NewEvent(
            ev.AMENDMENT_SETTLED,
            {"comment_id": comment.id, "status": str(status)},
            audience=ev.audience_participant(comment.participant_id),
        )
    ]


def approve_synthesis(state, protocol, actor, args) -> list[NewEvent]:
    version = _validated_version(state, args)
    if state.has_approved(str(actor.participant_id), version):
        raise DomainError(
            "already_approved",
            N_("Vous avez déjà approuvé la version %(version)s."),
            version=version,
        )
    return [
        NewEvent(
            ev.SYNTHESIS_APPROVED,
            {
                "participant_id": actor.participant_id,
                "version": version,
                "entered_by": actor.entered_by,
            },
        )
    ]


def _retention_date(value: object) -> str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise DomainError(
            "invalid_date", N_("Date de conservation invalide : utilisez AAAA-MM-JJ.")
        ) from None


def change_settings(state, protocol, actor, args) -> list[NewEvent]:
    """How exports name people and treat withdrawn words, their language, and how long the
    session is kept."""
    data: dict[str, object] = {}
    if "attribution" in args:
        if args["attribution"] not in {a.value for a in Attribution}:
            raise DomainError("invalid_setting", N_("Requête mal formée."))
        data["attribution"] = args["attribution"]
    if "withdrawal" in args:
        if args["withdrawal"] not in {w.value for w in Withdrawal}:
            raise DomainError("invalid_setting", N_("Requête mal formée."))
        data["withdrawal"] = args["withdrawal"]
    if "retention_until" in args:
        data["retention_until"] = _retention_date(args["retention_until"])
    if "language" in args:
        if args["language"] not in LANGUAGES:
            raise DomainError("invalid_setting", N_("Requête mal formée."))
        data["language"] = args["language"]
    if not data:
        raise DomainError("invalid_setting", N_("Requête mal formée."))
    if state.status is Status.ARCHIVED and set(data) != {"retention_until"}:
        raise archived_refusal()
    return [NewEvent(ev.SETTINGS_CHANGED, data, audience=ev.AUDIENCE_STAFF)]


def set_replacements(state, protocol, actor, args) -> list[NewEvent]:
    """The whole replacement list: a name of a person, service or place, and what stands for it."""
    raw = args.get("replacements")
    if not isinstance(raw, list) or len(raw) > MAX_REPLACEMENTS:
        raise DomainError(
            "invalid_replacements",
            N_("La liste de remplacements doit compter au plus %(limit)s lignes."),
            limit=MAX_REPLACEMENTS,
        )
    replacements: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, Mapping):
            raise DomainError("invalid_replacements", N_("Requête mal formée."))
        find = clean_text(item.get("find"), N_("Nom à remplacer"), REPLACEMENT_MAX)
        replace = clean_text(item.get("replace"), N_("Remplacement"), REPLACEMENT_MAX)
        if find.casefold() in seen:
            raise DomainError(
                "duplicate_replacement",
                N_("« %(name)s » figure deux fois dans la liste."),
                name=find,
            )
        seen.add(find.casefold())
        replacements.append({"find": find, "replace": replace})
    return [
        NewEvent(ev.REPLACEMENTS_SET, {"replacements": replacements}, audience=ev.AUDIENCE_STAFF)
    ]


def withdraw_consent(state, protocol, actor, args) -> list[NewEvent]:
    """A participant withdraws: their words will leave the synthesis, the exports and the archive."""
    return [
        NewEvent(
            ev.CONSENT_WITHDRAWN,
            {"participant_id": actor.participant_id, "entered_by": actor.entered_by},
        )
    ]


def archive(state: SessionState, folder: str) -> list[NewEvent]:
    """Close the session for good (not a socket command: the edge writes the archive folder)."""
    if state.status is Status.ARCHIVED:
        raise DomainError("already_archived", N_("La séance est déjà archivée."))
    if state.status is not Status.ENDED:
        raise DomainError("session_not_ended", N_("Terminez la séance avant de l'archiver."))
    return [NewEvent(ev.SESSION_ARCHIVED, {"folder": folder})]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "save_synthesis": Command(save_synthesis, BY_STAFF),
    "open_validation": Command(open_validation, BY_ANIMATEUR),
    "close_validation": Command(close_validation, BY_ANIMATEUR),
    "comment_synthesis": for_participants(comment_synthesis),
    "settle_amendment": Command(settle_amendment, BY_STAFF),
    "approve_synthesis": for_participants(approve_synthesis),
    "change_settings": Command(change_settings, BY_ANIMATEUR),
    "set_replacements": Command(set_replacements, BY_STAFF),
    "withdraw_consent": for_participants(withdraw_consent, needs_consent=False),
    ARCHIVE: by_the_edge(  # the archive folder
        BY_ANIMATEUR,
        is_socket_command=False,
        refusal=N_("Seul·e l'animateur·rice peut archiver la séance."),
    ),
}


# ---------------------------------------------------------------- folds


def _synthesis_saved(state: SessionState, event: Event) -> None:
    state.synthesis_versions.append(
        SynthesisVersion(int(event.data["version"]), event.actor, event.at, event.seq)  # type: ignore[arg-type]
    )
    state.synthesis_text = str(event.data["text"])


def _validation_opened(state: SessionState, event: Event) -> None:
    state.validation_version = int(event.data["version"])  # type: ignore[arg-type]
    state.is_validation_open = True


def _validation_closed(state: SessionState, event: Event) -> None:
    state.is_validation_open = False


def _synthesis_commented(state: SessionState, event: Event) -> None:
    data = event.data
    comment = SynthesisComment(
        id=str(data["comment_id"]),
        participant_id=str(data["participant_id"]),
        entered_by=text_or_none(data, "entered_by"),
        version=int(data["version"]),  # type: ignore[arg-type]
        section=str(data["section"]),
        body=str(data["body"]),
        is_amendment=bool(data["is_amendment"]),
        at=event.at,
        status=AmendmentStatus.PENDING if data["is_amendment"] else "",
    )
    state.comments[comment.id] = comment


def _amendment_settled(state: SessionState, event: Event) -> None:
    state.comments[str(event.data["comment_id"])].status = str(event.data["status"])


def _synthesis_approved(state: SessionState, event: Event) -> None:
    data = event.data
    state.approvals.append(
        Approval(
            str(data["participant_id"]),
            int(data["version"]),  # type: ignore[arg-type]
            event.at,
            text_or_none(data, "entered_by"),
        )
    )


def _settings_changed(state: SessionState, event: Event) -> None:
    data = event.data
    settings = state.settings
    if "attribution" in data:
        settings.attribution = Attribution(str(data["attribution"]))
    if "withdrawal" in data:
        settings.withdrawal = Withdrawal(str(data["withdrawal"]))
    if "retention_until" in data:
        settings.retention_until = text_or_none(data, "retention_until")
    if "language" in data:
        settings.language = str(data["language"])


def _replacements_set(state: SessionState, event: Event) -> None:
    state.replacements = [
        (str(r["find"]), str(r["replace"]))
        for r in event.data["replacements"]  # type: ignore[union-attr]
    ]


def _consent_withdrawn(state: SessionState, event: Event) -> None:
    state.participants[str(event.data["participant_id"])].withdrawn_at = event.at


def _session_archived(state: SessionState, event: Event) -> None:
    state.status = Status.ARCHIVED
    state.archived_at = event.at
    state.archive_folder = str(event.data["folder"])
    state.is_validation_open = False


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.SYNTHESIS_SAVED: _synthesis_saved,
    ev.VALIDATION_OPENED: _validation_opened,
    ev.VALIDATION_CLOSED: _validation_closed,
    ev.SYNTHESIS_COMMENTED: _synthesis_commented,
    ev.AMENDMENT_SETTLED: _amendment_settled,
    ev.SYNTHESIS_APPROVED: _synthesis_approved,
    ev.SETTINGS_CHANGED: _settings_changed,
    ev.REPLACEMENTS_SET: _replacements_set,
    ev.CONSENT_WITHDRAWN: _consent_withdrawn,
    ev.SESSION_ARCHIVED: _session_archived,
}


# ---------------------------------------------------------------- payloads


class AmendmentSettled(Settled):
    comment_id: Id


class SynthesisSaved(TypedDict):
    version: int
    text: str
    base_version: NotRequired[int]


class Version(TypedDict):
    version: int


class SynthesisCommented(ByParticipant):
    comment_id: Id
    version: int
    section: str
    body: str
    is_amendment: bool


class SynthesisApproved(ByParticipant):
    version: int


class SettingsChanged(TypedDict):
    attribution: NotRequired[str]
    withdrawal: NotRequired[str]
    retention_until: NotRequired[Iso | None]
    language: NotRequired[str]


class Replacement(TypedDict):
    find: str
    replace: str


class ReplacementsSet(TypedDict):
    replacements: list[Replacement]


class SessionArchived(TypedDict):
    folder: str


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.SYNTHESIS_SAVED: SynthesisSaved,
    ev.VALIDATION_OPENED: Version,
    ev.VALIDATION_CLOSED: Empty,
    ev.SYNTHESIS_COMMENTED: SynthesisCommented,
    ev.AMENDMENT_SETTLED: AmendmentSettled,
    ev.SYNTHESIS_APPROVED: SynthesisApproved,
    ev.SETTINGS_CHANGED: SettingsChanged,
    ev.REPLACEMENTS_SET: ReplacementsSet,
    ev.CONSENT_WITHDRAWN: ByParticipant,
    ev.SESSION_ARCHIVED: SessionArchived,
}
