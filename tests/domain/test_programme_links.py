"""A programme's team links, a session's facilitator link pasted to attach it, retention."""

from datetime import date

import pytest

from mag.domain.i18n import DomainError
from mag.domain.programme import clean_retention
from mag.domain.programme_links import (
    CREATOR,
    MEMBER_NAME_MAX,
    MEMBERS_MAX,
    FacilitatorLink,
    check_attachment,
    check_invitation,
    check_revocation,
    clean_member_name,
    facilitator_link,
)

SECRET = "Zx3_kq-8Qm2LwP0aVb7NcT5yR1uE9sDf"


def refused(code: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as raised:
        call(*args, **kwargs)
    assert raised.value.code == code
    return raised.value


def test_a_member_is_named_by_the_team():
    assert clean_member_name("  Chercheuse ULB ") == "Chercheuse ULB"
    assert "est vide" in str(refused("text_empty", clean_member_name, "   "))
    refused("text_too_long", clean_member_name, "x" * (MEMBER_NAME_MAX + 1))
    refused("invalid_text", clean_member_name, ["Chercheuse"])


def test_a_team_has_a_limited_number_of_links_in_use():
    check_invitation(MEMBERS_MAX - 1)
    refused("too_many_members", check_invitation, MEMBERS_MAX)


@pytest.mark.parametrize("by", [CREATOR, "a1b2c3d4e5f60718"])
def test_any_link_revokes_another_but_never_its_own(by):
    other = "ffffffffffffffff" if by == CREATOR else CREATOR
    check_revocation(other, by, is_revoked=False)
    message = str(refused("own_link", check_revocation, by, by, is_revoked=False))
    assert "le lien que vous utilisez" in message
    refused("already_revoked", check_revocation, other, by, is_revoked=True)


@pytest.mark.parametrize(
    "pasted",
    [
        f"http://mag.local:8000/animer/0a1b2c3d4e5f6789/{SECRET}",
        f"  https://recherche.example.be/mag/animer/0a1b2c3d4e5f6789/{SECRET}/ ",
        f"/animer/0a1b2c3d4e5f6789/{SECRET}",
        f"http://192.168.1.10/animer/0a1b2c3d4e5f6789/{SECRET}?lang=nl",
    ],
)
def test_a_facilitator_link_is_read_wherever_the_server_is(pasted):
    assert facilitator_link(pasted) == FacilitatorLink("0a1b2c3d4e5f6789", SECRET)


@pytest.mark.parametrize(
    "pasted",
    [
        "ABC123",  # a join code
        "http://mag.local/animer/0a1b2c3d4e5f6789",  # the console, without the secret
        f"http://mag.local/equipe/0a1b2c3d4e5f6789/m1/{SECRET}",  # a team member's link
        f"http://mag.local/animer/0a1b2c3d4e5f6789/{SECRET}/plus",
        f"http://mag.local/animer/0a1b2c3d4e5f6789/{SECRET[:8]}",  # cut short
        "http://mag.local/animer/<script>/x",
        f"http://mag.local/programme/0a1b2c3d4e5f6789/{SECRET}",
    ],
)
def test_anything_but_a_facilitator_link_is_refused_saying_which_link_is_wanted(pasted):
    message = str(refused("not_facilitator_link", facilitator_link, pasted))
    assert "/animer/" in message


def test_an_empty_or_oversized_link_is_refused():
    refused("text_empty", facilitator_link, "")
    refused("text_too_long", facilitator_link, "/animer/" + "a" * 600)
    refused("invalid_text", facilitator_link, 42)


def test_a_session_joins_a_programme_only_from_none():
    check_attachment(None, "p1")
    refused("already_attached", check_attachment, "p1", "p1")
    message = str(refused("other_programme", check_attachment, "p2", "p1"))
    assert "Cette séance appartient à un autre programme" in message


def test_a_retention_date_is_optional_and_must_be_a_date():
    assert clean_retention("") is None
    assert clean_retention(None) is None
    assert clean_retention("2031-06-30") == date(2031, 6, 30)
    for bad in ("2031-02-30", "30/06/2031", "demain", "1999-12-31"):
        message = str(refused("invalid_date", clean_retention, bad))
        assert "Conserver jusqu'au" in message
