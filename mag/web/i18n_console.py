"""Messages of the console page's scripts (see mag/web/i18n_client.py)."""

from flask_babel import gettext as _


def console_messages() -> dict[str, str]:
    return {}
