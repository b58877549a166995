"""S3 object storage for figures, configured from the environment (`S3_*` variables).

With `S3_BUCKET` set, both storages move to S3 (or any S3-compatible server: MinIO, Ceph, …):
`default` (the derivatives readers get: thumbnails, web and full JPEGs, slice renders) under
`S3_MEDIA_PREFIX`, and `private` (uploaded originals, de-identified DICOM, files waiting in an
import job) in `S3_PRIVATE_BUCKET` under `S3_PRIVATE_PREFIX`. No object is ever public, since
the derivatives of drafts live there too: images reach readers only through the views that
check access, which stream them or redirect to a short-lived presigned URL.

Read once, when the settings are imported; a contradiction fails the start with the name of
the variable to fix rather than the first upload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = ("auto", "path", "virtual")
# Every variable that only means something with S3_BUCKET set.
S3_VARIABLES = (
    "S3_PRIVATE_BUCKET",
    "S3_MEDIA_PREFIX",
    "S3_PRIVATE_PREFIX",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ADDRESSING_STYLE",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_CONNECT_TIMEOUT",
    "S3_READ_TIMEOUT",
    "S3_MAX_ATTEMPTS",
)


def s3_storages(environ: Mapping[str, str]) -> dict[str, dict[str, Any]] | None:
    """The `default` and `private` entries of STORAGES for S3, or None without `S3_BUCKET`."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        stray = [name for name in S3_VARIABLES if environ.get(name, "").strip()]
        if stray:
            raise ImproperlyConfigured(
                f"{stray[0]} is set but S3_BUCKET is not: set S3_BUCKET to store images in S3, "
                f"or unset {', '.join(stray)}."
            )
        return None
    for name in ("MEDIA_STORAGE_BACKEND", "PRIVATE_STORAGE_BACKEND"):
        if environ.get(name, "").strip():
            raise ImproperlyConfigured(
                f"{name} and S3_BUCKET are both set: S3_BUCKET chooses the storage; unset {name}."
            )
    accel = environ.get("MEDIA_ACCEL", "").strip()
    if accel:
        raise ImproperlyConfigured(
            f"MEDIA_ACCEL={accel} needs images on a local disk, but S3_BUCKET stores them in S3: "
            "unset MEDIA_ACCEL (images are then redirected to presigned URLs or streamed)."
        )

    private_bucket = environ.get("S3_PRIVATE_BUCKET", "").strip() or bucket
    media_prefix = _prefix(environ, "S3_MEDIA_PREFIX", "media")
    private_prefix = _prefix(environ, "S3_PRIVATE_PREFIX", "private")
    if private_bucket == bucket and _overlap(media_prefix, private_prefix):
        raise ImproperlyConfigured(
            f"S3_PRIVATE_PREFIX ({private_prefix!r}) and S3_MEDIA_PREFIX ({media_prefix!r}) "
            "overlap in one bucket: give them distinct prefixes, neither inside the other, or "
            "set S3_PRIVATE_BUCKET to a bucket of its own."
        )

    shared = _connection_options(environ)
    return {
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {**shared, "bucket_name": bucket, "location": media_prefix},
        },
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {**shared, "bucket_name": private_bucket, "location": private_prefix},
        },
    }


def _prefix(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name)
    prefix = (default if value is None else value).strip().strip("/")
    if ".." in prefix.split("/"):
        raise ImproperlyConfigured(f"{name} may not contain '..': {value!r}.")
    return prefix


def _overlap(first: str, second: str) -> bool:
    """Whether one key prefix lies inside the other (an empty prefix holds every key)."""
    first, second = f"{first}/" if first else "", f"{second}/" if second else ""
    return first.startswith(second) or second.startswith(first)


def _number(environ: Mapping[str, str], name: str, default: str) -> float:
    raw = environ.get(name, "").strip() or default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive number, not {raw!r}.")
    return value


def _connection_options(environ: Mapping[str, str]) -> dict[str, Any]:
    from botocore.config import Config

    style = environ.get("S3_ADDRESSING_STYLE", "").strip().lower() or "auto"
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}, not {style!r}."
        )
    endpoint = environ.get("S3_ENDPOINT_URL", "").strip()
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL must start with http:// or https://, not {endpoint!r}."
        )
    key_id = environ.get("S3_ACCESS_KEY_ID", "").strip()
    secret = environ.get("S3_SECRET_ACCESS_KEY", "").strip()
    if bool(key_id) != bool(secret):
        missing = "S3_SECRET_ACCESS_KEY" if key_id else "S3_ACCESS_KEY_ID"
        raise ImproperlyConfigured(
            f"{missing} is missing: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together "
            "(or leave both unset to use AWS_ACCESS_KEY_ID, a profile or an instance role)."
        )
    options: dict[str, Any] = {
        # Nothing public: objects get no ACL of their own (so the bucket's private default,
        # which also works where ACLs are disabled) and URLs are presigned.
        "default_acl": None,
        "querystring_auth": True,
        # Names are content-addressed; never silently replace an object under a name in use.
        "file_overwrite": False,
        "region_name": environ.get("S3_REGION", "").strip() or None,
        "endpoint_url": endpoint or None,
        # A storage that is down answers an upload within seconds rather than minutes.
        "client_config": Config(
            s3={"addressing_style": style},
            signature_version="s3v4",
            connect_timeout=_number(environ, "S3_CONNECT_TIMEOUT", "5"),
            read_timeout=_number(environ, "S3_READ_TIMEOUT", "60"),
            retries={
                "mode": "standard",
                "max_attempts": int(_number(environ, "S3_MAX_ATTEMPTS", "3")),
            },
        ),
    }
    if key_id:
        options["access_key"], options["secret_key"] = key_id, secret
    return options
