"""What is said in the example session that ``mag demo`` plays: plain data, in French.

The playing code (:func:`mag.demo.play_demo_session`) walks these lists in the
order of the ``mag-complet`` protocol and sends each line as the command a
browser would send. People are named by a key (``"nadia"``); what they say
that others refer to later (an interpretation answered, a board item linked)
has a key too, which the player turns into a browser-made id.

The people and the situations are invented. The names of third parties
(« Mme Lambert », « Saint-Gilles »…) are there on purpose: the rapporteur's
replacement list (:data:`REPLACEMENTS`) takes them out of every export.
"""

TITLE = "Exemple complet : le numérique dans l'accompagnement social"

RAPPORTEUR = "Claire"

# In join order. ``device``: False for the person the rapporteur registers and
# types for (she has no smartphone); everything she says goes through the rapporteur.
PARTICIPANTS = [
    {
        "key": "nadia",
        "pseudonym": "Nadia",
        "function": "AS en CPAS",
        "device": True,
        "presentation": (
            "Nadia, assistante sociale au service social de première ligne d'un CPAS "
            "bruxellois depuis neuf ans. Je reçois surtout des personnes pour le revenu "
            "d'intégration et les aides complémentaires : énergie, frais médicaux, loyer."
        ),
    },
    {
        "key": "lucie",
        "pseudonym": "Lucie",
        "function": "éducatrice de rue",
        "device": True,
        "presentation": (
            "Lucie, éducatrice de rue dans une association de travail de rue. Je rencontre "
            "des jeunes adultes dans l'espace public, souvent sans logement stable, et je les "
            "accompagne vers les services quand ils le demandent."
        ),
    },
    {
        "key": "samira",
        "pseudonym": "Samira",
        "function": "médiatrice numérique en EPN",
        "device": True,
        "presentation": (
            "Samira, médiatrice numérique dans un espace public numérique. Beaucoup de gens "
            "ne viennent pas chez nous pour apprendre l'informatique mais pour qu'on fasse "
            "leurs démarches avec eux, parce que le guichet a fermé."
        ),
    },
    {
        "key": "thomas",
        "pseudonym": "Thomas",
        "function": "assistant social hospitalier",
        "device": True,
        "presentation": (
            "Thomas, assistant social à l'hôpital, au service social de la médecine interne. "
            "Je prépare les sorties d'hospitalisation : aide à domicile, mutualité, "
            "revenus, logement."
        ),
    },
    {
        "key": "karim",
        "pseudonym": "Karim",
        "function": "médiateur de dettes en service associatif",
        "device": True,
        "presentation": (
            "Karim, médiateur de dettes dans un service agréé. Je travaille avec des personnes "
            "surendettées qui doivent négocier avec des banques et des fournisseurs qu'on ne "
            "peut plus joindre qu'en ligne."
        ),
    },
    {
        "key": "marcel",
        "pseudonym": "Marcel",
        "function": "bénévole en épicerie sociale",
        "device": False,
        "presentation": (
            "Marcel, bénévole depuis six ans au comptoir d'une épicerie sociale. Je n'ai pas "
            "de smartphone et je n'en veux pas ; je suis là pour dire ce que je vois au comptoir."
        ),
    },
]

# 0.1 Convention de travail: what the rapporteur writes down while it is discussed.
CONVENTION_NOTES = [
    "Karim demande si les noms des personnes accompagnées figureront dans le rapport. "
    "Réponse de l'animation : non, la rapporteuse tient une liste de remplacement appliquée "
    "à tous les documents exportés, et les participants y sont désignés par leur fonction.",
    "Marcel n'a pas de smartphone : il donne son accord à voix haute et la rapporteuse "
    "l'enregistre pour lui. Il en sera de même pour tout ce qu'il dira.",
]

# 0.2 Tour de présentation: who passes at first and comes back at the end of the round.
PRESENTATION_PASSES_FIRST = "thomas"
PRESENTATION_NOTES = [
    "Thomas, arrivé pendant la lecture de la convention, préfère se présenter en dernier.",
]

