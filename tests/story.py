"""A session played in the domain alone, as mag.live would, without storage.

``Story`` plays commands one by one with a fixed clock; ``played_session()`` is a
whole mag-complet session, the same every time, that the export, archive and
search tests read.
"""

from datetime import UTC, datetime, timedelta

from mag.domain.commands import decide
from mag.domain.events import SESSION_CREATED, Event, NewEvent
from mag.domain.protocol import builtin_protocol
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState
from mag.domain.steps.after import archive
from mag.domain.steps.session import invite_member, join


class Story:
    """A session played command by command, as mag.live would, without storage."""

    def __init__(self, protocol_name: str = "mag-complet", convention: dict | None = None) -> None:
        self.protocol = builtin_protocol(protocol_name)
        self.state = SessionState("s1")
        self.log: list[Event] = []
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        self._apply(
            "animateur",
            [
                NewEvent(
                    SESSION_CREATED,
                    {
                        "title": "Numérique et travail social",
                        "question": "Qu'est-ce que la numérisation change ?",
                        "protocol": self.protocol.name,
                        "planned_dates": ["2026-12-01"],
                        "convention": convention or {"version": 1, "text": "On s'écoute."},
                    },
                )
            ],
        )

    def _apply(self, actor: str, new_events: list[NewEvent]) -> list[Event]:
        stored = []
        for new in new_events:
            event = Event(
                seq=self.state.seq + 1,
                type=new.type,
                data=dict(new.data),
                actor=new.actor or actor,
                at=self.now,
                audience=new.audience,
            )
            self.state.apply(event)
            self.log.append(event)
            stored.append(event)
        return stored

    def join(self, pseudonym: str, function: str = "", *, accept: bool = True) -> Actor:
        pid = f"p-{len(self.state.participants) + 1}"
        self._apply(pid, join(self.state, pseudonym, function, pid))
        actor = Actor(Role.PARTICIPANT, pid)
        if accept:
            self.do(actor, "accept_convention", version=self.state.convention_version)
        return actor

    def do(self, actor: Actor, name: str, **args: object) -> list[Event]:
        return self._apply(actor.key, decide(self.state, self.protocol, actor, name, args))

    def steer(self, name: str, **args: object) -> list[Event]:
        return self.do(FACILITATOR, name, **args)

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def next(self) -> None:
        self.steer("next_step", from_index=self.state.step_index)

    def go_to_kind(self, kind: str) -> None:
        """Start the session if needed and move forward to the first step of ``kind``."""
        if self.state.step_index is None:
            self.steer("start_session")
        while self.protocol.steps[self.state.step_index].kind.value != kind:
            self.next()

    def go_to_step(self, step_id: str) -> None:
        if self.state.step_index is None:
            self.steer("start_session")
        while self.protocol.steps[self.state.step_index].id != step_id:
            self.next()

    def propose(self, actor: Actor, title: str) -> str:
        proposal_id = f"prop-{len(self.state.proposals) + 1:04d}"
        self.do(
            actor,
            "submit_proposal",
            proposal_id=proposal_id,
            title=title,
            body="Il était une fois.",
        )
        return proposal_id

    def choose(self, *proposal_ids: str) -> None:
        """Close the vote, choose these récits; each proposer accepts to narrate."""
        self.go_to_kind("vote")
        if not self.state.is_vote_closed:
            self.steer("close_vote")
        self.steer("choose_recits", recits=[{"proposal_id": pid} for pid in proposal_ids])
        for index, recit in enumerate(self.state.recits):
            self.do(Actor(Role.PARTICIPANT, recit.narrator_id), "accept_narration", recit=index)

    def group(self, count: int = 4) -> list[Actor]:
        """``count`` participants who joined and accepted, the first one's récit chosen."""
        people = [
            self.join(name) for name in ["Awa", "Bruno", "Chloé", "Driss", "Emma", "Fatou"][:count]
        ]
        return people

    def invite(self, role: str, name: str) -> Actor:
        member_id = f"member-{len(self.state.members) + 1:03d}"
        self._apply("animateur", invite_member(self.state, role, name, member_id))
        return Actor(Role(role), member_id=member_id)

    def archive(self, folder: str = "2026-12-01-numerique-et-travail-social") -> None:
        self._apply("animateur", archive(self.state, folder))


