"""The documentation's promises: every relative link resolves inside the repository (file and
heading), and the README stays short enough for a newcomer to read."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_MAX_LINES = 120

FENCE_RE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE_RE = re.compile(r"(`+).*?\1")
#: ``[text](target)`` and ``![alt](target)``; the target ends at a space (an optional title follows)
LINK_RE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+[^)]*)?\)")
#: reference definitions: ``[name]: target``
REFERENCE_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$")
HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
            ROOT / "benchmarks" / "README.md"]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the lines outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE_RE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every markdown link and reference definition (not in code)."""
    found = []
    for number, raw in prose_lines(text):
        line = INLINE_CODE_RE.sub("", raw)
        found += [(number, match.group(1)) for match in LINK_RE.finditer(line)]
        reference = REFERENCE_RE.match(line)
        if reference:
            found.append((number, reference.group(1)))
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.

    >>> slug("Recommenders: `--algo`, `--param`")
    'recommenders---algo---param'
    """
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link counts as its text
    text = text.replace("`", "").replace("*", "").strip().lower()
    kept = "".join(ch for ch in text if ch in " -" or unicodedata.category(ch)[0] in "LMN"
                   or unicodedata.category(ch) == "Pc")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a markdown file (repeated headings get -1, -2, … as on GitHub)."""
    seen: dict[str, int] = {}
    result = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        heading = HEADING_RE.match(line)
        if not heading:
            continue
        base = slug(heading.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def broken_links(path: Path, text: str | None = None) -> list[str]:
    """Why each relative link of ``path`` (or of ``text``, as if it were ``path``) is broken."""
    text = path.read_text(encoding="utf-8") if text is None else text
    problems = []
    for number, target in links(text):
        if SCHEME_RE.match(target) or target.startswith("//"):
            continue  # a web address, not a file of the repository
        where = f"{path.relative_to(ROOT)}:{number}: {target}"
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path.resolve()
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{where} leaves the repository")
            continue
        if not resolved.exists():
            problems.append(f"{where} does not exist")
            continue
        if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{where}: {resolved.name} has no heading #{anchor}")
    return problems


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(path: Path) -> None:
    assert path.is_file()
    assert broken_links(path) == []


def test_the_checker_finds_broken_links() -> None:
    page = ROOT / "docs" / "page.md"
    text = ("[up](../../shared/data/ml-latest-small) [gone](missing.md) "
            "[heading](cli.md#no-such-heading) [fine](cli.md#whyrec-explain) "
            "[web](https://example.com/x.md)\n```\n[in code](nowhere.md)\n```\n"
            "`[inline](nowhere.md)`\n[ref]: ../../outside.md\n")
    problems = broken_links(page, text)
    assert len(problems) == 4, problems
    assert "leaves the repository" in problems[0] and "leaves the repository" in problems[3]
    assert "missing.md does not exist" in problems[1]
    assert "no heading #no-such-heading" in problems[2]


def test_anchors_follow_github_rules() -> None:
    assert slug("`whyrec explain`") == "whyrec-explain"
    assert slug("Another system's recommendations: `--input`") == (
        "another-systems-recommendations---input")
    assert slug("数据 format") == "数据-format"


def test_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"
