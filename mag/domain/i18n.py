"""Marking user-facing text in the domain without depending on Flask-Babel.

The domain only *marks* messages with ``N_``; the edge (web, socket, CLI)
translates them with Flask-Babel's ``gettext(msgid, **params)``. French is the
interface's source language, so message ids are the French text itself and the
Dutch and English catalogues translate from it. ``pybabel extract`` is told to
collect ``N_`` (see babel.cfg).
"""


def N_(msgid: str) -> str:
    """Mark ``msgid`` for translation; return it unchanged."""
    return msgid


class DomainError(Exception):
    """A rule of the method refused something; carries a translatable message.

    ``msgid`` is a French message with ``%(name)s`` placeholders filled from
    ``params``. ``code`` is a stable machine-readable name for clients and tests.
    """

    def __init__(self, code: str, msgid: str, /, **params: object) -> None:
        super().__init__(msgid % params if params else msgid)
        self.code = code
        self.msgid = msgid
        self.params = params
