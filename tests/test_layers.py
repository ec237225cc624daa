"""Imports point down only: each module of bot/, handlers/ and storage/ imports its own floor or lower.

The floors, bottom up, follow the way data flows (docs/architecture.md). An import of a higher floor,
even inside a function, fails here with the module, the line and what it imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")

# (prefix, floor): the longest matching prefix decides a module's floor.
FLOORS: list[tuple[str, int]] = [
    ("storage", 0),
    ("bot.config", 1),
    ("bot.errors", 1),
    ("bot.logs", 1),
    ("bot.slack_standin", 1),
    ("bot.reading", 2),
    ("bot.claims", 3),
    ("bot.services", 4),
    ("bot.pipeline", 5),
    ("bot.views", 6),
    ("bot.slack", 7),
    ("bot.features", 8),
    ("bot.jobs", 9),
    ("handlers", 10),
    ("bot.entry", 11),
]


def floor_of(module: str) -> int | None:
    found = [
        (len(prefix), floor)
        for prefix, floor in FLOORS
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(found)[1] if found else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from bot import jobs" names a module too
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts)


def test_every_module_has_a_floor() -> None:
    assert [module_name(p) for p in sources() if floor_of(module_name(p)) is None] in ([], ["bot"])


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    here = module_name(path)
    mine = floor_of(here)
    if mine is None:  # the bare package `bot`
        return
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {target} (floor {floor_of(target)} > {mine})"
        for line, target in imports_of(path)
        if (theirs := floor_of(target)) is not None and theirs > mine
    ]
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule itself: a storage module importing the share job would be reported."""
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from bot.jobs.shares import process_shares\n", encoding="utf-8")
    assert [(line, target) for line, target in imports_of(module) if (floor_of(target) or 0) > 0] == [
        (2, "bot.jobs.shares"),
        (2, "bot.jobs.shares.process_shares"),
    ]
