"""A whole mag-complet session played through the pages, then checked in the database.

The animateur creates the session and invites the rapporteur from the console. Alice and
Chloé take part on laptops, Bob on a phone, and Fatou without any device: the rapporteur
registers her and enters everything she says or agrees to (convention, presentation,
proposal, vote, narration, stakes, reaction, question, interpretations, hypothesis,
perspective, support, evaluation). Two récits are chosen, Bob's and Fatou's, and both are
analysed. At the end the server's event log must hold every contribution once, in the
order it was made, at its step and récit, with its author and the « saisi par le
rapporteur » mark; one of them was sent twice (its answer lost on the way) and is stored
once.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from mag import services
from mag.domain import events as ev
from mag.domain.protocol import builtin_protocol
from mag.domain.state import SessionState

pytestmark = pytest.mark.e2e

STEPS = builtin_protocol("mag-complet").steps
INDEX = {step.id: index for index, step in enumerate(STEPS)}
EVALUATION = STEPS[INDEX["evaluation"]].options["questions"]
PHONE = {"width": 360, "height": 640}  # a small phone
NO_DEVICE = "Fatou"
TEAM = "moi-même / l'équipe"
TIMER = re.compile(r"^(\d+:\d\d restantes|Temps dépassé de \d+:\d\d)$")


@dataclass
class Said:
    """A contribution the test made, as the server must have stored it."""

    body: str
    kind: str
    step: str  # the protocol step's id
    recit: int | None
    author: str | None  # a pseudonym, or None for the team's own
    entered_by: str | None  # who typed it for the author (or as the team), if not themselves
    title: str = ""
    level: str = ""
    replies_to: str = ""  # the body of the interpretation it answers


@dataclass
class Room:
    """Everyone's screens, where the session is, and every contribution made so far."""

    animateur: object  # conftest.Person, as are the others
    rapporteur: object
    devices: dict  # pseudonym -> Person, for the participants with a device
    projection: Page | None = None
    step: str = ""
    recit: int | None = None
    recit_titles: list[str] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)

    @property
    def console(self) -> Page:
        """The animateur's console."""
        return self.animateur.page

    @property
    def desk(self) -> Page:
        """The rapporteur's console."""
        return self.rapporteur.page

    def participant_pages(self) -> list[Page]:
        return [person.page for person in self.devices.values()]

    def screens(self) -> list[Page]:
        """The console, each participant's page, and the room's screen once it is open."""
        return [self.console, *self.participant_pages(), *filter(None, [self.projection])]

    def record(self, kind: str, body: str, author: str | None, entered_by: str | None, **more):
        said = Said(body, kind, self.step, self.recit, author, entered_by, **more)
        self.said.append(said)
        return said


@dataclass
class RecitPlan:
    """What happens while a récit is analysed: who says what, in which order."""

    notes: list[str]
    stakes: str
    answered_question: tuple[str, str]  # (who, question): marked current, then answered
    answer: str  # the narrator's answer to it
    hand: tuple[str, str]  # (who, question said aloud after raising a hand)
    deferred_question: tuple[str, str]  # (who, question that is really an interpretation)
    seat_moves: list[str]  # « Avancer X d'une place », before the first round
    order: list[str]  # the speaking order of both rounds: the narrator last
    passer: str  # passes in the second round, comes back before the narrator
    first_round: dict[str, str]  # who writes what (hidden until the reveal)
    ends_own_turn: str  # the one who clicks « J'ai terminé » on their own device
    peeker: str  # someone with a device who must not see the others' words before the reveal
    reaction: str
    second_round: dict[str, str]
    reply: tuple[str, str, str]  # (who, text, author of the first-round words answered)
    convergence: tuple[str, str, list[str]]  # (title, formulation, linked texts)
    noeud: tuple[str, str, list[str]]
    suggestion: tuple[str, str, str, str]  # (who, kind, title, formulation)
    theory: tuple[str | None, str, str, str]  # (who or None for the team, concept, text, ref)
    hypothesis: tuple[str, str]  # (who, text), linked to the nœud


# ---------------------------------------------------------------- small helpers


def heading(step_id: str) -> str:
    step = STEPS[INDEX[step_id]]
    return f"{step.number} · {step.title}"


def excerpt(text: str, length: int) -> str:
    """What the console shows of a text in a button's name (static/js/console/ui.js)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else f"{flat[: length - 1]}…"


def first_words(text: str, count: int = 6) -> str:
    return " ".join(text.split()[:count])


def signed(author: str) -> str:
    """How participants' pages sign someone's words (Fatou's are all typed for her)."""
    return f"{author} · saisi par le rapporteur" if author == NO_DEVICE else author


def item_with(page: Page, list_name: str, text: str):
    return page.get_by_role("list", name=list_name).get_by_role("listitem").filter(has_text=text)


def perspective_item(page: Page, level: str, text: str):
    """A perspective, in its level's part of the page (console or participant's)."""
    return page.get_by_role("region", name=level).get_by_role("listitem").filter(has_text=text)


def enter_for(room: Room, who: str | None) -> None:
    """The rapporteur chooses in « Saisir pour un participant » whose words follow."""
    label = TEAM if who is None else f"{who} (sans appareil)" if who == NO_DEVICE else who
    room.desk.get_by_label("Saisir pour un participant").select_option(label=label)


def console_form(room: Room, name: str):
    return room.desk.get_by_role("form", name=name)


def submit_in_console(room: Room, form_name: str, fields: dict[str, str], button="Enregistrer"):
    """Fill a form of the rapporteur's console and send it; wait until it is emptied."""
    form = console_form(room, form_name)
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name=button, exact=True).click()
    for label in fields:
        expect(form.get_by_label(label, exact=True)).to_have_value("")


def go_next(room: Room, step_id: str, recit: int | None = None) -> None:
    """The animateur moves on; every screen shows the new step (and récit)."""
    room.console.get_by_role("button", name="Étape suivante").click()
    room.step, room.recit = step_id, recit
    for page in (room.console, room.desk, *room.participant_pages()):
        expect(page.locator("#step-title")).to_have_text(heading(step_id))
    if room.projection:
        expect(room.projection.get_by_role("heading", level=1)).to_have_text(heading(step_id))
    if recit is not None:
        title = f"Récit {recit + 1} : {room.recit_titles[recit]}"
        expect(room.console.locator("#step-recit")).to_contain_text(title)
        for page in room.participant_pages():  # the récit's line above the step
            expect(page.locator("#recit")).to_contain_text(title)
    # Every kind of step, on a phone, in the console and on the room's screen.
    room.devices["Bob"].check_accessible(f"the step {step_id}")
    room.animateur.check_accessible(f"the console at {step_id}")
    if room.projection:
        room.animateur.check_accessible(f"the projection at {step_id}", room.projection)


