"""Messages of the projection page's scripts (see mag/web/i18n_client.py).

Keys start with ``projection_``: the pages' modules share one dictionary.
"""

from flask_babel import gettext as _


def projection_messages() -> dict[str, str]:
    return {
        # The frame: the lobby, the end, the fullscreen toggle, the step's time.
        "projection_ended_thanks": _(
            "Merci à toutes et à tous. La synthèse vous sera soumise pour relecture et validation."
        ),
        "projection_fullscreen": _("Plein écran"),
        "projection_fullscreen_exit": _("Quitter le plein écran"),
        "projection_step_time_label": _("Temps de l'étape"),
        # "12:34 sur 20 min": time spent on the step so far, out of the time planned.
        "projection_step_time": _("%(elapsed)s sur %(planned)s min"),
        "projection_nothing_yet": _("Rien n'est encore noté."),
        # Convention and proposals.
        "projection_convention": _("Convention de travail"),
        "projection_proposals_empty": _("Pas encore de proposition de récit."),
        # The vote.
        "projection_vote_single": _("Une voix par personne"),
        "projection_vote_multiple": _("%(votes)s voix par personne"),
        "projection_vote_ranking": _("Chacun et chacune classe jusqu'à %(votes)s récits"),
        "projection_vote_secret": _("Les votes restent secrets jusqu'à la clôture."),
        "projection_candidates": _("Les récits proposés"),
        "projection_results": _("Résultats du vote"),
        "projection_chosen": _("Récits choisis"),
        "projection_chosen_mark": _("choisi"),
        "projection_narrator_pending": _("attend l'accord de la personne qui raconte"),
        "projection_narrator_accepted": _("accepte de raconter"),
        "projection_narrator_declined": _("ne souhaite pas raconter"),
        # Narration, stakes, reactions.
        "projection_recit_proposed": _("Le récit tel qu'il a été proposé"),
        "projection_notes": _("Notes du rapporteur"),
        "projection_stakes": _("Les enjeux"),
        "projection_reactions": _("Les réactions"),
        # Questions.
        "projection_no_current_question": _("Pas de question en cours."),
        "projection_questions_queued_one": _("%(count)s question en attente"),
        "projection_questions_queued_other": _("%(count)s questions en attente"),
        "projection_questions_answered_one": _("%(count)s question répondue"),
        "projection_questions_answered_other": _("%(count)s questions répondues"),
        # Rounds.
        "projection_interpretations": _("Interprétations écrites"),
        "projection_in_reply_to": _("En réponse à %(names)s"),
        # Board, theory, hypotheses.
        "projection_board": _("Le tableau d'analyse"),
        "projection_theory": _("Apports théoriques"),
        "projection_theory_empty": _("Aucun apport pour l'instant."),
        "projection_hypotheses": _("Problématiques et hypothèses"),
        "projection_hypotheses_empty": _("Aucune hypothèse pour l'instant."),
        "projection_board_links": _("Se rapporte à : %(titles)s"),
        # Perspectives and evaluation.
        "projection_perspectives_empty": _("Rien à ce niveau pour l'instant."),
        "projection_evaluation_summary": _("Ce que le groupe a répondu"),
        "projection_answers_one": _("%(count)s réponse"),
        "projection_answers_other": _("%(count)s réponses"),
        # One bar of a scale question: "4 : 3 réponses".
        "projection_value_one": _("%(value)s : %(count)s réponse"),
        "projection_value_other": _("%(value)s : %(count)s réponses"),
    }
