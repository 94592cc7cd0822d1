"""Messages of the participant page's scripts (see mag/web/i18n_client.py).

Only the participant page gets them: what a module that other pages import too
(round.js, board.js, common.js…) shows goes in i18n_client.py's shared messages.
"""

from flask_babel import gettext as _


def _narrator_messages() -> dict[str, str]:
    return {
        "expect_narrator_narration": _(
            "À vous : racontez la situation en détail, à votre rythme. Personne ne vous "
            "interrompt ; le rapporteur prend note."
        ),
        "expect_narrator_stakes": _(
            "À vous : dites ce qui, pour vous, est en jeu dans cette situation. Vous pouvez "
            "aussi l'écrire ci-dessous."
        ),
        "expect_narrator_questions": _("À vous : répondez aux questions du groupe sur les faits."),
        "expect_narrator_round": _(
            "Écoutez les interprétations sans répondre ; vous parlez en dernier."
        ),
        "expect_narrator_reactions": _(
            "À vous : réagissez aux interprétations que vous avez entendues. Vous pouvez "
            "aussi l'écrire ci-dessous."
        ),
        "chosen_to_narrate": _("Vous êtes choisi·e pour raconter « %(title)s »."),
        "chosen_to_narrate_help": _(
            "Vous raconterez la situation en détail au groupe. Acceptez-vous ?"
        ),
        "accept_narration": _("J'accepte de raconter"),
        "decline_narration": _("Je préfère ne pas raconter"),
        "narrator_pending": _("en attente de sa réponse"),
        "narrator_accepted": _("a accepté de raconter"),
        "narrator_declined": _("a décliné"),
        "stakes_label": _("Ce que vous voyez comme enjeux (facultatif)"),
        "reaction_label": _("Votre réaction aux interprétations (facultatif)"),
    }


def _vote_messages() -> dict[str, str]:
    return {
        "vote_mode_single": _("Vote à une voix : chaque personne choisit un seul récit."),
        "vote_mode_multiple": _(
            "Vous avez %(votes)s voix : choisissez jusqu'à %(votes)s récits différents, "
            "chacun reçoit une voix."
        ),
        "vote_mode_ranking": _(
            "Vote par classement : classez jusqu'à %(votes)s récits. Votre premier choix "
            "reçoit %(votes)s points, le suivant un de moins, et ainsi de suite."
        ),
        "ballot_legend_single": _("Choisissez un récit"),
        "ballot_legend_multiple": _("Choisissez jusqu'à %(votes)s récits"),
        "ballot_legend_ranking": _("Votre classement (le premier est votre préféré)"),
        "rank_label": _("Choix n° %(rank)s"),
        "no_choice": _("— aucun —"),
        "ballot_empty": _("Choisissez au moins un récit avant de voter."),
        "ballot_duplicate": _("Le même récit est classé deux fois : corrigez votre classement."),
        "confirm_ballot": _(
            "Vous votez pour : %(choices)s. Un vote envoyé ne peut plus être modifié. "
            "Envoyer ce vote ?"
        ),
        "points": _("%(score)s points"),
    }


