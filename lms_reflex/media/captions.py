"""Caption files: read WebVTT or SRT, keep only timed plain text, write clean WebVTT.

An uploaded caption file is never stored as sent. It is decoded as UTF-8, cut into cues
whose timings must be valid, and each cue's text is rebuilt from scratch: every tag is
dropped except bare <i>, <b> and <u> (re-balanced), entities are decoded and the text
escaped again, so no markup that could run reaches a browser, whatever later reads
`cue.text` (docs/security.md, "Captions"). STYLE, REGION and NOTE blocks and cue
settings are dropped. Pure functions: no database, no disk.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_BYTES = 512 * 1024
MAX_CUE_CHARS = 2_000

_TIMING = re.compile(
    r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)(?:\s+.*)?$",
)
_TIME = re.compile(r"^(?:(?P<h>\d{1,3}):)?(?P<m>\d{2}):(?P<s>\d{2})[.,](?P<ms>\d{3})$")
# A tag: `<` then a letter, `/`, `!` or `?` up to `>` (or to the end of the line when it is
# never closed), or a VTT timestamp tag such as <00:01.500>. A lone "<" in text ("x < y",
# "<3") is text.
_TAG = re.compile(r"<(?:[A-Za-z/!?][^>\n]*>?|\d+(?::\d{2}){1,2}\.\d{3}>)")
_KEPT_TAG = re.compile(r"^<(/?)([ibu])>$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

TOO_LARGE = "This caption file is larger than 512 KB. Please upload a smaller one."
NOT_UTF8 = "This caption file is not UTF-8 text. Save it as UTF-8 and upload it again."
NO_CUES = "This file has no captions in it. Upload a WebVTT (.vtt) or SubRip (.srt) file."


class CaptionError(ValueError):
    """A caption file we refuse; the message is a sentence for the instructor."""


@dataclass(frozen=True)
class Cue:
    """One caption: shown from `start_ms` until `end_ms`, its text already made safe."""

    start_ms: int
    end_ms: int
    text: str


def parse_time(value: str) -> int | None:
    """Milliseconds of `01:02:03.456`, `02:03.456` or SRT's `01:02:03,456`; None if invalid."""
    found = _TIME.fullmatch(value.strip())
    if found is None:
        return None
    hours = int(found["h"] or 0)
    minutes, seconds = int(found["m"]), int(found["s"])
    if minutes > 59 or seconds > 59:
        return None
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(found["ms"])


def format_time(ms: int) -> str:
    """WebVTT's `HH:MM:SS.mmm`."""
    seconds, millis = divmod(ms, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    """Decode entities, drop control characters, then escape what VTT treats as markup."""
    plain = _CONTROL.sub("", html.unescape(text))
    return plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean_cue_text(raw: str) -> str:
    """The cue's text with every tag removed but bare <i>, <b>, <u>, kept balanced."""
    out: list[str] = []
    open_tags: list[str] = []
    pos = 0
    for tag in _TAG.finditer(raw):
        out.append(_escape(raw[pos : tag.start()]))
        pos = tag.end()
        kept = _KEPT_TAG.match(tag.group(0))
        if kept is None:
            continue
        closing, name = kept.group(1) == "/", kept.group(2).lower()
        if not closing:
            open_tags.append(name)
            out.append(f"<{name}>")
        elif name in open_tags:
            while open_tags:  # close everything opened inside it, then it
                inner = open_tags.pop()
                out.append(f"</{inner}>")
                if inner == name:
                    break
    out.append(_escape(raw[pos:]))
    out.extend(f"</{name}>" for name in reversed(open_tags))
    lines = [line.strip() for line in "".join(out).split("\n")]
    text = "\n".join(line for line in lines if line)
    return "" if not re.sub(r"</?[ibu]>", "", text).strip() else text


def _decode(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped) with Unix line ends.

    Raises:
        CaptionError: when the file is too large, not UTF-8, or holds NUL bytes.
    """
    if len(data) > MAX_BYTES:
        raise CaptionError(TOO_LARGE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionError(NOT_UTF8) from None
    if "\x00" in text:
        raise CaptionError(NOT_UTF8)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _timing(line: str, number: int) -> tuple[int, int]:
    """(start, end) of a timing line.

    Raises:
        CaptionError: naming the caption when a time is malformed or it ends before it starts.
    """
    found = _TIMING.match(line)
    start = parse_time(found["start"]) if found else None
    end = parse_time(found["end"]) if found else None
    if start is None or end is None:
        raise CaptionError(
            f"Caption {number} has a time we cannot read: \u201c{line.strip()[:60]}\u201d. "
            "Times look like 00:01:02.500 (or 00:01:02,500 in SRT)."
        )
    if end <= start:
        raise CaptionError(f"Caption {number} ends before it starts ({line.strip()[:60]}).")
    return start, end


def _blocks(text: str) -> list[list[str]]:
    """Groups of non-blank lines, separated by blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_metadata(block: list[str]) -> bool:
    """VTT blocks that are not cues: comments, styles and regions (all dropped)."""
    head = block[0].strip()
    return head.split(" ", 1)[0].split("\t", 1)[0] in ("NOTE", "STYLE", "REGION")


def _cue(block: list[str], number: int) -> Cue | None:
    """A cue from its block: an optional id (or SRT number), the timing line, the text.

    Raises:
        CaptionError: when the block has no timing line or an invalid one.
    """
    at = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
    if at is None:
        raise CaptionError(
            f"Caption {number} has no timing line (such as 00:00:01.000 --> 00:00:04.000)."
        )
    start, end = _timing(block[at], number)
    text = clean_cue_text("\n".join(block[at + 1 :])[: MAX_CUE_CHARS * 2])[:MAX_CUE_CHARS]
    return Cue(start, end, text) if text else None


def parse_captions(data: bytes) -> list[Cue]:
    """Every cue of a WebVTT or SRT file, in time order, with safe text.

    Args:
        data: The uploaded bytes (at most MAX_BYTES).

    Returns:
        At least one cue; cues whose text is empty once cleaned are left out.

    Raises:
        CaptionError: with a sentence saying what is wrong (size, encoding, a time, no cues).
    """
    blocks = _blocks(_decode(data))
    if blocks and blocks[0][0].startswith("WEBVTT"):
        first = blocks.pop(0)
        if any("-->" in line for line in first[1:]):  # a cue right under the header line
            blocks.insert(0, first[1:])
    cues: list[Cue] = []
    for number, block in enumerate((b for b in blocks if not _is_metadata(b)), start=1):
        cue = _cue(block, number)
        if cue is not None:
            cues.append(cue)
    if not cues:
        raise CaptionError(NO_CUES)
    return sorted(cues, key=lambda c: (c.start_ms, c.end_ms))


def to_webvtt(cues: list[Cue]) -> bytes:
    """A WebVTT file of the cues (already cleaned by `parse_captions`)."""
    parts = ["WEBVTT", ""]
    for cue in cues:
        parts += [f"{format_time(cue.start_ms)} --> {format_time(cue.end_ms)}", cue.text, ""]
    return "\n".join(parts).encode("utf-8")
