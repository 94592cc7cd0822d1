"""The programme as one JSON document: the team's own archive, which ``mag import`` restores.

What it holds: the programme (title, question, period, its lists, its consent text), the
state of its form's addresses, its fiches as stored with the researchers' themes and
levels, and each of its sessions as that session's own JSON export (``to_json``, the
document ``mag import`` reads for a session). Described by ``programme.schema.json``
beside this module and docs/archive-format.md.

A backup, not a document for analysis: the fiches keep what the practitioners wrote,
the programme's names list NOT applied, so that restoring gives the programme back as it
was (its names list travels with it). The sessions are as their exports make them (each
one's replacement list applied, withdrawn words out), as for any session. The REFI-QDA
project (``to_programme_qdpx``) is the one meant for analysis tools: names replaced there.

Nothing that belongs to one installation travels: no team secret, no form address (the
forms are numbered), no export date; exporting the same programme twice gives the same
bytes.
"""

import json
from datetime import date, datetime
from importlib import resources

from referencing import Registry, Resource

from mag.report import to_json
from mag.report.programme import FicheFile, ProgrammeFile

FORMAT = "mag-programme"
FORMAT_VERSION = 1


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def fiche_document(fiche: FicheFile) -> dict[str, object]:
    return {
        "id": fiche.id,
        "form": fiche.form,
        "what_happened": fiche.what_happened,
        "service": fiche.service,
        "service_other": fiche.service_other,
        "barrier": fiche.barrier,
        "barrier_other": fiche.barrier_other,
        "public": fiche.public,
        "consequences": list(fiche.consequences),
        "consequence_other": fiche.consequence_other,
        "action": fiche.action,
        "function": fiche.function,
        "region": fiche.region,
        "occurred_on": fiche.occurred_on.isoformat(),
        "consent_text": fiche.consent_text,
        "language": fiche.language,
        "warnings": fiche.warnings,
        "created_at": fiche.created_at.isoformat(),
        "themes": list(fiche.themes),
        "levels": list(fiche.levels),
    }


def document(programme: ProgrammeFile) -> dict[str, object]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "programme": {
            "id": programme.id,
            "title": programme.title,
            "question": programme.question,
            "period_start": _day(programme.period_start),
            "period_end": _day(programme.period_end),
            "services": list(programme.services),
            "names": list(programme.names),
            "consent_text": programme.consent_text,
            "created_at": programme.created_at.isoformat(),
            "retention_until": _day(programme.retention_until),
        },
        "forms": [
            {
                "number": form.number,
                "created_at": form.created_at.isoformat(),
                "closed_at": _moment(form.closed_at),
            }
            for form in programme.forms
        ],
        "fiches": [fiche_document(fiche) for fiche in programme.fiches],
        "sessions": [to_json.document(material) for material in programme.sessions],
        "themes": [
            {
                "id": theme.id,
                "title": theme.title,
                "summary": theme.summary,
                "sources": list(theme.sources),
                "proposals": [
                    {"id": p.id, "level": p.level, "text": p.text} for p in theme.proposals
                ],
            }
            for theme in programme.board
        ],
        "booklet": [
            {
                "version": v.version,
                "text": v.text,
                "saved_at": v.saved_at.isoformat(),
                "author": v.author,
                "language": v.language,
            }
            for v in programme.booklet
        ],
    }


def export(programme: ProgrammeFile) -> bytes:
    return (json.dumps(document(programme), ensure_ascii=False, indent=1) + "\n").encode()


def schema() -> dict[str, object]:
    return json.loads(resources.files("mag.report").joinpath("programme.schema.json").read_text())


def registry() -> Registry:
    """Where the programme's schema finds the session's (``urn:mag:session:1``)."""
    session = to_json.schema()
    return Registry().with_resource(session["$id"], Resource.from_contents(session))
