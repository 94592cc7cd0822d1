"""Marking user-facing text in the domain without depending on Flask-Babel.

The domain only *marks* messages with ``N_``; the edge (web, socket, CLI)
translates them with Flask-Babel's gettext (``DomainError.message``). French is the
interface's source language, so message ids are the French text itself and the
Dutch and English catalogues translate from it. ``pybabel extract`` is told to
collect ``N_`` (see babel.cfg).
"""

from collections.abc import Callable

# The languages mag speaks (its catalogues, its protocols' translations), French first: the
# source of every message. A session's report is written in one of them.
LANGUAGES = ("fr", "nl", "en")


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

    def message(self, translate: Callable[..., str]) -> str:
        """The message in the language ``translate`` (the edge's gettext) speaks, a form
        field's name (``field``, itself marked with ``N_``) translated with it."""
        params = {
            key: translate(value) if key in MESSAGE_PARAMS and isinstance(value, str) else value
            for key, value in self.params.items()
        }
        return translate(self.msgid, **params)


# Parameters of a DomainError that are themselves messages: translated with it.
MESSAGE_PARAMS = ("field",)