# ---------------------------------------------------------------- what people say


def take_note(room: Room, body: str, narrator: str | None = None) -> None:
    """The rapporteur writes down what is said aloud; everyone can read it.

    At the narration, what the rapporteur writes is what the narrator tells: theirs.
    """
    submit_in_console(
        room, "Notes du rapporteur", {"Note (ce qui se dit, à garder)": body}, "Ajouter la note"
    )
    expect(room.desk.get_by_role("list", name="Notes de cette étape")).to_contain_text(body)
    for page in room.participant_pages():
        notes = page.get_by_role("list", name="Notes du rapporteur")
        expect(notes).to_contain_text(body)
        if narrator:
            expect(notes.get_by_role("listitem").filter(has_text=body)).to_contain_text(
                f"{narrator} · saisi par le rapporteur"
            )
    room.record("note", body, author=narrator, entered_by="rapporteur")


def speak_in_round(room: Room, who: str, body: str, replies_to: str = "") -> Said:
    """Words written in a round: on one's own device, or by the rapporteur for Fatou.

    ``replies_to`` names the author of an earlier interpretation this one answers.
    """
    presentation = room.recit is None
    device = room.devices.get(who)
    if device:
        page = device.page
        label = (
            "Quelques mots pour vous présenter (facultatif)"
            if presentation
            else "Votre interprétation (facultatif : vous pouvez aussi seulement parler)"
        )
        page.get_by_label(label).fill(body)
        if replies_to:
            page.get_by_role("checkbox", name=signed(replies_to), exact=True).check()
        page.get_by_role("button", name="Envoyer", exact=True).click()
        expect(page.get_by_role("list", name="Ce que vous avez écrit")).to_contain_text(body)
        entered_by = None
    else:
        enter_for(room, who)
        name = f"Une {'présentation' if presentation else 'interprétation'} pour un participant"
        label = (
            "Ce que la personne dit d'elle-même"
            if presentation
            else "L'interprétation, telle qu'elle est dite"
        )
        if replies_to:
            console_form(room, name).get_by_role(
                "checkbox", name=re.compile(f"^{re.escape(replies_to)} : ")
            ).check()
        submit_in_console(room, name, {label: body})
        entered_by = "rapporteur"
    listed = "Présentations écrites" if presentation else "Interprétations de ce tour"
    expect(room.console.get_by_role("list", name=listed)).to_contain_text(body)
    replied = ""
    if replies_to:  # the words of the first round of this récit
        replied = next(
            s.body
            for s in room.said
            if (s.author, s.step, s.recit) == (replies_to, "premier-tour", room.recit)
        )
    return room.record("interpretation", body, who, entered_by, replies_to=replied)


def narrator_says(room: Room, narrator: str, body: str) -> None:
    """The narrator's stakes or reaction: on their phone, or typed for them."""
    kind, list_name, label = {
        "enjeux": ("stakes", "Enjeux", "Ce que vous voyez comme enjeux (facultatif)"),
        "reactions": (
            "reaction",
            "Réaction du narrateur",
            "Votre réaction aux interprétations (facultatif)",
        ),
    }[room.step]
    device = room.devices.get(narrator)
    if device:
        device.page.get_by_label(label).fill(body)
        device.page.get_by_role("button", name="Envoyer", exact=True).click()
        expect(device.page.get_by_label(label)).to_have_value("")
    else:
        expect(room.desk.get_by_text(f"Saisi pour {narrator}, qui raconte.")).to_be_visible()
        submit_in_console(room, list_name, {"Ce que dit la personne qui raconte": body})
    for page in room.participant_pages():
        expect(item_with(page, list_name, body)).to_contain_text(signed(narrator))
    room.record(kind, body, narrator, None if device else "rapporteur")


def ask(room: Room, who: str, body: str) -> Said:
    """A question on the facts, typed by its author or by the rapporteur."""
    device = room.devices.get(who)
    if device:
        device.page.get_by_label("Votre question sur les faits").fill(body)
        device.page.get_by_role("button", name="Poser la question").click()
        expect(device.page.get_by_label("Votre question sur les faits")).to_have_value("")
    else:
        enter_for(room, who)
        submit_in_console(
            room,
            "Une question pour un participant",
            {"La question, telle qu'elle est posée": body},
            "Enregistrer la question",
        )
    expect(room.console.get_by_role("list", name="Questions en attente")).to_contain_text(body)
    for page in room.participant_pages():
        expect(item_with(page, "Les questions", body)).to_contain_text(signed(who))
    return room.record("question", body, who, None if device else "rapporteur")


def raise_hand(room: Room, who: str, body: str) -> Said:
    """A raised hand (from one's phone, or for Fatou); the rapporteur writes the question."""
    device = room.devices.get(who)
    if device:
        device.page.get_by_role("button", name="Lever la main").click()
        expect(device.page.get_by_role("list", name="Les questions")).to_contain_text(
            "Main levée : le rapporteur note la question"
        )
    else:
        enter_for(room, who)
        room.desk.get_by_role("button", name="Main levée pour la personne choisie").click()
    said = room.record("question", body, who, "rapporteur")  # made when the hand went up
    written = room.desk.get_by_label(f"Question de {who}", exact=True)
    written.fill(body)
    hand = room.desk.get_by_role("listitem").filter(has=written)
    hand.get_by_role("button", name="Enregistrer la question").click()
    expect(item_with(room.desk, "Questions en attente", body)).to_contain_text(
        f"{who} · saisi par le rapporteur"
    )
    for page in room.participant_pages():
        expect(item_with(page, "Les questions", body)).to_contain_text(
            f"{who} · saisi par le rapporteur"
        )
    return said


def answer(room: Room, narrator: str, question: Said, body: str) -> None:
    """The narrator answers the question: on their device, or said aloud and typed for them."""
    device = room.devices.get(narrator)
    if device:
        form_label = f"Votre réponse à : {excerpt(question.body, 50)}"
        device.page.get_by_label(form_label).fill(body)
        device.page.get_by_role(
            "button", name=f"Enregistrer la réponse à : {excerpt(question.body, 50)}"
        ).click()
    else:
        room.desk.get_by_label(f"Réponse de {narrator} à : {excerpt(question.body, 50)}").fill(body)
        room.desk.get_by_role(
            "button", name=f"Enregistrer la réponse à : {excerpt(question.body, 50)}"
        ).click()
    for page in (*room.participant_pages(), room.projection, room.console):
        item = page.get_by_role("listitem").filter(has_text=question.body)
        expect(item).to_contain_text(f"Réponse de {signed(narrator)} : {body}")
    for page in room.participant_pages():
        expect(item_with(page, "Les questions", question.body)).to_contain_text("Répondue")
    room.record(
        "answer", body, narrator, None if device else "rapporteur", replies_to=question.body
    )


