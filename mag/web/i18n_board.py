"""Messages of the analysis board's script (see mag/web/i18n_client.py)."""

from flask_babel import gettext as _


def board_messages() -> dict[str, str]:
    return {
        # The board as everyone sees it.
        "board_empty": _("Rien pour l'instant."),
        "board_links_one": _("%(count)s interprétation liée"),
        "board_links_other": _("%(count)s interprétations liées"),
        # The research team's controls on each item.
        "board_no_links": _("Aucune interprétation liée"),
        "board_edit_named": _("Modifier « %(title)s »"),
        "board_move_up": _("Monter"),
        "board_move_up_named": _("Monter « %(title)s »"),
        "board_move_down": _("Descendre"),
        "board_move_down_named": _("Descendre « %(title)s »"),
        "board_remove": _("Retirer"),
        "board_remove_named": _("Retirer « %(title)s » du tableau"),
        "board_confirm_remove": _(
            "Retirer « %(title)s » du tableau ? Les interprétations liées restent dans la séance."
        ),
        # The form to add or edit an item.
        "board_form_add": _("Ajouter au tableau"),
        "board_form_edit": _("Modifier « %(title)s »"),
        "board_edit_gone": _(
            "Cet élément a été retiré du tableau entre-temps : l'enregistrer l'ajoutera à nouveau."
        ),
        "board_field_kind": _("Type"),
        "board_field_title": _("Titre"),
        "board_field_formulation": _("Formulation"),
        "board_no_candidates": _("Pas encore d'interprétation pour ce récit."),
        # A contribution to tick: "Ana : Les usagers n'ont pas d'adresse mail…"
        "board_candidate": _("%(author)s : %(text)s"),
        "board_add": _("Ajouter au tableau"),
        "board_cancel_edit": _("Annuler la modification"),
        # The participants' suggestions.
        "board_suggestions": _("Suggestions des participants"),
        "board_suggestions_none": _("Aucune suggestion en attente."),
        "board_settled_one": _("%(count)s suggestion traitée"),
        "board_settled_other": _("%(count)s suggestions traitées"),
        "board_suggested_by": _("Suggéré par %(pseudonym)s"),
        "board_suggestion_corrects": _("Corrige « %(title)s »"),
        "board_suggestion_corrects_removed": _("Corrige un élément qui a été retiré du tableau"),
        "board_suggestion_accepted": _("Acceptée"),
        "board_suggestion_declined": _("Refusée"),
        "board_accept": _("Accepter"),
        "board_accept_named": _("Accepter la suggestion « %(title)s »"),
        "board_decline": _("Refuser"),
        "board_decline_named": _("Refuser la suggestion « %(title)s »"),
    }
