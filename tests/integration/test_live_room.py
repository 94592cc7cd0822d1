"""Several browsers on one session over real Socket.IO: what one does, the others see."""

from mag.domain.protocol import builtin_protocol


def test_the_lobby_shows_who_joined_and_who_accepted(room):
    amina = room.join("Amina", "AS en CPAS")
    room.join("Bruno", "animateur EPN", accept=False)
    state = room.facilitator.sync()["state"]
    people = {p["pseudonym"]: p for p in state["participants"].values()}
    assert people["Amina"] == {
        "pseudonym": "Amina",
        "function": "AS en CPAS",
        "has_accepted": True,
        "entered_by": None,
        "withdrawn": False,
    }
    assert people["Bruno"]["has_accepted"] is False
    presence = room.facilitator.sync()["presence"]
    assert amina.participant_id in presence


def test_starting_and_moving_reaches_every_screen(room):
    amina, bruno = room.join("Amina"), room.join("Bruno")
    assert [e["type"] for e in amina.received_events()] == [
        "participant_joined",
        "convention_accepted",
    ], "Amina saw Bruno arrive and accept"
    room.steer("start_session")
    room.steer("next_step", from_index=0)
    for person in (amina, bruno):
        events = person.received_events()
        assert [e["type"] for e in events] == ["session_started", "step_changed"]
        assert events[-1]["data"]["index"] == 1
    title = builtin_protocol("mag-complet").steps[1].title
    assert amina.sync()["state"]["protocol"]["steps"][1]["title"] == title


def test_a_proposal_appears_live_for_everyone_and_its_author_can_edit_and_withdraw_it(room):
    amina, bruno = room.join("Amina"), room.join("Bruno")
    room.go_to("proposals")
    for person in (amina, bruno, room.facilitator):
        person.received_events()

    answer = amina.send(
        "submit_proposal", proposal_id="prop-0001", title="Le guichet", body="Un lundi"
    )
    assert answer["ok"]
    for person in (amina, bruno, room.facilitator):
        (event,) = person.received_events()
        assert event["type"] == "proposal_submitted"
        assert event["data"]["title"] == "Le guichet"
        assert event["seq"] == answer["seq"]

    assert amina.send(
        "edit_proposal", proposal_id="prop-0001", title="Le guichet fermé", body="Un lundi"
    )["ok"]
    assert bruno.received_events()[0]["data"]["title"] == "Le guichet fermé"
    assert amina.send("withdraw_proposal", proposal_id="prop-0001")["ok"]
    assert bruno.received_events()[0]["type"] == "proposal_withdrawn"
    assert bruno.sync()["state"]["proposals"] == {}


def test_a_participant_cannot_steer_and_nothing_changes(room):
    amina, bruno = room.join("Amina"), room.join("Bruno")
    room.steer("start_session")
    bruno.received_events()
    answer = amina.send("next_step", from_index=0)
    assert answer == {
        "ok": False,
        "error": {"code": "forbidden", "message": "Seule l'équipe d'animation peut faire cela."},
    }
    assert bruno.received_events() == []
    assert amina.sync()["state"]["session"]["step_index"] == 0


def test_nobody_edits_someone_elses_proposal(room):
    amina, bruno = room.join("Amina"), room.join("Bruno")
    room.go_to("proposals")
    amina.send("submit_proposal", proposal_id="prop-0001", title="Le guichet", body="Un lundi")
    answer = bruno.send("edit_proposal", proposal_id="prop-0001", title="À moi", body="!")
    assert answer["error"]["code"] == "not_author"
    assert "auteur" in answer["error"]["message"]
    assert amina.sync()["state"]["proposals"]["prop-0001"]["title"] == "Le guichet"


def test_a_command_in_the_wrong_step_is_refused_in_french(room):
    amina = room.join("Amina")
    room.steer("start_session")
    answer = amina.send("submit_proposal", proposal_id="prop-0001", title="T", body="B")
    assert answer["error"]["code"] == "wrong_step"
    assert (
        answer["error"]["message"] == "Ce n'est pas possible à l'étape « Convention de travail »."
    )


def test_oversized_and_empty_text_are_refused_with_the_limit(room):
    amina = room.join("Amina")
    room.go_to("proposals")
    answer = amina.send("submit_proposal", proposal_id="prop-0001", title="T", body="x" * 2001)
    assert (
        answer["error"]["message"] == "Le champ « Quelques lignes » dépasse 2000 caractères (2001)."
    )
    answer = amina.send("submit_proposal", proposal_id="prop-0001", title=" ", body="B")
    assert answer["error"]["message"] == "Le champ « Titre » est vide."
    assert amina.sync()["state"]["proposals"] == {}