# 1.1 Propositions de récits.
PROPOSALS = [
    {
        "key": "lambert",
        "author": "nadia",
        "title": "Le rendez-vous qu'il fallait prendre en ligne",
        "body": (
            "Mme Lambert, 67 ans, vient au CPAS de Saint-Gilles sans rendez-vous : elle a reçu "
            "un rappel pour sa facture d'énergie et voudrait demander l'aide du fonds énergie. "
            "L'accueil lui explique que les rendez-vous se prennent désormais par un formulaire "
            "en ligne, ou par téléphone le matin. Elle n'a pas d'ordinateur et la ligne est "
            "toujours occupée. Elle revient trois fois en deux semaines. La troisième fois, je "
            "la reçois entre deux rendez-vous, en sachant que je contourne la règle du service."
        ),
    },
    {
        "key": "diallo",
        "author": "thomas",
        "title": "Une sortie d'hôpital suspendue à un code",
        "body": (
            "M. Diallo, 58 ans, hospitalisé à Anderlecht après un AVC, doit rentrer chez lui "
            "avec une aide familiale. Pour activer l'intervention, il faut se connecter à "
            "l'espace en ligne de sa mutualité avec l'application d'identification de son "
            "smartphone. Son téléphone est resté chez lui et il ne se souvient plus de son code. "
            "Sa sortie est reportée de quatre jours alors qu'il est médicalement prêt."
        ),
    },
    {
        "key": "kevin",
        "author": "lucie",
        "title": "Le téléphone volé",
        "body": (
            "Kevin, 23 ans, dort entre un squat et chez des amis. On lui vole son téléphone. "
            "Sans téléphone, il ne reçoit plus les codes de connexion de sa banque ni les "
            "messages de l'organisme qui paie ses allocations. Il rate une convocation et ses "
            "allocations sont suspendues. Nous passons un après-midi dans un EPN à tout essayer "
            "de récupérer, sans y arriver."
        ),
    },
    {
        "key": "janssens",
        "author": "marcel",
        "title": "Le lecteur de carte de Mme Janssens",
        "body": (
            "Mme Janssens a 81 ans et vient à l'épicerie chaque mardi. L'agence bancaire de "
            "Forest a fermé. Elle me demande de faire ses virements avec son lecteur de carte, "
            "au comptoir, et me dicte son code. Je l'ai fait plusieurs semaines, puis on m'a "
            "demandé d'arrêter. Je ne sais pas qui l'aide maintenant."
        ),
    },
]
PROPOSALS_NOTES = [
    "Chacun présente sa situation en deux minutes. Lucie et Thomas précisent que leurs "
    "situations datent de moins d'un mois ; Marcel dicte la sienne à la rapporteuse.",
]

# 1.2 Choix du récit: two votes each (mag-complet: mode "multiple", votes = 2).
BALLOTS = {
    "nadia": ["janssens", "diallo"],
    "lucie": ["lambert", "janssens"],
    "samira": ["lambert", "kevin"],
    "thomas": ["lambert", "janssens"],
    "karim": ["janssens", "lambert"],
    "marcel": ["lambert", "diallo"],
}
CHOSEN = ["lambert", "janssens"]  # each narrated by its proposer
VOTE_NOTES = [
    "Le groupe choisit d'analyser les deux récits arrivés en tête, qui se répondent : l'un "
    "vu depuis une institution publique, l'autre depuis le comptoir d'une association. "
    "Thomas et Lucie gardent leurs situations pour une prochaine séance.",
]

# The seats around the table: the order of the interpretation rounds (the narrator speaks last).
SEATING = ["lucie", "thomas", "samira", "karim", "marcel", "nadia"]

