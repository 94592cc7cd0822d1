"""The demo sessions: the empty one `mag serve` keeps ready to open, and the complete
example `mag demo` plays from the first step to the validated synthesis.

The example goes through :class:`mag.live.Live` exactly as the browsers do: people join,
the rapporteur is invited, and every contribution, vote, turn and approval is a command
with a browser-made id, so every rule of the method applies to it. What is said is in
:mod:`mag.demo_script`.
"""

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar, TypeVar

from flask import Flask
from sqlalchemy import select

from mag import demo_script as script
from mag import services
from mag.domain.i18n import DomainError
from mag.domain.protocol import Protocol, builtin_protocols
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState
from mag.live import Live, Outcome
from mag.models import SessionRecord, utcnow
from mag.report import formats, markdown
from mag.report.synthesis import draft
from mag.services import CreatedSession
from mag.web.facilitator import default_convention

DEMO_PROTOCOL = "mag-complet"
T = TypeVar("T")


def demo_question() -> str:
    """The question of both demo sessions (needs an app context)."""
    from flask_babel import gettext as _

    return _(
        "Comment la numérisation des services publics et privés pèse-t-elle sur "
        "l'accompagnement social de première ligne ?"
    )


def ensure_demo_session(app: Flask) -> CreatedSession:
    """Create the demo session once; on later starts, issue a fresh facilitator link for it.

    Needs an app context (its texts go through Flask-Babel).
    """
    from flask_babel import gettext as _

    mag = app.extensions["mag"]
    with mag.sessions() as db, db.begin():
        record = db.scalar(select(SessionRecord).where(SessionRecord.is_demo.is_(True)).limit(1))
        if record is not None:
            secret = services.rotate_facilitator_secret(db, record)
            return CreatedSession(record.id, record.join_code, secret)
        return services.create_session(
            db,
            title=_("Séance de démonstration"),
            question=demo_question(),
            protocol_source=builtin_protocols()[DEMO_PROTOCOL].source,
            planned_dates=[],
            convention_text=default_convention(),
            is_demo=True,
        )


@dataclass(frozen=True)
class PlayedSession:
    """The example session and the private links of its team."""

    session_id: str
    title: str
    facilitator_secret: str
    rapporteur_id: str
    rapporteur_secret: str

    @property
    def facilitator_path(self) -> str:
        return f"/animer/{self.session_id}/{self.facilitator_secret}"

    @property
    def rapporteur_path(self) -> str:
        return f"/equipe/{self.session_id}/{self.rapporteur_id}/{self.rapporteur_secret}"


class DemoRefused(RuntimeError):
    """The domain refused a line of the script: the script no longer fits the rules."""


def play_demo_session(app: Flask) -> PlayedSession:
    """Create a new session and play every step of ``mag-complet``, then its validation.

    Each call makes a new session (it is not marked as the `mag serve` demo). The
    session is left ended, its synthesis approved by everyone, not archived.
    Needs an app context.
    """
    mag = app.extensions["mag"]
    protocol = builtin_protocols()[DEMO_PROTOCOL]
    clock = _Clock.ending_now(protocol, len(script.CHOSEN))
    live = Live(mag.sessions, mag.live.publish, mag.live.writes, clock=clock)
    with mag.sessions() as db, db.begin():
        created = services.create_session(
            db,
            title=script.TITLE,
            question=demo_question(),
            protocol_source=protocol.source,
            planned_dates=[clock.now.astimezone().date().isoformat()],
            convention_text=default_convention(),
            at=clock(),
        )
    member_id, member_secret = live.invite(
        created.session_id, FACILITATOR, "rapporteur", script.RAPPORTEUR
    )
    room = _Room(live, created.session_id, Actor(Role.RAPPORTEUR, member_id=member_id), clock)
    _play_session(room)
    _review(room, lambda: _synthesis_text(mag, created.session_id))
    return PlayedSession(
        created.session_id,
        script.TITLE,
        created.facilitator_secret,
        member_id,
        member_secret,
    )


