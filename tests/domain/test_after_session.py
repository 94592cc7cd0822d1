"""After the last step: the synthesis, its validation, pseudonymisation, withdrawal, archiving."""

import pytest
from story import Story
from test_session import refused

from mag.domain import events as ev
from mag.domain.roles import Actor, Role
from mag.domain.state import Status

RAPPORTEUR = Actor(Role.RAPPORTEUR, member_id="member-001")
OBSERVER = Actor(Role.OBSERVATEUR, member_id="member-002")


@pytest.fixture
def ended() -> tuple[Story, list[Actor]]:
    """A short session, ended, with three participants."""
    story = Story("mag-court")
    people = story.group(3)
    story.steer("start_session")
    story.steer("end_session")
    return story, people


def save(story: Story, text: str, actor: Actor = RAPPORTEUR):
    return story.do(actor, "save_synthesis", text=text, base_version=story.state.synthesis_version)


def test_every_saved_version_is_kept_with_its_author_for_the_staff_only(ended):
    story, _ = ended
    (first,) = save(story, "## Contexte\n\nUn premier jet.")
    save(story, "## Contexte\n\nUn second jet.", actor=Actor(Role.ANIMATEUR))
    assert first.audience == ev.AUDIENCE_STAFF
    versions = story.state.synthesis_versions
    assert [(v.version, v.author) for v in versions] == [
        (1, "rapporteur:member-001"),
        (2, "animateur"),
    ]
    assert story.state.synthesis_text == "## Contexte\n\nUn second jet."


def test_saving_over_a_colleagues_newer_version_is_refused(ended):
    story, _ = ended
    save(story, "Version de Lucie.")
    with refused("synthesis_changed"):
        story.do(RAPPORTEUR, "save_synthesis", text="Version de Marc.", base_version=0)
    with refused("synthesis_unchanged"):
        save(story, "Version de Lucie.")
    assert story.state.synthesis_version == 1


def test_participants_and_the_projection_cannot_write_the_synthesis(ended):
    story, people = ended
    for actor in (people[0], OBSERVER):
        with refused("forbidden"):
            story.do(actor, "save_synthesis", text="Ma version.", base_version=0)


def test_validation_opens_after_the_session_on_a_saved_version_only(ended):
    story, _ = ended
    with refused("unknown_version"):
        story.steer("open_validation", version=1)
    save(story, "Le texte.")
    with refused("forbidden"):
        story.do(RAPPORTEUR, "open_validation", version=1)
    story.steer("open_validation", version=1)
    with refused("validation_already_open"):
        story.steer("open_validation", version=1)


def test_validation_cannot_open_while_the_session_runs():
    story = Story("mag-court")
    story.group(2)
    story.steer("start_session")
    story.do(RAPPORTEUR, "save_synthesis", text="Trop tôt.", base_version=0)
    with refused("session_not_ended"):
        story.steer("open_validation", version=1)


def test_a_comment_reaches_its_author_and_the_staff_and_names_its_section(ended):
    story, (awa, bruno, _) = ended
    with refused("validation_not_open"):
        story.do(
            awa, "comment_synthesis", comment_id="comment-01", version=1, section="A", body="x"
        )
    save(story, "## Contexte\n\nLe texte.")
    story.steer("open_validation", version=1)
    (event,) = story.do(
        awa,
        "comment_synthesis",
        comment_id="comment-01",
        version=1,
        section="Contexte",
        body="Il manque la fermeture du guichet.",
        amendment=True,
    )
    assert event.audience == ev.audience_participant(awa.participant_id)
    comment = story.state.comments["comment-01"]
    assert (comment.section, comment.is_amendment, comment.status) == ("Contexte", True, "pending")
    with refused("duplicate_id"):
        story.do(
            bruno,
            "comment_synthesis",
            comment_id="comment-01",
            version=1,
            section="Contexte",
            body="Moi aussi.",
        )
    with refused("text_empty"):
        story.do(
            bruno,
            "comment_synthesis",
            comment_id="comment-02",
            version=1,
            section="Contexte",
            body="  ",
        )


def test_amendments_are_settled_once_by_the_staff(ended):
    story, (awa, bruno, _) = ended
    save(story, "Le texte.")
    story.steer("open_validation", version=1)
    story.do(
        awa,
        "comment_synthesis",
        comment_id="comment-01",
        version=1,
        section="Introduction",
        body="Nuancer.",
        amendment=True,
    )
    story.do(
        bruno,
        "comment_synthesis",
        comment_id="comment-02",
        version=1,
        section="Introduction",
        body="D'accord.",
    )
    with refused("forbidden"):
        story.do(bruno, "settle_amendment", comment_id="comment-01", status="accepted")
    with refused("unknown_amendment"):
        story.do(RAPPORTEUR, "settle_amendment", comment_id="comment-02", status="accepted")
    (event,) = story.do(RAPPORTEUR, "settle_amendment", comment_id="comment-01", status="accepted")
    assert event.audience == ev.audience_participant(awa.participant_id)
    with refused("already_settled"):
        story.do(RAPPORTEUR, "settle_amendment", comment_id="comment-01", status="declined")


