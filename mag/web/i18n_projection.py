"""Messages of the projection page's scripts (see mag/web/i18n_client.py)."""

from flask_babel import gettext as _


def projection_messages() -> dict[str, str]:
    return {}
