#!/usr/bin/env python3
"""Create a teaching case from a case document, add its images, and submit it for review.

Uses only the Python standard library, so it runs wherever Python 3.10 or newer does:

    export TEACHINGFILE_TOKEN=tf_...        # from your account page, "API tokens"
    python3 submit_case.py --url https://teaching.example.org case.json hip-xr.jpg hip-ct.png

`case.json` is a canonical case document, e.g. what the importer's dry run prints:

    python manage.py import_cases report.txt --dry-run --format json > case.json

What it does, in the order the site needs it:

1. POST /api/v1/cases/                        the document without its studies: a new draft
2. POST /api/v1/cases/{id}/studies/           each study of the document
3. POST /api/v1/cases/{id}/figures/           each image (multipart), answered 202 at once;
   GET  the figure's status URL               until processing is done
4. PATCH /api/v1/cases/{id}/figures/{fig}/    caption and alt text
5. PATCH /api/v1/cases/{id}/                  licence and consent, when given on the command line
6. POST /api/v1/cases/{id}/submit/            for peer review

Images fill the document's figures in reading order (the first image is the first figure of
the first study, and so on); images beyond those go to the last study. Every edit names the
case version it was made from (If-Match), so nobody's changes are overwritten unseen. On an
error the script prints what the site answered and stops: the draft stays on your dashboard,
where you can finish it by hand.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

# Keys of the document the site sets itself (ignored when sent) or that are added separately.
NOT_SENT_ON_CREATE = {"studies", "id", "status", "version", "created_at", "updated_at", "cite"}
POLL_SECONDS = 1.0


class ApiError(Exception):
    """An answer of the API that is not a success, with what the API said."""

    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        super().__init__(f"{method} {url} answered {status}")

    def explain(self) -> str:
        lines = [str(self)]
        if isinstance(self.body, dict):
            if self.body.get("detail"):
                lines.append(f"  {self.body['detail']}")
            for field, messages in (self.body.get("errors") or {}).items():
                for message in messages:
                    lines.append(f"  - {field}: {message}")
        elif self.body:
            lines.append(f"  {str(self.body)[:500]}")
        return "\n".join(lines)


class Client:
    """The API at `base_url`, called with a token; remembers the case's ETag between edits."""

    def __init__(self, base_url: str, token: str, *, verbose: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.etag: str | None = None
        self.verbose = verbose

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        content_type: str | None = None,
        if_match: bool = False,
    ) -> Any:
        url = self.url(path)
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            content_type = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        if if_match and self.etag:
            headers["If-Match"] = self.etag
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                etag = response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = raw.decode("utf-8", "replace")
            raise ApiError(method, url, error.code, answer) from None
        except urllib.error.URLError as error:
            raise SystemExit(f"Cannot reach {url}: {error.reason}") from None
        if etag:
            self.etag = etag  # the case's version after this request
        return json.loads(raw) if raw else None

    def say(self, message: str) -> None:
        if self.verbose:
            print(message)

    # The steps ---------------------------------------------------------------------------

    def create_case(self, document: dict[str, Any]) -> dict[str, Any]:
        fields = {key: value for key, value in document.items() if key not in NOT_SENT_ON_CREATE}
        case = self.request("POST", "/api/v1/cases/", json_body=fields)
        self.say(f"Created draft case {case['id']}: {case['title']}")
        return case

    def add_study(self, case_id: int, study: dict[str, Any]) -> dict[str, Any]:
        fields = {key: study.get(key) or "" for key in ("modality", "label", "timing", "findings")}
        created = self.request(
            "POST", f"/api/v1/cases/{case_id}/studies/", json_body=fields, if_match=True
        )
        self.say(f"  added study {created['id']}: {created['modality']} {created['label']}")
        return created

    def upload_figure(self, case_id: int, study_id: int, image: Path, label: str) -> dict:
        fields = {"study": str(study_id), "label": label}
        body, content_type = multipart(fields, {"file": image})
        figure = self.request(
            "POST", f"/api/v1/cases/{case_id}/figures/", body=body, content_type=content_type
        )
        self.say(f"  uploaded {image.name} as figure {figure['id']} ({figure['status']})")
        return figure

    def wait_until_processed(self, figure: dict[str, Any], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while figure["status"] in ("pending", "processing"):
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"Figure {figure['id']} is still {figure['status']} after {timeout:.0f} s; "
                    f"check it later at {figure['status_url']}"
                )
            time.sleep(POLL_SECONDS)
            figure = self.request("GET", figure["status_url"])
        if figure["status"] == "failed":
            raise SystemExit(
                f"Figure {figure['id']} could not be processed: "
                f"{figure.get('processing_error') or 'no reason given'}"
            )
        if figure["status"] == "quarantined":
            reasons = "; ".join(figure.get("quarantine_reasons") or [])
            self.say(f"  figure {figure['id']} is held for a person to check: {reasons}")
        else:
            self.say(f"  figure {figure['id']} is {figure['status']}")
        return figure

    def describe_figure(self, case_id: int, figure_id: int, caption: str, alt_text: str) -> None:
        changes = {
            key: value for key, value in (("caption", caption), ("alt_text", alt_text)) if value
        }
        if changes:
            self.request(
                "PATCH",
                f"/api/v1/cases/{case_id}/figures/{figure_id}/",
                json_body=changes,
                if_match=True,
            )

    def complete_rights(self, case: dict[str, Any], licence: str, consent: str) -> None:
        rights = dict(case.get("rights") or {})
        if licence:
            rights["licence"] = licence
        if consent:
            rights["consent"] = consent
        if rights != case.get("rights"):
            self.request(
                "PATCH",
                f"/api/v1/cases/{case['id']}/",
                json_body={"rights": rights},
                if_match=True,
            )
            self.say(f"  rights: licence {rights.get('licence')}, consent {rights.get('consent')}")

    def submit(self, case_id: int, note: str) -> dict[str, Any]:
        case = self.request("POST", f"/api/v1/cases/{case_id}/submit/", json_body={"note": note})
        self.say(f"Submitted case {case_id} for review: it is now {case['status']}.")
        return case


