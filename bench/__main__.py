"""`make bench`: run every benchmark module (bench/bench_*.py) in turn."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

for path in sorted(Path(__file__).parent.glob("bench_*.py")):
    print(f"== {path.stem}", flush=True)
    sys.argv = [path.name]
    runpy.run_module(f"bench.{path.stem}", run_name="__main__")