SCRIPT = '<script>alert("mag")</script>'
REAL_NAME = "Mme Lambert"
PSEUDONYM = "Mme L."
PLACE = "CPAS de Saint-Gilles"
PLACE_PSEUDONYM = "un CPAS bruxellois"
WITHDRAWN_WORDS = (
    "Je me suis sentie démunie devant la borne du guichet.",
    "Mon équipe a été remplacée par une application de rendez-vous.",
)


def _ids(prefix: str):
    count = 0

    def next_id() -> str:
        nonlocal count
        count += 1
        return f"{prefix}-{count:04d}"

    return next_id


def played_session() -> Story:
    """A whole mag-complet session, ended, its synthesis saved and validated.

    Awa (AS en CPAS) tells the récit; Bruno types a script tag; Emma withdraws her
    consent at the end; the rapporteur takes notes and names a service user the
    replacement list then hides.
    """
    s = Story()
    cid = _ids("contrib")
    rapporteur = s.invite("rapporteur", "Lucie")
    awa = s.join("Awa", "AS en CPAS")
    bruno = s.join("Bruno", "éducateur de rue")
    chloe = s.join("Chloé", "médiatrice numérique")
    emma = s.join("Emma", "stagiaire assistante sociale")
    people = [awa, bruno, chloe, emma]
    s.steer("start_session")
    s.wait(minutes=18)
    s.next()  # 0.2 presentation
    s.steer("start_round")
    for person in people:
        s.wait(minutes=3)
        s.steer("end_turn", speaker=person.participant_id, outcome="spoke")
    s.next()  # 1.1 proposals
    s.wait(minutes=10)
    story_prop = s.propose(awa, f"La borne et {REAL_NAME}")
    other = s.propose(emma, "Le guichet fermé")
    s.do(
        emma, "edit_proposal", proposal_id=other, title="Le guichet fermé", body=WITHDRAWN_WORDS[0]
    )
    s.next()  # 1.2 vote
    for person in people:
        s.do(person, "cast_ballot", choices=[story_prop])
    s.wait(minutes=5)
    s.steer("close_vote")
    s.steer("choose_recits", recits=[{"proposal_id": story_prop}])
    s.do(awa, "accept_narration", recit=0)
    s.next()  # 1.3 narration
    s.wait(minutes=4)
    s.do(
        rapporteur,
        "add_note",
        contribution_id=cid(),
        body=f"{REAL_NAME}, 78 ans, arrive au {PLACE} avec un courrier qu'elle ne comprend pas.",
    )
    s.wait(minutes=6)
    s.do(
        rapporteur,
        "add_note",
        contribution_id=cid(),
        body="Le rendez-vous ne se prend plus qu'en ligne ; Awa l'aide sur son propre téléphone.",
    )
    s.next()  # 1.4 stakes
    s.wait(minutes=5)
    s.do(awa, "contribute", contribution_id=cid(), body="Ne pas faire à la place de la personne.")
    s.next()  # 1.5 questions
    question = cid()
    s.do(bruno, "contribute", contribution_id=question, body="Avait-elle une adresse e-mail ?")
    s.steer("mark_question", contribution_id=question, status="current")
    s.wait(minutes=4)
    s.steer("mark_question", contribution_id=question, status="answered")
    s.do(chloe, "contribute", contribution_id=cid(), body="Qui a installé la borne ?")
    s.next()  # 2.1 first round, hidden
    s.steer("start_round")
    first = {}
    words = {
        bruno.participant_id: f"La borne décide à la place des gens. {SCRIPT}",
        chloe.participant_id: "L'aide numérique devient un travail invisible.",
        emma.participant_id: WITHDRAWN_WORDS[1],
        awa.participant_id: "J'ai eu peur de mal faire.",
    }
    for speaker in list(s.state.current_round.order):
        s.wait(minutes=3)
        first[speaker] = cid()
        s.do(
            Actor(Role.PARTICIPANT, speaker),
            "contribute",
            contribution_id=first[speaker],
            body=words[speaker],
        )
        s.steer("end_turn", speaker=speaker, outcome="spoke")
    s.steer("reveal")
    s.next()  # 2.2 reactions
    s.wait(minutes=5)
    s.do(
        awa, "contribute", contribution_id=cid(), body="Je me reconnais dans le travail invisible."
    )
    s.next()  # 2.3 second round
    s.steer("start_round")
    for speaker in list(s.state.current_round.order):
        s.wait(minutes=2)
        if speaker == chloe.participant_id:
            s.do(
                chloe,
                "contribute",
                contribution_id=cid(),
                body="Je rejoins Bruno : la machine fixe les règles.",
                replies_to=[first[bruno.participant_id]],
            )
        s.steer("end_turn", speaker=speaker, outcome="spoke")
    s.next()  # 3.1 analysis
    s.wait(minutes=15)
    s.do(
        rapporteur,
        "add_board_item",
        item_id="item-0001",
        kind="convergence",
        title="Le travail invisible",
        formulation="L'aide au numérique s'ajoute aux missions sans être reconnue.",
        links=[first[chloe.participant_id], first[awa.participant_id]],
    )
    s.do(
        rapporteur,
        "add_board_item",
        item_id="item-0002",
        kind="divergence",
        title="Faire à la place",
        formulation="Aider sur son téléphone : soutien ou substitution ?",
        links=[first[bruno.participant_id]],
    )
    suggestion = cid()
    s.do(
        chloe,
        "contribute",
        contribution_id=suggestion,
        board_kind="noeud",
        title="Qui porte la responsabilité ?",
        body="Quand l'aide passe par le téléphone de l'AS, qui répond d'une erreur ?",
    )
    s.do(
        rapporteur,
        "settle_suggestion",
        contribution_id=suggestion,
        decision="accepted",
        item_id="item-0003",
    )
    s.next()  # 3.2 theory
    s.wait(minutes=10)
    s.do(
        FACILITATOR,
        "contribute",
        contribution_id=cid(),
        title="Non-recours",
        body="Ne pas obtenir un droit faute d'y accéder.",
        reference="Warin, P. (2016). Le non-recours aux politiques sociales.",
        links=["item-0001"],
    )
    s.next()  # 3.3 hypotheses
    s.wait(minutes=8)
    s.do(
        bruno,
        "contribute",
        contribution_id=cid(),
        body="La numérisation déplace le travail vers les AS.",
        links=["item-0001"],
    )
    s.next()  # 4.1 perspectives
    s.wait(minutes=12)
    perspective = cid()
    s.do(
        awa,
        "contribute",
        contribution_id=perspective,
        body="Un temps d'aide numérique reconnu dans la charge de travail.",
        level="institution",
    )
    s.do(chloe, "support_perspective", contribution_id=perspective)
    s.do(
        bruno,
        "contribute",
        contribution_id=cid(),
        body="Garder un guichet humain dans chaque commune.",
        level="politique",
    )
    s.next()  # 4.2 evaluation
    for person, score in zip(people, (4, 5, 3, 4), strict=True):
        s.do(
            person,
            "answer_evaluation",
            answers={
                "methode": score,
                "animation": 4,
                "utile": f"Le temps pris pour écouter ({score}).",
            },
        )
    s.wait(minutes=10)
    s.steer("reveal")
    s.steer("end_session")
    s.wait(hours=2)
    s.do(
        rapporteur,
        "set_replacements",
        replacements=[
            {"find": REAL_NAME, "replace": PSEUDONYM},
            {"find": PLACE, "replace": PLACE_PSEUDONYM},
        ],
    )
    s.do(
        rapporteur,
        "save_synthesis",
        base_version=0,
        text=(
            "# Numérique et travail social\n\n## Contexte et question\n\n"
            f"{REAL_NAME} au guichet.\n\n## Interprétations\n\n"
            f"Emma disait : « {WITHDRAWN_WORDS[1]} »\n"
        ),
    )
    s.steer("open_validation", version=1)
    s.do(
        bruno,
        "comment_synthesis",
        comment_id=cid(),
        version=1,
        section="Interprétations",
        body="Ajouter la question de la responsabilité.",
        amendment=False,
    )
    s.do(awa, "approve_synthesis", version=1)
    s.do(chloe, "approve_synthesis", version=1)
    s.do(emma, "withdraw_consent")
    return s


