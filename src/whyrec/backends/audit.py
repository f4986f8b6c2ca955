"""The audit log: for each request to a model outside this machine, which evidence fields left it.

One JSON object per line in ``$WHYREC_HOME/audit.jsonl``: when, which backend, model and host,
what the request was for, how many messages and characters, and per fact sent its kind and the
names and sizes of its fields — never their content, never who the person is.

Examples
--------
>>> log = AuditLog("/tmp/audit.jsonl")                                # doctest: +SKIP
>>> log.record(backend, facts, details, messages, purpose="explain")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from whyrec.backends.base import Backend, Message
from whyrec.backends.locality import describe
from whyrec.store.engine import whyrec_home
from whyrec.types import Evidence
from whyrec.values import ItemDetails

AUDIT_FILE = "audit.jsonl"
#: ``external`` (default): audit requests that leave the machine; ``all``: every model request
AUDIT_VARIABLE = "WHYREC_AUDIT"


def default_audit_path() -> Path:
    """``$WHYREC_HOME/audit.jsonl``."""
    return whyrec_home() / AUDIT_FILE


def audit_everything() -> bool:
    """Whether ``$WHYREC_AUDIT=all`` asks to audit local model requests too."""
    return os.environ.get(AUDIT_VARIABLE, "").strip().lower() == "all"


def fact_fields(fact: Evidence) -> dict[str, int]:
    """A fact's field names with their sizes: characters of text, 1 for a number or flag."""
    sizes: dict[str, int] = {}
    for spec in fields(fact):
        if spec.name == "id":
            continue
        value = getattr(fact, spec.name)
        if value is None or value == "" or value == ():
            continue
        if isinstance(value, (str, tuple, list)):
            sizes[spec.name] = len(value)
        else:
            sizes[spec.name] = 1
    return sizes


def detail_fields(details: ItemDetails) -> dict[str, int]:
    """The catalog fields of the recommended item a prompt shows (descriptions never are)."""
    sizes = {"title": len(details.title)}
    for name in ("category", "brand"):
        value = getattr(details, name)
        if value:
            sizes[name] = len(value)
    if details.tags:
        sizes["tags"] = len(details.tags[:5])
    return sizes


class AuditLog:
    """Appends one line per model request; safe to share between threads and processes (each
    line is written with one ``write`` call to a file opened for appending)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_audit_path()
        self._lock = threading.Lock()

    def record(self, backend: Backend, facts: Sequence[Evidence], details: ItemDetails,
               messages: Sequence[Message], *, purpose: str, language: str) -> dict[str, Any]:
        """Write (and return) the entry for one request."""
        entry = {
            "time": round(time.time(), 3), "backend": backend.name,
            "model": backend.model_name, "host": describe(backend), "purpose": purpose,
            "language": language, "messages": len(messages),
            "characters": sum(len(m["content"]) for m in messages),
            "item_fields": detail_fields(details),
            "facts": [{"kind": f.kind, "fields": fact_fields(f)} for f in facts],
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every entry written so far (for tests and reports)."""
        if not self.path.is_file():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
