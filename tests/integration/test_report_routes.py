"""The console's synthesis and report routes: who may use them, and what they answer."""

import re
import time
from html import unescape

import pytest

from mag import services
from mag.domain.protocol import builtin_protocol
from mag.report import formats

SCRIPT = "<script>alert('mag')</script>"


def routes(session_id: str) -> list[tuple[str, str, dict | None]]:
    """Every report route the staff may use, as (method, path, JSON body)."""
    base = f"/animer/{session_id}"
    return [
        ("GET", f"{base}/synthese/brouillon", None),
        ("POST", f"{base}/synthese/apercu", {"text": "# Titre"}),
        ("GET", f"{base}/synthese/versions/1/comparaison", None),
        ("GET", f"{base}/pseudonymisation/verification", None),
        ("GET", f"{base}/export/json", None),
    ]


def call(http, method: str, path: str, body: dict | None = None):
    if method == "POST":
        return http.post(path, json=body or {})
    return http.get(path)


def save(room, text: str, base_version: int) -> None:
    answer = room.facilitator.send("save_synthesis", text=text, base_version=base_version)
    assert answer["ok"], answer


@pytest.fixture
def saved(room):
    """A session with one saved version of the synthesis."""
    save(room, "# Synthèse\n\nPremière version.", 0)
    return room


def test_the_facilitator_and_the_rapporteur_may_use_every_report_route(saved):
    rapporteur = saved.invite("rapporteur", "Claire")
    for person in (saved.facilitator, rapporteur):
        for method, path, body in routes(saved.session_id):
            response = call(person.http, method, path, body)
            assert response.status_code == 200, (person.role, path, response.text)
            assert response.headers["Cache-Control"] == "no-store"


def test_observers_participants_and_strangers_are_refused(app, saved):
    observer = saved.invite("observateur", "Salle 204")
    awa = saved.join("Awa")
    for http in (observer.http, awa.http, app.test_client()):
        for method, path, body in routes(saved.session_id):
            response = call(http, method, path, body)
            assert response.status_code == 403, (path, response.text)
        archived = http.post(f"/animer/{saved.session_id}/archiver", json={})
        assert archived.status_code == 403
    refused = observer.http.get(f"/animer/{saved.session_id}/synthese/brouillon")
    assert refused.json["error"]["code"] == "forbidden"
    assert "équipe d'animation" in refused.json["error"]["message"]


def test_an_unknown_session_is_not_found(app):
    browser = app.test_client()
    for method, path, body in routes("nope"):
        assert call(browser, method, path, body).status_code == 404, path
    assert browser.post("/animer/nope/archiver", json={}).status_code == 404


def test_the_draft_is_generated_from_the_session(room):
    response = room.facilitator.http.get(f"/animer/{room.session_id}/synthese/brouillon")
    text = response.json["text"]
    assert isinstance(text, str)
    assert "## " in text, "the draft has sections participants can comment on"


def test_the_preview_is_sanitised_markdown(room):
    text = f'**Gras** et {SCRIPT}\n\n<img src="x" onerror="alert(1)"> <a href="javascript:alert(1)">lien</a>'
    response = room.facilitator.http.post(
        f"/animer/{room.session_id}/synthese/apercu", json={"text": text}
    )
    html = response.json["html"]
    assert "<strong>Gras</strong>" in html
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_the_preview_refuses_what_is_not_a_text(room):
    path = f"/animer/{room.session_id}/synthese/apercu"
    for payload in ({}, {"text": 3}, ["x"]):
        response = room.facilitator.http.post(path, json=payload)
        assert response.status_code == 400
        assert response.json["error"] == {"code": "malformed", "message": "Requête mal formée."}
    too_long = room.facilitator.http.post(path, json={"text": "x" * 300_001})
    assert too_long.status_code == 400
    assert too_long.json["error"]["code"] == "text_too_long"


def test_the_comparison_shows_the_changed_lines_escaped(room):
    save(room, "Ligne A\n<b>gras</b>\nLigne C", 0)
    save(room, f"Ligne A\n{SCRIPT}\nLigne C", 1)
    http = room.facilitator.http
    response = http.get(f"/animer/{room.session_id}/synthese/versions/2/comparaison")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.text
    assert "<script" not in html and "<b>" not in html
    deleted = re.search(r"<del>(.*?)</del>", html).group(1)
    inserted = re.search(r"<ins>(.*?)</ins>", html).group(1)
    assert deleted.endswith("&lt;b&gt;gras&lt;/b&gt;")
    assert inserted.endswith("&lt;script&gt;alert(&#x27;mag&#x27;)&lt;/script&gt;")
    assert "Ligne A" in html and "Ligne C" in html, "the lines around the change"
    assert "Version 2 comparée à la version 1" in html

    first = http.get(f"/animer/{room.session_id}/synthese/versions/1/comparaison")
    assert first.status_code == 200
    assert "première version" in first.text
    assert http.get(f"/animer/{room.session_id}/synthese/versions/3/comparaison").status_code == 404


def test_the_verification_finds_names_the_list_missed(room):
    room.steer("start_session")
    notes = [
        "Madame Dupont dirige le service.",  # replaced: not a leftover
        "Le fils Dupond est passé au guichet.",  # a typo
        "Marie a tout expliqué.",  # a first name alone
        "Rien à signaler ici.",
    ]
    for number, body in enumerate(notes):
        assert room.facilitator.send("add_note", contribution_id=f"note-{number:04d}", body=body)[
            "ok"
        ]
    room.steer(
        "set_replacements",
        replacements=[
            {"find": "Dupont", "replace": "la directrice"},
            {"find": "Marie Lambert", "replace": "Mme L."},
        ],
    )
    response = room.facilitator.http.get(f"/animer/{room.session_id}/pseudonymisation/verification")
    hits = response.json
    found = {(hit["found"], hit["name"]) for hit in hits}
    assert found == {("Dupond", "Dupont"), ("Marie", "Marie Lambert")}
    dupond = next(hit for hit in hits if hit["found"] == "Dupond")
    assert dupond["excerpt"] == "Le fils Dupond est passé au guichet."
    assert dupond["speaker"] == "animation"
    first = builtin_protocol("mag-complet").steps[0]
    assert dupond["place"] == f"{first.number} {first.title}"