def mark_question(room: Room, said: Said, action: str, badge: str) -> None:
    room.console.get_by_role("button", name=f"{action} : {excerpt(said.body, 40)}").click()
    for page in room.participant_pages():
        expect(item_with(page, "Les questions", said.body)).to_contain_text(badge)


def defer_question(room: Room, said: Said) -> None:
    """The question is an interpretation in disguise: it waits for the first round."""
    mark_question(room, said, "Reporter au tour de table", "Question reportée au tour de table")
    expect(room.console.get_by_role("list", name="Questions en attente")).not_to_contain_text(
        said.body
    )
    said.kind, said.step = "interpretation", "premier-tour"


# ---------------------------------------------------------------- rounds


def speaking_order(page: Page):
    return page.get_by_role("list", name="Ordre de parole").get_by_role("listitem")


def start_round(room: Room, order: list[str]) -> None:
    room.console.get_by_role("button", name="Lancer le tour de table").click()
    pages = [room.console, room.desk, *room.participant_pages(), room.projection]
    for page in pages:
        expect(speaking_order(page)).to_have_text([re.compile(f"^{name}") for name in order])
        expect(page.get_by_role("timer").filter(has_text=TIMER)).to_be_visible()


def take_turn(room: Room, speaker: str, after: str | None, how: str = "console") -> None:
    """``speaker`` has the floor and ends it; ``after`` speaks next (None: the round is over).

    how: "console" (the animateur: « Tour suivant »), "done" (« J'ai terminé » on the
    speaker's own device), "pass" (« Je passe » on their device: back at the end).
    """
    now = f"Parle maintenant : {speaker}"
    for page in (room.console, room.desk, room.projection):
        expect(page.get_by_text(now, exact=True)).to_be_visible()
    for name, device in room.devices.items():  # the speaker's own screen says so
        your_turn = device.page.locator("#my-turn").get_by_text("C'est votre tour de parole.")
        if name == speaker:
            expect(your_turn).to_be_visible()
            if device.page.viewport_size == PHONE:
                device.check_accessible("their turn to speak")
        else:
            expect(your_turn).to_be_hidden()
    if how == "console":
        room.console.get_by_role("button", name=f"Tour suivant : {speaker} a parlé").click()
    else:
        page = room.devices[speaker].page
        expect(page.get_by_role("timer")).to_have_text(TIMER)
        page.get_by_role("button", name="J'ai terminé" if how == "done" else "Je passe").click()
    for page in (room.console, room.projection, *room.participant_pages()):
        if after:
            expect(page.get_by_text(f"Parle maintenant : {after}", exact=True)).to_be_visible()
        else:
            expect(page.get_by_text("Le tour de table est terminé.")).to_be_visible()


def play_round(room: Room, order: list[str], self_ending: str = "", passer: str = "") -> None:
    """Each speaker in turn; ``self_ending`` ends their own turn from their device.

    ``passer`` passes from their device when first called: they speak again at the end
    of the round, before the narrator (``order``'s last), who always speaks last.
    """
    turns = [(name, "pass" if name == passer else "console") for name in order]
    if passer:
        turns.insert(len(turns) - 1, (passer, "console"))
    for position, (speaker, how) in enumerate(turns):
        after = turns[position + 1][0] if position + 1 < len(turns) else None
        take_turn(room, speaker, after, "done" if speaker == self_ending else how)
        if how == "pass":
            comes_back = [name for name, _ in turns]
            for page in (room.console, room.projection, *room.participant_pages()):
                expect(speaking_order(page)).to_have_text(
                    [re.compile(f"^{name}") for name in comes_back]
                )


# ---------------------------------------------------------------- the analysis board


def add_to_board(room: Room, kind: str, title: str, formulation: str, links: list[str]) -> None:
    """The rapporteur drafts a board item, linked to the interpretations behind it."""
    form = room.desk.get_by_role("form", name="Ajouter au tableau")
    form.get_by_label("Type", exact=True).select_option(label=kind)
    form.get_by_label("Titre", exact=True).fill(title)
    form.get_by_label("Formulation", exact=True).fill(formulation)
    for text in links:
        form.get_by_role("checkbox", name=first_words(text)).check()
    form.get_by_role("button", name="Ajouter au tableau").click()
    expect(form.get_by_label("Titre", exact=True)).to_have_value("")
    column = {"Convergence": "Convergences", "Divergence": "Divergences", "Nœud": "Nœuds"}[kind]
    assert len(links) <= 2  # more would be folded away in a <details>
    for page in room.screens():
        item = item_with(page, column, title)
        for text in links:
            expect(item).to_contain_text(text)


def suggest(room: Room, plan_suggestion: tuple[str, str, str, str]) -> None:
    """A participant suggests an item from their device; the animateur accepts it."""
    who, kind, title, formulation = plan_suggestion
    page = room.devices[who].page
    page.get_by_text("Suggérer une correction ou un ajout").click()  # unfolds the form
    page.get_by_label("Type", exact=True).select_option(label=kind)
    page.get_by_label("Intitulé").fill(title)
    page.get_by_label("Formulation").fill(formulation)
    page.get_by_role("button", name="Envoyer la suggestion").click()
    expect(item_with(page, "Mes suggestions", title)).to_contain_text("En attente de réponse")
    room.record("suggestion", formulation, who, None, title=title)
    room.console.get_by_role("button", name=f"Accepter la suggestion « {title} »").click()
    expect(item_with(page, "Mes suggestions", title)).to_contain_text("Retenue dans le tableau")
    column = {"Convergence": "Convergences", "Divergence": "Divergences", "Nœud": "Nœuds"}[kind]
    for other in (room.console, *room.participant_pages(), room.projection):
        expect(item_with(other, column, title)).to_contain_text(formulation)


def bring_theory(room: Room, plan_theory, item_label: str, item_title: str) -> None:
    """A theoretical contribution linked to a board item: by the team, or a participant."""
    who, concept, text, reference = plan_theory
    if who is None:
        enter_for(room, None)
        form = console_form(room, "Un apport théorique")
        form.get_by_role("checkbox", name=item_label, exact=True).check()
        submit_in_console(
            room,
            "Un apport théorique",
            {"Notion": concept, "Explication": text, "Référence (facultatif)": reference},
        )
        room.record("theory", text, None, "rapporteur", title=concept)
    else:
        page = room.devices[who].page
        page.get_by_label("Notion").fill(concept)
        page.get_by_label("Explication").fill(text)
        page.get_by_label("Référence (facultatif)").fill(reference)
        page.get_by_role("checkbox", name=item_title, exact=True).check()
        page.get_by_role("button", name="Envoyer l'apport").click()
        expect(page.get_by_label("Notion")).to_have_value("")
        room.record("theory", text, who, None, title=concept)
    for page in room.participant_pages():
        item = item_with(page, "Apports théoriques", concept)
        expect(item).to_contain_text(text)
        expect(item).to_contain_text(f"Éléments du tableau liés : {item_title}")


