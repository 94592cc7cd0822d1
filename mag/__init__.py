"""mag: run a Méthode d'Analyse en Groupe session live.

Importing ``mag`` loads nothing else, so ``mag.domain`` stays importable
without Flask or SQLAlchemy; ``create_app`` builds the web application.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, object] | None = None) -> "Flask":
    from mag.app import create_app as build

    return build(config)