def _contribution_messages() -> dict[str, str]:
    return {
        "presentation_label": _("Quelques mots pour vous présenter (facultatif)"),
        "interpretation_label": _(
            "Votre interprétation (facultatif : vous pouvez aussi seulement parler)"
        ),
        "presentations_heading": _("Ce que les autres ont écrit"),
        "interpretations_heading": _("Les interprétations du groupe"),
        "pass_hint": _("Si vous passez, vous reprendrez la parole à la fin du tour."),
        "pass_again_hint": _(
            "Vous avez déjà passé une fois : si vous passez encore, votre tour est fini."
        ),
        "reply_ref": _("%(pseudonym)s : « %(text)s »"),
        "edit_contribution_named": _("Modifier « %(text)s »"),
        "withdraw_contribution_named": _("Retirer « %(text)s »"),
        "confirm_withdraw_contribution": _(
            "Retirer ce que vous avez écrit ? Cela disparaîtra de tous les écrans."
        ),
        "suggestion_new_item": _("Aucun : un nouvel élément"),
        "suggestion_pending": _("En attente de réponse"),
        "suggestion_accepted": _("Retenue dans le tableau"),
        "suggestion_declined": _("Non retenue"),
        "correction_of": _("correction de « %(title)s »"),
        "reference": _("Référence : %(reference)s"),
        "linked_items": _("Éléments du tableau liés : %(titles)s"),
        "support": _("Je soutiens"),
        "unsupport": _("Je ne soutiens plus"),
        "support_named": _("Je soutiens « %(text)s »"),
        "unsupport_named": _("Je ne soutiens plus « %(text)s »"),
        "no_perspective": _("Aucune proposition à ce niveau pour l'instant."),
        "evaluation_empty": _("Répondez au moins à une question."),
        "answers_one": _("%(count)s réponse"),
        "answers_other": _("%(count)s réponses"),
        "distribution_one": _("%(value)s : %(count)s personne"),
        "distribution_other": _("%(value)s : %(count)s personnes"),
    }


def _review_messages() -> dict[str, str]:
    """The synthesis a participant rereads after the session (static/js/review.js)."""
    return {
        "review_version": _("Version %(version)s"),
        "review_unavailable": _(
            "La synthèse n'a pas pu être chargée. Vérifiez votre connexion, puis réessayez."
        ),
        "sent": _("C'est envoyé."),
        "review_read": _("Lire « %(section)s »"),
        "step_announce": _("Nouvelle étape : %(step)s. %(expected)s"),
        "review_not_sent": _("Ce n'est pas parti : vérifiez votre connexion, puis réessayez."),
        "review_comment": _("Commenter"),
        "review_amendment": _("Proposer une autre formulation"),
        "review_comment_named": _("Commenter la partie « %(section)s »"),
        "review_amendment_named": _("Proposer une autre formulation pour « %(section)s »"),
        "review_comment_label": _("Votre commentaire sur « %(section)s »"),
        "review_amendment_label": _("Votre formulation pour « %(section)s »"),
        "review_comment_help": _(
            "Dites ce qui vous semble juste, faux ou manquant. Seule l'équipe d'animation le lit."
        ),
        "review_amendment_help": _(
            "Écrivez le passage comme vous aimeriez le lire dans la synthèse. "
            "Seule l'équipe d'animation le lit, et vous dit si elle le retient."
        ),
        "review_send_comment": _("Envoyer le commentaire"),
        "review_send_amendment": _("Envoyer la proposition"),
        "review_cancel": _("Annuler"),
        "review_empty": _("Écrivez quelque chose avant d'envoyer."),
        "review_sent_comment": _("Merci : votre commentaire est envoyé."),
        "review_sent_amendment": _("Merci : votre proposition est envoyée."),
        "review_mine_named": _("Ce que vous avez envoyé sur « %(section)s »"),
        "review_kind_comment": _("Votre commentaire"),
        "review_kind_amendment": _("Votre proposition de formulation"),
        "review_status_pending": _("En attente de réponse de l'équipe"),
        "review_status_accepted": _("Retenue par l'équipe"),
        "review_status_declined": _("Écartée par l'équipe"),
        "review_on_version": _("sur la version %(version)s"),
        "review_approved": _("Vous avez approuvé la version %(version)s."),
        "review_newer": _(
            "Vous avez approuvé la version %(previous)s. C'est maintenant la version "
            "%(version)s qui est en relecture : relisez-la, puis approuvez-la si elle vous "
            "convient."
        ),
    }


def participant_messages() -> dict[str, str]:
    return {
        "fiche_consent_question": _(
            "L'équipe de recherche propose votre fiche incident comme récit. Le groupe ne la "
            "voit pas encore : acceptez-vous de la lui proposer ?"
        ),
        "fiche_consent_yes": _("Oui, la proposer au groupe"),
        "fiche_consent_no": _("Non, la retirer"),
        **_narrator_messages(),
        **_vote_messages(),
        **_contribution_messages(),
        **_review_messages(),
    }