def _new_id() -> str:
    """An id as a browser makes one (static/js/connection.js: 16 random bytes in hex)."""
    return secrets.token_hex(16)


@dataclass
class _Clock:
    """The example's time: as if it had been held in the hours before ``mag demo`` ran.

    Each command takes a moment (:data:`COMMAND_SECONDS`), and each step lasts about
    its planned duration, a little more or less (:data:`PACE`), so the method note
    shows real minutes. Days are not split: the example runs in one stretch.
    """

    now: datetime

    COMMAND_SECONDS: ClassVar[timedelta] = timedelta(seconds=20)
    PACE: ClassVar[tuple[float, ...]] = (1.0, 1.2, 0.85, 1.1, 0.9, 1.3, 0.95)

    @classmethod
    def ending_now(cls, protocol: Protocol, recits: int) -> "_Clock":
        planned = sum(
            step.duration_minutes * (recits if index in protocol.recit_block else 1)
            for index, step in enumerate(protocol.steps)
        )
        pace = sum(cls.PACE) / len(cls.PACE)
        start = utcnow() - timedelta(minutes=planned * pace)
        return cls(start.replace(second=0, microsecond=0))

    def __call__(self) -> datetime:
        self.now += self.COMMAND_SECONDS
        return self.now

    def spend(self, started: datetime, minutes: int, rank: int) -> None:
        """Move on to the end of a step begun at ``started``, ``minutes`` long as planned."""
        self.now = max(
            self.now, started + timedelta(minutes=minutes * self.PACE[rank % len(self.PACE)])
        )


