"""SubRip (.srt) and WebVTT (.vtt) transcripts: cues, speakers, timings.

Automatic transcription tools write one cue every few seconds, often with the
speaker in a WebVTT voice tag (``<v SPEAKER_01>``) or at the start of the cue text
(``SPEAKER_01: ...``). Consecutive cues of one speaker are joined into one turn, and
the stored text reads like an ordinary transcript, one turn per paragraph::

    SPEAKER_00 : Bonjour, merci de me recevoir.

    SPEAKER_01 : Avec plaisir.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from vmatrix.errors import InputFileError
from vmatrix.transcripts.segment import Turn, match_label

_TIMING = re.compile(
    r"^\s*(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*"
    r"(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s+.*)?$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]+)*\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")
# Word timings inside a cue (<00:00:01.520><c> mot</c>): YouTube's rolling captions.
_KARAOKE = re.compile(r"<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>")
# Without speakers, cues are grouped into passages at pauses or at this many words.
_PAUSE_SECONDS = 2.0
_PASSAGE_WORDS = 80


@dataclass
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None


def seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def parse_subtitles(text: str, kind: str, *, where: str) -> list[Cue]:
    """Cues of an srt or vtt file, in file order, tags removed.

    A speaker written at the start of a cue's text ("Marie Dupont: ...") counts as one
    when it names a known role or opens two cues or more, as in a transcript: a lone
    "Angers : on a trois boutiques" stays text. YouTube's automatic captions, which
    repeat each line in the next cue, are read once.
    """
    blocks = re.split(r"\n[ \t]*\n", text.strip())
    if kind == "vtt":
        if not blocks or not blocks[0].lstrip().startswith("WEBVTT"):
            raise InputFileError(f"{where}: is not a WebVTT file (it must start with WEBVTT)")
        blocks = blocks[1:]
    rolling = bool(_KARAOKE.search(text))
    found: list[tuple[float, float, list[str], str | None]] = []  # start, end, lines, voice
    previous: list[str] = []
    for number, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        timing_at = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing_at is None:
            head = lines[0].strip()
            if kind == "vtt" and head.startswith(("NOTE", "STYLE", "REGION")):
                continue
            if not head:
                continue
            if found and not found[-1][2]:
                # A cue whose text follows a line of spaces (YouTube): that line is no end.
                found[-1][2].extend(_cue_lines(block))
                previous = _cue_lines(block)
                continue
            raise InputFileError(
                f"{where}: cue {number} has no timing line (like 00:00:01,000 --> 00:00:04,000)"
            )
        timing = _TIMING.match(lines[timing_at])
        assert timing is not None
        body = "\n".join(lines[timing_at + 1 :])
        voice = _VOICE.search(body)
        cue_lines = _cue_lines(body)
        if rolling:
            repeated = previous[-1:] if previous else []
            previous = cue_lines
            while cue_lines and cue_lines[:1] == repeated:
                cue_lines = cue_lines[1:]
        found.append(
            (seconds(timing["a"]), seconds(timing["b"]), cue_lines, voice.group(1).strip() if voice else None)
        )
    labels = [match_label(" ".join(lines)) if named is None and lines else None for *_, lines, named in found]
    counts = Counter(label.speaker for label in labels if label)
    cues: list[Cue] = []
    for (start, end, lines, named), label in zip(found, labels, strict=True):
        body, speaker = " ".join(lines), named
        if label is not None and (label.known or counts[label.speaker] >= 2):
            speaker, body = label.speaker, body[label.content_start :]
        if body.strip():
            cues.append(Cue(start, end, body.strip(), speaker))
    if not cues:
        raise InputFileError(f"{where}: holds no subtitle cues")
    return cues


def _cue_lines(body: str) -> list[str]:
    """A cue's lines of text, tags and direction marks removed, blank lines dropped."""
    body = html.unescape(_TAG.sub("", body)).replace("\u200e", "").replace("\u200f", "")
    return [line.strip() for line in body.split("\n") if line.strip()]


def render_turns(cues: list[Cue]) -> tuple[str, list[Turn]]:
    """The stored text of a subtitle file and its turns (offsets into that text)."""
    groups: list[list[Cue]] = []
    with_speakers = any(cue.speaker for cue in cues)
    for cue in cues:
        if groups and _same_turn(groups[-1], cue, with_speakers):
            groups[-1].append(cue)
        else:
            groups.append([cue])
    parts: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for group in groups:
        speaker = group[0].speaker
        prefix = f"{speaker} : " if speaker else ""
        body = " ".join(cue.text for cue in group)
        start = offset + len(prefix)
        parts.append(prefix + body)
        turns.append(Turn(start, start + len(body), speaker, group[0].start, group[-1].end))
        offset += len(prefix) + len(body) + 2
    return "\n\n".join(parts) + "\n", turns


def _same_turn(group: list[Cue], cue: Cue, with_speakers: bool) -> bool:
    if with_speakers:
        return cue.speaker == group[-1].speaker or cue.speaker is None
    if cue.start - group[-1].end >= _PAUSE_SECONDS:
        return False
    words = sum(len(c.text.split()) for c in group)
    return not (words >= _PASSAGE_WORDS and group[-1].text.rstrip().endswith((".", "?", "!")))
