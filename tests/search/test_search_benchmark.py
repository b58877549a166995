"""The search benchmark still runs (a few cases, two rounds: its numbers mean nothing here)."""

from __future__ import annotations

import importlib.util

from django.conf import settings

SCRIPT = settings.BASE_DIR / "benchmarks" / "search_benchmark.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("search_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_search_benchmark_prints_percentiles_and_ratios_for_every_query(db):
    benchmark = load_benchmark()
    lines: list[str] = []

    ratios = benchmark.benchmark(cases=15, repeat=2, report=lines.append)

    output = "\n".join(lines)
    assert set(ratios) == {name for name, _ in benchmark.QUERIES}
    assert all(ratio > 0 for ratio in ratios.values())
    assert "primary-key lookup" in output
    assert "search p50" in output and "HTTP p50" in output
    assert "15 synthetic cases" in output
    assert "Did you mean" in output and "rebuilt p50" in output


def test_percentiles_are_nearest_rank():
    benchmark = load_benchmark()

    assert benchmark.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert benchmark.percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert benchmark.percentile([7.0], 0.95) == 7.0