@dataclass
class _Room:
    """The session seen from the devices in the room: who is who, and the ids they made."""

    live: Live
    session_id: str
    rapporteur: Actor
    clock: _Clock
    people: dict[str, str] = field(default_factory=dict)  # key -> participant id
    devices: set[str] = field(default_factory=set)  # keys of those who have a device
    ids: dict[str, str] = field(default_factory=dict)  # a script key -> the id made for it

    # -- sending

    def send(self, actor: Actor, name: str, **args: object) -> Outcome:
        try:
            return self.live.execute(self.session_id, actor, name, args, _new_id())
        except DomainError as error:
            raise DemoRefused(f"{name} {args!r} refused: {error.code}") from error

    def steer(self, name: str, **args: object) -> Outcome:
        """The animateur's console."""
        return self.send(FACILITATOR, name, **args)

    def by(self, key: str, name: str, **args: object) -> Outcome:
        """A participant's command: from their own device, or typed for them by the rapporteur."""
        participant_id = self.people[key]
        if key in self.devices:
            return self.send(Actor(Role.PARTICIPANT, participant_id), name, **args)
        return self.send(self.rapporteur, name, on_behalf_of=participant_id, **args)

    def look(self, reader: Callable[[SessionState], T]) -> T:
        return self.live.read(self.session_id, lambda state, protocol: reader(state))

    def made(self, key: str | None) -> str:
        """A new browser-made id, remembered under ``key`` when later lines refer to it."""
        new = _new_id()
        if key:
            self.ids[key] = new
        return new

    def linked(self, keys: Sequence[str]) -> list[str]:
        return [self.ids[key] for key in keys]

    def key_of(self, participant_id: str) -> str:
        return next(key for key, pid in self.people.items() if pid == participant_id)

    # -- what happens in the room

    def note(self, body: str) -> None:
        """The rapporteur writes down what is said aloud."""
        self.send(self.rapporteur, "add_note", contribution_id=_new_id(), body=body)

    def notes(self, bodies: Sequence[str]) -> None:
        for body in bodies:
            self.note(body)

    def contribute(self, who: str, key: str | None = None, **fields: object) -> str:
        """``who``: a participant's key, or "animateur" / "rapporteur" speaking for themselves."""
        contribution_id = self.made(key)
        if who == "animateur":
            self.steer("contribute", contribution_id=contribution_id, **fields)
        elif who == "rapporteur":
            self.send(self.rapporteur, "contribute", contribution_id=contribution_id, **fields)
        else:
            self.by(who, "contribute", contribution_id=contribution_id, **fields)
        return contribution_id

    def spend_step(self) -> None:
        """Let the step the session is at take about its planned time."""
        index, started, visits = self.look(
            lambda state: (state.step_index, state.step_started_at, len(state.visits))
        )
        minutes = builtin_protocols()[DEMO_PROTOCOL].steps[index].duration_minutes
        self.clock.spend(started, minutes, visits)

    def enter(self, step_id: str, recit: int | None = None) -> None:
        """The animateur moves to the next step, which must be ``step_id`` (and ``recit``)."""
        self.spend_step()
        index = self.look(lambda state: state.step_index)
        self.steer("next_step", from_index=index)
        self.check_place(step_id, recit)

    def check_place(self, step_id: str, recit: int | None = None) -> None:
        protocol = builtin_protocols()[DEMO_PROTOCOL]
        index, at_recit = self.look(lambda state: state.place)
        if (protocol.steps[index].id, at_recit) != (step_id, recit):
            raise DemoRefused(f"expected step {step_id} (récit {recit}), at {index} ({at_recit})")

    def end_turn(self, key: str, speaker: str, outcome: str) -> None:
        """« J'ai terminé » on the speaker's device, or the animateur's button for them."""
        if key in self.devices:
            self.by(key, "end_turn", speaker=speaker, outcome=outcome)
        else:
            self.steer("end_turn", speaker=speaker, outcome=outcome)

    def play_round(
        self,
        said: Mapping[str, tuple[str | None, str, Sequence[str]]],
        *,
        passes_first: str | None = None,
        extended_for: str | None = None,
    ) -> None:
        """A tour de table in the server's order: each writes their words, then ends the turn.

        ``said``: key -> (script key, words, script keys of the interpretations answered).
        """
        self.steer("start_round")
        has_passed = False
        while True:
            speaker = self.look(lambda state: state.current_round.speaker)
            if speaker is None:
                return
            key = self.key_of(speaker)
            if key == passes_first and not has_passed:
                has_passed = True
                self.end_turn(key, speaker, "passed")  # comes back at the end of the round
                continue
            if key == extended_for:
                self.steer("extend_timer", minutes=3)
            if key in said:
                content_key, body, replies = said[key]
                self.contribute(key, content_key, body=body, replies_to=self.linked(replies))
            self.end_turn(key, speaker, "spoke")


