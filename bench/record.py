"""Append a benchmark's figures to bench/RESULTS.md under its own heading."""
from __future__ import annotations

import os
import platform
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """A one-line description of where the figures were measured."""
    cpus = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f", {mem:.0f} GiB"
    except (ValueError, OSError):
        memory = ""
    return f"{platform.machine()}, {cpus} cores{memory}, Python {sys.version.split()[0]}, {platform.system()}"


def record(section: str, body: str) -> None:
    """Replace the text under `## section` in RESULTS.md (creating either when missing)."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = f"## {section}\n\nMeasured {stamp} on {machine()}.\n\n{body.strip()}\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\nEach section is rewritten by its benchmark (`make bench`).\n"
    pattern = re.compile(rf"^## {re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(block + "\n", text)
    else:
        text = text.rstrip() + "\n\n" + block
    RESULTS.write_text(text.rstrip() + "\n")
