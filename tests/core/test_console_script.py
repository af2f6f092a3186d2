"""The `lms` console script sees every domain's commands before any app is built."""
from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json
from lms.cli import lms_cli
print(json.dumps({name: sorted(getattr(cmd, "commands", {})) for name, cmd in lms_cli.commands.items()}))
"""


def test_console_script_lists_every_domain_command():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
    groups = json.loads(out)
    assert {"import-gift", "export-gift", "parse-gift"} <= set(groups["quiz"])
    assert {"check", "sync"} <= set(groups["courses"])
    assert {"solve", "check", "bound"} <= set(groups["plan"])
    assert {"import", "export"} <= set(groups["roster"])
    assert {"init", "generate", "backup", "restore", "notify", "user"} <= set(groups)