def material_of(story: Story, timezone=UTC):
    """The exportable material of ``story`` (call inside an app context)."""
    from mag.report.material import SessionFile, build

    session = SessionFile(
        story.state.session_id, story.protocol.source, datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    )
    return build(session, story.protocol, story.log, timezone)


def every_other_event() -> Story:
    """A second session for what the played one does not do: timers, the board moved and
    pruned, withdrawals, a vote reopened, a récit declined, a question deferred, a hidden
    step left unrevealed, settings, the validation closed, the archive."""
    s = Story()
    rapporteur = s.invite("rapporteur", "Lucie")
    awa, bruno, chloe = s.join("Awa", "AS"), s.join("Bruno", "éducateur"), s.join("Chloé")
    s.steer("close_joining")
    s.steer("open_joining")
    s.steer("set_seating", order=[chloe.participant_id, awa.participant_id, bruno.participant_id])
    s.steer("start_session")
    s.next()  # presentation
    s.steer("start_round")
    s.steer("pause_timer")
    s.steer("resume_timer")
    s.steer("extend_timer", minutes=2)
    s.next()  # proposals
    mine, yours = s.propose(awa, "La borne"), s.propose(bruno, "Le guichet")
    gone = s.propose(chloe, "Retirée")
    s.do(chloe, "withdraw_proposal", proposal_id=gone)
    for number, author, consent in ((1, bruno, True), (2, chloe, False)):  # fiches incident
        s.steer(
            "submit_proposal",
            proposal_id=f"prop-fiche{number}",
            title=f"Fiche {number}",
            body="Plus de guichet.",
            on_behalf_of=author.participant_id,
            fiche_id=f"fiche-00000{number}",
        )
        s.do(author, "answer_fiche_proposal", proposal_id=f"prop-fiche{number}", consent=consent)
    s.next()  # vote
    s.steer("close_vote")
    s.steer("reopen_vote")
    s.do(awa, "cast_ballot", choices=[mine])
    s.steer("close_vote")
    s.steer("choose_recits", recits=[{"proposal_id": mine}, {"proposal_id": yours}])
    s.do(bruno, "decline_narration", recit=1)
    s.steer("choose_recits", recits=[{"proposal_id": mine}])
    s.do(awa, "accept_narration", recit=0)
    s.next()  # narration
    s.next()  # stakes
    s.next()  # questions
    s.do(bruno, "contribute", contribution_id="ques-0001", body="Quand ?")
    s.do(bruno, "edit_contribution", contribution_id="ques-0001", body="Quand était-ce ?")
    s.do(chloe, "contribute", contribution_id="ques-0002", body="Et après ?")
    s.do(rapporteur, "defer_question", contribution_id="ques-0002")
    s.do(chloe, "contribute", contribution_id="ques-0003", body="Une de trop.")
    s.do(chloe, "withdraw_contribution", contribution_id="ques-0003")
    s.next()  # first round, hidden
    s.do(bruno, "contribute", contribution_id="inte-0001", body="Gardée cachée.")
    s.steer("next_step", from_index=s.state.step_index, keep_hidden=True)  # reactions
    s.next()  # second round
    s.next()  # analysis
    for n, kind in enumerate(["convergence", "divergence"], start=1):
        s.do(rapporteur, "add_board_item", item_id=f"item-{n:04d}", kind=kind, title=kind)
    s.do(rapporteur, "edit_board_item", item_id="item-0001", kind="noeud", title="Nœud")
    s.do(rapporteur, "reorder_board", order=["item-0002", "item-0001"])
    s.do(rapporteur, "remove_board_item", item_id="item-0002")
    s.next()  # theory
    s.next()  # hypotheses
    s.next()  # perspectives
    s.do(awa, "contribute", contribution_id="pers-0001", body="Former.", level="pratique")
    s.do(bruno, "support_perspective", contribution_id="pers-0001")
    s.do(bruno, "unsupport_perspective", contribution_id="pers-0001")
    s.next()  # evaluation
    s.steer("end_session")
    s.steer("save_synthesis", base_version=0, text="## Contexte\n\nUn texte.")
    s.steer("open_validation", version=1)
    s.do(
        awa,
        "comment_synthesis",
        comment_id="comment-0001",
        version=1,
        section="s1-contexte",
        body="Plutôt ceci.",
        amendment=True,
    )
    s.do(rapporteur, "settle_amendment", comment_id="comment-0001", status="declined")
    s.steer("close_validation")
    s.steer("change_settings", attribution="pseudonym")
    s.archive()
    return s