def test_each_approval_names_its_version_and_a_new_version_asks_again(ended):
    story, (awa, bruno, carla) = ended
    save(story, "Premier texte.")
    story.steer("open_validation", version=1)
    story.do(awa, "approve_synthesis", version=1)
    with refused("already_approved"):
        story.do(awa, "approve_synthesis", version=1)
    story.do(RAPPORTEUR, "approve_synthesis", version=1, on_behalf_of=bruno.participant_id)
    save(story, "Texte amendé.")
    story.steer("open_validation", version=2)
    with refused("version_changed"):
        story.do(carla, "approve_synthesis", version=1)
    story.do(awa, "approve_synthesis", version=2)
    approvals = [(a.participant_id, a.version, a.entered_by) for a in story.state.approvals]
    assert approvals == [
        (awa.participant_id, 1, None),
        (bruno.participant_id, 1, "rapporteur"),
        (awa.participant_id, 2, None),
    ]
    story.steer("close_validation")
    with refused("validation_not_open"):
        story.do(carla, "approve_synthesis", version=2)


def test_settings_are_checked_and_only_the_animateur_changes_them(ended):
    story, _ = ended
    story.steer(
        "change_settings",
        attribution="pseudonym",
        withdrawal="remove",
        retention_until="2031-12-31",
    )
    settings = story.state.settings
    assert (settings.attribution, settings.withdrawal, settings.retention_until) == (
        "pseudonym",
        "remove",
        "2031-12-31",
    )
    with refused("invalid_setting"):
        story.steer("change_settings", attribution="nom")
    with refused("invalid_date"):
        story.steer("change_settings", retention_until="31/12/2031")
    with refused("forbidden"):
        story.do(RAPPORTEUR, "change_settings", attribution="function")
    story.steer("change_settings", retention_until="")
    assert story.state.settings.retention_until is None


def test_by_function_each_pseudonym_is_replaced_by_its_function_unless_the_list_says_otherwise():
    story = Story("mag-court")
    awa = story.join("Awa", "AS en CPAS")
    story.join("Bruno", "éducateur de rue")
    story.join("Chloé")  # no function: exports name her by her pseudonym anyway
    story.join("Driss", "juriste")
    assert story.state.automatic_replacements == [
        ("Awa", "AS en CPAS"),
        ("Bruno", "éducateur de rue"),
        ("Driss", "juriste"),
    ]
    story.do(awa, "withdraw_consent")  # exports call her « participant·e retiré·e »
    story.do(RAPPORTEUR, "set_replacements", replacements=[{"find": "bruno", "replace": "B."}])
    assert story.state.replacement_list == [("Driss", "juriste"), ("bruno", "B.")]
    story.steer("change_settings", attribution="pseudonym")
    assert story.state.automatic_replacements == []


def test_the_replacement_list_is_checked_whole(ended):
    story, _ = ended
    story.do(
        RAPPORTEUR, "set_replacements", replacements=[{"find": "Mme Lambert", "replace": "Mme L."}]
    )
    assert story.state.replacements == [("Mme Lambert", "Mme L.")]
    with refused("duplicate_replacement"):
        story.do(
            RAPPORTEUR,
            "set_replacements",
            replacements=[{"find": "Anne", "replace": "A."}, {"find": "anne", "replace": "B."}],
        )
    with refused("text_empty"):
        story.do(RAPPORTEUR, "set_replacements", replacements=[{"find": "Anne", "replace": ""}])
    with refused("invalid_replacements"):
        story.do(RAPPORTEUR, "set_replacements", replacements="Anne=A.")
    assert story.state.replacements == [("Mme Lambert", "Mme L.")]


def test_someone_who_withdrew_can_do_nothing_more(ended):
    story, (awa, bruno, _) = ended
    save(story, "Le texte.")
    story.steer("open_validation", version=1)
    story.do(awa, "withdraw_consent")
    assert story.state.participants[awa.participant_id].withdrawn_at is not None
    with refused("withdrawn"):
        story.do(awa, "approve_synthesis", version=1)
    with refused("withdrawn"):
        story.do(awa, "withdraw_consent")
    story.do(RAPPORTEUR, "withdraw_consent", on_behalf_of=bruno.participant_id)
    assert story.state.participants[bruno.participant_id].withdrawn_at is not None


def test_someone_may_withdraw_before_accepting_the_convention():
    story = Story("mag-court")
    hesitant = story.join("Hésitant", accept=False)
    story.do(hesitant, "withdraw_consent")
    assert story.state.participants[hesitant.participant_id].withdrawn_at is not None


def test_an_archived_session_changes_no_more_but_its_retention_date(ended):
    story, (awa, _, _) = ended
    story.archive()
    assert story.state.status is Status.ARCHIVED
    with refused("archived"):
        story.do(awa, "withdraw_consent")
    with refused("archived"):
        save(story, "Trop tard.")
    with refused("archived"):
        story.steer("change_settings", attribution="pseudonym")
    story.steer("change_settings", retention_until="2030-01-01")
    with refused("already_archived"):
        story.archive()


def test_a_running_session_cannot_be_archived():
    story = Story("mag-court")
    story.group(2)
    story.steer("start_session")
    with refused("session_not_ended"):
        story.archive()
