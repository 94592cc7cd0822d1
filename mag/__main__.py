"""``python -m mag`` and the ``mag`` command.

``mag serve`` runs under gevent (``mag.server``): the standard library is patched
here, before Flask, SQLAlchemy or a database driver is imported, so that every
lock, socket and wait in them cooperates. Other commands run unpatched.
"""

import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        from gevent import monkey

        monkey.patch_all()
    from mag.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
