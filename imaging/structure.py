"""Where an image file's own structure says it ends, read from its bytes without decoding.

A missing end means the file was cut short; bytes after it mean a second file riding along.
"""

from __future__ import annotations

# Bytes searched at each end of a file: a zip's directory record sits within its last 64 KB.
EDGE = 64 * 1024


class Damaged(Exception):
    """The bytes break the format's structure."""


def has_zip_directory(data: bytes) -> bool:
    """A zip's end-of-central-directory record ends the file, give or take its comment."""
    tail_start = max(0, len(data) - EDGE - 22)
    position = data.find(b"PK\x05\x06", tail_start)
    while position >= 0:
        if position + 22 <= len(data):
            comment_length = int.from_bytes(data[position + 20 : position + 22], "little")
            if position + 22 + comment_length == len(data):
                return True
        position = data.find(b"PK\x05\x06", position + 1)
    return False


def jpeg_end(data: bytes) -> int | None:
    """Offset just after the End Of Image marker, following segment lengths and entropy-coded
    scans; None when the data stops first. Concatenated JPEGs (MPO pictures) are walked through."""
    length = len(data)
    position = 2
    while position < length:
        if data[position] != 0xFF:
            raise Damaged
        while position < length and data[position] == 0xFF:
            position += 1
        if position >= length:
            return None
        marker = data[position]
        position += 1
        if marker == 0xD9:
            if data[position : position + 3] == b"\xff\xd8\xff":
                position += 2  # the next picture of a multi-picture file
                continue
            return position
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            continue
        if position + 2 > length:
            return None
        segment = int.from_bytes(data[position : position + 2], "big")
        if segment < 2:
            raise Damaged
        position += segment
        if marker == 0xDA:
            position = _end_of_scan(data, position)
            if position is None:
                return None
    return None


def _end_of_scan(data: bytes, position: int) -> int | None:
    """Entropy-coded data runs until a 0xFF that is neither stuffing nor a restart marker."""
    length = len(data)
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= length:
            return None
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position = found + 2
        elif following == 0xFF:
            position = found + 1
        else:
            return found


def png_end(data: bytes) -> int | None:
    position = 8
    while True:
        if position + 8 > len(data):
            return None
        chunk_length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        if chunk_length > 0x7FFFFFFF or not chunk_type.isalpha():
            raise Damaged
        position += 12 + chunk_length
        if position > len(data):
            return None
        if chunk_type == b"IEND":
            return position


def gif_end(data: bytes) -> tuple[int, int] | None:
    """(offset after the trailer, number of frames), counted without decoding any."""
    if len(data) < 13:
        return None
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    while position < len(data):
        block = data[position]
        if block == 0x3B:
            return position + 1, frames
        if block == 0x21:
            position = _skip_sub_blocks(data, position + 2)
        elif block == 0x2C:
            if position + 10 > len(data):
                return None
            local_flags = data[position + 9]
            position += 10 + (3 * 2 ** ((local_flags & 7) + 1) if local_flags & 0x80 else 0)
            position = _skip_sub_blocks(data, position + 1)  # after the LZW code size
            frames += 1
        else:
            raise Damaged
        if position is None:
            return None
    return None


def _skip_sub_blocks(data: bytes, position: int) -> int | None:
    while position < len(data):
        block_size = data[position]
        position += 1
        if block_size == 0:
            return position
        position += block_size
    return None


def webp_end(data: bytes) -> int | None:
    """A WebP file is one RIFF chunk, whose header gives its length."""
    declared = 8 + int.from_bytes(data[4:8], "little")
    end = declared + declared % 2
    return end if declared <= len(data) else None
