"""Command line: ``mag serve``, ``mag demo``, ``mag export``, ``mag import``,
``mag protocol list|show|check``, ``mag programme list|export|import``, ``mag purge``."""

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from mag import dates
from mag.config import default_config
from mag.domain.i18n import DomainError
from mag.domain.protocol import ProtocolInvalid, builtin_protocols, load_protocol
from mag.report.formats import FORMATS


@contextmanager
def translating():
    """An app context with Flask-Babel set up, for messages printed by the CLI."""
    from mag.extensions import babel

    app = Flask("mag.cli")
    app.config.update(default_config())
    babel.init_app(app, locale_selector=lambda: app.config["BABEL_DEFAULT_LOCALE"])
    with app.app_context():
        yield


@contextmanager
def mag_app() -> Iterator[Flask]:
    """The configured app, in an app context; its database connections closed at the end."""
    from mag import create_app

    app = create_app()
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["mag"].engine.dispose()


@click.group()
def main() -> None:
    """mag: run a Méthode d'Analyse en Groupe session."""


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes on this port; more than one needs MAG_MESSAGE_QUEUE.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1),
    help="Live connections per process (default: MAG_MAX_CONNECTIONS).",
)
@click.option("--no-demo", is_flag=True, help="Do not create or refresh the demo session.")
def serve(host: str, port: int, processes: int, max_connections: int | None, no_demo: bool) -> None:
    """Start the server (gunicorn, gevent) and print the addresses to open."""
    import os

    from mag import create_app
    from mag.archive import rotate_archive_secret
    from mag.demo import ensure_demo_session
    from mag.server import capacity, run

    app = create_app()
    base = f"http://{_public_host(host)}:{port}"
    with app.app_context():
        if processes > 1 and not app.config["MAG_MESSAGE_QUEUE"]:
            raise click.ClickException(
                _(
                    "Plusieurs processus doivent partager une file de messages : définissez "
                    "MAG_MESSAGE_QUEUE (par exemple redis://localhost:6379/0)."
                )
            )
        room = capacity(max_connections or int(app.config["MAG_MAX_CONNECTIONS"]))
        # The workers read their limit from the environment they inherit.
        os.environ["MAG_MAX_CONNECTIONS"] = str(room.connections)
        lines = [_("mag est prêt. Adresses à ouvrir :"), f"  {_('Créer une séance')} : {base}/"]
        lines.append(f"  {_('Rejoindre une séance')} : {base}/rejoindre")
        secret = rotate_archive_secret(app.extensions["mag"].sessions)
        archives = _("Archives des séances (lien privé)")
        lines.append(f"  {archives} : {base}/archives/cle/{secret}")
        if not no_demo:
            demo = ensure_demo_session(app)
            console = _("Séance de démonstration, animation")
            joining = _("Séance de démonstration, code pour rejoindre")
            lines.append(f"  {console} : {base}/animer/{demo.session_id}/{demo.facilitator_secret}")
            lines.append(f"  {joining} : {demo.join_code}")
        lines.append(
            _(
                "Connexions en direct : jusqu'à %(connections)s par processus, %(processes)s "
                "processus (limite de fichiers ouverts : %(files)s).",
                connections=format_number(room.connections),
                processes=processes,
                files=format_number(room.file_limit),
            )
        )
    app.extensions["mag"].engine.dispose()
    click.echo("\n".join(lines), err=False)
    sys.stdout.flush()
    run(host=host, port=port, processes=processes, connections=room.connections)


@main.command()
def demo() -> None:
    """Play a complete example session (every step of mag-complet) and print its id last."""
    from mag.demo import play_demo_session

    with mag_app() as app:
        played = play_demo_session(app)
        lines = [
            _("Séance d'exemple jouée de bout en bout : « %(title)s ».", title=played.title),
            _("Sur le serveur (« mag serve »), ouvrez après son adresse :"),
            "  "
            + _(
                "le lien d'animation (la console, pour parcourir, exporter, archiver) : %(path)s",
                path=played.facilitator_path,
            ),
            "  "
            + _(
                "le lien de la rapporteuse (qui a saisi pour les participants) : %(path)s",
                path=played.rapporteur_path,
            ),
            _("Identifiant de la séance :"),
            played.session_id,
        ]
    click.echo("\n".join(lines))


def _public_host(host: str) -> str:
    """The address to print: the machine's network address when listening everywhere."""
    if host not in ("0.0.0.0", "::"):
        return host
    addresses: list[str] = []
    try:  # Debian's hostname lists the machine's addresses without asking the network
        output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=2)
        addresses = [a for a in output.stdout.split() if "." in a and not a.startswith("127.")]
    except (OSError, subprocess.SubprocessError):
        pass
    if not addresses:
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
            addresses = [i[4][0] for i in infos if not i[4][0].startswith("127.")]
        except OSError:
            pass
    return addresses[0] if addresses else "localhost"