def hypothesise(room: Room, who: str, text: str, item_label: str, item_title: str) -> None:
    device = room.devices.get(who)
    if device:
        page = device.page
        page.get_by_label("Question ou hypothèse").fill(text)
        page.get_by_role("checkbox", name=item_title, exact=True).check()
        page.get_by_role("button", name="Envoyer l'hypothèse").click()
        expect(page.get_by_label("Question ou hypothèse")).to_have_value("")
    else:
        enter_for(room, who)
        form = console_form(room, "Une hypothèse ou une question nouvelle")
        form.get_by_role("checkbox", name=item_label, exact=True).check()
        submit_in_console(
            room, "Une hypothèse ou une question nouvelle", {"Hypothèse ou question": text}
        )
    for page in room.participant_pages():
        item = item_with(page, "Problématiques et hypothèses", text)
        expect(item).to_contain_text(signed(who))
        expect(item).to_contain_text(item_title)
    room.record("hypothesis", text, who, None if device else "rapporteur")


# ---------------------------------------------------------------- one récit, from 1.3 to 3.3


def analyse_recit(room: Room, recit: int, narrator: str, plan: RecitPlan) -> None:
    # 1.3 Narration: the narrator tells, the rapporteur notes.
    go_next(room, "narration", recit)
    expect(room.console.locator("#step-recit")).to_contain_text(f"raconté par {narrator}")
    for note in plan.notes:
        take_note(room, note, narrator)

    # 1.4 Enjeux: what the narrator sees at stake.
    go_next(room, "enjeux", recit)
    narrator_says(room, narrator, plan.stakes)

    # 2.1 Questions: one typed and answered, a raised hand, one deferred to the round.
    go_next(room, "questions", recit)
    answered = ask(room, *plan.answered_question)
    raise_hand(room, *plan.hand)
    deferred = ask(room, *plan.deferred_question)
    mark_question(room, answered, "Marquer en cours", "Question en cours")
    for page in room.participant_pages():
        current = page.get_by_role("list", name="Les questions").locator("[aria-current=true]")
        expect(current).to_contain_text(answered.body)
    answer(room, narrator, answered, plan.answer)
    defer_question(room, deferred)

    # 2.2 First round, hidden: the seating is arranged, the narrator still speaks last.
    go_next(room, "premier-tour", recit)
    for name in plan.seat_moves:
        before = room.console.get_by_role("rowheader").all_inner_texts()
        room.console.get_by_role("button", name=f"Avancer {name} d'une place").click()
        expect(room.console.get_by_role("rowheader")).not_to_have_text(before)
    start_round(room, plan.order)
    room.animateur.check_accessible("a round in the console")
    deferred_item = item_with(room.console, "Interprétations de ce tour", deferred.body)
    expect(deferred_item).to_contain_text("Question reportée au tour de table")
    for who, text in plan.first_round.items():
        speak_in_round(room, who, text)
    hidden = len(plan.first_round)
    expect(
        room.console.get_by_text(f"{hidden} contributions cachées jusqu'au dévoilement")
    ).to_be_visible()
    peeker = room.devices[plan.peeker].page
    expect(
        peeker.get_by_text("Ce que vous écrivez reste caché jusqu'à ce que l'animateur le dévoile")
    ).to_be_visible()
    # The turns go on, so the peeker's page has caught up with everything said so far...
    play_round(room, plan.order, self_ending=plan.ends_own_turn)
    # ...and still shows nobody else's words, except the deferred question, heard by all.
    for who, text in plan.first_round.items():
        if who != plan.peeker:
            expect(peeker.get_by_text(text)).to_have_count(0)
    deferred_there = item_with(peeker, "Les interprétations du groupe", deferred.body)
    expect(deferred_there).to_contain_text("Question reportée au tour de table")
    expect(deferred_there).to_contain_text(signed(deferred.author))
    room.console.get_by_role("button", name="Dévoiler les contributions").click()
    for who, text in plan.first_round.items():
        if who != plan.peeker:
            expect(item_with(peeker, "Les interprétations du groupe", text)).to_contain_text(
                signed(who)
            )

    # 2.3 The narrator's reactions.
    go_next(room, "reactions", recit)
    narrator_says(room, narrator, plan.reaction)

    # 2.4 Second round, open: one answers an interpretation of the first round.
    go_next(room, "deuxieme-tour", recit)
    start_round(room, plan.order)
    who, text, answered_author = plan.reply
    reply = speak_in_round(room, who, text, replies_to=answered_author)
    for other, words in plan.second_round.items():
        speak_in_round(room, other, words)
    for page in room.participant_pages():
        item = page.get_by_role("listitem").filter(has_text=text)
        expect(item).to_contain_text(f"En réponse à {signed(answered_author)} : « ")
        expect(item).to_contain_text(first_words(reply.replies_to, 4))
    play_round(room, plan.order, passer=plan.passer)

    # 3.1 The board: the rapporteur drafts, a participant suggests, the animateur accepts.
    go_next(room, "analyse", recit)
    add_to_board(room, "Convergence", *plan.convergence)
    add_to_board(room, "Nœud", *plan.noeud)
    suggest(room, plan.suggestion)
    room.devices["Bob"].check_accessible("the board")
    room.animateur.check_accessible("the board in the console")
    room.animateur.check_accessible("the board on the room's screen", room.projection)

    # 3.2 Theory, linked to the convergence.
    go_next(room, "apports-theoriques", recit)
    convergence = plan.convergence[0]
    bring_theory(room, plan.theory, f"Convergence : {convergence}", convergence)

    # 3.3 A hypothesis, linked to the nœud.
    go_next(room, "hypotheses", recit)
    noeud = plan.noeud[0]
    hypothesise(room, *plan.hypothesis, f"Nœud : {noeud}", noeud)


# ---------------------------------------------------------------- a lost answer