def multipart(fields: dict[str, str], files: dict[str, Path]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, path in files.items():
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{path.name}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            + path.read_bytes()
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def read_document(path: str) -> dict[str, Any]:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise SystemExit(f"{path} is not JSON: {error}") from None
    if isinstance(document, list) and len(document) == 1:
        document = document[0]  # the importer prints a list for a folder of reports
    if not isinstance(document, dict) or not document.get("title"):
        raise SystemExit(f"{path} should hold one case document with at least a title.")
    return document


def figure_slots(document: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The document's figures in reading order, with the index of their study."""
    return [
        (index, figure)
        for index, study in enumerate(document.get("studies") or [])
        for figure in study.get("figures") or []
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("document", help="A case document (JSON), or - to read it from stdin.")
    parser.add_argument("images", nargs="+", type=Path, help="Image files, in figure order.")
    parser.add_argument(
        "--url",
        default=os.environ.get("TEACHINGFILE_URL", "http://127.0.0.1:8000"),
        help="The site's address (default: $TEACHINGFILE_URL or localhost).",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("TEACHINGFILE_TOKEN"),
        help="Your API token (default: $TEACHINGFILE_TOKEN).",
    )
    parser.add_argument(
        "--alt-text",
        default="",
        help="Alt text for figures whose document gives none (needed to publish).",
    )
    parser.add_argument("--licence", default="", help='e.g. "CC-BY-4.0", if the document has none.')
    parser.add_argument(
        "--consent",
        default="",
        help="obtained, not_required or waived, if the document does not say.",
    )
    parser.add_argument(
        "--modality",
        default="OT",
        help="Modality of the study made for the images when the document has "
        "no study (default OT, other).",
    )
    parser.add_argument("--note", default="", help="A note to the editors with the submission.")
    parser.add_argument("--no-submit", action="store_true", help="Leave the case a draft.")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="Seconds to wait for each image to be processed (default 300).",
    )
    parser.add_argument("--quiet", action="store_true", help="Print only the case's address.")
    args = parser.parse_args(argv)

    if not args.token:
        parser.error("give your API token with --token or in TEACHINGFILE_TOKEN")
    for image in args.images:
        if not image.is_file():
            parser.error(f"no such image file: {image}")
    document = read_document(args.document)
    client = Client(args.url, args.token, verbose=not args.quiet)

    try:
        case = client.create_case(document)
        case_id = case["id"]
        studies = document.get("studies") or [
            {"modality": args.modality, "label": "Images", "timing": "", "findings": ""}
        ]
        study_ids = [client.add_study(case_id, study)["id"] for study in studies]

        slots = figure_slots(document)
        for number, image in enumerate(args.images):
            study_index, described = (
                slots[number] if number < len(slots) else (len(studies) - 1, {})
            )
            label = described.get("label") or f"Fig {number + 1}"
            figure = client.upload_figure(case_id, study_ids[study_index], image, label)
            client.wait_until_processed(figure, args.timeout)
            client.describe_figure(
                case_id,
                figure["id"],
                described.get("caption") or "",
                described.get("alt_text") or args.alt_text,
            )

        case = client.request("GET", f"/api/v1/cases/{case_id}/")
        client.complete_rights(case, args.licence, args.consent)
        if not args.no_submit:
            case = client.submit(case_id, args.note)
    except ApiError as error:
        print(error.explain(), file=sys.stderr)
        return 1

    # The case's permanent address, on the site this script talked to.
    page = client.url(urllib.parse.urlsplit(case["cite"]["url"]).path)
    print(page if args.quiet else f"The case: {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
