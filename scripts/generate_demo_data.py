"""Regenerate the demo dataset shipped in ``src/whyrec/data/demo/``.

Run ``python scripts/generate_demo_data.py`` after changing ``whyrec.data.demo_generator`` or
``whyrec.data.demo_vocab``, and commit the result; ``tests/data/test_demo_generator.py`` fails when
the shipped files differ from a fresh generation.
"""

from __future__ import annotations

from pathlib import Path

from whyrec.data.demo_generator import DEFAULT_SEED, write_demo

OUT_DIR = Path(__file__).resolve().parents[1] / "src" / "whyrec" / "data" / "demo"


def main() -> None:
    """Write the demo dataset with the default seed into the package."""
    write_demo(OUT_DIR, seed=DEFAULT_SEED)
    for path in sorted(OUT_DIR.iterdir()):
        print(f"{path.stat().st_size:>9,d}  {path}")


if __name__ == "__main__":
    main()
