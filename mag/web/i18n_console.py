"""Messages of the console page's scripts (see mag/web/i18n_client.py).

Every key starts with ``console_``: all pages' messages share one namespace.
"""

from flask_babel import gettext as _


def _people() -> dict[str, str]:
    return {
        "console_behalf_team": _("moi-même / l'équipe"),
        "console_behalf_no_device": _("%(pseudonym)s (sans appareil)"),
        "console_add_person": _("Ajouter une personne sans appareil"),
        "console_pseudonym": _("Pseudonyme"),
        "console_function": _("Fonction (facultatif)"),
        "console_add_person_submit": _("Ajouter cette personne"),
        "console_no_device": _("sans appareil"),
        "console_accept_for_short": _("Enregistrer son accord"),
        # A button's name begins with its visible text (« Enregistrer son accord »…).
        "console_accept_for": _(
            "Enregistrer son accord (%(pseudonym)s accepte la convention à voix haute)"
        ),
        "console_seat_up": _("Avancer %(pseudonym)s d'une place"),
        "console_seat_down": _("Reculer %(pseudonym)s d'une place"),
        "console_narrator": _("raconte"),
        "console_has_voted": _("a voté"),
        "console_has_answered": _("a répondu"),
    }


def _time_and_entries() -> dict[str, str]:
    return {
        "console_spent_of_planned": _("%(spent)s min sur %(planned)s prévues"),
        "console_overrun": _("+%(minutes)s min"),
        "console_notes": _("Notes du rapporteur"),
        "console_note_label": _("Note (ce qui se dit, à garder)"),
        "console_add_note": _("Ajouter la note"),
        "console_notes_here": _("Notes de cette étape"),
        "console_cancel_edit": _("Annuler la modification"),
        "console_save_entry": _("Enregistrer"),
        "console_edit_entry": _("Modifier « %(text)s »"),
        "console_withdraw_entry": _("Retirer « %(text)s »"),
        "console_confirm_withdraw": _(
            "Retirer cette contribution ? Elle disparaîtra de tous les écrans."
        ),
        "console_reference": _("Référence : %(reference)s"),
    }


def _recits() -> dict[str, str]:
    return {
        "console_proposal_form": _("Proposer un récit pour un participant"),
        "console_proposal_hint": _(
            "Choisissez d'abord, en haut, la personne qui raconte sa situation à voix haute."
        ),
        "console_proposal_title": _("Titre du récit"),
        "console_proposal_body": _("La situation en quelques lignes"),
        "console_submit_proposal": _("Enregistrer la proposition"),
        "console_vote": _("Vote"),
        "console_who_voted": _("Ont voté : %(names)s"),
        "console_close_vote": _("Clore le vote"),
        "console_reopen_vote": _("Rouvrir le vote"),
        "console_ballot": _("Bulletin de vote"),
        "console_ballot_choose_person": _(
            "Pour voter au nom d'une personne, choisissez-la en haut, dans « Saisir pour »."
        ),
        "console_ballot_for": _(
            "Bulletin de %(pseudonym)s (secret : son choix ne s'affiche nulle part)"
        ),
        "console_already_voted": _("%(pseudonym)s a déjà voté."),
        "console_ballot_one": _("Son choix"),
        "console_ballot_several_one": _("Ses choix (%(count)s au plus)"),
        "console_ballot_several_other": _("Ses choix (%(count)s au plus)"),
        "console_ballot_rank": _("Choix n° %(rank)s"),
        "console_no_choice": _("(aucun)"),
        "console_cast_ballot": _("Enregistrer son vote"),
        "console_results": _("Résultats du vote"),
        "console_choose_recits": _("Choisir le ou les récits"),
        "console_choose_hint": _(
            "Cochez le ou les récits que le groupe analysera, dans l'ordre des résultats ; "
            "la personne qui a proposé le récit le raconte, sauf si vous en choisissez une autre."
        ),
        "console_narrator_for": _("Qui raconte « %(title)s »"),
        "console_choose_submit": _("Choisir ces récits"),
        "console_change_recits": _("Modifier le choix des récits"),
        "console_chosen_recits": _("Récits choisis"),
        "console_narrator_waiting": _("réponse attendue"),
        "console_narrator_accepted": _("accepte de raconter"),
        "console_narrator_declined": _("a refusé"),
        "console_accepts": _("Accepte"),
        "console_declines": _("Refuse"),
        "console_accept_narration_for": _(
            "%(pseudonym)s accepte de raconter (saisi pour elle ou lui)"
        ),
        "console_decline_narration_for": _(
            "%(pseudonym)s refuse de raconter (saisi pour elle ou lui)"
        ),
    }


