"""The steps over real Socket.IO: who receives what, on behalf entries, retries, refusals."""

from pathlib import Path

import pytest
from sqlalchemy import inspect, text


@pytest.fixture
def group(room):
    """A facilitator, a rapporteur, an observer screen, three participants; Awa's récit chosen."""
    awa = room.join("Awa", "AS en CPAS")
    bruno = room.join("Bruno", "animateur EPN")
    chloe = room.join("Chloé", "éducatrice")
    rapporteur = room.invite("rapporteur", "Claire")
    screen = room.invite("observateur", "Salle")
    room.go_to("proposals")
    assert awa.send("submit_proposal", proposal_id="prop-0001", title="Le guichet", body="…")["ok"]
    room.go_to("vote")
    room.steer("close_vote")
    room.steer("choose_recits", recits=[{"proposal_id": "prop-0001"}])
    assert awa.send("accept_narration", recit=0)["ok"]
    for person in (awa, bruno, chloe, rapporteur, screen, room.facilitator):
        person.socket.get_received()
    return awa, bruno, chloe, rapporteur, screen


def types(person) -> list[str]:
    return [e["type"] for e in person.received_events()]


def test_a_ballot_reaches_its_voter_only_the_count_reaches_everyone(room):
    awa = room.join("Awa")
    bruno = room.join("Bruno")
    screen = room.invite("observateur")
    room.go_to("proposals")
    awa.send("submit_proposal", proposal_id="prop-0001", title="Le guichet", body="…")
    room.go_to("vote")
    for person in (awa, bruno, screen, room.facilitator):
        person.socket.get_received()
    assert bruno.send("cast_ballot", choices=["prop-0001"])["ok"]
    assert types(bruno) == ["ballot_cast", "voted"]
    for person in (awa, screen, room.facilitator):
        assert types(person) == ["voted"]
    again = bruno.send("cast_ballot", choices=["prop-0001"])
    assert again["error"]["message"] == "Vous avez déjà voté."


def test_hidden_interpretations_are_never_sent_to_the_others_before_the_reveal(room, group):
    awa, bruno, chloe, rapporteur, screen = group
    room.go_to("round")  # the presentation round comes first in mag-complet
    state = room.facilitator.sync()["state"]
    first_round = next(
        i for i, s in enumerate(state["protocol"]["steps"]) if s["id"] == "premier-tour"
    )
    while state["session"]["step_index"] != first_round:
        room.steer("next_step", from_index=state["session"]["step_index"])
        state = room.facilitator.sync()["state"]
    for person in group + (room.facilitator,):
        person.socket.get_received()
    seq_before = chloe.sync()["seq"]

    assert bruno.send("contribute", contribution_id="int-0001", body="C'est l'institution.")["ok"]
    assert types(bruno) == ["contribution_added"]
    assert types(rapporteur) == ["contribution_added"]
    assert types(chloe) == [] and types(screen) == []
    # Reconnecting does not bring it either.
    assert "int-0001" not in chloe.sync()["state"]["contributions"]
    assert chloe.sync(since=seq_before)["events"] == []
    refused = chloe.send("edit_contribution", contribution_id="int-0001", body="à moi")
    assert refused["error"]["code"] == "unknown_contribution"

    room.steer("reveal")
    [revealed] = chloe.received_events()
    assert revealed["type"] == "contributions_revealed"
    assert revealed["data"]["contributions"][0]["body"] == "C'est l'institution."
    assert screen.received_events()[0]["type"] == "contributions_revealed"


def test_the_rapporteur_enters_words_for_a_participant_without_a_device(room, group):
    awa, bruno, chloe, rapporteur, screen = group
    added = rapporteur.send(
        "add_participant", cid="add-fatou-1", pseudonym="Fatou", function="aide familiale"
    )
    assert added["ok"]
    retry = rapporteur.send(
        "add_participant", cid="add-fatou-1", pseudonym="Fatou", function="aide familiale"
    )
    assert retry["ok"] and retry["is_retry"]
    participants = room.facilitator.sync()["state"]["participants"]
    [fatou] = [pid for pid, p in participants.items() if p["pseudonym"] == "Fatou"]
    assert participants[fatou]["entered_by"] == "rapporteur"
    before = rapporteur.send("contribute", contribution_id="q-000001", body="?", on_behalf_of=fatou)
    assert before["error"]["code"] in {"consent_required", "wrong_step"}
    assert rapporteur.send("accept_convention", version=1, on_behalf_of=fatou)["ok"]
    room.go_to("questions")
    assert rapporteur.send(
        "contribute", contribution_id="q-000001", body="Qui était là ?", on_behalf_of=fatou
    )["ok"]
    question = bruno.sync()["state"]["contributions"]["q-000001"]
    assert (question["author_id"], question["entered_by"]) == (fatou, "rapporteur")
    refused = bruno.send("add_participant", pseudonym="Intrus", function="")
    assert refused["error"]["message"] == "Seule l'équipe d'animation peut faire cela."


def test_refusals_are_clear_and_change_nothing(room, group):
    awa, bruno, chloe, rapporteur, screen = group
    seq = room.facilitator.sync()["seq"]
    cases = [
        (bruno, "add_board_item", {"item_id": "item-0001", "kind": "noeud", "title": "X"}),
        (bruno, "contribute", {"contribution_id": "int-0001", "body": "trop tôt"}),
        (rapporteur, "next_step", {"from_index": 0}),
        (screen, "add_note", {"contribution_id": "note-0001", "body": "x"}),
        (chloe, "end_turn", {"speaker": bruno.participant_id, "outcome": "spoke"}),
    ]
    messages = []
    for person, name, args in cases:
        answer = person.send(name, **args)
        assert not answer["ok"], (name, answer)
        messages.append(answer["error"]["message"])
    assert messages == [
        "Seule l'équipe d'animation peut faire cela.",
        "Ce n'est pas possible à l'étape « Choix du récit ».",
        "Seul l'animateur ou l'animatrice peut faire cela.",
        "Cet écran sert à suivre la séance : il ne modifie rien.",
        "Ce n'est pas possible à l'étape « Choix du récit ».",
    ]
    assert room.facilitator.sync()["seq"] == seq


