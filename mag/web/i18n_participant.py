"""Messages of the participant page's scripts (see mag/web/i18n_client.py)."""

from flask_babel import gettext as _


def participant_messages() -> dict[str, str]:
    return {}
