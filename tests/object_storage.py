"""An S3 server for the tests, and fresh buckets on it that the site's storages point to.

The server is the one at `S3_TEST_ENDPOINT_URL` when set (CI starts `moto_server`), otherwise
moto's threaded server started in this process. The fixtures (`s3_endpoint`, `object_storage`,
`object_storage_down`) are in `tests/conftest.py`.
"""

from __future__ import annotations

import logging
import os
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from teachingfile.object_storage import s3_storages

# moto accepts any credentials; a real server given in S3_TEST_ENDPOINT_URL may want its own.
TEST_KEY_ID = os.environ.get("S3_TEST_ACCESS_KEY_ID", "testing")
TEST_SECRET = os.environ.get("S3_TEST_SECRET_ACCESS_KEY", "testing")
TEST_REGION = "us-east-1"


@contextmanager
def s3_server() -> Iterator[str]:
    """The URL of an S3 server for the session: CI's, or moto's started here."""
    given = os.environ.get("S3_TEST_ENDPOINT_URL", "").strip()
    if given:
        yield given.rstrip("/")
        return
    from moto.server import ThreadedMotoServer

    # One line per S3 request would bury a failing test's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=TEST_KEY_ID,
        aws_secret_access_key=TEST_SECRET,
        region_name=TEST_REGION,
    )


def closed_port_url() -> str:
    """An address where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class ObjectStorage:
    """Two fresh buckets on the test S3 server, and the environment that configures the site
    for them (`environ`, for a subprocess: a gunicorn or a worker started by a test)."""

    endpoint: str
    media_bucket: str
    private_bucket: str
    media_prefix: str = "media"
    private_prefix: str = "private"
    client: Any = field(default=None, repr=False)

    @property
    def environ(self) -> dict[str, str]:
        return {
            "S3_BUCKET": self.media_bucket,
            "S3_PRIVATE_BUCKET": self.private_bucket,
            "S3_MEDIA_PREFIX": self.media_prefix,
            "S3_PRIVATE_PREFIX": self.private_prefix,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": TEST_REGION,
            "S3_ADDRESSING_STYLE": "path",
            "S3_ACCESS_KEY_ID": TEST_KEY_ID,
            "S3_SECRET_ACCESS_KEY": TEST_SECRET,
            # A server that is down answers at once in the tests, not after retries.
            "S3_MAX_ATTEMPTS": "1",
            "S3_CONNECT_TIMEOUT": "2",
        }

    def storages(self, **changes: str) -> dict[str, dict[str, Any]]:
        """STORAGES' `default` and `private` entries, built as the settings build them."""
        built = s3_storages({**self.environ, **changes})
        assert built is not None
        return built

    def create(self) -> None:
        for bucket in (self.media_bucket, self.private_bucket):
            self.client.create_bucket(Bucket=bucket)

    def remove(self) -> None:
        for bucket in (self.media_bucket, self.private_bucket):
            for key in self.all_keys(bucket):
                self.client.delete_object(Bucket=bucket, Key=key)
            self.client.delete_bucket(Bucket=bucket)

    def all_keys(self, bucket: str) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def media_keys(self) -> list[str]:
        """Keys of the derivatives, relative to their prefix (as the rows name them)."""
        return _under(self.all_keys(self.media_bucket), self.media_prefix)

    def private_keys(self) -> list[str]:
        """Keys of originals and de-identified DICOM, relative to their prefix."""
        return _under(self.all_keys(self.private_bucket), self.private_prefix)

    def read(self, bucket: str, prefix: str, name: str) -> bytes:
        key = f"{prefix}/{name}" if prefix else name
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def plain_url(self, bucket: str, prefix: str, name: str) -> str:
        """The object's address without a signature: what a stranger could try."""
        key = f"{prefix}/{name}" if prefix else name
        return f"{self.endpoint}/{bucket}/{key}"


def new_object_storage(endpoint: str) -> ObjectStorage:
    token = uuid.uuid4().hex[:12]
    return ObjectStorage(
        endpoint=endpoint,
        media_bucket=f"tf-media-{token}",
        private_bucket=f"tf-private-{token}",
        client=s3_client(endpoint),
    )


def unsigned_get(url: str) -> tuple[int, bytes]:
    """GET without credentials; (status, body), an error status included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _under(keys: list[str], prefix: str) -> list[str]:
    start = f"{prefix}/" if prefix else ""
    assert all(key.startswith(start) for key in keys), f"keys outside {prefix!r}: {keys}"
    return [key.removeprefix(start) for key in keys]