def test_evaluation_answers_reach_no_screen_only_the_revealed_summary(room, group):
    awa, bruno, chloe, rapporteur, screen = group
    room.go_to("evaluation")
    for person in group + (room.facilitator,):
        person.socket.get_received()
    assert bruno.send("answer_evaluation", answers={"methode": 5, "utile": "Le temps."})["ok"]
    for person in (room.facilitator, rapporteur, bruno, chloe, screen):
        assert types(person) == ["evaluation_done"]
    room.steer("reveal")
    [summary] = chloe.received_events()
    methode = summary["data"]["summary"]["questions"][0]
    assert (methode["id"], methode["count"], methode["mean"]) == ("methode", 1, 5.0)


def test_nothing_stored_ties_an_evaluation_answer_to_who_gave_it(app, room, group):
    """Read as someone holding the database would: every table, and the SQLite file."""
    awa, bruno, chloe, *_ = group
    room.go_to("evaluation")
    answered = [(awa, "zebre-4411"), (bruno, "abeille-2202"), (chloe, "mouette-3303")]
    for person, token in answered:
        assert person.send("answer_evaluation", answers={"methode": 3, "utile": token})["ok"]
    engine = app.extensions["mag"].engine
    people = [p.participant_id for p, _ in answered]
    tokens = [t for _, t in answered]
    with engine.connect() as connection:
        tables = {
            name: [
                " ".join(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {name}"))
            ]
            for name in inspect(connection).get_table_names()
            if not name.startswith("search_fts")
        }
        answer_commands = connection.execute(
            text("SELECT seq FROM commands WHERE name = 'answer_evaluation'")
        ).all()
        seqs = {r.seq: r.type for r in connection.execute(text("SELECT seq, type FROM events"))}
    holding = {
        name for name, rows in tables.items() for row in rows if any(t in row for t in tokens)
    }
    assert holding == {"evaluation_pools"}
    [pool] = tables["evaluation_pools"]
    assert not any(pid in pool for pid in people)
    assert [pool.index(t) for t in sorted(tokens)] == sorted(pool.index(t) for t in tokens)
    # What the log and the commands keep: who answered, at which seq; no answer near it.
    for (seq,) in answer_commands:
        assert seqs[seq] == "evaluation_done"
        assert seqs.get(seq - 1) != "evaluation_answered"
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(engine.url.database)
        assert not path.with_name(path.name + "-wal").exists() or (
            path.with_name(path.name + "-wal").stat().st_size == 0
        )
        raw = path.read_bytes()
        for token in tokens:
            assert raw.count(token.encode()) == 1, token  # no earlier copy of the pool


def raw_tables(engine) -> dict[str, list[str]]:
    """Every row of every table as text, as someone holding the database would read it."""
    with engine.connect() as connection:
        return {
            name: [
                " ".join(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {name}"))
            ]
            for name in inspect(connection).get_table_names()
            if not name.startswith("search_fts")
        }


def test_a_participant_who_withdraws_leaves_no_word_in_the_database(app, room):
    awa = room.join("Awa", "AS en CPAS")
    bruno = room.join("Bruno", "animateur EPN")
    room.go_to("proposals")
    said = {
        "proposal": "ornithorynque-proposition",
        "edited": "ornithorynque-corrige",
        "question": "ornithorynque-question",
        "hidden": "ornithorynque-interpretation",
    }
    assert bruno.send(
        "submit_proposal", proposal_id="prop-0002", title=said["proposal"], body=said["proposal"]
    )["ok"]
    assert bruno.send("edit_proposal", proposal_id="prop-0002", title="T", body=said["edited"])[
        "ok"
    ]
    assert awa.send("submit_proposal", proposal_id="prop-0001", title="Le guichet", body="…")["ok"]
    room.go_to("vote")
    room.steer("close_vote")
    room.steer("choose_recits", recits=[{"proposal_id": "prop-0001"}])
    assert awa.send("accept_narration", recit=0)["ok"]
    room.go_to("questions")
    assert bruno.send("contribute", contribution_id="q-0000001", body=said["question"])["ok"]
    room.go_to("round")  # the first tour de table, hidden
    assert bruno.send("contribute", contribution_id="i-0000001", body=said["hidden"])["ok"]
    assert awa.send("contribute", contribution_id="i-0000002", body="Les mots d'Awa restent.")["ok"]
    room.steer("reveal")
    before = room.facilitator.sync()["seq"]

    assert bruno.send("withdraw_consent")["ok"]

    engine = app.extensions["mag"].engine
    rows = "\n".join(row for table in raw_tables(engine).values() for row in table)
    assert "ornithorynque" not in rows
    assert "Les mots d'Awa restent." in rows and "Le guichet" in rows
    # The log stays whole: every seq, a replay that works, Awa's words in it.
    state = room.facilitator.sync()["state"]
    assert room.facilitator.sync()["seq"] == before + 1
    assert state["contributions"]["i-0000002"]["body"] == "Les mots d'Awa restent."
    with engine.connect() as connection:
        seqs = [r.seq for r in connection.execute(text("SELECT seq FROM events ORDER BY seq"))]
    assert seqs == list(range(1, len(seqs) + 1))
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(engine.url.database)
        assert b"ornithorynque" not in path.read_bytes()
