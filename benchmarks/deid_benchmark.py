"""How much de-identification adds to reading and writing a DICOM file.

Run from the project root (no Django needed, the engine is pure):

    .venv/bin/python benchmarks/deid_benchmark.py [--datasets 200] [--repeat 5]

Each repetition times, over the same datasets (pydicom's bundled test files, repeated):

(a) a plain pydicom read and write of each file, and
(b) a read, `deidentify_dataset`, and the same write;

and the table shows the best and median repetition of each and the ratio (b)/(a). Further
comparisons go in `comparisons()`: each is a name, a baseline and a candidate, timed the same
way. The derivative comparison (`make_derivatives` against a bare Pillow resize) is included
when `imaging.derivatives` provides it.
"""

from __future__ import annotations

import argparse
import io
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pydicom  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402

from imaging.deid import DeidOptions, deidentify_dataset  # noqa: E402

BUNDLED_FILES = (
    "CT_small.dcm",
    "MR_small.dcm",
    "JPEG2000.dcm",
    "MR_small_RLE.dcm",
    "rtdose.dcm",
    "examples_overlay.dcm",
    "SC_rgb_rle.dcm",
)
OPTIONS = DeidOptions(uid_secret=b"benchmark secret")


@dataclass(frozen=True)
class Comparison:
    name: str
    units: int  # datasets or images handled by one call, for the per-item column
    baseline: Callable[[], object]
    candidate: Callable[[], object]


def bundled_files(count: int) -> list[bytes]:
    """The bundled test files, read once into memory and repeated up to `count`."""
    blobs = []
    for name in BUNDLED_FILES:
        path = get_testdata_file(name, download=False)
        if path is not None:
            blobs.append(Path(path).read_bytes())
    if not blobs:
        raise SystemExit("pydicom's bundled test files are missing.")
    return list(itertools.islice(itertools.cycle(blobs), count))


def read_and_write(blobs: list[bytes]) -> None:
    for blob in blobs:
        ds = pydicom.dcmread(io.BytesIO(blob))
        ds.save_as(io.BytesIO(), enforce_file_format=True)


def read_deidentify_and_write(blobs: list[bytes]) -> None:
    for blob in blobs:
        ds = pydicom.dcmread(io.BytesIO(blob))
        deidentify_dataset(ds, options=OPTIONS)
        ds.save_as(io.BytesIO(), enforce_file_format=True)


def comparisons(datasets: int) -> list[Comparison]:
    blobs = bundled_files(datasets)
    found = [
        Comparison(
            name="read + write  vs  read + deidentify + write",
            units=len(blobs),
            baseline=lambda: read_and_write(blobs),
            candidate=lambda: read_deidentify_and_write(blobs),
        )
    ]
    derivatives = derivative_comparison()
    if derivatives is not None:
        found.append(derivatives)
    return found


def derivative_comparison(images: int = 10) -> Comparison | None:
    """`make_derivatives` (three clean JPEGs) against one bare Pillow resize to the web size."""
    try:
        from PIL import Image

        from imaging.derivatives import WEB_SIZE, make_derivatives
    except ImportError:
        return None
    picture = Image.linear_gradient("L").resize((2400, 1800)).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    upload = buffer.getvalue()

    def bare_resize() -> None:
        for _ in range(images):
            with Image.open(io.BytesIO(upload)) as image:
                image.thumbnail(WEB_SIZE, Image.Resampling.LANCZOS)
                image.save(io.BytesIO(), format="JPEG", quality=85)

    def derivatives() -> None:
        for _ in range(images):
            make_derivatives(io.BytesIO(upload))

    return Comparison(
        name="Pillow resize  vs  make_derivatives (2400x1800 JPEG)",
        units=images,
        baseline=bare_resize,
        candidate=derivatives,
    )


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run(comparison: Comparison, repeat: int) -> dict[str, float]:
    comparison.baseline()  # warm caches and imports outside the timings
    comparison.candidate()
    baseline, candidate = [], []
    for _ in range(repeat):  # interleaved, so drift in machine load hits both alike
        baseline.append(timed(comparison.baseline))
        candidate.append(timed(comparison.candidate))
    return {
        "baseline_best": min(baseline),
        "baseline_median": statistics.median(baseline),
        "candidate_best": min(candidate),
        "candidate_median": statistics.median(candidate),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()

    header = (
        f"{'comparison':<54} {'items':>5}  {'baseline s (best/median)':>25}  "
        f"{'candidate s (best/median)':>26}  {'ms/item':>14}  {'ratio':>5}"
    )
    print(f"pydicom {pydicom.__version__}, {arguments.repeat} repetitions\n")
    print(header)
    print("-" * len(header))
    for comparison in comparisons(arguments.datasets):
        result = run(comparison, arguments.repeat)
        ratio = result["candidate_best"] / result["baseline_best"]
        per_item = (
            f"{1000 * result['baseline_best'] / comparison.units:.2f}"
            f"/{1000 * result['candidate_best'] / comparison.units:.2f}"
        )
        print(
            f"{comparison.name:<54} {comparison.units:>5}  "
            f"{result['baseline_best']:>12.3f}/{result['baseline_median']:<12.3f}  "
            f"{result['candidate_best']:>13.3f}/{result['candidate_median']:<12.3f}  "
            f"{per_item:>14}  {ratio:>5.2f}"
        )
    print("\nratio = candidate best / baseline best; ms/item = baseline/candidate, best run.")


if __name__ == "__main__":
    main()
