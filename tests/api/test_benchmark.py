"""The API benchmark still runs (a few requests only: its numbers mean nothing here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "benchmarks" / "api_benchmark.py"


def test_the_api_benchmark_runs_and_prints_both_ratios():
    # SQLite in memory and tasks inline: never the database or broker of this test run.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL")
    }
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--cases", "8", "--requests", "2", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=settings.BASE_DIR,
    )

    assert result.returncode == 0, result.stderr
    assert "ratio, case list, 20 rows" in result.stdout
    assert "ratio, one case" in result.stdout
