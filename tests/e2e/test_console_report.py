"""The team's « Synthèse et rapport » in a real browser: edit, compare, review, names, export, archive."""

import re
from pathlib import Path

from playwright.sync_api import expect

JOB_MS = 90_000  # an export or the archive, rendered in a low-priority process

# A participant's comment sent from their page's socket, as review.js would.
COMMENT_JS = """async ([session, args]) => {
  const { io } = await import("/static/vendor/socket.io-client-4.8.1/socket.io.esm.min.js");
  const s = io({ auth: { session, role: "participant" } });
  await new Promise((r) => s.on("connect", r));
  const answer = await s.emitWithAck("command", args);
  s.disconnect();
  return answer;
}"""


def test_the_team_writes_reviews_checks_exports_and_archives_the_report(
    open_browser, server, server_data_dir
):
    """From the ended session to its archive, every control of the console's report part."""
    anim = open_browser("Anim")
    code = anim.create_session("Numérique et travail social")
    page = anim.page
    session_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    awa = open_browser("Awa")
    awa.join(code, "Awa", "AS")
    awa.accept_convention()

    page.get_by_text("Ajouter une personne sans appareil").click()
    page.get_by_label("Pseudonyme", exact=True).fill("Bruno")
    page.get_by_role("button", name="Ajouter cette personne").click()
    page.get_by_role("button", name=re.compile("Enregistrer son accord \\(Bruno")).click()

    report = page.get_by_role("region", name="Synthèse et rapport")
    expect(report).to_be_visible()
    page.get_by_role("button", name="Démarrer la séance").click()
    page.get_by_label("Note (ce qui se dit, à garder)").fill(
        "Le fils Dupond est venu. Dupont aussi."
    )
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.locator("#notes").get_by_text("Le fils Dupond")).to_be_visible()
    page.get_by_role("button", name="Terminer la séance").click()
    expect(page.locator("#session-status")).to_have_text("Séance terminée")

    editor = page.get_by_label("Texte de la synthèse (Markdown)")
    expect(editor).to_be_visible()
    expect(editor).to_have_value(re.compile("## "))
    preview = page.locator("#synthesis-preview")
    expect(preview.get_by_role("heading").first).to_be_visible()  # under the page's own

    editor.fill(
        editor.input_value() + '\n\n## Ajout\n\nTexte **gras** <img src=x onerror="alert(1)">\n'
    )
    expect(preview.locator("strong", has_text="gras")).to_be_visible()
    assert "onerror" not in preview.inner_html()
    expect(page.locator("#synthesis-state")).to_contain_text("modifications non enregistrées")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.locator("#synthesis-message")).to_have_text("Version 1 enregistrée.")
    expect(page.locator("#synthesis-state")).to_have_text("Dans l'éditeur : la version 1")
    editor.fill(editor.input_value().replace("Texte **gras**", "Texte corrigé"))
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.locator("#synthesis-message")).to_have_text("Version 2 enregistrée.")
    page.get_by_role("button", name="Comparer avec la précédente (version 2 et version 1)").click()
    diff = page.locator("#versions-diff")
    expect(diff.locator("ins")).to_contain_text("Texte corrigé")
    expect(diff.locator("del")).to_contain_text("Texte **gras**")
    page.get_by_role("button", name="Fermer la comparaison").click()
    expect(diff).to_be_hidden()

    page.get_by_role("button", name="Ouvrir la relecture (version 2)").click()
    expect(page.locator("#validation-state")).to_have_text(
        "Relecture ouverte : le groupe relit la version 2."
    )
    rows = page.locator("#validation-list")
    expect(rows.get_by_role("row", name=re.compile("Awa"))).to_contain_text("pas encore")
    page.get_by_role("button", name="Approuver pour Bruno").click()
    expect(rows.get_by_role("row", name=re.compile("Bruno"))).to_contain_text(
        "a approuvé la version 2"
    )

    answer = awa.page.evaluate(
        COMMENT_JS,
        [
            session_id,
            {
                "id": "comment-00001",
                "name": "comment_synthesis",
                "args": {
                    "comment_id": "comment-00001",
                    "version": 2,
                    "section": "s1-contexte-et-question",
                    "body": "Il faudrait dire <b>mieux</b>.",
                    "amendment": True,
                },
            },
        ],
    )
    assert answer["ok"], answer
    comments = page.locator("#comments-list")
    expect(comments.get_by_role("heading", level=5)).to_have_count(1)
    expect(comments).to_contain_text("Il faudrait dire <b>mieux</b>.")
    expect(rows.get_by_role("row", name=re.compile("Awa"))).to_contain_text(
        "1 amendement en attente"
    )
    page.get_by_role("button", name=re.compile("Retenir l'amendement de Awa")).click()
    expect(comments).to_contain_text("retenu")

    # Named by function (the default), Awa's pseudonym is an automatic line: her function.
    expect(page.get_by_label("Nom à remplacer, ligne 1")).to_have_value("Awa")
    expect(page.get_by_label("Remplacement, ligne 1")).to_have_value("AS")
    expect(page.locator("#replacements-list tr").first).to_contain_text("automatique")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.get_by_label("Nom à remplacer, ligne 2").fill("Dupont")
    page.get_by_label("Remplacement, ligne 2").fill("la directrice")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator("#replacements-message")).to_contain_text("Enregistrez d'abord la liste")
    page.get_by_role("button", name="Enregistrer la liste").click()
    expect(page.locator("#replacements-message")).to_have_text("Liste enregistrée : 1 nom.")
    expect(page.get_by_label("Remplacement, ligne 1")).to_have_value("AS")
    # Its replacement can be changed: the line becomes the team's own.
    page.get_by_label("Remplacement, ligne 1").fill("une AS")
    page.get_by_role("button", name="Enregistrer la liste").click()
    expect(page.locator("#replacements-message")).to_have_text("Liste enregistrée : 2 noms.")
    expect(page.get_by_role("button", name="Retirer la ligne 1 (Awa)")).to_be_visible()
    page.get_by_role("button", name="Vérifier").click()
    results = page.locator("#check-results")
    expect(results).to_contain_text("1 endroit ressemble encore")
    expect(results.locator("mark")).to_have_text("Dupond")

    page.get_by_role("radio", name="leur pseudonyme").check()
    page.get_by_label("Conserver la séance jusqu'au (facultatif)").fill("2031-01-31")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.locator("#settings-message")).to_have_text("Réglages enregistrés.")

    # An export is prepared on the server: its progress, then a link to the file.
    exports = page.get_by_role("list").filter(has=page.get_by_role("button", name="PDF"))
    exports.get_by_role("button", name="Markdown").click()
    markdown = exports.get_by_role("listitem").filter(has_text="Markdown").get_by_role("status")
    expect(markdown).to_contain_text("Préparation du Markdown…")
    # Jobs run at a low priority: on a busy machine they take their time.
    expect(markdown).to_contain_text("Le Markdown est prêt", timeout=JOB_MS)
    with page.expect_download() as download:
        markdown.get_by_role("link", name="Télécharger le Markdown").click()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d-numerique-et-travail-social\.md", download.value.suggested_filename
    )
    direct = page.context.request.get(f"{server}/animer/{session_id}/export/md")
    assert Path(download.value.path()).read_bytes() == direct.body()
    exports.get_by_role("button", name="PDF").click()
    pdf = exports.get_by_role("listitem").filter(has_text="PDF").get_by_role("status")
    expect(pdf).to_contain_text("Préparation du PDF…")
    expect(pdf.get_by_role("link", name="Télécharger le PDF")).to_be_visible(timeout=JOB_MS)
    with page.expect_download() as download:
        pdf.get_by_role("link", name="Télécharger le PDF").click()
    assert download.value.suggested_filename.endswith("-numerique-et-travail-social.pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("button", name="Clore et archiver").click()
    archive_message = page.locator("#archive-message")
    expect(archive_message).to_contain_text("Archivage en cours…")
    expect(archive_message).to_have_text("Archivage terminé.", timeout=JOB_MS)
    expect(page.locator("#archive-done")).to_be_visible()
    expect(page.locator("#archive-folder")).to_contain_text("numerique-et-travail-social")
    expect(page.locator("#session-status")).to_have_text("Séance archivée")
    expect(editor).not_to_be_editable()
    anim.check_accessible("the console once archived")

    # The archive, through the private link `mag serve` printed: the list, a search, the session.
    log = (server_data_dir / "server.log").read_text("utf-8")
    page.goto(re.findall(r"Archives des séances \(lien privé\) : (\S+)", log)[-1])
    expect(page.get_by_role("heading", level=1, name="Archives des séances")).to_be_visible()
    anim.check_accessible("the archive's list")
    page.get_by_label("Mots").fill("numérique")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("heading", name="Résultats", exact=False)).to_be_visible()
    anim.check_accessible("a search of the archive")
    page.get_by_role("link", name="Numérique et travail social").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Numérique et travail social")
    anim.check_accessible("an archived session")