def _speech() -> dict[str, str]:
    return {
        "console_narrator_words": _("Ce que dit la personne qui raconte"),
        "console_for_narrator": _("Saisi pour %(pseudonym)s, qui raconte."),
        "console_no_narrator": _("Aucun récit n'est en cours d'analyse."),
        "console_queue": _("Questions en attente"),
        "console_question_form": _("Une question pour un participant"),
        "console_question_label": _("La question, telle qu'elle est posée"),
        "console_save_question": _("Enregistrer la question"),
        "console_raise_hand": _("Main levée pour la personne choisie"),
        "console_write_question": _("Question de %(pseudonym)s"),
        "console_mark_current": _("En cours"),
        "console_mark_current_named": _("Marquer en cours : %(text)s"),
        "console_mark_answered_named": _("Marquer répondue : %(text)s"),
        "console_mark_queued": _("Remettre en attente"),
        "console_mark_queued_named": _("Remettre en attente : %(text)s"),
        "console_defer": _("Reporter au tour de table"),
        "console_defer_named": _("Reporter au tour de table : %(text)s"),
        "console_round": _("Tour de table"),
        "console_start_round": _("Lancer le tour de table"),
        "console_next_turn": _("Tour suivant"),
        "console_next_turn_named": _("Tour suivant : %(pseudonym)s a parlé"),
        "console_passed": _("Passe"),
        "console_passed_named": _("%(pseudonym)s passe son tour"),
        "console_pause": _("Pause du minuteur"),
        "console_resume": _("Reprendre le minuteur"),
        "console_extend": _("+%(minutes)s min"),
        "console_extend_named": _("+%(minutes)s min (prolonger ce tour)"),
        "console_interpretations": _("Interprétations de ce tour"),
        "console_interpretation_form": _("Une interprétation pour un participant"),
        "console_interpretation_label": _("L'interprétation, telle qu'elle est dite"),
        "console_presentations": _("Présentations écrites"),
        "console_presentation_form": _("Une présentation pour un participant"),
        "console_presentation_label": _("Ce que la personne dit d'elle-même"),
        "console_reply_label": _("%(pseudonym)s : %(text)s"),
        "console_replies": _("En réponse à %(items)s"),
        "console_nothing_yet": _("Rien d'écrit pour l'instant."),
        "console_reveal": _("Dévoiler les contributions"),
        "console_hidden_count_one": _("%(count)s contribution cachée jusqu'au dévoilement"),
        "console_hidden_count_other": _("%(count)s contributions cachées jusqu'au dévoilement"),
    }


def _analysis() -> dict[str, str]:
    return {
        "console_board": _("Tableau de l'analyse"),
        "console_board_item": _("%(kind)s : %(title)s"),
        "console_for_participant_hint": _(
            "Choisissez en haut la personne dont vous notez la proposition."
        ),
        "console_for_anyone_hint": _(
            "Au nom de l'équipe, ou d'une personne choisie en haut dans « Saisir pour »."
        ),
        "console_suggestion_form": _("Une suggestion pour le tableau"),
        "console_board_kind": _("Sorte d'élément"),
        "console_item_title": _("Titre"),
        "console_item_formulation": _("Formulation"),
        "console_item_corrected": _("Élément corrigé"),
        "console_new_item": _("Aucun : un nouvel élément"),
        "console_theory_form": _("Un apport théorique"),
        "console_concept": _("Notion"),
        "console_explanation": _("Explication"),
        "console_reference_label": _("Référence (facultatif)"),
        "console_links": _("Éléments du tableau concernés"),
        "console_linked_items": _("Lié à : %(items)s"),
        "console_hypothesis_form": _("Une hypothèse ou une question nouvelle"),
        "console_hypothesis_label": _("Hypothèse ou question"),
        "console_perspective_form": _("Une perspective pratique"),
        "console_level": _("Niveau"),
        "console_perspective_label": _("La proposition d'action"),
        "console_no_perspective": _("Aucune proposition à ce niveau pour l'instant."),
        "console_support": _("Soutenir"),
        "console_unsupport": _("Retirer son soutien"),
        "console_support_for": _("Soutenir (pour %(pseudonym)s)"),
        "console_unsupport_for": _("Retirer son soutien (pour %(pseudonym)s)"),
    }