# 1.3 to 3.3, once per chosen récit, in the order of CHOSEN.
RECITS = [
    {
        "narration": [
            "Nadia travaille depuis neuf ans à l'accueil social de première ligne. Depuis une "
            "réorganisation il y a deux ans, l'accueil sans rendez-vous est supprimé : on prend "
            "rendez-vous par un formulaire sur le site de la commune, ou par téléphone de 9 h "
            "à 11 h.",
            "Mme Lambert se présente un lundi avec un rappel de son fournisseur d'énergie. "
            "L'agent d'accueil lui remet un papier avec l'adresse du formulaire. Elle revient le "
            "jeudi : elle a essayé d'appeler, la ligne était occupée. On lui redonne le même "
            "papier.",
            "La troisième fois, Mme Lambert pleure dans la salle d'attente. Nadia la voit en "
            "passant, la fait entrer dans son bureau entre deux rendez-vous et ouvre la demande "
            "au fonds énergie. Sa responsable lui rappelle ensuite que « si on fait des "
            "exceptions, le système ne tient plus ».",
            "Nadia dit qu'elle n'est fière ni d'avoir contourné la règle, ni d'avoir attendu la "
            "troisième visite. Sa collègue Valérie lui a dit qu'elle aurait fait la même chose, "
            "« mais pas devant l'accueil ».",
        ],
        "stakes": (
            "Pour moi, l'enjeu, c'est de savoir qui porte le coût de la numérisation : "
            "l'usagère qui revient trois fois, l'agent d'accueil qui applique une règle qu'il "
            "n'a pas choisie, ou l'assistante sociale qui fait des exceptions en cachette. Je "
            "voudrais comprendre si ce que j'ai fait est une solution ou si ça entretient le "
            "problème."
        ),
        # In the order they are asked, each answered before the next. ``hand``: a raised
        # hand, filled in by the rapporteur with what was said aloud. ``deferred``: an
        # interpretation disguised as a question, moved to the first round. ``answer``: the
        # narrator's answer, noted by the rapporteur.
        "questions": [
            {
                "by": "thomas",
                "body": "Combien de personnes l'accueil renvoie-t-il ainsi vers le formulaire, "
                "à peu près, chaque semaine ?",
                "answer": "Nadia : personne ne les compte. L'accueil parle d'une dizaine de "
                "personnes par jour.",
            },
            {
                "by": "samira",
                "body": "Le formulaire peut-il être rempli par quelqu'un d'autre, un proche ou "
                "un EPN, au nom de la personne ?",
                "answer": "Oui, mais il faut une adresse e-mail pour recevoir la confirmation du "
                "rendez-vous, et Mme Lambert n'en a pas.",
            },
            {
                "by": "lucie",
                "hand": True,
                "body": "Est-ce que Mme Lambert avait quelqu'un autour d'elle, de la famille, "
                "des voisins ?",
                "answer": "Une fille qui habite loin, qu'elle ne veut pas « déranger avec ça ».",
            },
            {
                "by": "karim",
                "key": "q-karim",
                "deferred": True,
                "body": "Est-ce que la suppression de l'accueil sans rendez-vous n'a pas surtout "
                "servi à réduire la file, plutôt qu'à mieux recevoir les gens ?",
            },
            {
                "by": "marcel",
                "body": "Est-ce que l'agent d'accueil aurait pu vous appeler directement ?",
                "answer": "Non : l'accueil n'a pas accès aux agendas des assistantes sociales.",
            },
        ],
        "first_round": {
            "passes_first": "karim",
            "extended_for": "lucie",
            "said": {
                "lucie": (
                    "r1-lucie",
                    "Je vois une institution qui a reporté sur les usagers le travail d'accueil "
                    "qu'elle faisait avant : chercher le formulaire, rappeler, revenir. "
                    "Mme Lambert n'a pas échoué : elle a fait ce travail trois fois, sans que "
                    "personne ne le voie comme un travail.",
                ),
                "thomas": (
                    "r1-thomas",
                    "La règle protège l'organisation du service, pas la personne. Nadia a fait "
                    "ce que fait souvent le travail social : réparer au cas par cas ce que "
                    "l'organisation produit, mais en silence, donc sans que rien ne change.",
                ),
                "samira": (
                    "r1-samira",
                    "Le formulaire suppose une adresse e-mail, un appareil et de l'aisance. À "
                    "l'EPN, nous recevons chaque semaine des personnes envoyées par des services "
                    "qui ont fermé leur guichet. L'accompagnement a été déplacé vers nous, sans "
                    "moyens et sans qu'on nous le demande.",
                ),
                "marcel": (
                    "r1-marcel",
                    "Je pense que Mme Lambert a eu honte. Revenir trois fois, pleurer dans une "
                    "salle d'attente, c'est se faire remarquer. Beaucoup de gens de l'épicerie ne "
                    "seraient pas revenus la deuxième fois : ils laissent tomber leur droit "
                    "plutôt que de s'humilier.",
                ),
                "nadia": (
                    "r1-nadia",
                    "En vous écoutant, je me dis que mon exception a aussi arrangé le service : "
                    "grâce à elle, Mme Lambert n'a pas porté plainte, et personne n'a vu que la "
                    "procédure ne marchait pas pour elle.",
                ),
                "karim": (
                    "r1-karim",
                    "Je rejoins Lucie, et j'ajoute que le formulaire trie les gens : ceux qui "
                    "savent se débrouiller passent, les autres s'épuisent. Ce n'est pas un "
                    "accident, c'est un filtre, même si personne ne l'a voulu comme tel.",
                ),
            },
        },
        "reaction": (
            "Ce qu'a dit Marcel sur la honte me touche : je n'avais pas pensé que la troisième "
            "visite était déjà exceptionnelle et que d'autres ne reviennent pas. Je suis moins "
            "d'accord avec l'idée d'un filtre : mes collègues de l'accueil souffrent aussi de "
            "cette règle. Et la remarque de Thomas me fait mal, mais elle est juste : mon "
            "exception n'a laissé aucune trace."
        ),
        # Each person's second-round words and the first-round interpretations they answer.
        "second_round": {
            "lucie": (
                "r2-lucie",
                "Je ne parlerais pas de filtre voulu, mais d'un effet que l'institution ne "
                "mesure pas. Personne ne compte les gens renvoyés à l'accueil, et ce qu'on ne "
                "compte pas n'existe pas pour une direction.",
                ["r1-karim"],
            ),
            "thomas": (
                "r2-thomas",
                "Je reviens sur ce que Nadia dit de son exception. À l'hôpital, nous avons "
                "commencé à noter chaque contournement dans un cahier partagé ; au bout de six "
                "mois, ça nous a servi à renégocier une procédure. Une exception peut devenir "
                "une information.",
                ["r1-nadia"],
            ),
            "samira": (
                "r2-samira",
                "D'accord avec Lucie sur le travail reporté sur les usagers, mais il l'est aussi "
                "sur les associations. Nous ne sommes pas contre le numérique : nous sommes "
                "contre le fait qu'il n'y ait plus de porte d'entrée sans écran.",
                ["r1-lucie"],
            ),
            "karim": (
                "r2-karim",
                "Marcel parle de honte ; chez les personnes surendettées, c'est pareil. Le "
                "numérique ajoute une couche : on n'ose pas dire qu'on ne sait pas faire. Je "
                "nuance donc mon « filtre » : il passe aussi par la honte de ne pas savoir.",
                ["r1-marcel", "r1-karim"],
            ),
            "marcel": (
                "r2-marcel",
                "Ce que dit Samira, je le vois aussi : les gens viennent à l'épicerie avec leurs "
                "courriers parce qu'il n'y a plus personne ailleurs pour les lire avec eux. Nous, "
                "les bénévoles, nous ne sommes pas formés pour ça.",
                ["r1-samira"],
            ),
            "nadia": (
                "r2-nadia",
                "L'idée du cahier de Thomas me parle. Je vais proposer à mon équipe de noter les "
                "personnes renvoyées à l'accueil, pour que la direction voie ce que la règle "
                "coûte.",
                ["r1-thomas"],
            ),
        },
        # The board the researchers propose; ``links``: keys of contributions said above.
        "board": [
            {
                "key": "b1-report",
                "kind": "convergence",
                "title": "Le travail d'accès reporté sur les usagers et les associations",
                "formulation": "Le groupe s'accorde à dire que la fin de l'accueil sans "
                "rendez-vous a déplacé vers l'usagère, et vers les associations, un travail que "
                "l'institution faisait : s'informer, remplir, rappeler, revenir.",
                "links": ["r1-lucie", "r1-samira", "r2-samira", "r2-marcel"],
            },
            {
                "key": "b1-filtre",
                "kind": "divergence",
                "title": "Un filtre ou un effet que personne ne mesure ?",
                "formulation": "Pour Karim, la procédure en ligne trie les personnes selon leur "
                "aisance ; pour Lucie et Nadia, c'est un effet que personne n'a voulu mais que "
                "l'institution ne mesure pas. Le groupe ne tranche pas.",
                "links": ["r1-karim", "q-karim", "r2-lucie", "r2-karim"],
            },
            {
                "key": "b1-exception",
                "kind": "noeud",
                "title": "L'exception qui répare et qui cache",
                "formulation": "Contourner la règle permet d'aider Mme Lambert mais rend "
                "invisible le dysfonctionnement : l'assistante sociale est prise entre sa loyauté "
                "envers la personne et sa loyauté envers son service.",
                "links": ["r1-thomas", "r1-nadia", "r2-thomas", "r2-nadia"],
            },
        ],
        # A participant's suggestion for the board, accepted by the rapporteur, who then
        # links it to what was said (``links``). ``corrects``: the item it rewrites, if any.
        "suggestions": [
            {
                "by": "marcel",
                "key": "b1-renoncer",
                "corrects": None,
                "board_kind": "convergence",
                "title": "Renoncer plutôt que revenir",
                "body": "Beaucoup de personnes ne seraient pas revenues une troisième fois : la "
                "honte de ne pas y arriver pousse à renoncer à son droit. Elle fait partie du "
                "problème, pas seulement la procédure.",
                "links": ["r1-marcel", "r2-karim"],
            },
        ],
        # ``by``: "animateur", "rapporteur" (the researchers as themselves) or a participant.
        "theory": [
            {
                "by": "animateur",
                "title": "Le non-recours aux droits",
                "body": "Philippe Warin distingue la non-connaissance, la non-demande et la "
                "non-réception d'un droit. Mme Lambert connaît l'aide et la demande, mais la "
                "procédure l'use avant qu'elle l'obtienne : une non-réception en train de se "
                "produire. La notion éclaire les deux convergences ; elle dit peu de chose de la "
                "position de l'assistante sociale.",
                "reference": "Philippe Warin, Le non-recours aux politiques sociales, Presses "
                "universitaires de Grenoble, 2016.",
                "links": ["b1-report", "b1-renoncer"],
            },
            {
                "by": "rapporteur",
                "title": "La bureaucratie de guichet",
                "body": "Michael Lipsky montre que les agents de première ligne font la "
                "politique réelle d'une institution par les marges de manœuvre qu'ils prennent ou "
                "non. L'exception de Nadia en est une ; le nœud rappelle que ces marges, quand "
                "elles restent individuelles et cachées, ne remontent jamais jusqu'aux règles.",
                "reference": "Michael Lipsky, Street-Level Bureaucracy: Dilemmas of the "
                "Individual in Public Services, Russell Sage Foundation, 1980.",
                "links": ["b1-exception"],
            },
            {
                "by": "samira",
                "title": "Les inégalités numériques « de second degré »",
                "body": "Avoir un appareil et une connexion ne suffit pas : il faut aussi les "
                "compétences et l'assurance pour s'en servir dans une démarche dont dépend un "
                "droit. C'est ce que mesure le baromètre de l'inclusion numérique, et c'est ce "
                "qui sépare ceux qui « passent » le formulaire des autres.",
                "reference": "Fondation Roi Baudouin, Baromètre de l'inclusion numérique, 2022.",
                "links": ["b1-filtre"],
            },
        ],
        "hypotheses": [
            {
                "by": "thomas",
                "body": "Si les contournements étaient notés et transmis, ils deviendraient une "
                "information pour l'institution plutôt qu'une faute individuelle.",
                "links": ["b1-exception"],
            },
            {
                "by": "karim",
                "body": "Plus une procédure repose sur l'écrit et l'écran, plus le non-recours "
                "touche d'abord les personnes âgées isolées et celles qui ont honte de demander.",
                "links": ["b1-renoncer", "b1-filtre"],
            },
            {
                "by": "rapporteur",
                "body": "La fin du guichet sans rendez-vous n'a pas réduit le travail d'accueil : "
                "elle l'a déplacé vers des services (EPN, épiceries sociales, associations) qui "
                "ne sont pas financés pour le faire.",
                "links": ["b1-report"],
            },
        ],
    },
    {
        "narration": [
            "Marcel est bénévole deux matinées par semaine au comptoir d'une épicerie sociale. "
            "Mme Janssens, 81 ans, veuve, y vient chaque mardi. Depuis que l'agence bancaire de "
            "Forest a fermé, la plus proche est à quarante minutes de bus.",
            "Sa banque lui a envoyé un lecteur de carte. Elle ne voit plus bien les chiffres. Un "
            "mardi, elle demande à Marcel de faire son virement de loyer sur l'ordinateur de "
            "l'épicerie ; elle lui donne sa carte et lui dicte son code.",
            "Marcel l'a fait plusieurs semaines de suite, au comptoir, pendant que d'autres "
            "clients attendaient. Un jour, un client a lancé : « Vous faites aussi mes "
            "comptes ? ». Marcel a compris que tout le monde avait vu.",
            "La coordinatrice de l'épicerie lui a demandé d'arrêter : ce n'est pas le rôle des "
            "bénévoles, et en cas d'erreur ou de fraude personne n'est couvert. Marcel a obéi, "
            "mais il ne sait pas qui aide Mme Janssens aujourd'hui.",
        ],
        "stakes": (
            "Pour moi, l'enjeu, c'est la confiance. Mme Janssens m'a donné son code parce qu'il "
            "n'y avait plus personne d'autre. J'ai arrêté parce qu'on me l'a demandé, mais je me "
            "demande si on l'a protégée ou si on l'a laissée seule."
        ),
        "questions": [
            {
                "by": "karim",
                "body": "Mme Janssens peut-elle encore faire ses virements sur papier, avec des "
                "formulaires ?",
                "answer": "Marcel : la banque fait payer les virements sur papier, et il faut les "
                "déposer à une agence.",
            },
            {
                "by": "nadia",
                "body": "Est-elle suivie par un service social, un CPAS, une aide à domicile ?",
                "answer": "Pas à sa connaissance. Une aide familiale vient pour le ménage, mais "
                "elle n'a pas le droit de s'occuper de ses comptes.",
            },
            {
                "by": "thomas",
                "hand": True,
                "body": "Quand la coordinatrice vous a demandé d'arrêter, vous a-t-elle proposé "
                "une autre solution pour Mme Janssens ?",
                "answer": "Non. Elle a dit qu'elle allait se renseigner ; rien n'a suivi.",
            },
        ],
        "first_round": {
            "passes_first": None,
            "extended_for": None,
            "said": {
                "lucie": (
                    "j1-lucie",
                    "Marcel a fait ce que font les proches quand il n'y a plus de guichet. La "
                    "banque a fermé l'agence en comptant sur le fait que quelqu'un, quelque part, "
                    "ferait ce travail gratuitement.",
                ),
                "thomas": (
                    "j1-thomas",
                    "Je vois deux protections qui s'opposent : protéger l'argent et les données "
                    "de Mme Janssens, et la protéger de l'isolement. La coordinatrice a choisi la "
                    "première ; Marcel pensait à la seconde.",
                ),
                "samira": (
                    "j1-samira",
                    "À l'EPN, la règle est claire : on ne touche jamais aux codes des gens, on "
                    "leur apprend à faire ou on les oriente. Mais je comprends Marcel : apprendre "
                    "prend des semaines, et le loyer, c'est maintenant.",
                ),
                "karim": (
                    "j1-karim",
                    "La situation est risquée pour Mme Janssens : quelqu'un qui connaît son code "
                    "peut vider son compte. Je rencontre des personnes âgées escroquées par des "
                    "gens de confiance. Ce n'est pas Marcel qui est en cause, c'est l'absence de "
                    "cadre.",
                ),
                "nadia": (
                    "j1-nadia",
                    "Le CPAS pourrait être là : il existe une guidance budgétaire, des mesures de "
                    "protection. Mais Mme Janssens n'irait sans doute jamais demander ça "
                    "d'elle-même.",
                ),
                "marcel": (
                    "j1-marcel",
                    "J'entends tout ça. Je n'ai jamais voulu mal faire, mais je comprends que je "
                    "la mettais en danger, même en étant honnête.",
                ),
            },
        },
        "reaction": (
            "Ce que dit Karim me fait peur, mais il a raison. Ce qui me reste, c'est que personne "
            "ne m'a dit vers qui l'envoyer. Je ne savais même pas qu'un CPAS pouvait aider une "
            "personne qui touche une pension."
        ),
        "second_round": {
            "lucie": (
                "j2-lucie",
                "Thomas parle de deux protections ; je crois qu'on peut les tenir ensemble si "
                "quelqu'un fait le lien. Ce qui a manqué, c'est un relais, pas une règle.",
                ["j1-thomas"],
            ),
            "thomas": (
                "j2-thomas",
                "Je rejoins Nadia sur les mesures de protection, mais elles sont lourdes et "
                "passent par le juge de paix. Il manque quelque chose entre « je fais à sa "
                "place » et l'administration de ses biens.",
                ["j1-nadia"],
            ),
            "samira": (
                "j2-samira",
                "Karim a raison sur le risque. Il existe pourtant des procurations limitées pour "
                "un proche ou une personne de confiance ; presque personne ne le sait parmi ceux "
                "que nous recevons.",
                ["j1-karim"],
            ),
            "karim": (
                "j2-karim",
                "D'accord avec Lucie : le relais manque. Mais un relais sans formation ni "
                "couverture, c'est reporter le risque sur le bénévole.",
                ["j1-lucie"],
            ),
            "nadia": (
                "j2-nadia",
                "Marcel dit qu'il ne savait pas vers qui l'envoyer : c'est à nous, services "
                "publics, de nous faire connaître des associations du quartier, pas seulement "
                "l'inverse.",
                ["j1-marcel"],
            ),
            "marcel": (
                "j2-marcel",
                "Je retiens qu'il me faut une adresse où envoyer les gens, et quelqu'un à qui en "
                "parler. Je vais retourner voir Mme Janssens avec ça.",
                ["j1-lucie", "j1-samira"],
            ),
        },
        "board": [
            {
                "key": "b2-relais",
                "kind": "convergence",
                "title": "Les proches et les bénévoles comme guichet de remplacement",
                "formulation": "Quand l'agence et le guichet ferment, l'aide aux démarches "
                "retombe sur des proches et des bénévoles, sans formation, sans couverture et "
                "sans que personne le leur demande vraiment.",
                "links": ["j1-lucie", "j1-samira", "j2-nadia", "j2-karim"],
            },
            {
                "key": "b2-faire",
                "kind": "divergence",
                "title": "Faire à la place ou apprendre à faire",
                "formulation": "Pour Samira, la règle est de ne jamais faire à la place et de "
                "former ; pour Marcel et Lucie, l'urgence du loyer oblige parfois à faire tout "
                "de suite.",
                "links": ["j1-samira", "j2-lucie", "j2-marcel"],
            },
            {
                "key": "b2-proteger",
                "kind": "noeud",
                "title": "Protéger des risques ou protéger de l'isolement",
                "formulation": "Protéger l'argent et les données de Mme Janssens a conduit à lui "
                "retirer la seule aide qu'elle avait. Entre « faire à sa place » et les mesures "
                "de protection judiciaires, il n'existe pas de relais reconnu.",
                "links": ["j1-thomas", "j1-karim", "j2-thomas", "j2-samira"],
            },
        ],
        "suggestions": [
            {
                "by": "lucie",
                "key": None,
                "corrects": "b2-faire",
                "board_kind": "divergence",
                "title": "Faire à la place, apprendre à faire, ou faire avec",
                "body": "Pour Samira, on ne fait jamais à la place et on forme ; pour Marcel, "
                "l'urgence du loyer oblige parfois à faire tout de suite. Une troisième position "
                "apparaît : faire avec la personne, à côté d'elle, en la laissant taper son code "
                "elle-même.",
                "links": [],
            },
        ],
        "theory": [
            {
                "by": "animateur",
                "title": "L'éthique du care",
                "body": "Joan Tronto décrit le soin comme un processus : se soucier de quelqu'un, "
                "prendre en charge, donner le soin, le recevoir. Ici, un bénévole assure le soin "
                "sans qu'aucune institution ne prenne la charge ; l'interdiction protège "
                "Mme Janssens, mais personne ne reprend le souci qu'on avait d'elle.",
                "reference": "Joan Tronto, Un monde vulnérable. Pour une politique du care, La "
                "Découverte, 2009.",
                "links": ["b2-proteger", "b2-relais"],
            },
            {
                "by": "karim",
                "title": "La dématérialisation et « l'État plateforme »",
                "body": "L'administration, et de plus en plus la banque, fournit l'outil ; c'est "
                "à l'usager, ou à ceux qui l'aident, de faire le travail de la démarche. Les "
                "bénévoles deviennent une infrastructure que personne ne reconnaît.",
                "reference": "Pierre Mazet, « Vers l'État plateforme. La dématérialisation de la "
                "relation administrative », La Vie des idées, 2019.",
                "links": ["b2-relais"],
            },
        ],
        "hypotheses": [
            {
                "by": "nadia",
                "body": "Si les services publics se faisaient connaître des associations du "
                "quartier (une personne de contact, un numéro direct), les bénévoles "
                "orienteraient au lieu de faire à la place.",
                "links": ["b2-proteger"],
            },
            {
                "by": "samira",
                "body": "« Faire avec » la personne prend plus de temps, mais réduit à la fois le "
                "risque de fraude et la dépendance : c'est une position à construire entre les "
                "deux pôles de la divergence.",
                "links": ["b2-faire"],
            },
        ],
    },
]

