"""The private links a programme's team handles: its own members', and a session's.

A programme's team has no accounts: each researcher holds a private link. The creator's
came with the programme; the team invites others by name, each with a link of their own,
and revokes any link but the one it is using, so the team can never lock itself out.

To attach an existing session to the programme, a researcher pastes that session's
facilitator link (``…/animer/<session>/<secret>``): holding it proves they run the session.
Rules here; the edge checks the secret against the stored hash.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from mag.domain.i18n import N_, DomainError
from mag.domain.steps.base import clean_text

# Team members ---------------------------------------------------------------------------------

MEMBER_NAME_MAX = 80
MEMBERS_MAX = 50

# Stands for the creator's link where an invited member's id would be (routes, forms): no
# member's id (16 hexadecimal digits) can be this word.
CREATOR = "createur"


def clean_member_name(value: object) -> str:
    """Who a new link is for, as the team writes it (« Chercheuse ULB »)."""
    return clean_text(value, N_("Nom ou fonction"), MEMBER_NAME_MAX)


def check_invitation(active_members: int) -> None:
    """A team has at most :data:`MEMBERS_MAX` links in use (the creator's apart)."""
    if active_members >= MEMBERS_MAX:
        raise DomainError(
            "too_many_members",
            N_(
                "L'équipe compte déjà %(limit)s liens actifs : révoquez ceux qui ne servent "
                "plus avant d'en créer un autre."
            ),
            limit=MEMBERS_MAX,
        )


def check_revocation(target: str, by: str, *, is_revoked: bool) -> None:
    """Whether the link ``by`` (a member's id, or :data:`CREATOR`) may revoke ``target``.

    Any link of the team may revoke any other; none its own, so at least one always works.
    """
    if target == by:
        raise DomainError(
            "own_link",
            N_(
                "Vous ne pouvez pas révoquer le lien que vous utilisez : demandez-le à un "
                "autre membre de l'équipe."
            ),
        )
    if is_revoked:
        raise DomainError("already_revoked", N_("Ce lien est déjà révoqué."))


# Attaching a session -----------------------------------------------------------------------

# What a session's id and secret look like in its facilitator link (services.new_id, new_secret;
# an imported session's id as the JSON export allows).
_LINK_PATH = re.compile(r"/animer/([A-Za-z0-9_-]{1,32})/([A-Za-z0-9_-]{16,64})/?$")
LINK_MAX = 500


@dataclass(frozen=True)
class FacilitatorLink:
    session_id: str
    secret: str


def facilitator_link(value: object) -> FacilitatorLink:
    """The session and secret of a pasted facilitator link, whatever its server's address.

    Accepts the link as copied (``http://…/animer/<session>/<secret>``), or its path alone;
    anything else is refused with a message saying which link is wanted.
    """
    text = clean_text(value, N_("Lien d'animation de la séance"), LINK_MAX)
    path = urlsplit(text).path if "://" in text else text.split("?", 1)[0].split("#", 1)[0]
    found = _LINK_PATH.search(path)
    if found is None:
        raise DomainError(
            "not_facilitator_link",
            N_(
                "Ce n'est pas un lien d'animation de séance. Collez le lien privé reçu à la "
                "création de la séance : il contient « /animer/ »."
            ),
        )
    return FacilitatorLink(found.group(1), found.group(2))


def check_attachment(current: str | None, programme_id: str) -> None:
    """A session joins a programme only if it belongs to none (``current``: its programme)."""
    if current == programme_id:
        raise DomainError("already_attached", N_("Cette séance fait déjà partie de ce programme."))
    if current is not None:
        raise DomainError(
            "other_programme",
            N_("Cette séance appartient à un autre programme : elle n'a pas été rattachée."),
        )
