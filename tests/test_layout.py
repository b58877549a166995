"""The shape of the code: no module imports one that imports it back, and modules stay small.

The layers between apps are import-linter's contract in `pyproject.toml` (`lint-imports`, run by
`make test`); these tests hold what a layers contract cannot say.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    "teachingfile",
    "api",
    "accounts",
    "notifications",
    "cases",
    "imaging",
    "reviews",
    "search",
    "study",
    "bookmarks",
    "community",
    "interchange",
]
# Pure data may be long: a standard's table, a vocabulary. Anything else past the limit is
# usually two modules.
DATA_MODULES = {
    "imaging/data/ps315_annex_e.py",
    "search/synthetic_vocabulary.py",
}
MAX_LINES = 520


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_no_module_imports_one_that_imports_it_back(graph):
    edges = {
        module: {
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if ".migrations" not in imported
        }
        for module in graph.modules
        if ".migrations" not in module
    }
    assert _strongly_connected(edges) == []


def test_no_module_is_over_the_size_limit_except_pure_data():
    long_modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in DATA_MODULES:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long_modules.append((relative, lines))
    assert long_modules == []