def test_two_researchers_editing_at_once_lose_nothing(open_browser, server):
    """A colleague's newer version is announced, saving over it is refused, the own text kept."""
    anim = open_browser("Anim")
    anim.create_session("Conflit")
    link = anim.invite("Rapporteur·rice", "Claire")
    rap = open_browser("Claire")
    rap.page.goto(link)
    for person in (anim, rap):
        person.page.get_by_text("Afficher la synthèse et le rapport").click()
        expect(person.page.get_by_label("Texte de la synthèse (Markdown)")).to_have_value(
            re.compile("## ")
        )
    a_editor = anim.page.get_by_label("Texte de la synthèse (Markdown)")
    r_editor = rap.page.get_by_label("Texte de la synthèse (Markdown)")
    a_editor.fill("# Synthèse\n\nTexte de l'animation.")
    anim.page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(r_editor).to_have_value("# Synthèse\n\nTexte de l'animation.")
    expect(rap.page.locator("#synthesis-state")).to_have_text("Dans l'éditeur : la version 1")
    expect(rap.page.get_by_role("row", name=re.compile("Version 1"))).to_contain_text(
        "Animateur·rice"
    )

    r_editor.fill("# Synthèse\n\nTexte de Claire.")
    a_editor.fill("# Synthèse\n\nTexte de l'animation, revu.")
    anim.page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    newer = rap.page.locator("#synthesis-newer")
    expect(newer).to_contain_text("La version 2 a été enregistrée par Animateur·rice")
    rap.page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(rap.page.locator("#synthesis-message")).to_contain_text(
        "Une version plus récente de la synthèse (version 2)"
    )
    rap.page.get_by_role("button", name="Recharger la version 2").click()
    expect(r_editor).to_have_value("# Synthèse\n\nTexte de l'animation, revu.")
    expect(newer).to_be_hidden()
    rap.page.get_by_text("Votre texte avant le rechargement").click()
    expect(rap.page.get_by_label("Texte non enregistré")).to_have_value(
        "# Synthèse\n\nTexte de Claire."
    )
    r_editor.fill("# Synthèse\n\nTexte de l'animation, revu par Claire.")
    rap.page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(rap.page.locator("#synthesis-message")).to_have_text("Version 3 enregistrée.")
    expect(anim.page.get_by_role("row", name=re.compile("Version 3"))).to_contain_text(
        "Claire (Rapporteur·rice)"
    )
    expect(a_editor).to_have_value("# Synthèse\n\nTexte de l'animation, revu par Claire.")
    # the rapporteur may not steer: no archive, no settings change
    expect(rap.page.get_by_role("button", name="Clore et archiver")).to_be_hidden()
    expect(rap.page.get_by_role("button", name="Enregistrer les réglages")).to_be_hidden()
    expect(rap.page.get_by_role("radio", name="leur pseudonyme")).to_be_disabled()