@main.command("export")
@click.argument("session_id")
@click.option(
    "--format",
    "format_name",
    required=True,
    type=click.Choice(list(FORMATS)),
    help="Export format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: <date>-<title>.<ext> in the current folder; - for stdout).",
)
def export_command(session_id: str, format_name: str, output: Path | None) -> None:
    """Export a session, pseudonymised, as the team's page would."""
    from mag.report.formats import file_name, load

    with mag_app() as app, app.extensions["mag"].sessions() as db:
        try:
            material = load(db, session_id)
        except DomainError as error:
            raise click.ClickException(error.message(_)) from None
        fmt = FORMATS[format_name]
        _write_export(fmt.export(material), output or Path(file_name(material, fmt)))


def _write_export(data: bytes, target: Path) -> None:
    """An export's bytes to ``target`` (``-``: standard output), and say so."""
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        return
    target.write_bytes(data)
    click.echo(_("%(file)s écrit (%(size)s octets).", file=target, size=len(data)))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Restore a session, or a programme's archive, exported as JSON into this installation."""
    from mag.report.importing import import_session, is_programme

    raw = file.read_bytes()
    if is_programme(raw):
        _restore_programme(raw)
        return
    with mag_app() as app, _refusals():
        with app.extensions["mag"].sessions() as db, db.begin():
            created = import_session(db, raw)
        click.echo(
            _(
                "Séance importée. Lien d'animation privé : /animer/%(id)s/%(secret)s",
                id=created.session_id,
                secret=created.facilitator_secret,
            )
        )
        click.echo(created.session_id)


@contextmanager
def _refusals() -> Iterator[None]:
    """A file ``mag import`` refuses: its reason (every problem of a protocol), status 1."""
    try:
        yield
    except ProtocolInvalid as error:
        click.echo(_("Le protocole de cette séance est invalide :"), err=True)
        for problem in error.problems:
            click.echo(f"  - {problem.format(_)}", err=True)
        sys.exit(1)
    except DomainError as error:
        raise click.ClickException(error.message(_)) from None


def _restore_programme(raw: bytes) -> None:
    """Restore a programme's archive in one transaction; print its new links, its id last."""
    from mag.report.importing import import_programme

    with mag_app() as app, _refusals():
        with app.extensions["mag"].sessions() as db, db.begin():
            restored = import_programme(db, raw)
        lines = [
            _("Programme importé : « %(title)s ».", title=restored.title),
            "  "
            + _(
                "Lien privé de l'équipe : /programme/%(id)s/%(secret)s",
                id=restored.programme_id,
                secret=restored.secret,
            ),
        ]
        if restored.form_key:
            lines.append(
                "  "
                + _(
                    "Nouvelle adresse du formulaire des fiches : /fiche/%(key)s",
                    key=restored.form_key,
                )
            )
        else:
            lines.append("  " + _("Le formulaire des fiches est fermé."))
        for title, created in restored.sessions:
            lines.append(
                "  "
                + _(
                    "Séance « %(title)s », lien d'animation privé : /animer/%(id)s/%(secret)s",
                    title=title,
                    id=created.session_id,
                    secret=created.facilitator_secret,
                )
            )
        lines.append(restored.programme_id)
    click.echo("\n".join(lines))


@main.group()
def protocol() -> None:
    """Built-in protocols, and checking a protocol file of your own."""


@protocol.command("list")
def protocol_list() -> None:
    """List the built-in protocols."""
    for name, proto in builtin_protocols().items():
        total = sum(step.duration_minutes for step in proto.steps)
        click.echo(
            f"{name:16} {proto.title} ({len(proto.steps)} étapes, {total // 60} h {total % 60:02d})"
        )


@protocol.command("show")
@click.argument("name")
def protocol_show(name: str) -> None:
    """Show the steps of a built-in protocol, or of a protocol file."""
    with translating():
        try:
            proto = load_protocol(Path(name)) if Path(name).is_file() else _builtin(name)
        except DomainError as error:
            raise click.ClickException(error.message(_)) from None
        click.echo(f"{proto.title}\n{proto.description}\n")
        for step in proto.steps:
            tags = [str(step.kind), f"{step.duration_minutes} min", step.visibility.value]
            if step.per_recit:
                tags.append(_("par récit"))
            click.echo(f"{step.number:>4}  {step.phase} · {step.title}  [{', '.join(tags)}]")


def _builtin(name: str):
    from mag.domain.protocol import builtin_protocol

    return builtin_protocol(name)


