"""The demo session that `mag serve` keeps ready to open."""

from flask import Flask
from sqlalchemy import select

from mag import services
from mag.domain.protocol import builtin_protocols
from mag.models import SessionRecord
from mag.services import CreatedSession
from mag.web.facilitator import default_convention

DEMO_PROTOCOL = "mag-complet"


def ensure_demo_session(app: Flask) -> CreatedSession:
    """Create the demo session once; on later starts, issue a fresh facilitator link for it.

    Needs an app context (its texts go through Flask-Babel).
    """
    from flask_babel import gettext as _

    mag = app.extensions["mag"]
    with mag.sessions() as db, db.begin():
        record = db.scalar(select(SessionRecord).where(SessionRecord.is_demo.is_(True)).limit(1))
        if record is not None:
            secret = services.rotate_facilitator_secret(db, record)
            return CreatedSession(record.id, record.join_code, secret)
        return services.create_session(
            db,
            title=_("Séance de démonstration"),
            question=_(
                "Comment la numérisation des services publics et privés pèse-t-elle sur "
                "l'accompagnement social de première ligne ?"
            ),
            protocol_source=builtin_protocols()[DEMO_PROTOCOL].source,
            planned_dates=[],
            convention_text=default_convention(),
            is_demo=True,
        )