def test_the_verification_looks_for_pseudonyms_when_people_are_named_by_function(room):
    room.join("Karim", "éducateur de rue")
    room.steer("start_session")
    for number, body in enumerate(["Je rejoins karim.", "Pour Karime, c'est autre chose."]):
        sent = room.facilitator.send("add_note", contribution_id=f"note-{number:04d}", body=body)
        assert sent["ok"], sent
    verification = f"/animer/{room.session_id}/pseudonymisation/verification"
    hits = room.facilitator.http.get(verification).json
    # The list is empty, yet each pseudonym is replaced by a function: a typo is left.
    assert [(hit["found"], hit["name"]) for hit in hits] == [("Karime", "Karim")]
    room.steer("change_settings", attribution="pseudonym")
    assert room.facilitator.http.get(verification).json == []


@pytest.mark.parametrize(
    ("listed", "written", "found"),
    [
        ("Éloïse Martin", "Eloise est partie.", True),  # accents and case, a first name alone
        ("Dupont", "Les Duponts sont venus.", True),  # a plural
        ("Dupont", "Dupont's office.", True),  # a possessive
        ("Jean-Pierre Lenoir", "Lenoir a signé.", True),  # a surname alone
        ("Vandermeulen", "Vandermeullen a appelé.", True),  # a typo in a long name
        ("Martin", "Le matin, rien.", False),  # a typo is looked for in capitalised words only
        ("CPAS de Saint-Gilles", "Le CPAS de la commune.", False),  # words every service has
        ("Anne", "Une année calme.", False),
    ],
)
def test_the_check_finds_what_looks_like_a_listed_name(listed, written, found):
    from mag.report.check import fold, name_parts, resembles

    words = re.findall(r"[^\W\d_]+", written)
    parts = name_parts(listed)
    hit = any(
        resembles(fold(w), part, capitalised=w[:1].isupper()) for w in words for part in parts
    )
    assert hit is found


def test_the_verification_is_empty_when_no_listed_name_remains(room):
    room.steer("start_session")
    assert room.facilitator.send("add_note", contribution_id="note-0001", body="Dupont est là.")[
        "ok"
    ]
    room.steer("set_replacements", replacements=[{"find": "Dupont", "replace": "X"}])
    response = room.facilitator.http.get(f"/animer/{room.session_id}/pseudonymisation/verification")
    assert response.json == []


def finished(http, job: dict, seconds: float = 120) -> dict:
    """Poll a job's status until it ends; return it."""
    deadline = time.monotonic() + seconds
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        response = http.get(job["url"])
        assert response.status_code == 200, response.text
        assert response.headers["Cache-Control"] == "no-store"
        job = response.json["job"]
    return job


def exported_names() -> list[str]:
    """md and csv once their exporters exist (the report helper writes them), else json."""
    wanted = [name for name in ("md", "csv") if _exists(formats.FORMATS[name].module)]
    return wanted or ["json"]


def _exists(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


@pytest.mark.parametrize("name", exported_names())
def test_an_export_is_an_attachment_named_after_the_session(app, saved, name):
    fmt = formats.FORMATS[name]
    with app.app_context(), app.extensions["mag"].sessions() as db:
        created = services.session_record(db, saved.session_id).created_at
        day = created.astimezone(formats.local_timezone()).date()
    rapporteur = saved.invite("rapporteur")
    response = rapporteur.http.get(f"/animer/{saved.session_id}/export/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == fmt.mimetype
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{day.isoformat()}-numerique-et-travail-social.{fmt.extension}"'
    )
    assert response.data


def test_an_unknown_format_is_not_found_and_outsiders_get_no_export(app, saved):
    assert saved.facilitator.http.get(f"/animer/{saved.session_id}/export/exe").status_code == 404
    observer = saved.invite("observateur")
    response = observer.http.get(f"/animer/{saved.session_id}/export/json")
    assert response.status_code == 403
    assert "réservés à l'équipe" in unescape(response.text)
    assert saved.join("Awa").http.get(f"/animer/{saved.session_id}/export/json").status_code == 403


def test_only_an_animateur_archives_and_only_an_ended_session(saved):
    rapporteur = saved.invite("rapporteur")
    path = f"/animer/{saved.session_id}/archiver"
    refused = rapporteur.http.post(path, json={})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"

    running = saved.facilitator.http.post(path, json={})
    assert running.status_code == 400
    assert running.json["error"] == {
        "code": "session_not_ended",
        "message": "Terminez la séance avant de l'archiver.",
    }

    saved.steer("start_session")
    saved.steer("end_session")
    started = saved.facilitator.http.post(path, json={})
    assert started.status_code == 202, started.text
    assert started.json["job"]["kind"] == "archive"
    done = finished(saved.facilitator.http, started.json["job"])
    assert done["state"] == "done", done
    assert done["progress"] == {"done": len(formats.FORMATS) + 1, "total": len(formats.FORMATS) + 1}
    folder = done["folder"]
    assert folder.endswith("-numerique-et-travail-social")
    state = saved.facilitator.sync()["state"]
    assert state["session"]["status"] == "archived"
    assert state["archive_folder"] == folder

    again = saved.facilitator.http.post(path, json={})
    assert again.status_code == 400
    assert again.json["error"]["code"] == "already_archived"
