"""Turn an export's bytes into text: BOMs, UTF-16, Windows-1252 and line endings.

Databases export UTF-8 (with or without a byte-order mark), some Windows tools
UTF-16 with a BOM, and older exports Windows-1252 or Latin-1. Text comes back with
``\\n`` line endings and no BOM, so every parser sees the same shape.
"""

from __future__ import annotations

import codecs
import re

import numpy as np

from reviewflow.errors import ExportFormatError

MAX_LINE_CHARS = 1_000_000
"""No real export has a line this long (a WoS tab-delimited row is < 100 kB)."""

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_NOT_CONTROL = bytes(range(256)).translate(None, bytes([*range(0x09), *range(0x0E, 0x20)]))
"""Every byte but those controls: deleting them from UTF-8 or single-byte text leaves
only control bytes (a fast test; the regex then finds where)."""
_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")
"""The five bytes Windows-1252 leaves undefined."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_export(data: bytes, path: str) -> str:
    """Decode an export and normalise its line endings to ``\\n``.

    Notes
    -----
    Order: UTF-16/UTF-32 by BOM, then UTF-8 (BOM optional), then Windows-1252, which
    is what "ANSI" means in the exports we have seen; Latin-1 is its subset, apart
    from the C1 controls no bibliographic text contains. A UTF-8 BOM followed by
    bytes that are not UTF-8 is refused rather than guessed.
    """
    if not data.strip():
        raise ExportFormatError(
            path, None, "is empty", "export the search results again", unit="line"
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ExportFormatError(
            path, None, "is UTF-32 text", "save it as UTF-8 and try again", unit="line"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ExportFormatError(
                path,
                None,
                f"starts with a UTF-16 byte-order mark but is not UTF-16 ({error.reason})",
                "save it as UTF-8 and try again",
            ) from None
    elif b"\x00" in data[:4096]:
        zeros = data[:4096].count(b"\x00")
        if zeros * 3 > len(data[:4096]):
            problem = "looks like UTF-16 text without a byte-order mark"
            fix = "save it as UTF-8, or as UTF-16 with a byte-order mark"
        else:
            problem = "is a binary file, not a text export"
            fix = "export the search results as RIS, MEDLINE or CSV text"
        raise ExportFormatError(
            path, _line_of(data, data.index(b"\x00")), problem, fix, unit="line"
        )
    else:
        text = _decode_8bit(data, path)
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    control = _CONTROL.search(text) if utf16 or data.translate(None, _NOT_CONTROL) else None
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise ExportFormatError(
            path,
            line,
            f"holds control character {control.group()!r}: a binary file, not a text export",
            "export the search results as RIS, MEDLINE or CSV text",
            unit="line",
        )
    if utf16 or _longest_line_bytes(data) > MAX_LINE_CHARS:
        _check_line_lengths(text, path)
    return text


def _longest_line_bytes(data: bytes) -> int:
    """Length in bytes of the longest line: an upper bound of its length in characters
    in UTF-8 and single-byte encodings (not UTF-16, whose characters may hold 0x0A).

    Counting in the raw bytes with numpy avoids splitting a large export into a list
    of lines; only a file with a line this long in bytes is checked character by
    character.
    """
    if len(data) <= MAX_LINE_CHARS:
        return len(data)
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    edges = np.concatenate(([-1], breaks, [len(data)]))
    return int(np.diff(edges).max()) - 1


def _decode_8bit(data: bytes, path: str) -> str:
    has_bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data[len(codecs.BOM_UTF8) :].decode("utf-8") if has_bom else data.decode("utf-8")
    except UnicodeDecodeError as error:
        if has_bom:
            offset = error.start + len(codecs.BOM_UTF8)
            raise ExportFormatError(
                path,
                _line_of(data, offset),
                f"starts with a UTF-8 byte-order mark but byte 0x{data[offset]:02x} is not UTF-8",
                "re-export the file as UTF-8",
                unit="line",
            ) from None
    found = _CP1252_UNDEFINED.search(data)
    undefined = found.start() if found else None
    if undefined is not None:
        raise ExportFormatError(
            path,
            _line_of(data, undefined),
            f"is neither UTF-8 nor Windows-1252 text (byte 0x{data[undefined]:02x})",
            "re-export the file as UTF-8",
            unit="line",
        )
    return data.decode("cp1252")


def _check_line_lengths(text: str, path: str) -> None:
    """Refuse a giant line, except in XML: EndNote writes a whole library on one line."""
    if len(text) <= MAX_LINE_CHARS or text.lstrip().startswith("<"):
        return
    lengths = [len(line) for line in text.split("\n")]
    longest = max(lengths)
    if longest > MAX_LINE_CHARS:
        raise ExportFormatError(
            path,
            lengths.index(longest) + 1,
            f"has a line of {longest:,} characters (limit {MAX_LINE_CHARS:,})",
            "this is not a bibliographic export; export the search results again",
            unit="line",
        )