class LostAnswer:
    """A shaky Wi-Fi between a page and the server: the server's answer to the next
    ``command`` the page sends is lost on the way back. The page must send the command
    again, with the same id, and the server must carry it out only once.

    Only connections opened after this is set up go through it (reload the page).
    """

    SENT = re.compile(r"^42(\d+)(\[.*)$", re.S)  # a Socket.IO event with an ack id
    ANSWER = re.compile(r"^43(\d+)(\[.*)$", re.S)  # the ack of that id

    def __init__(self, page: Page, command: str) -> None:
        self.command = command
        self.armed = False
        self.waiting: dict[str, str] = {}  # ack id -> the command's own id
        self.sent: list[str] = []  # the command's id, each time it is sent
        self.lost: list[dict] = []  # the answers dropped on the way
        self.answers: list[dict] = []  # the answers that reached the page
        page.route_web_socket(re.compile(r"/socket\.io/"), self._route)

    def _route(self, page_side) -> None:
        server_side = page_side.connect_to_server()
        page_side.on_message(lambda message: self._to_server(server_side, message))
        server_side.on_message(lambda message: self._to_page(page_side, message))

    def _to_server(self, server_side, message) -> None:
        sent = self.SENT.match(message) if self.armed and isinstance(message, str) else None
        if sent:
            name, payload = json.loads(sent[2])
            if name == "command" and payload.get("name") == self.command:
                self.waiting[sent[1]] = payload["id"]
                self.sent.append(payload["id"])
        server_side.send(message)

    def _to_page(self, page_side, message) -> None:
        answer = self.ANSWER.match(message) if isinstance(message, str) else None
        if answer and answer[1] in self.waiting:
            del self.waiting[answer[1]]
            [reply] = json.loads(answer[2])
            if not self.lost:
                self.lost.append(reply)
                return  # never reaches the page
            self.answers.append(reply)
        page_side.send(message)


# ---------------------------------------------------------------- who says what


PROPOSALS = {
    "Alice": (
        "La lettre recommandée",
        "Une lettre du SPF, un délai de huit jours, un guichet fermé.",
    ),
    "Bob": (
        "Le lecteur de carte en panne",
        "Un lundi matin, le lecteur de carte d'identité ne marche plus : la file s'allonge.",
    ),
    NO_DEVICE: (
        "Le rendez-vous pris à sa place",
        "Un monsieur me demande de prendre pour lui un rendez-vous en ligne à la commune.",
    ),
}
BALLOTS = {  # up to two votes each: Bob's récit first (4), Fatou's second (2), Alice's (1)
    "Alice": ["Bob", NO_DEVICE],
    "Bob": ["Bob", NO_DEVICE],
    "Chloé": ["Bob", "Alice"],
    NO_DEVICE: ["Bob"],
}

FIRST_RECIT = RecitPlan(
    notes=[
        "Bob raconte : le lecteur ne lit plus aucune carte, douze personnes attendent.",
        "Une dame repart sans son attestation ; Bob la rappelle le lendemain.",
    ],
    stakes="Ne pas devenir le technicien de service au lieu d'accompagner les gens.",
    answered_question=("Alice", "Combien de personnes attendaient ce lundi-là ?"),
    answer="Une quinzaine, dont trois familles avec des enfants.",
    hand=("Chloé", "Le lecteur appartenait-il au CPAS ou à l'EPN ?"),
    deferred_question=(NO_DEVICE, "N'est-ce pas parce que personne n'est formé à la maintenance ?"),
    seat_moves=["Bob"],  # Bob sits first in the room, yet narrates: he speaks last
    order=["Alice", "Chloé", NO_DEVICE, "Bob"],
    passer="Alice",
    first_round={
        "Alice": "On demande aux travailleurs sociaux de réparer ce que l'administration casse.",
        "Chloé": "La panne montre que tout le service repose sur un seul appareil fragile.",
    },
    ends_own_turn="Alice",
    peeker="Alice",
    reaction="Je n'avais pas vu que j'étais devenu le seul recours de tout le quartier.",
    second_round={NO_DEVICE: "Chez nous aussi, la machine décide de qui est servi ce jour-là."},
    reply=("Alice", "Je rejoins Fatou : la maintenance n'est prévue dans aucun budget.", NO_DEVICE),
    convergence=(
        "Un service suspendu à un appareil",
        "Tout le groupe voit la panne comme un révélateur de la fragilité du service.",
        [
            "On demande aux travailleurs sociaux de réparer ce que l'administration casse.",
            "La panne montre que tout le service repose sur un seul appareil fragile.",
        ],
    ),
    noeud=(
        "Qui entretient les outils ?",
        "Personne ne sait qui doit payer et former à la maintenance.",
        [
            "N'est-ce pas parce que personne n'est formé à la maintenance ?",
            "Je rejoins Fatou : la maintenance n'est prévue dans aucun budget.",
        ],
    ),
    suggestion=(
        "Chloé",
        "Divergence",
        "Réparer soi-même ou refuser",
        "Certains réparent pour l'usager, d'autres refusent de compenser l'État.",
    ),
    theory=(
        None,
        "Travail du bénévole numérique",
        "Le travail invisible que les usagers et les intermédiaires font à la place des services.",
        "Van Campenhoudt et al., 2005",
    ),
    hypothesis=("Bob", "Plus un service dépend d'un outil, plus la panne retombe sur le guichet."),
)

SECOND_RECIT = RecitPlan(
    notes=["Fatou raconte : le monsieur lui donne son téléphone et son code d'accès."],
    stakes="Je ne veux pas tenir les codes des gens, mais sans moi il n'aurait rien eu.",
    answered_question=("Bob", "Le monsieur avait-il une adresse e-mail ?"),
    answer="Non, il n'en avait jamais eu besoin avant.",
    hand=("Alice", "La commune proposait-elle un rendez-vous au guichet ?"),
    deferred_question=("Chloé", "N'est-ce pas la commune qui se décharge sur les associations ?"),
    seat_moves=[NO_DEVICE],  # seats since the first récit: Bob, Alice, Fatou, Chloé
    order=["Bob", "Alice", "Chloé", NO_DEVICE],
    passer="",
    first_round={
        "Alice": "Prendre le code de quelqu'un, c'est prendre une part de sa vie privée.",
        "Bob": "L'aide devient une responsabilité que personne ne nous a confiée.",
        NO_DEVICE: "Je voulais surtout qu'il ne reparte pas les mains vides.",
    },
    ends_own_turn="Bob",
    peeker="Bob",
    reaction="Vous avez raison, je porte un risque que je n'ai jamais choisi.",
    second_round={"Bob": "On pourrait convenir avec la commune d'un guichet sans rendez-vous."},
    reply=("Chloé", "Comme Bob le dit, personne ne nous a confié cette responsabilité.", "Bob"),
    convergence=(
        "L'aide déborde le mandat",
        "Le groupe s'accorde : l'aide au numérique engage les travailleurs au-delà de leur rôle.",
        [
            "Prendre le code de quelqu'un, c'est prendre une part de sa vie privée.",
            "L'aide devient une responsabilité que personne ne nous a confiée.",
        ],
    ),
    noeud=(
        "Aider sans se substituer",
        "Où s'arrête l'aide et où commence la prise en charge à la place de la personne ?",
        [
            "Je voulais surtout qu'il ne reparte pas les mains vides.",
            "Comme Bob le dit, personne ne nous a confié cette responsabilité.",
        ],
    ),
    suggestion=(
        "Bob",
        "Divergence",
        "Garder les codes ou non",
        "Pour certains c'est un service rendu, pour d'autres une faute professionnelle.",
    ),
    theory=(
        "Alice",
        "Non-recours",
        "Les personnes renoncent à leurs droits quand l'accès passe par un outil.",
        "Warin, 2016",
    ),
    hypothesis=(
        NO_DEVICE,
        "La numérisation transfère la responsabilité du service aux associations.",
    ),
)


