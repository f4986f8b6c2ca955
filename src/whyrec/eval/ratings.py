"""Blind side-by-side rating sheets for people, and scoring the filled-in sheets.

:func:`write_sheet` writes a CSV a rater can open in any spreadsheet: per row the item, the facts
it was recommended for, and two explanations of it -- one from each configuration, in an order
shuffled per row with a seeded RNG -- and an empty ``preferred`` column (``1``, ``2`` or
``tie``). Which configuration wrote which column is kept in a separate key file, so raters
cannot tell. :func:`score_sheet` reads the filled-in sheet with its key and says which
configuration won and by how much, with a two-sided sign test (ties left out, as usual).

Cells starting with ``= + - @`` get a leading apostrophe: catalog text is untrusted and would
otherwise run as a spreadsheet formula (CSV injection).
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whyrec.errors import DataError, ValidationError
from whyrec.types import Explanation, Recommendation

COLUMNS = ("row", "item", "facts", "language", "text_1", "text_2", "preferred", "comment")
CHOICES = {"1": "1", "2": "2", "tie": "tie", "=": "tie", "": ""}


def _cell(text: str) -> str:
    """A spreadsheet-safe cell: no formula, one line."""
    text = " ".join(str(text).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _facts(rec: Recommendation, limit: int = 4) -> str:
    parts = []
    for fact in rec.evidence[:limit]:
        data = fact.to_dict()
        words = data.get("title") or data.get("value") or data.get("anchor_title") or ""
        parts.append(f"{fact.kind}: {words}".strip(": "))
    return " | ".join(parts)


def write_sheet(
    rows: Sequence[tuple[Recommendation, Explanation, Explanation]], names: tuple[str, str],
    sheet: str | Path, key: str | Path, seed: int = 0,
) -> int:
    """Write the blind sheet (CSV) and its key (JSON); returns the number of rows.

    Parameters
    ----------
    rows : per recommendation, the explanation of configuration ``names[0]`` and of
        ``names[1]``.
    names : the two configurations' names.
    seed : seeds the per-row order, so the same inputs give the same sheet.
    """
    rng = random.Random(seed)
    order: dict[str, list[str]] = {}
    with Path(sheet).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number, (rec, first, second) in enumerate(rows, start=1):
            pair = [(names[0], first), (names[1], second)]
            rng.shuffle(pair)
            row_id = str(number)
            order[row_id] = [pair[0][0], pair[1][0]]
            writer.writerow([row_id, _cell(rec.title), _cell(_facts(rec)), first.language,
                             _cell(pair[0][1].text), _cell(pair[1][1].text), "", ""])
    Path(key).write_text(json.dumps({"configs": list(names), "seed": seed, "rows": order},
                                    ensure_ascii=False, indent=2), encoding="utf-8")
    return len(rows)


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact binomial (sign) test p-value of ``wins`` vs ``losses`` at p = 1/2.

    Examples
    --------
    >>> round(sign_test(9, 1), 4)
    0.0215
    >>> sign_test(0, 0)
    1.0
    """
    n = wins + losses
    if n == 0:
        return 1.0
    low = min(wins, losses)
    tail = sum(math.comb(n, i) for i in range(low + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def read_sheet(sheet: str | Path) -> dict[str, str]:
    """``{row: choice}`` from a filled-in sheet; every bad cell is listed in one error."""
    path = Path(sheet)
    if not path.is_file():
        raise DataError(f"rating sheet not found: {path}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"row", "preferred"} <= set(reader.fieldnames):
            raise DataError(f"{path.name} is not a rating sheet: it needs the columns 'row' "
                            "and 'preferred'")
        choices: dict[str, str] = {}
        problems = []
        for line, row in enumerate(reader, start=2):
            value = (row.get("preferred") or "").strip().lower()
            if value not in CHOICES:
                problems.append(f"{path.name}:{line}: preferred must be 1, 2, tie or empty, "
                                f"got {value!r}")
                continue
            choices[str(row["row"]).strip()] = CHOICES[value]
    if problems:
        raise ValidationError(problems[:10])
    return choices


def score_sheet(sheet: str | Path, key: str | Path) -> dict[str, Any]:
    """Which configuration the raters preferred, by how much, and how sure we can be.

    Returns wins per configuration, ties, unrated rows, ``win_rate`` of each (ties excluded),
    ``margin`` (difference in wins over rated rows, ties included), the sign-test p-value and
    the winner (``None`` on a draw).
    """
    key_path = Path(key)
    if not key_path.is_file():
        raise DataError(f"rating key not found: {key_path}")
    try:
        mapping = json.loads(key_path.read_text(encoding="utf-8"))
        names, order = list(mapping["configs"]), dict(mapping["rows"])
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataError(f"{key_path.name} is not a rating key ({exc})") from None
    choices = read_sheet(sheet)
    unknown = sorted(set(choices) - set(order))
    if unknown:
        raise DataError(f"rows {', '.join(unknown[:5])} of the sheet are not in the key "
                        f"(a sheet and key from different exports?)")
    wins = dict.fromkeys(names, 0)
    ties = unrated = 0
    for row, columns in order.items():
        choice = choices.get(row, "")
        if choice == "":
            unrated += 1
        elif choice == "tie":
            ties += 1
        else:
            wins[columns[int(choice) - 1]] += 1
    decided = sum(wins.values())
    rated = decided + ties
    first, second = names
    winner = None if wins[first] == wins[second] else max(names, key=lambda n: wins[n])
    return {
        "configs": names, "rows": len(order), "rated": rated, "unrated": unrated,
        "ties": ties, "wins": wins,
        "win_rate": {n: wins[n] / decided if decided else 0.0 for n in names},
        "margin": (wins[first] - wins[second]) / rated if rated else 0.0,
        "sign_test_p": sign_test(wins[first], wins[second]),
        "winner": winner,
    }