@protocol.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def protocol_check(file: Path) -> None:
    """Check a protocol file; list every problem with its step and field."""
    with translating():
        try:
            proto = load_protocol(file)
        except ProtocolInvalid as error:
            click.echo(
                _("%(file)s : %(count)s problème(s) :", file=file, count=len(error.problems)),
                err=True,
            )
            for problem in error.problems:
                click.echo(f"  - {problem.format(_)}", err=True)
            sys.exit(1)
        except OSError as error:
            click.echo(
                _("Lecture impossible de %(file)s : %(error)s", file=file, error=error.strerror),
                err=True,
            )
            sys.exit(1)
        click.echo(
            _("%(file)s : protocole valable (%(count)s étapes).", file=file, count=len(proto.steps))
        )


@main.group()
def programme() -> None:
    """Action-research programmes: list them, export one, restore an archive."""


@programme.command("list")
def programme_list() -> None:
    """List the programmes of this installation, with their fiches and sessions."""
    from mag import programmes
    from mag.report.formats import local_timezone

    with mag_app() as app, app.extensions["mag"].sessions() as db:
        found = programmes.summaries(db)
        if not found:
            click.echo(_("Aucun programme dans cette installation."))
            return
        lines = []
        for summary in found:
            facts = [
                ngettext("%(num)s fiche", "%(num)s fiches", summary.fiche_count),
                ngettext("%(num)s séance", "%(num)s séances", summary.session_count),
                _(
                    "créé le %(day)s",
                    day=dates.day(summary.created_at.astimezone(local_timezone())),
                ),
            ]
            start, end = summary.period_start, summary.period_end
            if start and end:
                facts.append(
                    _("période du %(start)s au %(end)s", start=dates.day(start), end=dates.day(end))
                )
            elif start:
                facts.append(_("période à partir du %(start)s", start=dates.day(start)))
            elif end:
                facts.append(_("période jusqu'au %(end)s", end=dates.day(end)))
            lines += [f"{summary.programme_id}  « {summary.title} »", "  " + " · ".join(facts)]
    click.echo("\n".join(lines))


@programme.command("export")
@click.argument("programme_id")
@click.option(
    "--format",
    "format_name",
    required=True,
    type=click.Choice(["qdpx", "json"]),
    help="qdpx: one REFI-QDA project (names replaced); json: the archive mag import restores.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: <date>-<title>.<ext> in the current folder; - for stdout).",
)
def programme_export(programme_id: str, format_name: str, output: Path | None) -> None:
    """Export a programme: its sessions and fiches, as the team's page would."""
    from mag.report import programme as programme_file

    with mag_app() as app, app.extensions["mag"].sessions() as db:
        try:
            loaded = programme_file.load(db, programme_id)
        except DomainError as error:
            raise click.ClickException(error.message(_)) from None
        fmt = programme_file.PROGRAMME_FORMATS[format_name]
        _write_export(fmt.export(loaded), output or Path(programme_file.file_name(loaded, fmt)))


@programme.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def programme_import(file: Path) -> None:
    """Restore a programme's archive (its JSON export): the same as ``mag import``."""
    _restore_programme(file.read_bytes())


@main.command()
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def purge(dry_run: bool) -> None:
    """Delete the sessions and programmes whose retention date is past.

    A session's data and archive folder; a programme's fiches, forms and team links (its
    sessions are detached and kept until their own retention date).
    """
    from datetime import datetime
    from pathlib import Path

    from mag import archive
    from mag.report.formats import local_timezone

    with mag_app() as app:
        today = datetime.now(local_timezone()).date()
        found = archive.purge(
            app.extensions["mag"].sessions,
            Path(app.config["MAG_DATA_DIR"]),
            today,
            dry_run=dry_run,
        )
        programmes = archive.purge_programmes(
            app.extensions["mag"].sessions, today, dry_run=dry_run
        )
        if not found:
            lines = [_("Aucune séance n'a dépassé sa date de conservation.")]
        elif dry_run:
            lines = [_("Séances à supprimer (rien n'est supprimé) :")]
        else:
            lines = [_("Séances supprimées :")]
        for gone in found:
            lines.append(
                "  "
                + _(
                    "« %(title)s », conservée jusqu'au %(day)s, dossier : %(folder)s",
                    title=gone.title,
                    day=dates.day(gone.retention_until),
                    folder=gone.folder or _("aucun"),
                )
            )
        if not programmes:
            lines.append(_("Aucun programme n'a dépassé sa date de conservation."))
        elif dry_run:
            lines.append(_("Programmes à supprimer (rien n'est supprimé) :"))
        else:
            lines.append(_("Programmes supprimés :"))
        for gone in programmes:
            lines.append(
                "  "
                + _(
                    "« %(title)s », conservé jusqu'au %(day)s : %(fiches)s fiche(s) ; "
                    "%(sessions)s séance(s) détachée(s), gardée(s) jusqu'à leur propre date "
                    "de conservation",
                    title=gone.title,
                    day=dates.day(gone.retention_until),
                    fiches=format_number(gone.fiches),
                    sessions=format_number(gone.sessions),
                )
            )
    click.echo("\n".join(lines))
