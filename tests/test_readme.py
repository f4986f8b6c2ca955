"""The README's promises: two set-up commands, CI runs the second, the Python example works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block, "README must start with a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("```bash") < readme.index("\n\n", readme.index("```bash"))
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].endswith("whyrec demo")
    assert "pytest" in commands[1]
    assert all(".venv" in c and "requirements" in c for c in commands)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


@pytest.mark.slow  # explains with the default backend: the bundled model
def test_python_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example
    seen: list[tuple[object, ...]] = []
    namespace: dict[str, object] = {"print": lambda *args: seen.append(args)}
    exec(compile(example.group(1), "README.md", "exec"), namespace)
    explained = [args for args in seen if len(args) == 2]
    assert len(explained) == 5 and all(text and ids for text, ids in explained)
    assert 0.0 < float(seen[-1][0]) <= 1.0  # NDCG@10
