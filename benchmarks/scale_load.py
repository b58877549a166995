"""The load `benchmarks/scale.py` sends: HTTP/1.1 GETs from threads, one connection each.

The client runs on the same cores as the server, so its own cost lowers every rate alike: only
ratios against a baseline measured in the same run mean anything.
"""

from __future__ import annotations

import http.client
import math
import statistics
import threading
import time
from dataclasses import dataclass, field

QUERY_COUNT_HEADER = "X-Query-Count"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the value at or below which `fraction` of the values fall."""
    if not values:
        return math.nan
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Answer:
    status: int
    milliseconds: float
    queries: int | None


@dataclass
class Batch:
    """What one run of requests did: how many, how long, how each went."""

    seconds: float = 0.0
    milliseconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def completed(self) -> int:
        return len(self.milliseconds)

    def add(self, path: str, answer: Answer) -> None:
        if answer.status != 200:
            key = f"{answer.status} {path}"
            self.failures[key] = self.failures.get(key, 0) + 1
            return
        self.milliseconds.append(answer.milliseconds)
        if answer.queries is not None:
            self.queries.append(answer.queries)

    def extend(self, other: Batch) -> None:
        self.seconds += other.seconds
        self.milliseconds += other.milliseconds
        self.queries += other.queries
        for key, count in other.failures.items():
            self.failures[key] = self.failures.get(key, 0) + count

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    @property
    def median_queries(self) -> float | None:
        return statistics.median(self.queries) if self.queries else None


class Connection:
    """One keep-alive connection (reopened when the server closes it, as gunicorn's sync
    workers do after every answer)."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.http = http.client.HTTPConnection(host, port, timeout=120)
        self.headers = {"Host": f"{host}:{port}", **(headers or {})}

    def get(self, path: str) -> Answer:
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.http.request("GET", path, headers=self.headers)
                response = self.http.getresponse()
                response.read()
                break
            except (http.client.HTTPException, OSError):
                # A connection the server closed between two requests: once more on a new one.
                self.http.close()
                if attempt == 2:
                    raise
        milliseconds = (time.perf_counter() - started) * 1000
        count = response.getheader(QUERY_COUNT_HEADER)
        return Answer(response.status, milliseconds, int(count) if count else None)

    def close(self) -> None:
        self.http.close()


def load(
    host: str,
    port: int,
    paths: list[str],
    *,
    requests: int,
    concurrency: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> Batch:
    """`requests` GETs of `paths` in turn from `concurrency` connections at once, stopping early
    after `seconds` so that a slow page cannot hold the run up; the rate counts what finished."""
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + seconds
    batches = [Batch() for _ in range(concurrency)]

    def send(batch: Batch) -> None:
        nonlocal issued
        connection = Connection(host, port, headers)
        try:
            while True:
                with lock:
                    if issued >= requests or time.perf_counter() > deadline:
                        return
                    path = paths[issued % len(paths)]
                    issued += 1
                batch.add(path, connection.get(path))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Batch()
    for batch in batches:
        total.extend(batch)
    total.seconds = time.perf_counter() - started
    return total