# 4 Perspectives pratiques, common to the session; ``supporters``: who supports it afterwards.
PERSPECTIVES = [
    {
        "by": "nadia",
        "level": "pratique",
        "body": "Noter chaque personne renvoyée de l'accueil sans avoir pu prendre rendez-vous, "
        "et transmettre ce relevé chaque mois à la direction.",
        "supporters": ["thomas", "karim", "lucie"],
    },
    {
        "by": "samira",
        "level": "pratique",
        "body": "« Faire avec » plutôt que « faire à la place » : la personne tape elle-même ses "
        "codes, l'accompagnant reste à côté. L'expliquer aux bénévoles des associations.",
        "supporters": ["marcel", "lucie"],
    },
    {
        "by": "marcel",
        "level": "pratique",
        "body": "Avoir dans chaque épicerie sociale une fiche avec les adresses et les personnes "
        "de contact vers qui orienter pour les démarches en ligne.",
        "supporters": ["nadia", "samira", "karim"],
    },
    {
        "by": "thomas",
        "level": "institution",
        "body": "Rétablir au moins une demi-journée d'accueil sans rendez-vous par semaine, "
        "annoncée par affiche et par téléphone, pas seulement en ligne.",
        "supporters": ["nadia", "lucie", "marcel", "samira"],
    },
    {
        "by": "karim",
        "level": "institution",
        "body": "Désigner dans chaque CPAS une personne de contact pour les associations du "
        "quartier, joignable directement par téléphone.",
        "supporters": ["marcel", "nadia"],
    },
    {
        "by": "lucie",
        "level": "politique",
        "body": "Garantir un accès non numérique à chaque service public et aux services "
        "bancaires de base, sans frais supplémentaires.",
        "supporters": ["samira", "karim", "marcel", "thomas", "nadia"],
    },
    {
        "by": "karim",
        "level": "politique",
        "body": "Reconnaître et financer le travail d'accompagnement aux démarches que font les "
        "EPN et les associations, au lieu de le laisser au bénévolat.",
        "supporters": ["samira", "lucie"],
    },
]

