"""benchmarks/scale.py: its options, its verdicts on made-up numbers, and the baseline site it
serves. No timings and no gunicorn here: the script itself is run by hand (README)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import override_settings

from benchmarks import scale, schema_conformance, upload_memory
from benchmarks.scale_load import Answer, Batch, load, percentile
from tests.factories import make_case


def batch(*milliseconds: float, seconds: float = 1.0, queries: int = 3) -> Batch:
    made = Batch(seconds=seconds)
    for value in milliseconds:
        made.add("/somewhere/", Answer(200, value, queries))
    return made


def rate(per_second: int, *, queries: int = 1) -> Batch:
    return batch(*[1.0] * per_second, seconds=1.0, queries=queries)


def test_a_full_run_measures_100000_cases_with_the_full_counts():
    arguments = scale.parse_arguments([])

    assert arguments.cases == 100_000
    assert arguments.requests == 2000
    assert arguments.memory_requests == 2000
    assert arguments.concurrency == 4
    assert arguments.json is False


def test_quick_sends_fewer_requests_but_keeps_what_was_asked_for():
    arguments = scale.parse_arguments(["--quick", "--cases", "2000", "--rounds", "6", "--json"])

    assert arguments.requests == scale.QUICK["requests"] < scale.FULL["requests"]
    assert arguments.latency_rounds == scale.QUICK["latency_rounds"]
    assert arguments.batch_seconds == scale.QUICK_SECONDS
    assert arguments.rounds == 6
    assert arguments.cases == 2000
    assert arguments.json is True


def test_no_requests_at_all_is_refused():
    with pytest.raises(SystemExit):
        scale.parse_arguments(["--requests", "0"])


def test_a_database_is_a_name_on_the_server_or_a_whole_address():
    server = "postgres://postgres@127.0.0.1:5432"

    assert scale.database_url("tf_scale", server) == f"{server}/tf_scale"
    assert scale.database_url("postgres://u@db:5433/big", server) == "postgres://u@db:5433/big"


def test_a_page_at_half_the_bare_view_or_more_meets_its_target():
    met = scale.rate_row(
        "anonymous case page", rate(600), rate(1000), baseline_name="bare view", minimum_ratio=0.5
    )
    missed = scale.rate_row(
        "browse /cases/", rate(400), rate(1000), baseline_name="bare view", minimum_ratio=0.5
    )

    assert (met.met, met.ratio, met.measured) == (True, "0.60", "600 req/s")
    assert (missed.met, missed.ratio) == (False, "0.40")
    assert missed.numbers["baseline_per_second"] == 1000


def test_a_slow_page_still_shows_its_rate_and_ratio():
    row = scale.rate_row(
        "browse", batch(1.0, 1.0, seconds=5.0), rate(500), baseline_name="bare", minimum_ratio=0.5
    )

    assert (row.measured, row.ratio, row.met) == ("0.4 req/s", "0.0008", False)


def test_a_fast_page_that_failed_requests_misses_its_target():
    target = rate(900)
    target.add("/cases/", Answer(500, 3.0, None))

    row = scale.rate_row("browse", target, rate(1000), baseline_name="bare", minimum_ratio=0.5)

    assert row.met is False
    assert row.numbers["failures"] == {"500 /cases/": 1}
    assert target.completed == 900


def test_a_search_meets_its_target_only_under_50_ms_and_5_times_the_primary_key_lookup():
    primary_key = batch(*[4.0] * 20)  # p95 4 ms

    quick = scale.latency_row("typo", batch(*[20.0] * 20), primary_key, first_ms=90)
    far_from_the_lookup = scale.latency_row("word", batch(*[30.0] * 20), primary_key, first_ms=0)
    slow = scale.latency_row("phrase", batch(*[55.0] * 20), batch(20.0), first_ms=None)

    assert quick.met is True  # 20 ms, 5×
    assert quick.measured == "p50 20.0 p95 20.0 ms (first 90)"
    assert far_from_the_lookup.met is False  # 30 ms but 7.5×
    assert far_from_the_lookup.ratio == "7.5×"
    assert slow.met is False  # under 3× a slow lookup, but 55 ms


def test_the_p95_multiple_compares_p95_with_p95():
    target = batch(*range(1, 101))
    primary_key = batch(*[2.0] * 100)

    row = scale.latency_row("search: rare word", target, primary_key, first_ms=None)

    assert row.numbers["p95_ms"] == 95
    assert row.numbers["p95_multiple_of_pk"] == pytest.approx(47.5)
    assert row.met is False


def test_memory_is_reported_without_a_verdict():
    row = scale.memory_row([[120.0, 131.5], [122.0, 133.0], [122.5, 133.2]], [2000, 2000, 1500])

    assert row.met is None
    assert scale.verdict(row.met) == "—"
    assert row.measured == "132 → 133 → 133 MB"
    assert row.baseline == "largest worker, rounds of 2,000 / 2,000 / 1,500"


def test_the_table_shows_each_target_with_met_or_missed_and_counts_them():
    rows = [
        scale.rate_row(
            "API list", rate(700), rate(1000), baseline_name="values()", minimum_ratio=0.6
        ),
        scale.rate_row("browse", rate(100), rate(1000), baseline_name="bare", minimum_ratio=0.5),
        scale.memory_row([[100.0], [100.0], [100.0]], [10, 10, 10]),
    ]

    table = scale.format_table(rows, "heading")
    lines = table.splitlines()

    assert lines[0] == "heading"
    assert "target" in lines[2] and "verdict" in lines[2]
    assert lines[4].startswith("API list") and lines[4].endswith("MET")
    assert lines[5].startswith("browse") and lines[5].endswith("MISSED")
    assert "1 of 2 targets met" in table
    assert "only the ratios" in table


def test_json_carries_the_context_the_numbers_and_the_verdicts():
    rows = [
        scale.rate_row("browse", rate(600), rate(1000), baseline_name="bare", minimum_ratio=0.5)
    ]

    document = json.loads(scale.as_json(rows, {"synthetic_cases": 2000}))

    assert document["synthetic_cases"] == 2000
    (result,) = document["results"]
    assert result["verdict"] == "MET"
    assert result["numbers"]["ratio"] == pytest.approx(0.6)
    assert result["numbers"]["queries"] == 1


class TinySite(BaseHTTPRequestHandler):
    """Answers /ok with two queries and anything else with 404, over HTTP/1.1."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        found = self.path == "/ok"
        body = b"ok" if found else b"missing"
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Query-Count", "2")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), TinySite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def test_the_load_sends_each_path_in_turn_and_counts_failures_apart(tiny_site):
    host, port = tiny_site

    sent = load(host, port, ["/ok", "/missing"], requests=10, concurrency=2, seconds=60)

    assert sent.completed == 5
    assert sent.failures == {"404 /missing": 5}
    assert sent.queries == [2] * 5
    assert sent.per_second > 0


