"""Private storage: uploaded originals and de-identified DICOM, never served from MEDIA_URL.

Also what a storage that cannot be reached looks like to the services: `StorageUnavailable`,
which pages and the API answer with 503 rather than an error page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

# What a storage raises when it is down or refuses: the disk's OSError, S3's botocore errors
# (a connection refused, a timeout, an error answered by the server).
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError)

UNAVAILABLE_MESSAGE = (
    "Image storage cannot be reached just now; nothing was changed. Try again in a few minutes."
)


class StorageUnavailable(Exception):
    """Storage could not be reached, or refused to keep or give a file; nothing was changed."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)


@contextlib.contextmanager
def storage_unavailable_on_error() -> Iterator[None]:
    """Turn a storage's own errors, raised inside, into StorageUnavailable. A missing file
    (FileNotFoundError) is not storage being down: it passes through for the caller."""
    try:
        yield
    except FileNotFoundError:
        raise
    except STORAGE_ERRORS as error:
        raise StorageUnavailable() from error


class PrivateStorage(LazyObject):
    """`storages["private"]`, looked up when first used (and again when settings change)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def forget_private_storage(*, setting: str, **kwargs) -> None:
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_storage._wrapped = empty