def _evaluation() -> dict[str, str]:
    return {
        "console_evaluation": _("Évaluation"),
        "console_evaluation_anonymous": _(
            "Les réponses sont anonymes : on voit combien ont répondu, jamais qui a répondu quoi."
        ),
        "console_reveal_summary": _("Dévoiler le résumé"),
        "console_evaluation_choose_person": _(
            "Pour saisir les réponses d'une personne, choisissez-la en haut, dans « Saisir pour »."
        ),
        "console_answers_for": _("Réponses de %(pseudonym)s (anonymes une fois enregistrées)"),
        "console_already_answered": _("%(pseudonym)s a déjà répondu."),
        "console_evaluation_form": _("Réponses à l'évaluation"),
        "console_scale_question": _("%(text)s (de %(min)s à %(max)s)"),
        "console_no_answer": _("sans réponse"),
        "console_save_answers": _("Enregistrer ses réponses"),
        "console_summary": _("Résumé de l'évaluation"),
        "console_answers_one": _("%(count)s réponse"),
        "console_answers_other": _("%(count)s réponses"),
        "console_distribution": _("%(value)s : %(count)s"),
    }


def _synthesis() -> dict[str, str]:
    """The synthesis editor, its versions and the group's review (console/synthesis.js, review.js)."""
    return {
        "console_http_offline": _(
            "Le serveur ne répond pas : vérifiez la connexion, puis réessayez."
        ),
        "console_http_error": _("Le serveur a refusé la demande (erreur %(status)s)."),
        "console_member_named": _("%(name)s (%(role)s)"),
        "console_synthesis_loading": _("Préparation du brouillon à partir de la séance…"),
        "console_synthesis_based_on": _("Dans l'éditeur : la version %(version)s"),
        "console_synthesis_from_draft": _(
            "Dans l'éditeur : le brouillon généré (aucune version enregistrée)"
        ),
        "console_synthesis_unsaved": _("modifications non enregistrées"),
        "console_synthesis_newer": _(
            "La version %(version)s a été enregistrée par %(author)s (%(time)s) pendant que vous "
            "écriviez. Rechargez-la avant d'enregistrer : votre texte restera disponible pour y "
            "reprendre des passages."
        ),
        "console_synthesis_reload": _("Recharger la version %(version)s"),
        "console_synthesis_saved": _("Version %(version)s enregistrée."),
        "console_confirm_draft": _(
            "Remplacer le texte de l'éditeur par le brouillon généré à partir de la séance ? "
            "Les versions enregistrées restent dans la liste."
        ),
        "console_synthesis_draft_loaded": _(
            "Brouillon généré chargé : enregistrez-le pour en faire une nouvelle version."
        ),
        "console_version_number": _("Version %(version)s"),
        "console_compare_previous": _("Comparer avec la précédente"),
        "console_compare_named": _(
            "Comparer avec la précédente (version %(version)s et version %(previous)s)"
        ),
        "console_validation_open": _("Relecture ouverte : le groupe relit la version %(version)s."),
        "console_validation_closed": _("Relecture close (version %(version)s)."),
        "console_validation_none": _("La relecture n'a pas encore été ouverte."),
        "console_validation_after_end": _("La relecture s'ouvre une fois la séance terminée."),
        "console_validation_needs_version": _(
            "Enregistrez d'abord une version de la synthèse : c'est elle que le groupe relira."
        ),
        "console_validation_newer": _(
            "Une version plus récente (%(version)s) existe : ouvrez la relecture sur celle-ci "
            "pour la soumettre au groupe."
        ),
        "console_open_validation": _("Ouvrir la relecture (version %(version)s)"),
        "console_review_withdrawn": _("a retiré sa participation"),
        "console_review_approved": _("a approuvé la version %(version)s"),
        "console_review_approved_older": _(
            "a approuvé la version %(version)s (une version antérieure)"
        ),
        "console_review_comments_one": _("%(count)s commentaire"),
        "console_review_comments_other": _("%(count)s commentaires"),
        "console_review_pending_one": _("%(count)s amendement en attente"),
        "console_review_pending_other": _("%(count)s amendements en attente"),
        "console_review_not_yet": _("pas encore"),
        "console_withdrawn_named": _("%(pseudonym)s (retiré·e)"),
        "console_approve_for": _("Approuver pour %(pseudonym)s"),
        "console_confirm_approve_for": _(
            "Enregistrer que %(pseudonym)s approuve la version %(version)s de la synthèse "
            "(dit à voix haute) ?"
        ),
        "console_withdraw_for_short": _("Retirer sa participation"),
        "console_withdraw_for": _("Retirer sa participation (%(pseudonym)s)"),
        "console_confirm_withdraw_for": _(
            "%(pseudonym)s retire sa participation ? Ses propos seront retirés de la synthèse, "
            "des exports et de l'archive. Cela ne peut pas être annulé."
        ),
        "console_section_intro": _("Introduction"),
        "console_comment": _("Commentaire"),
        "console_amendment": _("Amendement"),
        "console_amendment_pending": _("en attente"),
        "console_amendment_accepted": _("retenu"),
        "console_amendment_declined": _("écarté"),
        "console_keep_amendment": _("Retenir"),
        "console_keep_amendment_named": _("Retenir l'amendement de %(pseudonym)s : %(text)s"),
        "console_decline_amendment": _("Écarter"),
        "console_decline_amendment_named": _("Écarter l'amendement de %(pseudonym)s : %(text)s"),
    }