def test_percentiles_are_nearest_rank():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0


BENCHMARK_SITE = override_settings(
    ROOT_URLCONF="benchmarks.scale_site.urls",
    MIDDLEWARE=["benchmarks.scale_site.middleware.count_queries", *settings.MIDDLEWARE],
)


@BENCHMARK_SITE
def test_the_bare_view_makes_no_query_and_says_so(client, db):
    response = client.get("/_bench/bare/")

    assert response.status_code == 200
    assert response["X-Query-Count"] == "0"


@BENCHMARK_SITE
def test_the_primary_key_view_reads_one_case_in_one_query(client, db):
    case = make_case(title="Scaphoid fracture")

    response = client.get(f"/_bench/pk/{case.pk}/")

    assert response.content.decode() == "Scaphoid fracture"
    assert response["X-Query-Count"] == "1"


@BENCHMARK_SITE
def test_the_hand_written_list_has_the_same_rows_as_the_api_list(client, db):
    for number in range(25):
        make_case(title=f"Case {number}")
    make_case(title="A draft", published=False)

    by_hand = client.get("/_bench/api-baseline/").json()
    api = client.get("/api/v1/cases/").json()

    assert api["count"] == 25
    assert [row["id"] for row in by_hand["results"]] == [row["id"] for row in api["results"]]
    assert len(by_hand["results"]) == 20


@BENCHMARK_SITE
def test_the_site_keeps_every_address_of_the_product(client, db):
    response = client.get("/cases/")

    assert response.status_code == 200
    assert int(response["X-Query-Count"]) > 0


def test_the_readers_cookie_signs_in_the_benchmark_reader(client, db):
    (name, value) = scale.reader_cookie()["Cookie"].split("=")
    client.cookies[name] = value

    response = client.get("/")

    assert response.wsgi_request.user.username == scale.READER
    assert response.wsgi_request.user.groups.filter(name="trainee").exists()


