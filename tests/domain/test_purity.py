"""The domain stays plain Python: importing all of it loads no web or database framework."""

import json
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("flask", "flask_babel", "flask_socketio", "sqlalchemy", "werkzeug")
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter, so that modules imported by other tests do not count.
SCRIPT = """
import importlib, json, pkgutil, sys
import mag.domain
names = sorted(info.name for info in pkgutil.walk_packages(mag.domain.__path__, "mag.domain."))
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""


def _run_in_fresh_interpreter() -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_importing_every_domain_module_loads_no_framework():
    report = _run_in_fresh_interpreter()
    assert {"mag.domain.i18n", "mag.domain.protocol"} <= set(report["imported"])
    leaked = [
        name
        for name in report["loaded"]
        if any(name == top or name.startswith(top + ".") for top in FORBIDDEN)
    ]
    assert leaked == []
