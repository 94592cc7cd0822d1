"""Messages the browser shows, translated here by Flask-Babel and sent as JSON.

Keys ending in ``_one`` / ``_other`` are plural forms picked in the browser
with ``Intl.PluralRules`` for the page's language.

Each live page gets the messages of its own scripts only (a phone need not download
the console's): the shared ones here, which the modules every page imports show
(common.js, round.js, board.js, store.js…), the board's and the plain words (board.js),
the kinds of step brought by a module, and the page's own (``PAGES``: its module of
messages; for the console and the projection, the session's status and the lobby too).
``tests/integration/test_static_files.py`` checks that each page's file holds every
key its import graph asks for.
"""

from collections.abc import Callable

from flask_babel import gettext as _

from mag.domain import steps
from mag.domain.protocol import StepKind
from mag.web.i18n_board import board_messages
from mag.web.i18n_console import console_messages
from mag.web.i18n_participant import participant_messages
from mag.web.i18n_plain import plain_messages
from mag.web.i18n_projection import projection_messages


def client_messages(page: str | None = None) -> dict[str, str]:
    """The messages the scripts of one live page show; ``None``: every page's."""
    own = dict.fromkeys(
        messages for kind in (PAGES if page is None else [page]) for messages in PAGES[kind]
    )
    return {
        **_shared_messages(),
        **board_messages(),
        **plain_messages(),
        **{key: text for messages in own for key, text in messages().items()},
        # The screens of kinds of step brought by a module (mag.domain.steps.MESSAGES),
        # which every live page loads.
        **{key: _(msgid) for key, msgid in steps.MESSAGES.items()},
    }


def _steps_messages() -> dict[str, str]:
    """Names of what people say and build, shared by every screen."""
    return {
        "kind_note": _("Note du rapporteur"),
        "kind_stakes": _("Enjeux"),
        "kind_question": _("Question"),
        "kind_answer": _("Réponse du narrateur"),
        "kind_interpretation": _("Interprétation"),
        "kind_reaction": _("Réaction du narrateur"),
        "kind_suggestion": _("Suggestion pour le tableau"),
        "kind_theory": _("Apport théorique"),
        "kind_hypothesis": _("Hypothèse"),
        "kind_perspective": _("Perspective pratique"),
        "board_convergence": _("Convergences"),
        "board_divergence": _("Divergences"),
        "board_noeud": _("Nœuds"),
        "board_kind_convergence": _("Convergence"),
        "board_kind_divergence": _("Divergence"),
        "board_kind_noeud": _("Nœud"),
        "level_pratique": _("Pratique professionnelle"),
        "level_institution": _("Institution"),
        "level_politique": _("Politique et secteur"),
        "entered_by_rapporteur": _("saisi par le rapporteur"),
        "entered_by_animateur": _("saisi par l'animateur"),
        "from_fiche": _("Tiré d'une fiche incident"),
        "awaiting_consent": _(
            "En attente de l'accord de son auteur ou autrice : le groupe ne la voit pas encore."
        ),
        "anonymous_staff": _("Équipe d'animation"),
        "recit_heading": _("Récit %(number)s : %(title)s"),
        "narrated_by": _("raconté par %(pseudonym)s"),
        "speaker_now": _("Parle maintenant : %(pseudonym)s"),
        "speaker_next": _("Ensuite : %(pseudonym)s"),
        "round_order": _("Ordre de parole"),
        "round_speaking": _("parle maintenant"),
        "round_you": _("(vous)"),
        "round_not_started": _("Le tour de table n'a pas encore commencé."),
        "round_over": _("Le tour de table est terminé."),
        "your_turn": _("C'est votre tour de parole."),
        "timer_left": _("%(minutes)s:%(seconds)s restantes"),
        "timer_over": _("Temps dépassé de %(minutes)s:%(seconds)s"),
        "timer_paused": _("Minuteur en pause"),
        "passed": _("a passé son tour"),
        "spoke": _("a parlé"),
        "comes_back": _("repasse à la fin du tour"),
        "hidden_until_reveal": _("Caché jusqu'au dévoilement par l'animateur"),
        "voters_one": _("%(count)s personne a voté"),
        "voters_other": _("%(count)s personnes ont voté"),
        "score": _("%(score)s voix"),
        "tie": _("ex aequo"),
        "supporters_one": _("%(count)s soutien"),
        "supporters_other": _("%(count)s soutiens"),
        "evaluated_one": _("%(count)s personne a répondu"),
        "evaluated_other": _("%(count)s personnes ont répondu"),
        "mean": _("moyenne %(mean)s"),
        "question_current": _("Question en cours"),
        "question_answered": _("Répondue"),
        "question_queued": _("En attente"),
        "raised_hand": _("Main levée : le rapporteur note la question"),
        "deferred": _("Question reportée au tour de table"),
        "linked_interpretations": _("Interprétations liées"),
        "in_reply_to": _("En réponse à"),
        "answer_by": _("Réponse de %(who)s :"),
        "answer_save": _("Enregistrer la réponse"),
        "answer_save_named": _("Enregistrer la réponse à : %(text)s"),
        "answer_label": _("Votre réponse à : %(text)s"),
        "answer_label_for": _("Réponse de %(pseudonym)s à : %(text)s"),
    }