def test_the_sampled_case_pages_are_listed_published_cases(db):
    published = make_case(title="Meningioma")
    make_case(title="A draft", published=False)

    assert scale.sample_cases(10) == [(published.pk, published.get_absolute_url())]


# --- benchmarks/upload_memory.py: it runs; its numbers are read by people, not asserted ----------


def test_the_upload_memory_benchmark_runs_on_small_inputs(capsys):
    rows = upload_memory.main(["--quick", "--only", "series zip"])
    rows += upload_memory.main(["--quick", "--only", "bomb", "--json"])

    series, bomb = rows
    assert series["request"]["outcome"].startswith("accepted: dicom_series")
    assert series["worker"]["outcome"].startswith("3 frames rendered")
    assert series["worker"]["peak_mb"] > 0
    assert bomb["request"]["outcome"].startswith("refused: The image is too large to process")
    assert bomb["worker"] is None
    assert "series zip" in capsys.readouterr().out


def test_the_upload_memory_benchmark_has_an_input_for_every_kind_of_upload():
    for quick in (True, False):
        names = {upload.name.rsplit(".", 1)[-1] for upload in upload_memory.uploads(quick)}
        assert names == {"jpg", "png", "dcm", "zip"}


# benchmarks/schema_conformance.py: its options, its summary, and a shallow run.


def test_the_conformance_run_asks_100_examples_per_operation_and_10_when_quick():
    assert schema_conformance.parse_arguments([]).max_examples == 100
    quick = schema_conformance.parse_arguments(["--quick", "--operation", "tags", "--as", "token"])
    assert (quick.max_examples, quick.operation, quick.identities) == (10, ["tags"], ["token"])
    deeper = schema_conformance.parse_arguments(["--quick", "--max-examples", "40"])
    assert deeper.max_examples == 40
    with pytest.raises(SystemExit):
        schema_conformance.parse_arguments(["--max-examples", "0"])


def test_the_conformance_summary_groups_failures_by_operation_and_check():
    report = schema_conformance.Report(requests=12)
    for status in (400, 400, 422):
        report.failures[("GET /api/v1/cases/", "positive_data_acceptance")].append(
            schema_conformance.Failed("token", "positive", status, "rejected", "curl …")
        )
    report.failures[("GET /api/v1/tags/", "status_code_conformance")].append(
        schema_conformance.Failed("anonymous", "negative", 418, "undocumented", "curl …")
    )

    text = schema_conformance.summary(report)

    assert text.splitlines()[:3] == [
        "12 requests, 4 failures (0 refusals for documented rules the schema cannot state)",
        "  positive_data_acceptance: 3",
        "  status_code_conformance: 1",
    ]
    assert "GET /api/v1/cases/ — positive_data_acceptance: 3 (statuses 400, 422;" in text


class Answer400:
    status_code = 400

    def __init__(self, errors):
        self.errors = errors

    def json(self):
        return {"detail": "…", "errors": self.errors}


def test_a_400_for_only_documented_rules_is_not_a_rejection_of_valid_data():
    quiz = {"questions.0.answer": ["There are 2 options: choose a number up to that."]}
    with_title = {**quiz, "title": ["This field may not be blank."]}
    digit = {"authors.1.orcid": ["This ORCID iD has a typing error: its last character …"]}

    assert schema_conformance.documented_refusal("POST /api/v1/cases/", Answer400(quiz))
    assert schema_conformance.documented_refusal("PATCH /api/v1/cases/{id}/", Answer400(digit))
    # Any other field refused, or the same rule elsewhere, is still a failure.
    assert not schema_conformance.documented_refusal("POST /api/v1/cases/", Answer400(with_title))
    assert not schema_conformance.documented_refusal("POST /api/v1/bookmarks/", Answer400(quiz))
    assert not schema_conformance.documented_refusal("POST /api/v1/cases/", Answer400({}))


def test_a_shallow_conformance_run_finds_the_unknowns_as_documented(
    author, coauthor, reviewer, editor
):
    from tests.api.test_schemathesis import seed

    report = schema_conformance.conformance(
        seed(author, coauthor, reviewer, editor),
        max_examples=3,
        operations=["GET /api/v1/unknowns/"],
    )

    assert report.requests > 0
    assert not report.errors
    assert not report.failures, schema_conformance.summary(report)
