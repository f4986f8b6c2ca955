"""Input limits and path checks: how much whyrec reads, and from where.

Every limit can be raised through the environment for a deployment that needs more; an input
over its limit is refused with :class:`~whyrec.errors.InputLimitError` before it is parsed.
With ``$WHYREC_INPUT_ROOT`` set, file options must name paths inside that folder (after
resolving ``..`` and symbolic links): a wrapper that passes people's paths to the CLI cannot be
steered to other files.
"""

from __future__ import annotations

import os
from pathlib import Path

from whyrec.errors import InputLimitError, PrivacyError

#: a chat question, in characters
MAX_QUESTION_CHARS = 1000
#: a requests file (JSON lines) and one line of it, in bytes
MAX_REQUESTS_BYTES = 64 * 2**20
MAX_REQUEST_LINE_BYTES = 2**20
#: one data table file (interactions, items, users), in bytes: MovieLens 25M's ratings fit
MAX_TABLE_BYTES = 4 * 2**30
INPUT_ROOT_VARIABLE = "WHYREC_INPUT_ROOT"


def limit(name: str, default: int) -> int:
    """``default``, or ``$WHYREC_<NAME>`` when set to a positive whole number."""
    raw = os.environ.get(f"WHYREC_{name.upper()}", "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputLimitError(f"WHYREC_{name.upper()} must be a whole number, got {raw!r}"
                              ) from None
    if value <= 0:
        raise InputLimitError(f"WHYREC_{name.upper()} must be above 0, got {value}")
    return value


def check_question(text: str) -> str:
    """``text`` when it is a question of acceptable size, else :class:`InputLimitError`.

    Examples
    --------
    >>> check_question("why this?")
    'why this?'
    """
    most = limit("max_question_chars", MAX_QUESTION_CHARS)
    if len(text) > most:
        raise InputLimitError(f"the question is {len(text)} characters; the limit is {most}")
    return text


def check_file_size(path: Path, name: str, default: int, what: str) -> None:
    """Refuse ``path`` when it is larger than the limit ``name`` (bytes)."""
    most = limit(name, default)
    size = path.stat().st_size
    if size > most:
        raise InputLimitError(f"{what} {path} is {size:,} bytes; the limit is {most:,} "
                              f"(raise it with WHYREC_{name.upper()})")


def check_line_size(line: str, number: int, name: str) -> None:
    """Refuse one over-long line of a JSON-lines file."""
    most = limit("max_request_line_bytes", MAX_REQUEST_LINE_BYTES)
    if len(line) > most:
        raise InputLimitError(f"{name}:{number}: the line is {len(line):,} characters; the "
                              f"limit is {most:,}")


def input_root() -> Path | None:
    """``$WHYREC_INPUT_ROOT``, resolved, when set."""
    raw = os.environ.get(INPUT_ROOT_VARIABLE, "").strip()
    return Path(raw).expanduser().resolve() if raw else None


def contained(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None,
              *, what: str = "path") -> Path:
    """``path`` resolved, refused unless it lies inside ``root`` (default:
    ``$WHYREC_INPUT_ROOT``; no root, no check).

    Examples
    --------
    >>> contained("data/shop", "/srv/whyrec").is_relative_to("/srv/whyrec")   # doctest: +SKIP
    True
    >>> contained("../../etc/passwd", "/srv/whyrec")                        # doctest: +SKIP
    Traceback (most recent call last):
    whyrec.errors.PrivacyError: ...
    """
    base = Path(root).expanduser().resolve() if root is not None else input_root()
    target = Path(path).expanduser()
    if base is None:
        return target
    resolved = (base / target).resolve() if not target.is_absolute() else target.resolve()
    if not resolved.is_relative_to(base):
        raise PrivacyError(f"{what} {str(path)!r} is outside {base}; only files under "
                           f"{INPUT_ROOT_VARIABLE} may be read or written")
    return resolved