def _shared_messages() -> dict[str, str]:
    expectations = {
        StepKind.AGREEMENT: _(
            "À vous : lisez la convention avec le groupe et posez vos questions."
        ),
        StepKind.ROUND: _(
            "À vous : chacun parle à son tour. Préparez ce que vous voulez dire ; vous pouvez passer."
        ),
        StepKind.PROPOSALS: _(
            "À vous : proposez une situation vécue, avec un titre et quelques lignes."
        ),
        StepKind.VOTE: _("À vous : choisissez le récit que le groupe analysera."),
        StepKind.NARRATION: _(
            "Écoutez le récit sans interrompre ; notez vos questions pour plus tard."
        ),
        StepKind.STAKES: _("Écoutez ce que le narrateur ou la narratrice voit comme enjeux."),
        StepKind.QUESTIONS: _(
            "À vous : posez des questions sur les faits, pas encore d'interprétations."
        ),
        StepKind.REACTIONS: _("Écoutez les réactions du narrateur ou de la narratrice."),
        StepKind.ANALYSIS: _(
            "À vous : aidez à formuler les convergences, les divergences et les nœuds."
        ),
        StepKind.THEORY: _(
            "À vous : confrontez les apports théoriques à ce que le groupe a construit."
        ),
        StepKind.HYPOTHESES: _("À vous : formulez les questions nouvelles et les hypothèses."),
        StepKind.PERSPECTIVES: _("À vous : proposez des pistes d'action concrètes."),
        StepKind.EVALUATION: _(
            "À vous : dites ce que vous avez pensé de la méthode et de la séance."
        ),
        StepKind.DISCUSSION: _("À vous : la parole circule librement."),
    }
    return {
        **_steps_messages(),
        **{f"expect_{kind.value}": text for kind, text in expectations.items()},
        "expect_listen": _("Écoutez : à cette étape, vous n'avez rien à écrire."),
        "expect_contribute": _("À vous : suivez les consignes de l'étape."),
        "online": _("Connecté"),
        "offline": _(
            "Connexion perdue : reconnexion en cours… Rien de ce que vous envoyez ne sera perdu."
        ),
        "step_heading": _("%(number)s · %(title)s"),
        "step_position": _("Étape %(index)s sur %(count)s"),
        "step_time": _("%(elapsed)s min écoulées sur %(planned)s prévues"),
        "welcome": _("Bienvenue, %(pseudonym)s."),
        "proposed_by": _("Proposé par %(pseudonym)s"),
        "other_proposals": _("Propositions des autres participants (%(count)s)"),
        "submit_proposal": _("Envoyer ma proposition"),
        "save_changes": _("Enregistrer les modifications"),
        "edit": _("Modifier"),
        "edit_named": _("Modifier la proposition « %(title)s »"),
        "withdraw": _("Retirer"),
        "withdraw_named": _("Retirer la proposition « %(title)s »"),
        "confirm_withdraw": _("Retirer cette proposition ? Elle disparaîtra de tous les écrans."),
        "accepted": _("a accepté"),
    }


def _staff_messages() -> dict[str, str]:
    """What the console and the projection show of the session, never a participant."""
    return {
        "role_animateur": _("Animateur·rice"),
        "role_rapporteur": _("Rapporteur·rice"),
        "role_observateur": _("Écran de projection"),
        "console": _("Animation"),
        "minutes": _("%(count)s min"),
        "status_lobby": _("Accueil : la séance n'a pas commencé"),
        "status_running": _("Séance en cours"),
        "status_ended": _("Séance terminée"),
        "status_archived": _("Séance archivée"),
        "proposal_count_one": _("%(count)s proposition de récit"),
        "proposal_count_other": _("%(count)s propositions de récit"),
        "confirm_end": _("Terminer la séance ? Les participants ne pourront plus contribuer."),
        "open_joining": _("Rouvrir les inscriptions"),
        "close_joining": _("Fermer les inscriptions"),
        "joining_open": _("Les inscriptions sont ouvertes."),
        "joining_closed": _("Les inscriptions sont fermées."),
        # One plural per number: "2 participants · 1 connecté · 2 ont accepté la convention".
        "lobby_participants_one": _("%(count)s participant"),
        "lobby_participants_other": _("%(count)s participants"),
        "lobby_connected_one": _("%(count)s connecté"),
        "lobby_connected_other": _("%(count)s connectés"),
        "lobby_accepted_one": _("%(count)s a accepté la convention"),
        "lobby_accepted_other": _("%(count)s ont accepté la convention"),
        "connected": _("connecté"),
        "not_connected": _("absent"),
        "not_accepted": _("pas encore accepté"),
    }


# Each live page, by the name of its script (static/js/<page>.js), and its own messages.
PAGES: dict[str, tuple[Callable[[], dict[str, str]], ...]] = {
    "participant": (participant_messages,),
    "facilitator": (console_messages, _staff_messages),
    "projection": (projection_messages, _staff_messages),
}
