"""The recommendation engine is a pure function: importing it builds no app, opens no database."""

from __future__ import annotations

import json
import subprocess
import sys

FRAMEWORKS = ("flask", "flask_smorest", "werkzeug", "sqlalchemy", "marshmallow")


def test_importing_the_engine_loads_no_web_framework_no_database_and_no_other_part() -> None:
    # A fresh interpreter: this one has long imported the app.
    code = (
        "import json, sys\n"
        "import service.recommendations.engine\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(result.stdout)
    frameworks = [name for name in loaded if name.split(".")[0] in FRAMEWORKS]
    assert frameworks == [], f"importing the engine loaded {frameworks}"
    parts = [name for name in loaded if name.split(".")[0] == "service"]
    assert parts == ["service", "service.recommendations", "service.recommendations.engine"]