def _play_session(room: _Room) -> None:
    """From the lobby to the end of the session, step by step."""
    for person in script.PARTICIPANTS:
        key = str(person["key"])
        if person["device"]:
            participant_id, _secret = room.live.join(
                room.session_id, person["pseudonym"], person["function"]
            )
            room.devices.add(key)
        else:  # registered by the rapporteur: someone taking part without a device
            outcome = room.send(
                room.rapporteur,
                "add_participant",
                pseudonym=person["pseudonym"],
                function=person["function"],
            )
            participant_id = str(outcome.events[0].data["participant_id"])
        room.people[key] = participant_id

    # 0.1 Convention de travail
    room.steer("start_session")
    room.check_place("convention")
    room.note(script.CONVENTION_NOTES[0])
    version = room.look(lambda state: state.convention_version)
    for key in room.people:
        room.by(key, "accept_convention", version=version)
    room.notes(script.CONVENTION_NOTES[1:])

    # 0.2 Tour de présentation
    room.enter("presentation")
    room.steer("close_joining")
    room.play_round(
        {str(p["key"]): (None, str(p["presentation"]), ()) for p in script.PARTICIPANTS},
        passes_first=script.PRESENTATION_PASSES_FIRST,
    )
    room.notes(script.PRESENTATION_NOTES)

    # 1.1 Propositions de récits
    room.enter("propositions")
    authors = {}
    for proposal in script.PROPOSALS:
        authors[proposal["key"]] = proposal["author"]
        room.by(
            proposal["author"],
            "submit_proposal",
            proposal_id=room.made(proposal["key"]),
            title=proposal["title"],
            body=proposal["body"],
        )
    room.notes(script.PROPOSALS_NOTES)

    # 1.2 Choix du récit
    room.enter("choix")
    for key, choices in script.BALLOTS.items():
        room.by(key, "cast_ballot", choices=room.linked(choices))
    room.steer("close_vote")
    room.steer("choose_recits", recits=[{"proposal_id": room.ids[k]} for k in script.CHOSEN])
    narrators = [authors[key] for key in script.CHOSEN]
    for index, narrator in enumerate(narrators):
        room.by(narrator, "accept_narration", recit=index)
    room.notes(script.VOTE_NOTES)
    room.steer("set_seating", order=[room.people[key] for key in script.SEATING])

    # 1.3 to 3.3, once per récit
    for index, (recit, narrator) in enumerate(zip(script.RECITS, narrators, strict=True)):
        _play_recit(room, index, recit, narrator)

    # 4 Perspectives pratiques
    room.enter("perspectives")
    made = []
    for perspective in script.PERSPECTIVES:
        made.append(
            room.contribute(perspective["by"], body=perspective["body"], level=perspective["level"])
        )
    for perspective, contribution_id in zip(script.PERSPECTIVES, made, strict=True):
        for supporter in perspective["supporters"]:
            room.by(supporter, "support_perspective", contribution_id=contribution_id)

    # 5 Évaluation
    room.enter("evaluation")
    for key, answers in script.EVALUATION.items():
        room.by(key, "answer_evaluation", answers=answers)
    room.notes(script.EVALUATION_NOTES)
    room.steer("reveal")
    room.spend_step()
    room.steer("end_session")


def _play_recit(room: _Room, index: int, recit: Mapping, narrator: str) -> None:
    # 1.3 Narration: the narrator speaks, the rapporteur writes
    room.enter("narration", index)
    room.notes(recit["narration"])

    # 1.4 Enjeux
    room.enter("enjeux", index)
    room.contribute(narrator, body=recit["stakes"])

    # 2.1 Questions d'information: each asked (typed, or a hand raised), then answered
    room.enter("questions", index)
    for question in recit["questions"]:
        contribution_id = room.made(question.get("key"))
        if question.get("hand"):
            room.by(question["by"], "raise_hand", contribution_id=contribution_id)
            # Given the floor, the person asks aloud; the rapporteur writes it down.
            room.send(
                room.rapporteur,
                "edit_contribution",
                contribution_id=contribution_id,
                body=question["body"],
            )
        else:
            room.by(
                question["by"], "contribute", contribution_id=contribution_id, body=question["body"]
            )
        if question.get("deferred"):  # an interpretation: it waits for the first round
            room.send(room.rapporteur, "defer_question", contribution_id=contribution_id)
            continue
        room.send(
            room.rapporteur, "mark_question", contribution_id=contribution_id, status="current"
        )
        room.note(question["answer"])
        room.send(
            room.rapporteur, "mark_question", contribution_id=contribution_id, status="answered"
        )

    # 2.2 Premier tour de table: hidden until the reveal
    room.enter("premier-tour", index)
    first = recit["first_round"]
    room.play_round(
        {key: (content_key, body, ()) for key, (content_key, body) in first["said"].items()},
        passes_first=first["passes_first"],
        extended_for=first["extended_for"],
    )
    room.steer("reveal")

    # 2.3 Réactions du narrateur
    room.enter("reactions", index)
    room.contribute(narrator, body=recit["reaction"])

    # 2.4 Deuxième tour de table: answering the first
    room.enter("deuxieme-tour", index)
    room.play_round(recit["second_round"])

    # 3.1 Convergences, divergences, nœuds: the researchers' board, corrected by the group
    room.enter("analyse", index)
    for item in recit["board"]:
        room.send(
            room.rapporteur,
            "add_board_item",
            item_id=room.made(item["key"]),
            kind=item["kind"],
            title=item["title"],
            formulation=item["formulation"],
            links=room.linked(item["links"]),
        )
    for suggestion in recit["suggestions"]:
        corrected = suggestion["corrects"]
        contribution_id = room.contribute(
            suggestion["by"],
            board_kind=suggestion["board_kind"],
            title=suggestion["title"],
            body=suggestion["body"],
            item_id=room.ids[corrected] if corrected else "",
        )
        item_id = room.ids[corrected] if corrected else room.made(suggestion["key"])
        room.send(
            room.rapporteur,
            "settle_suggestion",
            contribution_id=contribution_id,
            decision="accepted",
            item_id=item_id,
        )
        if suggestion["links"]:  # the rapporteur links the new item to what was said
            room.send(
                room.rapporteur,
                "edit_board_item",
                item_id=item_id,
                kind=suggestion["board_kind"],
                title=suggestion["title"],
                formulation=suggestion["body"],
                links=room.linked(suggestion["links"]),
            )

    # 3.2 Apports théoriques
    room.enter("apports-theoriques", index)
    for theory in recit["theory"]:
        room.contribute(
            theory["by"],
            title=theory["title"],
            body=theory["body"],
            reference=theory["reference"],
            links=room.linked(theory["links"]),
        )

    # 3.3 Nouvelles problématiques, hypothèses
    room.enter("hypotheses", index)
    for hypothesis in recit["hypotheses"]:
        room.contribute(
            hypothesis["by"], body=hypothesis["body"], links=room.linked(hypothesis["links"])
        )