PERSPECTIVES = [  # (who, level as shown, level, text)
    ("Alice", "Pratique professionnelle", "pratique", "Tenir un carnet des pannes."),
    (NO_DEVICE, "Institution", "institution", "Un budget de maintenance par service."),
    ("Chloé", "Politique et secteur", "politique", "Un guichet humain garanti par la loi."),
]
EVALUATION_ANSWERS = {  # the same value on each scale, and what was useful
    "Alice": (4, "Entendre les autres services."),
    "Bob": (5, "Voir que je ne suis pas seul."),
    "Chloé": (3, "Le tableau des nœuds."),
    NO_DEVICE: (5, "Qu'on m'écoute sans que je doive écrire."),
}
TITLE = "Le numérique au guichet, deux récits"
PARTICIPANTS = [  # (pseudonym, function, viewport): None is a laptop
    ("Alice", "AS en CPAS", None),
    ("Bob", "animateur EPN", PHONE),
    ("Chloé", "école de devoirs", None),
]


# ---------------------------------------------------------------- the phases before the récits


def open_session(open_browser) -> Room:
    """The animateur creates the session and invites the rapporteur; three people join."""
    animateur = open_browser("animateur")
    code = animateur.create_session(TITLE)
    link = animateur.invite("Rapporteur·rice", "Claire")
    rapporteur = open_browser("rapporteur")
    rapporteur.page.goto(link)
    expect(rapporteur.page).to_have_url(animateur.page.url)  # the console, without the secret
    expect(rapporteur.page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(rapporteur.page.get_by_role("button", name="Démarrer la séance")).to_be_hidden()
    devices = {}
    for name, function, viewport in PARTICIPANTS:
        devices[name] = open_browser(name, viewport=viewport)
        devices[name].join(code, name, function)
        if viewport:
            expect(devices[name].page.get_by_text("Avant d'entrer, lisez")).to_be_visible()
            devices[name].check_accessible("the convention")
        devices[name].accept_convention()
    devices["Bob"].check_accessible("the lobby")
    animateur.check_accessible("the console in the lobby")
    return Room(animateur, rapporteur, devices)


def register_without_device(room: Room) -> None:
    """The rapporteur adds Fatou to the room: she has no phone and no laptop."""
    room.desk.get_by_text("Ajouter une personne sans appareil", exact=True).click()
    add = console_form(room, "Ajouter une personne sans appareil")
    add.get_by_label("Pseudonyme", exact=True).fill(NO_DEVICE)
    add.get_by_label("Fonction (facultatif)").fill("médiatrice de dettes")
    add.get_by_role("button", name="Ajouter cette personne").click()
    row = room.console.get_by_role("row").filter(
        has=room.console.get_by_role("rowheader", name=NO_DEVICE, exact=True)
    )
    expect(row.get_by_role("cell")).to_have_text(
        ["médiatrice de dettes", "sans appareil", "pas encore accepté", "Enregistrer son accord"]
    )


def start_with_the_convention(room: Room) -> None:
    """0.1: the convention is read together; Fatou accepts aloud, the rapporteur records it."""
    room.console.get_by_role("button", name="Démarrer la séance").click()
    room.step = "convention"
    for page in (room.console, room.desk, *room.participant_pages()):
        expect(page.locator("#step-title")).to_have_text(heading("convention"))
    room.desk.get_by_role(
        "button", name="Enregistrer son accord (Fatou accepte la convention à voix haute)"
    ).click()
    expect(
        room.console.get_by_text("4 participants · 3 connectés · 4 ont accepté la convention")
    ).to_be_visible()
    take_note(room, "Question sur l'archivage : les notes restent au service, sans les noms.")


def open_projection(room: Room) -> None:
    """The animateur opens the projection view in another tab, for the room's screen."""
    console = room.console
    room.projection = room.animateur.open_tab(
        lambda: console.get_by_role("link", name="Ouvrir la vue de projection").click()
    )
    expect(room.projection).to_have_url(console.url.replace("/animer/", "/projeter/"))
    expect(room.projection.get_by_role("heading", level=1)).to_have_text(heading(room.step))
    console.bring_to_front()


def presentation_round(room: Room) -> None:
    """0.2: everyone in joining order; Bob passes and comes back at the end."""
    go_next(room, "presentation")
    start_round(room, ["Alice", "Bob", "Chloé", NO_DEVICE])
    speak_in_round(room, "Alice", "Alice, assistante sociale au CPAS depuis dix ans.")
    take_turn(room, "Alice", "Bob")
    take_turn(room, "Bob", "Chloé", how="pass")
    expect(speaking_order(room.projection)).to_have_text(
        [
            re.compile("^Alice · a parlé"),
            re.compile("^Bob · a passé son tour · repasse à la fin du tour"),
            re.compile("^Chloé · parle maintenant"),
            re.compile("^Fatou"),
            re.compile("^Bob · repasse à la fin du tour"),
        ]
    )
    take_turn(room, "Chloé", NO_DEVICE, how="done")
    speak_in_round(room, NO_DEVICE, "Fatou, médiatrice de dettes dans un service social.")
    take_turn(room, NO_DEVICE, "Bob")
    speak_in_round(room, "Bob", "Bob, j'anime l'espace public numérique du quartier.")
    take_turn(room, "Bob", None, how="done")
    for page in room.participant_pages():
        expect(item_with(page, "Ce que les autres ont écrit", "Fatou, médiatrice")).to_contain_text(
            "Fatou · saisi par le rapporteur"
        )


def propose(room: Room) -> None:
    """1.1: Alice and Bob on their devices; Fatou tells hers aloud, it is typed for her."""
    go_next(room, "propositions")
    for name in ("Alice", "Bob"):
        page = room.devices[name].page
        title, body = PROPOSALS[name]
        page.get_by_label("Titre", exact=True).fill(title)
        page.get_by_label("Quelques lignes pour raconter la situation").fill(body)
        page.get_by_role("button", name="Envoyer ma proposition").click()
        expect(page.get_by_role("list", name="Mes propositions")).to_contain_text(title)
    enter_for(room, NO_DEVICE)
    title, body = PROPOSALS[NO_DEVICE]
    submit_in_console(
        room,
        "Proposer un récit pour un participant",
        {"Titre du récit": title, "La situation en quelques lignes": body},
        "Enregistrer la proposition",
    )
    expect(room.console.get_by_role("heading", name="3 propositions de récit")).to_be_visible()
    for page in room.participant_pages():
        hers = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=title, exact=True)
        )
        expect(hers).to_contain_text("Proposé par Fatou")
        expect(hers).to_contain_text("saisi par le rapporteur")


