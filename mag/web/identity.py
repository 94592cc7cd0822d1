"""Where a browser keeps who it is: HttpOnly cookies holding a secret.

Identity is never kept in Flask's session: the secret's hash lives in the
database, the secret itself only in the browser of the person it belongs to.
"""

from flask import Response, current_app


def facilitator_cookie(session_id: str) -> str:
    return f"mag_a_{session_id}"


def participant_cookie(session_id: str) -> str:
    return f"mag_p_{session_id}"


def split_participant_cookie(value: str | None) -> tuple[str | None, str | None]:
    if not value or "." not in value:
        return None, None
    participant_id, _, secret = value.partition(".")
    return participant_id, secret


def set_identity(response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=int(current_app.config["MAG_COOKIE_MAX_AGE"]),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["MAG_COOKIE_SECURE"]),
    )
