"""Messages of the analysis board's script (see mag/web/i18n_client.py)."""

from flask_babel import gettext as _


def board_messages() -> dict[str, str]:
    return {}