def vote(room: Room) -> None:
    """1.2: two votes each, Fatou's through the rapporteur; the count, the close, the results."""
    go_next(room, "choix")
    expect(room.devices["Bob"].page.get_by_text("Vous avez 2 voix")).to_be_visible()
    for voter, authors in BALLOTS.items():
        choices = [PROPOSALS[author][0] for author in authors]
        if voter in room.devices:
            page = room.devices[voter].page
            for choice in choices:
                page.get_by_role("checkbox", name=choice, exact=True).check()
            page.get_by_role("button", name="Voter").click()  # and confirms
            expect(page.get_by_text("Vous avez voté.")).to_be_visible()
        else:
            enter_for(room, voter)
            ballot = console_form(room, "Bulletin de vote")
            for choice in choices:
                ballot.get_by_role("checkbox", name=choice, exact=True).check()
            ballot.get_by_role("button", name="Enregistrer son vote").click()
            expect(room.desk.get_by_text(f"{voter} a déjà voté.")).to_be_visible()
    for page in (room.console, *room.participant_pages()):
        expect(page.get_by_text("4 personnes ont voté", exact=True)).to_be_visible()
    expect(room.console.get_by_text("Ont voté : Alice, Bob, Chloé, Fatou")).to_be_visible()
    room.console.get_by_role("button", name="Clore le vote").click()
    results = [
        re.compile(rf"^1\. {PROPOSALS['Bob'][0]} · 4 voix"),
        re.compile(rf"^2\. {PROPOSALS[NO_DEVICE][0]} · 2 voix"),
        re.compile(rf"^3\. {PROPOSALS['Alice'][0]} · 1 voix"),
    ]
    for page in (room.console, *room.participant_pages()):
        expect(
            page.get_by_role("list", name="Résultats du vote").get_by_role("listitem")
        ).to_have_text(results)


def choose_recits(room: Room) -> None:
    """Bob's and Fatou's récits; Bob accepts on his phone, Fatou through the rapporteur."""
    room.recit_titles = [PROPOSALS["Bob"][0], PROPOSALS[NO_DEVICE][0]]
    choose = room.console.get_by_role("form", name="Choisir le ou les récits")
    for title in room.recit_titles:
        choose.get_by_role("checkbox", name=title, exact=True).check()
    choose.get_by_role("button", name="Choisir ces récits").click()
    prompt = room.devices["Bob"].page.get_by_role("region", name="Votre récit est choisi")
    expect(prompt).to_contain_text(f"Vous êtes choisi·e pour raconter « {room.recit_titles[0]} »")
    prompt.get_by_role("button", name="J'accepte de raconter").click()
    room.desk.get_by_role(
        "button", name="Fatou accepte de raconter (saisi pour elle ou lui)"
    ).click()
    chosen = room.console.get_by_role("list", name="Récits choisis").get_by_role("listitem")
    expect(chosen).to_have_count(2)
    for index, narrator in enumerate(("Bob", NO_DEVICE)):
        expect(chosen.nth(index)).to_contain_text(f"Récit {index + 1} : {room.recit_titles[index]}")
        expect(chosen.nth(index)).to_contain_text(f"raconté par {narrator} · accepte de raconter")
    for page in room.participant_pages():
        expect(page.get_by_role("list", name="Récits choisis")).to_contain_text(
            "raconté par Fatou · a accepté de raconter"
        )


# ---------------------------------------------------------------- the phases after the récits


def share_perspectives(room: Room) -> None:
    """4: proposals at the three levels, and supports.

    The rapporteur's Wi-Fi is shaky: her console now loses the server's answer to
    Fatou's perspective, and must send it again.
    """
    desk = room.desk
    lost = LostAnswer(desk, "contribute")
    desk.reload()
    expect(desk.get_by_text("Connecté", exact=True)).to_be_visible()
    go_next(room, "perspectives")
    for who, label, level, text in PERSPECTIVES:
        if who in room.devices:
            page = room.devices[who].page
            page.get_by_label("Niveau").select_option(label=label)
            page.get_by_label("Votre piste d'action").fill(text)
            page.get_by_role("button", name="Envoyer la perspective").click()
            expect(page.get_by_label("Votre piste d'action")).to_have_value("")
        else:
            enter_for(room, who)
            form = console_form(room, "Une perspective pratique")
            form.get_by_label("Niveau").select_option(label=label)
            form.get_by_label("La proposition d'action").fill(text)
            lost.armed = True
            form.get_by_role("button", name="Enregistrer").click()
            # Stored and shown, but the console waits for an answer that was lost...
            expect(perspective_item(desk, label, text)).to_be_visible()
            expect(form.get_by_role("button", name="Enregistrer")).to_be_disabled()
            # ...until it sends the command again (after 8 s) and gets the server's answer.
            expect(form.get_by_label("La proposition d'action")).to_have_value("", timeout=20_000)
            lost.armed = False
            assert len(lost.sent) == 2 and len(set(lost.sent)) == 1, lost.sent
            assert [a["ok"] for a in lost.lost] == [True], lost.lost
            assert [(a["ok"], a["is_retry"]) for a in lost.answers] == [(True, True)], lost.answers
        for page in room.participant_pages():
            expect(perspective_item(page, label, text)).to_contain_text(signed(who))
        entered_by = None if who in room.devices else "rapporteur"
        room.record("perspective", text, who, entered_by, level=level)

    supported = PERSPECTIVES[0][3]
    bob = room.devices["Bob"].page
    bob.get_by_role("button", name=f"Je soutiens « {supported} »").click()
    enter_for(room, NO_DEVICE)
    perspective_item(desk, "Pratique professionnelle", supported).get_by_role(
        "button", name="Soutenir (pour Fatou)"
    ).click()
    for page in (desk, *room.participant_pages()):
        expect(perspective_item(page, "Pratique professionnelle", supported)).to_contain_text(
            "2 soutiens"
        )
    expect(bob.get_by_role("button", name=f"Je ne soutiens plus « {supported} »")).to_be_visible()


