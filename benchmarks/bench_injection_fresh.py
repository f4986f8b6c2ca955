"""The injection detector on the fresh set (``bench_injection_unseen.py --set fresh``).

The set was written without looking at the detector; since the detector was then fixed by kind
from its misses and false positives, it is a development set now, no longer a held-out one:
``results/injection_fresh_before.json`` is its last held-out measure (written by this script's
earlier, single-purpose version, in that version's layout).

Run ``.venv/bin/python benchmarks/bench_injection_fresh.py`` (saves
``results/injection_fresh.json``; ``--no-save`` to skip).
"""

from __future__ import annotations

import sys

from bench_injection_unseen import main

if __name__ == "__main__":
    raise SystemExit(main(["--set", "fresh", *sys.argv[1:]]))
