"""The service, the web page and the core name the same languages, lengths, tones and feedback
kinds: the wire schema's enums are read from the OpenAPI document the app really serves."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from whyrec.explanation.phrases import EVENT_PHRASES, PHRASES
from whyrec.feedback.events import KINDS, NEEDS_ASPECT
from whyrec.values import FEEDBACK_KINDS, LANGUAGES, LENGTHS, TONES, Style

pytest.importorskip("fastapi")

WEB = Path(__file__).resolve().parents[1] / "src" / "whyrec" / "service" / "web" / "app.js"


def _openapi() -> dict[str, Any]:
    from whyrec.service.app import create_app
    from whyrec.service.settings import load_settings

    stub = SimpleNamespace(settings=load_settings(backend="template", auth=True))
    spec: dict[str, Any] = create_app(stub).openapi()  # type: ignore[arg-type]
    return spec


def _enums(spec: dict[str, Any], field: str) -> set[tuple[str, ...]]:
    """Every enum the schemas give ``field`` (directly or through anyOf / a $ref)."""
    schemas = spec["components"]["schemas"]
    found: set[tuple[str, ...]] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                visit(schemas[node["$ref"].rsplit("/", 1)[-1]])
            if "enum" in node:
                found.add(tuple(node["enum"]))
            for key in ("anyOf", "oneOf", "allOf"):
                for sub in node.get(key, []):
                    visit(sub)

    for schema in schemas.values():
        if field in schema.get("properties", {}):
            visit(schema["properties"][field])
    return found


def test_the_wire_schema_names_the_core_vocabularies() -> None:
    spec = _openapi()
    assert _enums(spec, "kind") == {FEEDBACK_KINDS}
    assert _enums(spec, "language") == {LANGUAGES}
    assert _enums(spec, "length") == {LENGTHS}


def test_the_core_words_every_value_it_names() -> None:
    assert tuple(KINDS) == FEEDBACK_KINDS
    assert set(NEEDS_ASPECT) <= set(FEEDBACK_KINDS)
    assert set(EVENT_PHRASES) == set(PHRASES) == set(LANGUAGES)
    for length in LENGTHS:
        for tone in TONES:
            assert Style(length=length, tone=tone).key().startswith(f"{length}/{tone}/")


def test_the_web_page_offers_only_known_feedback_kinds() -> None:
    listed = re.search(r"const FEEDBACK_KINDS = \[(.*?)\];", WEB.read_text(encoding="utf-8"), re.S)
    assert listed
    kinds = re.findall(r'"([a-z_]+)"', listed.group(1))
    assert kinds and set(kinds) <= set(FEEDBACK_KINDS)