def evaluate(room: Room) -> None:
    """5: everyone answers, Fatou through the rapporteur; the summary is revealed."""
    go_next(room, "evaluation")
    scales = [q for q in EVALUATION if q["kind"] == "scale"]
    useful = next(q for q in EVALUATION if q["id"] == "utile")
    for who, (value, text) in EVALUATION_ANSWERS.items():
        if who in room.devices:
            page = room.devices[who].page
            for question in scales:
                page.get_by_role("group", name=question["text"]).get_by_role(
                    "radio", name=str(value), exact=True
                ).check()
            page.get_by_label(useful["text"], exact=True).fill(text)
            page.get_by_role("button", name="Envoyer mes réponses").click()
            expect(page.get_by_text("Merci : vos réponses sont enregistrées.")).to_be_visible()
        else:
            enter_for(room, who)
            form = console_form(room, "Réponses à l'évaluation")
            for question in scales:
                scale = form.get_by_label(f"{question['text']} (de 1 à 5)", exact=True)
                scale.select_option(str(value))
            form.get_by_label(useful["text"], exact=True).fill(text)
            form.get_by_role("button", name="Enregistrer ses réponses").click()
            expect(room.desk.get_by_text(f"{who} a déjà répondu.")).to_be_visible()
    for page in (room.console, *room.participant_pages()):
        expect(page.get_by_text("4 personnes ont répondu", exact=True).first).to_be_visible()
    room.console.get_by_role("button", name="Dévoiler le résumé").click()
    for page in room.participant_pages():
        summary = page.get_by_role("list", name="Ce que le groupe a répondu")
        expect(summary).to_contain_text(EVALUATION_ANSWERS[NO_DEVICE][1])
        expect(summary).to_contain_text("moyenne 4,3")  # (4 + 5 + 3 + 5) / 4
    room.devices["Bob"].check_accessible("the evaluation's summary")


def end_session(room: Room) -> None:
    room.console.get_by_role("button", name="Terminer la séance").click()  # and confirms
    for page in room.participant_pages():
        expect(page.get_by_role("heading", name="La séance est terminée")).to_be_visible()
    expect(room.console.get_by_text("Séance terminée")).to_be_visible()
    expect(room.projection.get_by_text("Séance terminée")).to_be_visible()
    room.devices["Bob"].check_accessible("the end")
    room.animateur.check_accessible("the console after the session")


# ---------------------------------------------------------------- what the server stored


def stored_session(database: Path, session_id: str) -> tuple[SessionState, list[ev.Event]]:
    """The session as the server stored it: its events, folded into a state."""
    engine = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    try:
        with Session(engine) as db:
            events = services.events_after(db, session_id, 0)
    finally:
        engine.dispose()
    state = SessionState(session_id)
    for event in events:
        state.apply(event)
    return state, events


def check_stored(database: Path, session_id: str, said: list[Said]) -> None:
    """Every contribution once, in the order made, at its place, with its author and mark."""
    state, events = stored_session(database, session_id)
    added = [e for e in events if e.type == ev.CONTRIBUTION_ADDED]
    ids = [e.data["contribution_id"] for e in added]
    assert len(ids) == len(set(ids)), "a contribution was stored twice"
    stored = [state.contributions[cid] for cid in ids]
    assert not [c for c in stored if c.is_withdrawn]
    pseudonym = {pid: p.pseudonym for pid, p in state.participants.items()}

    def as_said(c) -> Said:
        return Said(
            body=c.body,
            kind=c.kind.value,
            step=STEPS[c.step_index].id,
            recit=c.recit,
            author=pseudonym.get(c.author_id or ""),
            entered_by=c.entered_by,
            title=c.title,
            level=c.level,
            replies_to=" ".join(state.contributions[cid].body for cid in c.replies_to),
        )

    assert len({s.body for s in said}) == len(said)  # every text the test typed is unique
    assert [as_said(c) for c in stored] == said
    times = [c.at for c in stored]
    assert times == sorted(times), "contributions are not stored in the order they were made"
    deferred = [(STEPS[c.deferred_from].id, c.recit) for c in stored if c.deferred_from is not None]
    assert deferred == [("questions", 0), ("questions", 1)]
    # The first rounds' words went to their author and the team only, until the reveal.
    for event in added:
        if STEPS[event.data["step_index"]].id == "premier-tour":
            assert event.audience == ev.audience_participant(event.data["author_id"]), event

    # The other marks of what the rapporteur entered for Fatou.
    fatou = next(pid for pid, name in pseudonym.items() if name == NO_DEVICE)
    assert state.participants[fatou].entered_by == "rapporteur"
    for_fatou = {
        e.type
        for e in events
        if e.data.get("participant_id") == fatou and e.data.get("entered_by") == "rapporteur"
    }
    assert for_fatou >= {
        ev.PARTICIPANT_JOINED,
        ev.CONVENTION_ACCEPTED,
        ev.VOTED,
        ev.NARRATION_ACCEPTED,
        ev.EVALUATION_DONE,
    }
    [hers] = [p for p in state.proposals.values() if p.author_id == fatou]
    assert (hers.title, hers.entered_by) == (PROPOSALS[NO_DEVICE][0], "rapporteur")
    narrators = [(pseudonym[r.narrator_id], r.accepted) for r in state.recits]
    assert narrators == [("Bob", True), (NO_DEVICE, True)]
    board = {
        item.title: sorted(state.contributions[cid].body for cid in item.links)
        for item in state.board.values()
    }
    for plan in (FIRST_RECIT, SECOND_RECIT):
        for title, _formulation, links in (plan.convergence, plan.noeud):
            assert board[title] == sorted(links)
    assert state.status.value == "ended"


# ---------------------------------------------------------------- the session


@dataclass
class Played:
    """The session as far as it went: stages run in order, and none after one that failed."""

    room: Room
    failed: str = ""


@pytest.fixture(scope="module")
def played(open_browser_for_module) -> Played:
    return Played(open_session(open_browser_for_module))


def check_stored_session(room: Room, server_database: Path) -> None:
    session_id = room.console.url.rsplit("/", 1)[-1]
    check_stored(server_database, session_id, room.said)


# The whole session, one test per stage, so that a failure says where the session broke.
STAGES = {
    "someone without a device": register_without_device,
    "the convention": start_with_the_convention,
    "the projection": open_projection,
    "the presentation round": presentation_round,
    "the proposals": propose,
    "the vote": vote,
    "the chosen récits": choose_recits,
    "the first récit": lambda room: analyse_recit(room, 0, "Bob", FIRST_RECIT),
    "the second récit, told without a device": lambda room: analyse_recit(
        room, 1, NO_DEVICE, SECOND_RECIT
    ),
    "the perspectives": share_perspectives,
    "the evaluation": evaluate,
    "the end": end_session,
}


@pytest.mark.parametrize("stage", [*STAGES, "what is stored"])
def test_a_whole_session_with_a_rapporteur_and_someone_without_a_device(
    played, stage, server_database
):
    if played.failed:
        pytest.fail(f"not played: the stage « {played.failed} » failed before it", pytrace=False)
    try:
        if stage == "what is stored":
            check_stored_session(played.room, server_database)
        else:
            STAGES[stage](played.room)
    except BaseException:
        played.failed = stage
        raise