# 5 Évaluation: the questions of mag-complet (three scales from 1 to 5, two open questions).
EVALUATION = {
    "nadia": {
        "methode": 5,
        "animation": 4,
        "pratique": 5,
        "utile": "Entendre que mon exception pouvait devenir une information pour le service.",
        "ameliorer": "Plus de temps pour le deuxième récit.",
    },
    "lucie": {
        "methode": 4,
        "animation": 5,
        "pratique": 4,
        "utile": "Le deuxième tour, où l'on a enfin pu se répondre.",
        "ameliorer": "Les tours de table sont longs en fin de journée.",
    },
    "samira": {
        "methode": 4,
        "animation": 4,
        "pratique": 5,
        "utile": "Les apports théoriques reliés à nos situations.",
        "ameliorer": "Prévoir une pause entre l'analyse et les perspectives.",
    },
    "thomas": {
        "methode": 5,
        "animation": 4,
        "pratique": 4,
        "utile": "La règle de ne pas débattre au premier tour : on écoute vraiment.",
    },
    "karim": {
        "methode": 4,
        "animation": 3,
        "pratique": 4,
        "utile": "Voir que les autres services vivent la même chose que nous.",
        "ameliorer": "J'aurais voulu pouvoir réagir plus tôt pendant le premier tour.",
    },
    "marcel": {
        "methode": 5,
        "animation": 5,
        "pratique": 4,
        "utile": "Qu'on m'écoute sans écran, et qu'on écrive pour moi.",
        "ameliorer": "Rien, sinon des chaises plus confortables.",
    },
}
EVALUATION_NOTES = [
    "Tour de parole final : plusieurs participants veulent refaire l'exercice avec leurs "
    "équipes. Marcel remercie le groupe de ne pas l'avoir « mis devant un écran ».",
]