def test_a_retried_command_is_carried_out_once(room):
    amina, bruno = room.join("Amina"), room.join("Bruno")
    room.go_to("proposals")
    bruno.received_events()
    first = amina.send(
        "submit_proposal", cid="retry-0001", proposal_id="prop-0001", title="T", body="B"
    )
    again = amina.send(
        "submit_proposal", cid="retry-0001", proposal_id="prop-0001", title="T", body="B"
    )
    assert first["ok"] and again["ok"]
    assert again["is_retry"] is True
    assert again["seq"] == first["seq"]
    assert len(bruno.received_events()) == 1


def test_a_command_id_is_its_senders_alone(room):
    amina, bruno = room.join("Amina", accept=False), room.join("Bruno", accept=False)
    first = amina.send("accept_convention", cid="amina-0000001", version=1)
    assert first["ok"]
    borrowed = bruno.send("accept_convention", cid="amina-0000001", version=1)
    assert borrowed["ok"] is False and borrowed["error"]["code"] == "invalid_id"
    assert "is_retry" not in borrowed
    again = amina.send("accept_convention", cid="amina-0000001", version=1)
    assert again["is_retry"] is True and again["seq"] == first["seq"]


def test_malformed_commands_are_refused(room):
    amina = room.join("Amina")
    assert amina.socket.emit("command", "next", callback=True)["error"]["code"] == "malformed"
    answer = amina.socket.emit(
        "command", {"id": "x", "name": "accept_convention", "args": {}}, callback=True
    )
    assert answer["error"]["code"] == "invalid_id"
    answer = amina.socket.emit(
        "command", {"id": "abcdefgh\n", "name": "accept_convention", "args": {}}, callback=True
    )
    assert answer["error"]["code"] == "invalid_id"
    answer = amina.send("steal_the_show")
    assert answer["error"]["message"] == "Commande inconnue : « steal_the_show »."


def test_before_accepting_the_convention_a_participant_receives_only_the_convention(room):
    amina = room.join("Amina")
    bruno = room.join("Bruno", accept=False)
    room.go_to("proposals")
    amina.send("submit_proposal", proposal_id="prop-0001", title="Secret", body="Un lundi")
    assert bruno.received_events() == []
    view = bruno.sync()
    assert set(view["state"]) == {"seq", "session", "admitted", "me"}
    assert view["presence"] == []
    assert "Secret" not in str(view)
    assert bruno.send("accept_convention", version=1)["ok"]
    view = bruno.sync()
    assert view["state"]["proposals"]["prop-0001"]["title"] == "Secret"
    amina.send("edit_proposal", proposal_id="prop-0001", title="Public", body="Un lundi")
    assert bruno.received_events()[0]["data"]["title"] == "Public"


def test_a_convention_accepted_on_someones_behalf_admits_their_open_page(room):
    bruno = room.join("Bruno", accept=False)  # his phone is open, on the convention
    rapporteur = room.invite("rapporteur", "Claire")
    answer = rapporteur.send("accept_convention", version=1, on_behalf_of=bruno.participant_id)
    assert answer["ok"], answer
    room.steer("start_session")
    # His page is let in by the event, whoever sent the command.
    assert "session_started" in [e["type"] for e in bruno.received_events()]


def test_a_reconnecting_browser_gets_exactly_what_it_missed(room):
    amina, bruno = room.join("Amina"), room.join("Bruno")
    room.go_to("proposals")
    seen = bruno.sync()["seq"]
    bruno.socket.disconnect()

    amina.send("submit_proposal", proposal_id="prop-0001", title="Premier", body="B")
    amina.send("edit_proposal", proposal_id="prop-0001", title="Premier récit", body="B")
    room.steer("next_step", from_index=2)

    bruno.connect()
    answer = bruno.sync(since=seen)
    types = [e["type"] for e in answer["events"]]
    assert types == ["proposal_submitted", "proposal_edited", "step_changed"]
    assert [e["seq"] for e in answer["events"]] == list(range(seen + 1, answer["seq"] + 1))
    assert bruno.sync(since=answer["seq"])["events"] == []


def test_a_browser_too_far_behind_gets_a_full_state(app, room):
    app.config["MAG_REPLAY_LIMIT"] = 3
    amina = room.join("Amina")
    room.go_to("proposals")
    for i in range(5):
        amina.send("submit_proposal", proposal_id=f"prop-{i:04d}", title=f"T{i}", body="B")
    answer = amina.sync(since=2)
    assert "events" not in answer
    assert len(answer["state"]["proposals"]) == 5