def _publication() -> dict[str, str]:
    """Pseudonymisation, export settings and the archive (console/publication.js)."""
    return {
        "console_replacement_find": _("Nom à remplacer, ligne %(number)s"),
        "console_replacement_replace": _("Remplacement, ligne %(number)s"),
        "console_remove_row": _("Retirer"),
        "console_replacement_automatic": _("automatique : pseudonyme remplacé par la fonction"),
        "console_remove_row_named": _("Retirer la ligne %(number)s (%(name)s)"),
        "console_replacements_saved_one": _("Liste enregistrée : %(count)s nom."),
        "console_replacements_saved_other": _("Liste enregistrée : %(count)s noms."),
        "console_check_save_first": _(
            "Enregistrez d'abord la liste : la vérification porte sur la liste enregistrée."
        ),
        "console_check_empty_list": _("La liste est vide : il n'y a rien à vérifier."),
        "console_checking": _("Vérification en cours…"),
        "console_check_clean": _("Aucun nom de la liste ne subsiste."),
        "console_check_hits_one": _(
            "%(count)s endroit ressemble encore à un nom de la liste : ajoutez une ligne à la "
            "liste ou corrigez le texte."
        ),
        "console_check_hits_other": _(
            "%(count)s endroits ressemblent encore à un nom de la liste : ajoutez des lignes à la "
            "liste ou corrigez les textes."
        ),
        "console_check_place": _("Où"),
        "console_check_speaker": _("Qui"),
        "console_check_found": _("Mot trouvé"),
        "console_check_name": _("Nom de la liste"),
        "console_check_excerpt": _("Extrait"),
        "console_settings_unchanged": _("Rien n'a changé."),
        "console_settings_saved": _("Réglages enregistrés."),
        "console_archive_after_end": _("L'archivage se fait une fois la séance terminée."),
        "console_archive_hint": _(
            "« Clore et archiver » écrit le dossier d'archive de la séance et la fige : plus rien "
            "n'y changera, sauf sa date de conservation."
        ),
        "console_archive_steering": _("Seule l'animation peut archiver la séance."),
        "console_confirm_archive": _(
            "Clore et archiver la séance ? C'est définitif : la synthèse, la relecture et les "
            "réglages ne pourront plus changer (sauf la date de conservation)."
        ),
        "console_archiving": _("Archivage en cours…"),
        "console_archive_queued": _(
            "Archivage : en attente (d'autres préparations sont en cours sur le serveur)…"
        ),
        "console_archive_progress": _("Archivage en cours… %(done)s/%(total)s fichiers"),
        "console_archive_done": _("Archivage terminé."),
    }


def _exports() -> dict[str, str]:
    """Exports and archiving prepared on the server, in jobs (console/exports.js, report.js)."""
    return {
        "console_export_starting": _("Préparation du %(format)s…"),
        "console_export_queued": _(
            "Préparation du %(format)s : en attente (d'autres préparations sont en cours sur le "
            "serveur)…"
        ),
        "console_export_progress": _("Préparation du %(format)s… %(done)s/%(total)s"),
        "console_export_ready": _("Le %(format)s est prêt :"),
        "console_export_download": _("Télécharger le %(format)s"),
        "console_job_failed": _("La préparation a échoué : réessayez."),
    }


def console_messages() -> dict[str, str]:
    return {
        **_people(),
        **_time_and_entries(),
        **_recits(),
        **_speech(),
        **_analysis(),
        **_evaluation(),
        **_synthesis(),
        **_publication(),
        **_exports(),
    }