# After the session: names of third parties and what stands for them in every export.
REPLACEMENTS = [
    {"find": "Lambert", "replace": "A."},
    {"find": "Janssens", "replace": "B."},
    {"find": "Diallo", "replace": "C."},
    {"find": "Kevin", "replace": "D."},
    {"find": "Valérie", "replace": "E."},
    {"find": "Saint-Gilles", "replace": "[commune 1]"},
    {"find": "Forest", "replace": "[commune 2]"},
    {"find": "Anderlecht", "replace": "[commune 3]"},
]

# The validation: one person approves the first version at once; a comment and an
# amendment follow; the amendment is accepted, added to a second version, which
# everyone approves. ``section``: the start of the title of the section commented on.
EARLY_APPROVAL = "nadia"
COMMENT = {
    "by": "thomas",
    "section": "Récits",
    "body": "Le résumé du premier récit est fidèle. Je préciserais que la responsable de Nadia "
    "n'était pas hostile : elle appliquait une consigne de sa direction.",
}
AMENDMENT = {
    "by": "samira",
    "section": "Perspectives pratiques",
    "body": "Ajouter une proposition au niveau de l'institution : associer les EPN à toute "
    "fermeture de guichet, pour qu'ils puissent prévoir l'accueil des personnes qu'on leur "
    "enverra.",
    # What the rapporteur adds to the section once the amendment is accepted.
    "added": "*Amendement accepté lors de la relecture :* associer les espaces publics "
    "numériques à toute fermeture de guichet, pour qu'ils puissent prévoir l'accueil des "
    "personnes qui leur seront envoyées.",
}
