"""The synthesis a participant rereads: who may read it, when, and what it shows."""

import pytest

from mag.report.markdown import escape

SCRIPT = "<script>alert('mag')</script>"
# Unique sentences: a withdrawn participant's words are looked for in the synthesis.
AWA_WORDS = f"Au guichet {SCRIPT} on m'a renvoyée vers une borne, chez Dupont"
BRUNO_WORDS = "Le mardi le service ferme avant midi sans prevenir personne"


def synthesis(version_note: str) -> str:
    """A synthesis as the researchers write it from the draft: quotes escaped, then edited."""
    return "\n".join(
        [
            f"Synthèse de la séance ({version_note}).",
            "",
            "## Récits",
            "",
            f"> {escape(AWA_WORDS)}",
            "",
            f"Bruno disait : « {BRUNO_WORDS} ».",
            "",
            "## Hypothèses",
            "",
            "Collé tel quel : <script>document.title = 'pris'</script>"
            '<img src="x" onerror="alert(1)"> **Dupont** revient.',
        ]
    )


@pytest.fixture
def ended(room):
    """Awa and Bruno proposed a récit (Léa never accepted the convention); the session
    ended; a replacement list is set."""
    awa = room.join("Awa", "AS en CPAS")
    bruno = room.join("Bruno", "animateur EPN")
    lea = room.join("Léa", accept=False)
    room.go_to("proposals")
    assert awa.send("submit_proposal", proposal_id="prop-awa1", title="Le guichet", body=AWA_WORDS)[
        "ok"
    ]
    assert bruno.send(
        "submit_proposal", proposal_id="prop-bru1", title="Le mardi", body=BRUNO_WORDS
    )["ok"]
    room.steer("end_session")
    room.steer("set_replacements", replacements=[{"find": "Dupont", "replace": "la directrice"}])
    return awa, bruno, lea


def draft_of(person, room):
    return person.http.get(f"/seance/{room.session_id}/synthese")


def test_the_draft_is_refused_until_validation_opens(room, ended):
    awa, _, _ = ended
    answer = draft_of(awa, room)
    assert answer.status_code == 409
    assert answer.json["error"]["message"] == "La relecture de la synthèse n'est pas ouverte."
    room.steer("save_synthesis", text=synthesis("v1"), base_version=0)
    assert draft_of(awa, room).status_code == 409  # saved, not yet opened
    room.steer("open_validation", version=1)
    assert draft_of(awa, room).status_code == 200
    room.steer("close_validation")
    assert draft_of(awa, room).status_code == 409


def test_only_this_sessions_admitted_participants_read_it(app, room, ended):
    awa, bruno, lea = ended
    room.steer("save_synthesis", text=synthesis("v1"), base_version=0)
    room.steer("open_validation", version=1)

    other = type(room)(app)  # a second session on the same server
    zoe = other.join("Zoé")
    # Her cookie is for her session only: another session's draft is not hers to read.
    refused = draft_of(zoe, room)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"
    # Even with her cookie renamed to this session's, the secret does not match.
    cookie = zoe.http.get_cookie(f"mag_p_{other.session_id}")
    zoe.http.set_cookie(f"mag_p_{room.session_id}", cookie.value)
    assert draft_of(zoe, room).status_code == 403
    # No cookie at all, and a session that does not exist.
    assert app.test_client().get(f"/seance/{room.session_id}/synthese").status_code == 403
    assert awa.http.get("/seance/nope/synthese").status_code == 404
    # The team's browsers are not participants either (they read the synthesis in the console).
    assert draft_of(room.facilitator, room).status_code == 403

    refused = draft_of(lea, room)
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "consent_required")

    assert bruno.send("withdraw_consent")["ok"]
    refused = draft_of(bruno, room)
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "withdrawn")
    assert "retiré votre participation" in refused.json["error"]["message"]
    assert draft_of(awa, room).status_code == 200


def test_the_draft_is_sanitised_and_pseudonymised_as_it_will_leave_the_server(room, ended):
    awa, bruno, _ = ended
    room.steer("save_synthesis", text=synthesis("v1"), base_version=0)
    room.steer("open_validation", version=1)
    assert bruno.send("withdraw_consent")["ok"]

    answer = draft_of(awa, room)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.json
    assert body["version"] == 1
    assert [s["title"] for s in body["sections"]] == ["Introduction", "Récits", "Hypothèses"]
    assert len({s["id"] for s in body["sections"]}) == 3
    intro, recits, hypotheses = (s["html"] for s in body["sections"])
    assert intro == "<p>Synthèse de la séance (v1).</p>"
    # What Awa typed is shown as text; a script pasted raw loses its tags, not its words
    # (nothing typed vanishes without a word); no handler survives.
    everything = "".join(s["html"] for s in body["sections"])
    assert "<script" not in everything and "onerror" not in everything
    assert "&lt;script&gt;alert('mag')&lt;/script&gt;" in recits
    assert "document.title = 'pris'" in hypotheses
    # The replacement list applies; Bruno withdrew, so his words are gone.
    assert "Dupont" not in everything
    assert "chez la directrice" in recits
    assert "<strong>la directrice</strong> revient." in hypotheses
    assert BRUNO_WORDS not in everything
    # Quoted in the synthesis, his words were erased from the stored log with him: « […] ».
    assert "« […] »" in recits


def test_the_draft_follows_the_version_opened(room, ended):
    awa, _, _ = ended
    room.steer("save_synthesis", text=synthesis("v1"), base_version=0)
    room.steer("open_validation", version=1)
    room.steer("save_synthesis", text=synthesis("v2"), base_version=1)
    # Version 2 is saved but version 1 is still the one under review.
    assert draft_of(awa, room).json["sections"][0]["html"] == "<p>Synthèse de la séance (v1).</p>"
    room.steer("open_validation", version=2)
    body = draft_of(awa, room).json
    assert body["version"] == 2
    assert body["sections"][0]["html"] == "<p>Synthèse de la séance (v2).</p>"
