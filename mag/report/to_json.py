"""The complete session as JSON: every event researchers may take away, re-importable.

The format is documented in docs/archive-format.md and described by
``session.schema.json`` beside this module. It holds nothing that belongs to one
installation (join code, secrets, export time), so exporting an imported
session gives back the same document.
"""

import json
from importlib import resources

from mag.report.material import Material

FORMAT = "mag-session"
FORMAT_VERSION = 1


def document(material: Material) -> dict[str, object]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "session": {
            "id": material.session_id,
            "title": material.state.title,
            "protocol": material.protocol.name,
            "protocol_source": material.session.protocol_source,
            "created_at": material.session.created_at.isoformat(),
        },
        "events": [
            {
                "seq": event.seq,
                "type": event.type,
                "actor": event.actor,
                "audience": event.audience,
                "at": event.at.isoformat(),
                "data": event.data,
            }
            for event in material.events
        ],
    }


def export(material: Material) -> bytes:
    return (json.dumps(document(material), ensure_ascii=False, indent=1) + "\n").encode()


def schema() -> dict[str, object]:
    return json.loads(resources.files("mag.report").joinpath("session.schema.json").read_text())
