"""How much memory and time one upload costs: in the request (inspection) and in the worker.

Run from the project root (no database, no broker):

    .venv/bin/python benchmarks/upload_memory.py            # the largest accepted uploads
    .venv/bin/python benchmarks/upload_memory.py --quick    # small inputs, under a minute
    .venv/bin/python benchmarks/upload_memory.py --only dicom   # the uploads named so

For each upload it writes the file to a temporary folder, then measures two stages, each in a
fresh Python process of its own so that one cannot inherit the other's memory:

- request: Django set up as the site runs, then `imaging.uploads.inspect` on the file (what the
  upload view does before storing anything);
- worker: what `imaging.processing` does with the stored original, without the database and
  storage: derivatives of a picture; for DICOM, reading every file of the upload (all the slices
  of a zip held at once, as the task holds them), de-identifying, rendering every frame with the
  CT window presets, JPEG-encoding the renders and the derivatives of the middle frame.

Each process reports its peak resident memory (VmHWM in /proc/self/status), the memory it had
before the stage began (Django and the imaging modules imported), and the stage's wall time.
The limits are those of the settings (UPLOAD_MAX_* in the environment).

The full inputs, at the default limits:

- a colour JPEG of 8192 × 6144 pixels: 4 bytes a pixel in Pillow, exactly the 192 MB budget;
- a greyscale PNG of 7745 × 7746 pixels: just under the 60,000,000 pixel limit;
- a 16-bit DICOM of 5000 × 5000 pixels: uncompressed, just under the 50 MB file limit;
- a 16-bit multi-frame DICOM of 95 frames of 512 × 512, just under the 50 MB file limit;
- a zip of a CT series of 130 slices of 512 × 512 (16-bit, deflated): just under 50 MB;
- the refused 7,700 × 7,700 colour PNG that compresses to about 190 KB (request only).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pydicom  # noqa: E402
from PIL import Image  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402
from pydicom.uid import ExplicitVRLittleEndian, generate_uid  # noqa: E402


@dataclass(frozen=True)
class Upload:
    label: str
    name: str
    make: Callable[[], bytes]
    process: bool = True  # refused uploads have no worker stage


# --- Inputs ---------------------------------------------------------------------------------------


def texture(width: int, height: int) -> np.ndarray:
    """A gradient with some texture (uint16), so that encoders see realistic data."""
    rows = np.arange(height, dtype=np.uint32)[:, None]
    columns = np.arange(width, dtype=np.uint32)[None, :]
    return ((rows * 7 + columns * 5 + (rows * columns) % 13) % 4096).astype(np.uint16)


def picture_bytes(width: int, height: int, mode: str, format: str) -> bytes:
    grey = (texture(width, height) % 256).astype(np.uint8)
    if mode == "RGB":
        image = Image.fromarray(np.dstack([grey, grey[::-1], np.full_like(grey, 90)]), "RGB")
    else:
        image = Image.fromarray(grey, "L")
    del grey
    buffer = io.BytesIO()
    image.save(buffer, format=format, **({"quality": 90} if format == "JPEG" else {}))
    return buffer.getvalue()


def png_bomb(side: int = 7700) -> bytes:
    """A black colour PNG, compressed row by row: about 190 KB for 7,700 × 7,700 pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + side * 3)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def dicom_bytes(
    width: int,
    height: int,
    frames: int = 1,
    *,
    position: float = 0.0,
    series: str = "",
    study: str = "",
    number: int = 1,
) -> bytes:
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID = study or ds.StudyInstanceUID
    ds.SeriesInstanceUID = series or ds.SeriesInstanceUID
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [0, 0, position]
    ds.InstanceNumber = number
    ds.Rows, ds.Columns = height, width
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    plane = texture(width, height)
    if frames > 1:
        ds.NumberOfFrames = frames
        ds.PixelData = np.repeat(plane[None], frames, axis=0).tobytes()
    else:
        ds.PixelData = plane.tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def series_zip(slices: int, size: int) -> bytes:
    study, series = generate_uid(), generate_uid()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(1, slices + 1):
            data = dicom_bytes(
                size, size, position=-2.5 * number, series=series, study=study, number=number
            )
            archive.writestr(f"series/{number:04d}.dcm", data)
    return buffer.getvalue()


def uploads(quick: bool) -> list[Upload]:
    if quick:
        return [
            Upload(
                "colour JPEG 640 × 480", "photo.jpg", lambda: picture_bytes(640, 480, "RGB", "JPEG")
            ),
            Upload("grey PNG 600 × 400", "grey.png", lambda: picture_bytes(600, 400, "L", "PNG")),
            Upload("16-bit DICOM 256 × 256", "ct.dcm", lambda: dicom_bytes(256, 256)),
            Upload("multi-frame DICOM 4 × 64 × 64", "frames.dcm", lambda: dicom_bytes(64, 64, 4)),
            Upload("series zip 3 × 64 × 64", "series.zip", lambda: series_zip(3, 64)),
            Upload("PNG bomb 7,700 × 7,700 (refused)", "bomb.png", png_bomb, process=False),
        ]
    return [
        Upload(
            "colour JPEG 8192 × 6144 (budget)",
            "photo.jpg",
            lambda: picture_bytes(8192, 6144, "RGB", "JPEG"),
        ),
        Upload(
            "grey PNG 7745 × 7746 (pixels)",
            "grey.png",
            lambda: picture_bytes(7745, 7746, "L", "PNG"),
        ),
        Upload("16-bit DICOM 5000 × 5000 (file size)", "big.dcm", lambda: dicom_bytes(5000, 5000)),
        Upload(
            "multi-frame DICOM 95 × 512 × 512 (file size)",
            "frames.dcm",
            lambda: dicom_bytes(512, 512, 95),
        ),
        Upload(
            "series zip 130 × 512 × 512 (file size)", "series.zip", lambda: series_zip(130, 512)
        ),
        Upload("PNG bomb 7,700 × 7,700 (refused)", "bomb.png", png_bomb, process=False),
    ]