def _synthesis_text(mag, session_id: str) -> str:
    """The draft the console offers: generated from the exportable material."""
    with mag.sessions() as db:
        material = formats.load(db, session_id)
    return draft(material)


def _review(room: _Room, synthesis: Callable[[], str]) -> None:
    """After the session: names replaced, the synthesis saved, reread, amended, approved.

    ``synthesis`` makes the first version's text, once the replacement list is set.
    """
    room.send(room.rapporteur, "set_replacements", replacements=script.REPLACEMENTS)
    text = synthesis()
    room.send(room.rapporteur, "save_synthesis", text=text, base_version=0)
    room.steer("open_validation", version=1)
    room.by(script.EARLY_APPROVAL, "approve_synthesis", version=1)

    comment = script.COMMENT
    room.by(
        comment["by"],
        "comment_synthesis",
        comment_id=_new_id(),
        version=1,
        section=_section_id(text, comment["section"]),
        body=comment["body"],
        amendment=False,
    )
    amendment = script.AMENDMENT
    amendment_id = _new_id()
    room.by(
        amendment["by"],
        "comment_synthesis",
        comment_id=amendment_id,
        version=1,
        section=_section_id(text, amendment["section"]),
        body=amendment["body"],
        amendment=True,
    )
    room.send(room.rapporteur, "settle_amendment", comment_id=amendment_id, status="accepted")
    revised = _with_paragraph(text, amendment["section"], amendment["added"])
    room.send(room.rapporteur, "save_synthesis", text=revised, base_version=1)
    room.steer("open_validation", version=2)
    for key in room.people:
        room.by(key, "approve_synthesis", version=2)


def _section_id(text: str, title: str) -> str:
    """The id of the first section whose title contains ``title`` (else the last section)."""
    found = markdown.sections(text)
    return next((s.id for s in found if title.casefold() in s.title.casefold()), found[-1].id)


def _with_paragraph(text: str, title: str, paragraph: str) -> str:
    """``text`` with ``paragraph`` at the end of the ``##`` section whose title contains ``title``."""
    lines = text.rstrip().splitlines()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if line.startswith("## ") and title.casefold() in line.casefold()
        ),
        None,
    )
    if start is None:
        return f"{text.rstrip()}\n\n{paragraph}\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    lines[end:end] = ["", paragraph]
    return "\n".join(lines) + "\n"
