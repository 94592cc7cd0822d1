"""The method's terms in plain words, for the people who meet them at a step.

The method's names stay (convergence, nœud, apport théorique…): the group and
the report use them. Each comes with one short explanation a practitioner
understands without having read the method. The participant page shows them
one tap away (``templates/_plain.html``), the projection beside the term
(``t("plain_…")`` in static/js/projection.js and board.js).
"""

from flask_babel import gettext as _


def plain_messages() -> dict[str, str]:
    """The explanations, as messages for the scripts (see mag/web/i18n_client.py)."""
    return {
        "plain_board_summary": _("Convergence, divergence, nœud : qu'est-ce que c'est ?"),
        "plain_board": _(
            "Le tableau rassemble ce que les interprétations ont fait apparaître. Le groupe "
            "ne cherche pas à être d'accord sur tout : il note où il s'accorde, où il ne "
            "s'accorde pas, et ce qui coince."
        ),
        "plain_convergence": _(
            "Un point sur lequel plusieurs personnes voient la situation de la même façon, "
            "même si elles n'ont pas le même métier ni le même service."
        ),
        "plain_divergence": _(
            "Un point sur lequel les avis s'opposent ou ne se rejoignent pas. Le désaccord "
            "est noté tel quel : personne n'a à changer d'avis."
        ),
        "plain_noeud": _(
            "Un point qui bloque : une tension, une contradiction ou une question que le "
            "groupe repère sans pouvoir la trancher pour l'instant."
        ),
        "plain_theory_summary": _("Apport théorique : qu'est-ce que c'est ?"),
        "plain_theory": _(
            "Une idée venue d'ailleurs que de la séance (une notion, un résultat de "
            "recherche, un livre, un texte de loi) qui aide à comprendre la situation. On la "
            "compare au tableau : éclaire-t-elle ce que le groupe a dit, ou le "
            "contredit-elle ? Tout le monde peut en proposer, pas seulement les chercheurs."
        ),
        "plain_hypotheses_summary": _("Problématique, hypothèse : qu'est-ce que c'est ?"),
        "plain_problem": _(
            "Une question nouvelle que l'analyse a fait apparaître, et qui mérite d'être "
            "creusée au-delà de cette séance."
        ),
        "plain_hypothesis": _(
            "Une explication possible de ce qui se passe, à vérifier. Elle n'a pas besoin "
            "d'être sûre : on la formule pour en discuter et la mettre à l'épreuve."
        ),
        "plain_levels_summary": _("Les trois niveaux : qu'est-ce que c'est ?"),
        "plain_levels": _("Chaque piste d'action vise un niveau : qui peut la mettre en œuvre."),
        "plain_level_pratique": _(
            "Ce que vous et vos collègues pouvez changer dans votre propre travail, au quotidien."
        ),
        "plain_level_institution": _(
            "Ce que votre service, votre organisation ou les organismes avec qui vous "
            "travaillez peuvent changer : règles internes, moyens, organisation du travail."
        ),
        "plain_level_politique": _(
            "Ce qui dépend des pouvoirs publics ou de tout le secteur : lois, financements, "
            "administrations, fédérations et réseaux."
        ),
    }


def plain_words() -> dict[str, dict[str, object]]:
    """Each screen's explanation for the templates: its summary, a sentence, the terms."""
    m = plain_messages()
    return {
        "board": {
            "summary": m["plain_board_summary"],
            "intro": m["plain_board"],
            "terms": [
                (_("Convergence"), m["plain_convergence"]),
                (_("Divergence"), m["plain_divergence"]),
                (_("Nœud"), m["plain_noeud"]),
            ],
        },
        "theory": {
            "summary": m["plain_theory_summary"],
            "intro": None,
            "terms": [(_("Apport théorique"), m["plain_theory"])],
        },
        "hypotheses": {
            "summary": m["plain_hypotheses_summary"],
            "intro": None,
            "terms": [
                (_("Problématique"), m["plain_problem"]),
                (_("Hypothèse"), m["plain_hypothesis"]),
            ],
        },
        "levels": {
            "summary": m["plain_levels_summary"],
            "intro": m["plain_levels"],
            "terms": [
                (_("Pratique professionnelle"), m["plain_level_pratique"]),
                (_("Institution"), m["plain_level_institution"]),
                (_("Politique et secteur"), m["plain_level_politique"]),
            ],
        },
    }