# --- The measured stages, each run in a child process --------------------------------------------


def _status(field: str) -> int:
    """A /proc/self/status memory field, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) // 1024
    return 0


def request_stage(path: Path) -> str:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imaging.uploads import inspect

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    try:
        inspected = inspect(upload)
    except ValidationError as error:
        return "refused: " + " ".join(error.messages)
    return f"accepted: {inspected.kind} {inspected.width} × {inspected.height} × {inspected.frames}"


def worker_stage(path: Path) -> str:
    from imaging.deid import deidentify_dataset
    from imaging.derivatives import make_derivatives
    from imaging.dicom_render import PRESETS, is_ct, iter_frames, order_stack, render
    from imaging.processing import deidentification_options, jpeg_bytes, upload_limits
    from imaging.zip_entries import zip_members

    if path.suffix in (".jpg", ".png"):
        with path.open("rb") as source:
            made = make_derivatives(source)
        return f"derivatives {made.width} × {made.height}"
    data = path.read_bytes()
    if path.suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = [archive.read(entry) for entry in zip_members(archive, upload_limits())]
    else:
        files = [data]
    datasets = []
    for item in files:
        ds = pydicom.dcmread(io.BytesIO(item))
        deidentify_dataset(ds, options=deidentification_options())
        datasets.append(ds)
    del files
    datasets = order_stack(datasets)
    presets = list(PRESETS) if is_ct(datasets[0]) else []
    total = sum(int(getattr(ds, "NumberOfFrames", 1) or 1) for ds in datasets)
    middle, position = None, 0
    for ds in datasets:
        ds.save_as(io.BytesIO(), enforce_file_format=True)
        for number, array in enumerate(iter_frames(ds)):
            for preset in [None, *presets]:
                picture = render(array, ds, preset=preset, frame=number)
                if preset is None and (position == total // 2 or middle is None):
                    middle = picture
                jpeg_bytes(picture)
            position += 1
    made = make_derivatives(middle)
    return f"{position} frames rendered, derivatives {made.width} × {made.height}"


def child(stage: str, path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")
    import django

    django.setup()
    import imaging.processing  # noqa: F401  (what a web or worker process has imported)

    before = _status("VmRSS")
    started = time.perf_counter()
    outcome = (request_stage if stage == "request" else worker_stage)(path)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"outcome": outcome, "peak_mb": _status("VmHWM"), "base_mb": before, "s": seconds}
        )
    )


def measure(stage: str, path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", stage, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return {"outcome": f"failed: {tail}", "peak_mb": 0, "base_mb": 0, "s": 0.0}
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- The table ------------------------------------------------------------------------------------


def run(quick: bool, only: str = "") -> list[dict]:
    rows = []
    chosen = [upload for upload in uploads(quick) if only.lower() in upload.label.lower()]
    with tempfile.TemporaryDirectory(prefix="upload-memory-") as folder:
        for upload in chosen:
            path = Path(folder) / upload.name
            path.write_bytes(upload.make())
            request = measure("request", path)
            accepted = request["outcome"].startswith("accepted")
            worker = measure("worker", path) if upload.process and accepted else None
            rows.append(
                {
                    "upload": upload.label,
                    "file_mb": path.stat().st_size / (1024 * 1024),
                    "request": request,
                    "worker": worker,
                }
            )
            path.unlink()
    return rows


def print_table(rows: list[dict]) -> None:
    print(
        f"{'upload':<46} {'file MB':>8} | {'request peak/base MB':>20} {'s':>6} | "
        f"{'worker peak/base MB':>19} {'s':>6} | outcome"
    )
    for row in rows:
        request, worker = row["request"], row["worker"]
        worker_cells = (
            f"{worker['peak_mb']:>10}/{worker['base_mb']:<8} {worker['s']:>6.2f}"
            if worker
            else f"{'—':>19} {'':>6}"
        )
        outcome = request["outcome"] + (f"; worker: {worker['outcome']}" if worker else "")
        print(
            f"{row['upload']:<46} {row['file_mb']:>8.2f} | "
            f"{request['peak_mb']:>11}/{request['base_mb']:<8} {request['s']:>6.2f} | "
            f"{worker_cells} | {outcome}"
        )


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--only", default="", help="only the uploads whose label has this text")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "PATH"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> list[dict]:
    arguments = parse_arguments(argv)
    if arguments.child:
        stage, path = arguments.child
        child(stage, Path(path))
        return []
    rows = run(arguments.quick, arguments.only)
    if arguments.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return rows


if __name__ == "__main__":
    main()
