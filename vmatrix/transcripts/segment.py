"""Cut a transcript into segments: speaker turns when there are speakers, else paragraphs.

A speaker label opens a line: ``Q :``, ``R :``, ``Q`` and a tab, ``Intervieweur :``,
``Intervieweur (I) :``, ``Interviewé(e) :``, ``Marie Dupont :``, ``SPEAKER_01:``,
``[00:01:02] Q :``, ``12'45'' R :``, ``**Expert** :``, ``Q (00:12:30) :``; or a line
holds only the speaker, with or without a time, and the speech follows on the next
lines. Labels that are not well-known interview roles must recur in the document, so a
sentence such as ``Exemple : on a...`` is not taken for a speaker. A segment's offsets
exclude the label: ``text[start:end]`` is what was said.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from vmatrix.textnorm import fold

_SP = "[ \\t\u00a0\u202f]"
_WSP = "[ \u00a0\u202f]"  # between the words of a label (a tab ends a label)
# 00:12:45, 12:45, 00:12:45.120, and the minutes and seconds of 12'45''.
_STAMP = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?|\d{1,3}['’′]\d{2}(?:''|’’|[\"″”])?)"
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w’'\-.]*(?:\([a-zé]{1,3}\))?|d[’']|de|du|des|la|le|van|von|\d+)"
# A short tag after a label is part of the speaker: "Intervieweur (I)", "Participant (A)";
# a longer aside is not: "R (rires) :" is R.
_TAG = rf"(?:{_WSP}*\((?!\d)[^()\n]{{1,4}}\))"
_ASIDE = rf"(?:{_WSP}*\((?!\d)[^()\n]{{5,30}}\))"
_LABEL = re.compile(
    rf"^{_SP}*(?:[-–—•]{_SP}+)?"
    rf"(?:[\[(]?(?P<ts>{_STAMP})[\])]?{_SP}*(?:[-–—]{_SP}*)?)?"
    r"(?P<open>\*\*|__)?"
    rf"(?P<who>(?P<label>\[[^\]\n]{{1,40}}\]|{_NAME_WORD}(?:{_WSP}{_NAME_WORD}){{0,3}}"
    rf"|[a-zàâäçéèêëîïôöùûüÿœ]+(?:\([a-zé]{{1,3}}\))?(?:{_WSP}[\w’']+)?){_TAG}?)"
    r"(?P<close1>\*\*|__)?"
    rf"{_ASIDE}?"
    rf"{_WSP}*(?:[\[(](?P<ts2>{_STAMP})[\])]{_WSP}*)?"
    r"(?P<sep>:|：|\t|\.(?=[ \t\u00a0])|[-–—](?=[ \t\u00a0]))"
    r"(?P<close2>\*\*|__)?"
    rf"{_SP}*"
)
# "Speaker 1  0:03", "Dupont, Marie (00:01:02)" or "[Marie Dupont] 10:02:03" alone on a
# line, speech on the next lines: the layout of several transcription services.
_HEADING = re.compile(
    rf"^{_SP}*\[?(?P<label>{_NAME_WORD}(?:,?{_WSP}{_NAME_WORD}){{0,3}})\]?{_SP}+"
    rf"[\[(]?(?P<ts>{_STAMP})[\])]?{_SP}*$"
)
# "00:00:03 Speaker 1" alone on a line: the time first, as Word's Transcribe writes it.
_HEADING_TIME_FIRST = re.compile(
    rf"^{_SP}*[\[(]?(?P<ts>{_STAMP})[\])]?{_SP}+(?:[-–—]{_SP}*)?"
    rf"\[?(?P<label>{_NAME_WORD}(?:,?{_WSP}{_NAME_WORD}){{0,3}})\]?{_SP}*$"
)
# A time opening a paragraph when there are no speakers: "00:12:45 - ", "[00:00.000 --> 00:04.000]".
_LEADING_STAMP = re.compile(
    rf"{_SP}*[\[(]?(?P<ts>{_STAMP})(?:{_SP}*-->{_SP}*(?P<te>{_STAMP}))?[\])]?{_SP}*(?:[-–—:]{_SP}+)?"
)
# A speaker alone on a line, speech on the next ones ("Mme Roux", "**Intervieweuse**").
_LABEL_ALONE = re.compile(
    rf"^{_SP}*(?:\*\*|__)?(?P<label>\[[^\]\n]{{1,40}}\]|{_NAME_WORD}(?:,?{_WSP}{_NAME_WORD}){{0,3}}{_TAG}?)"
    rf"(?:\*\*|__)?{_SP}*$"
)
# A line holding only a time (or a cue's timing), the speaker on the next line.
# Teams writes 0:0:3.2 --> 0:0:5.0.
_TEAMS_STAMP = r"\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?"
_STAMP_LINE = re.compile(
    rf"^{_SP}*[\[(]?(?P<ts>{_STAMP}|{_TEAMS_STAMP})(?:{_SP}*-->{_SP}*(?:{_STAMP}|{_TEAMS_STAMP}))?[\])]?{_SP}*$"
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+\S")
_INITIALS = re.compile(r"^(?:[A-ZÀ-Þ]\.){1,3}$")
_LETTER = re.compile(r"[^\W\d_]")
# Interview roles accepted even if they occur once, and in lower case.
_ROLES = {
    fold(word)
    for word in (
        "q r i e question réponse intervieweur intervieweuse interviewer interviewé "
        "interviewée enquêteur enquêtrice chercheur chercheuse animateur animatrice "
        "répondant répondante participant participante journaliste expert experte dirigeant "
        "dirigeante enq int enquêté enquêtée interrogé interrogée modérateur modératrice "
    ).split()
}
# Capitalised words that open a sentence before a colon without naming anyone.
_NOT_SPEAKERS = {
    fold(word)
    for word in (
        "exemple bref voilà alors donc bon attention remarque note résultat conclusion "
        "objectif avantage avantages inconvénient inconvénients problème solution "
        "aujourd'hui avant après ensuite enfin total bilan conseil oui non merci "
        "premièrement deuxièmement résumé nb ps rq source date lieu durée d'accord ok "
        "bonjour bonsoir salut "
        "ouais exactement absolument "
    ).split()
}
_DETERMINERS = set(
    "le la les un une des du de ce cet cette ces mon ma mes notre nos votre vos leur leurs".split()
)
_SPEAKER_ID = re.compile(r"^(?:SPEAKER|SPK|LOCUTEUR|INTERVENANT|ORATEUR|Speaker|Locuteur)[ _]?\d+$")


# Labels that name the person asking the questions.
_INTERVIEWER_ROLES = {
    fold(word)
    for word in (
        "q question i int enq intervieweur intervieweuse interviewer enquêteur enquêtrice "
        "chercheur chercheuse animateur animatrice journaliste modérateur modératrice"
    ).split()
}


# Questions as automatic transcription writes them, without a question mark.
_QUESTION = re.compile(
    r"\b(?:est-ce qu|qu[’']est-ce|pouvez-vous|pourriez-vous|avez-vous|diriez-vous|"
    r"comment|pourquoi|combien)",
    re.IGNORECASE,
)


def role_key(speaker: str) -> str:
    """The folded role a label names: ``Intervieweur (I)``, ``[Enquêteur]``, ``Interviewé(e)``,
    ``Enq.`` → ``intervieweur``, ``enqueteur``, ``interviewe``, ``enq``."""
    key = re.sub(r"\([^()]*\)", "", speaker).strip(" []*_.")
    return fold(key)


def _known(speaker: str) -> bool:
    """An interview role (``Q``, ``Enquêtrice``) or a transcription tool's speaker id
    (``SPEAKER_01``): a speaker even if named once, or in lower case."""
    return role_key(speaker) in _ROLES or bool(_SPEAKER_ID.match(speaker))


def interviewers(turns: Iterable[tuple[str | None, str]]) -> set[str]:
    """The speakers of a document who ask the questions.

    By label (``Q``, ``Intervieweur``, ``Enquêtrice``...), or else, with anonymous
    labels such as ``SPEAKER_00``, the one speaker whose turns are mostly questions
    (a question mark, or "est-ce que", "comment"... where transcription left none out)
    and who speaks least.
    """
    spoken = [(speaker, said) for speaker, said in turns if speaker is not None]
    turns_of = Counter(speaker for speaker, _ in spoken)
    named = {s for s in turns_of if role_key(s) in _INTERVIEWER_ROLES}
    if named or len(turns_of) < 2:
        return named
    asked: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for speaker, said in spoken:
        words[speaker] += said.count(" ") + 1
        # A question ends the turn, or opens it when transcription wrote no question mark.
        if "?" in said[-40:] or _QUESTION.search(said, 0, 300):
            asked[speaker] += 1
    ratio = {s: asked[s] / turns_of[s] for s in turns_of}
    ranked = sorted(turns_of, key=lambda s: -ratio[s])
    best, second = ranked[0], ranked[1]
    if ratio[best] >= 0.5 and ratio[best] - ratio[second] >= 0.25 and words[best] < 0.5 * sum(words.values()):
        return {best}
    return set()


def front_matter(speakers: Sequence[str | None]) -> int:
    """How many segments open a document before its speaker turns begin: the title, the
    date and place, who was interviewed, a table of particulars — the researcher's
    writing, not speech.

    They are the segments before the first question or the first turn of a speaker who
    speaks twice or more, so a label used once at the top (« Interviewé : Mme Bernard,
    gérante ») is one of them; a document where nobody speaks twice has none.
    """
    turns = Counter(speaker for speaker in speakers if speaker is not None)
    if max(turns.values(), default=0) < 2:
        return 0
    for index, speaker in enumerate(speakers):
        if speaker is not None and (turns[speaker] >= 2 or role_key(speaker) in _INTERVIEWER_ROLES):
            return index
    return 0


@dataclass
class Turn:
    """A speaker turn known before segmentation (from subtitle cues)."""

    start: int
    end: int
    speaker: str | None
    t_start: float | None = None
    t_end: float | None = None


@dataclass
class Label:
    speaker: str
    content_start: int
    timestamp: float | None
    known: bool


@dataclass
class Segment:
    index: int
    start: int
    end: int
    speaker: str | None
    t_start: float | None = None
    t_end: float | None = None


def _stamp_seconds(stamp: str | None) -> float | None:
    """``00:12:45``, ``12:45.5`` and ``12'45''`` in seconds."""
    if not stamp:
        return None
    total = 0.0
    for part in re.findall(r"\d+(?:[.,]\d+)?", stamp):
        total = total * 60 + float(part.replace(",", "."))
    return total


def _heading(line: str) -> Label | None:
    """A speaker alone on a line with a time, speech on the next lines."""
    heading = _HEADING.match(line) or _HEADING_TIME_FIRST.match(line)
    if heading is None:
        return None
    speaker = heading["label"].strip()
    if not _LETTER.search(speaker) or fold(speaker).rstrip(".") in _NOT_SPEAKERS:
        return None
    if speaker.endswith(".") and not _INITIALS.match(speaker.split()[-1]):
        return None  # "00:12 Oui." is speech after a time
    known = _known(speaker)
    return Label(speaker, len(line), _stamp_seconds(heading["ts"]), known)


def _label_alone(line: str) -> Label | None:
    """A line that is only a role (``Intervieweuse``), a speaker id, a full name
    (``Mme Roux``, ``Sophie Roux``), initials or a bracketed name: one word such as
    "Bien" or "Conclusion" alone on a line is not taken for a speaker."""
    alone = _LABEL_ALONE.match(line)
    if alone is None:
        return None
    speaker = alone["label"].strip()
    if fold(speaker).rstrip(".") in _NOT_SPEAKERS or not _LETTER.search(speaker):
        return None
    known = _known(speaker)
    initials = bool(_INITIALS.match(speaker))
    if speaker.endswith(".") and not initials:
        return None
    first = fold(speaker.split()[0]).rstrip(",")
    if not (known or initials or _name_like(speaker)) or first in _DETERMINERS or first in _NOT_SPEAKERS:
        return None  # "Le Site Internet" is a title, "Bonjour Madame" a greeting
    return Label(speaker, len(line), None, known)


def match_label(line: str) -> Label | None:
    """The speaker label opening ``line``, if it looks like one."""
    if _HEADING.match(line) or _HEADING_TIME_FIRST.match(line):
        return _heading(line)
    found = _LABEL.match(line)
    if not found:
        return _label_alone(line)
    raw = found["who"].strip()
    speaker = raw.strip("*_ ").strip()
    key = fold(speaker)
    sep = found["sep"]
    if key in _NOT_SPEAKERS or not _LETTER.search(speaker):
        return None  # "00:12 : ..." is a time, not a speaker
    known = _known(speaker)
    # "Q." and "R -" for the one-letter labels; a dash after a role or a name too.
    short = known and len(role_key(speaker)) <= 2
    if sep not in (":", "：", "\t") and not short and not _dashed(speaker, sep):
        return None
    if speaker[0].islower() and not known:
        return None
    if len(speaker) > 40:
        return None
    stamp = _stamp_seconds(found["ts"] or found["ts2"])
    return Label(speaker, found.end(), stamp, known)


def _dashed(speaker: str, sep: str) -> bool:
    """A role or a full name before a dash, « Enquêteur – Pouvez-vous... », « M. ROBERT – Je
    dirige... »; not a sentence that opens with capitals, « Le Site – c'est la vitrine »."""
    if sep not in "-–—":
        return False
    first = fold(speaker.split()[0]).rstrip(",")
    if first in _DETERMINERS or first in _NOT_SPEAKERS:
        return False
    return _known(speaker) or _name_like(speaker)


def _name_like(label: str) -> bool:
    if label.startswith("[") and label.endswith("]"):
        return True
    words = label.split()
    return 1 < len(words) <= 3 and all(w[:1].isupper() for w in words)


def segment_text(text: str) -> list[Segment]:
    """Speaker turns, or paragraphs when the text has no speaker labels."""
    turns = _speaker_turns(text)
    if turns is not None:
        return turns
    return _paragraphs(text)


def segments_from_turns(text: str, turns: list[Turn]) -> list[Segment]:
    return [
        Segment(i, t.start, t.end, t.speaker, t.t_start, t.t_end)
        for i, t in enumerate(turn for turn in turns if text[turn.start : turn.end].strip())
    ]


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _speaker_turns(text: str) -> list[Segment] | None:
    lines = _lines(text)
    candidates = _with_time_lines(lines, [(offset, match_label(line)) for offset, line in lines])
    counts = Counter(label.speaker for _, label in candidates if label)
    accepted = {
        name
        for name, n in counts.items()
        if n >= 2 or any(lab and lab.known and lab.speaker == name for _, lab in candidates)
    }
    if not accepted:
        return None
    # Once there are speakers, a name that speaks once ("Sophie Roux :") is one too.
    accepted |= {name for name in counts if _name_like(name)}
    if sum(counts[name] for name in accepted) < 2:
        return None
    opens: list[tuple[int, Label | None]] = []
    for (offset, line), label in zip(lines, [c for _, c in candidates], strict=True):
        if label and label.speaker in accepted:
            opens.append((offset, label))
        elif _MARKDOWN_HEADING.match(line):
            opens.append((offset, None))  # a heading ends the turn before it
    if opens[0][0] > 0:
        opens.insert(0, (0, None))  # a header before the first turn
    segments: list[Segment] = []
    for i, (offset, label) in enumerate(opens):
        limit = opens[i + 1][0] if i + 1 < len(opens) else len(text)
        start = offset + (label.content_start if label else 0)
        start, end = _trim(text, start, limit)
        if start >= end:
            continue
        next_stamp = None
        if i + 1 < len(opens) and opens[i + 1][1] is not None:
            next_stamp = opens[i + 1][1].timestamp  # type: ignore[union-attr]
        segments.append(
            Segment(
                len(segments),
                start,
                end,
                label.speaker if label else None,
                label.timestamp if label else None,
                next_stamp if label and label.timestamp is not None else None,
            )
        )
    return _unlabelled_answers(text, _one_header(text, segments))


def _one_header(text: str, segments: list[Segment]) -> list[Segment]:
    """The document's header (see :func:`front_matter`) as one segment without a speaker:
    « Expert – Conseillère numérique, CCI » or « Interviewé : Mme Bernard » among its
    lines names nobody who speaks."""
    first = front_matter([s.speaker for s in segments])
    if first == 0 or (first == 1 and segments[0].speaker is None):
        return segments
    start, end = _trim(text, 0, segments[first - 1].end)
    header = Segment(0, start, end, None)
    rest = segments[first:]
    for index, segment in enumerate(rest, 1):
        segment.index = index
    return [header, *rest]


def _unlabelled_answers(text: str, segments: list[Segment]) -> list[Segment]:
    """When only the questions carry a label ("Q : ...", the answer on the next lines),
    a turn's first line is the question and the rest is the interviewee's answer, a
    segment of its own without a speaker: it must not be left out as the interviewer's."""
    speakers = {s.speaker for s in segments if s.speaker is not None}
    if len(speakers) != 1 or role_key(next(iter(speakers))) not in _INTERVIEWER_ROLES:
        return segments
    out: list[Segment] = []
    for segment in segments:
        cut = text.find("\n", segment.start, segment.end)
        if segment.speaker is None or cut < 0:
            out.append(segment)
            continue
        asked = _trim(text, segment.start, cut)
        answered = _trim(text, cut, segment.end)
        out.append(Segment(0, *asked, segment.speaker, segment.t_start, None))
        out.append(Segment(0, *answered, None, None, segment.t_end))
    for index, segment in enumerate(out):
        segment.index = index
    return out


def _with_time_lines(
    lines: list[tuple[int, str]], candidates: list[tuple[int, Label | None]]
) -> list[tuple[int, Label | None]]:
    """A time alone on the line before a speaker alone on a line ("0:0:3.2 --> 0:0:5.0",
    then "Martin, Camille", then the speech) belongs to the speaker's turn."""
    out = list(candidates)
    for i in range(len(lines) - 1):
        stamp = _STAMP_LINE.match(lines[i][1])
        following = out[i + 1][1]
        if stamp is None or out[i][1] is not None or following is None:
            continue
        if following.content_start < len(lines[i + 1][1]):
            continue  # "Q : speech" after a time line keeps its own turn
        start = len(lines[i][1]) + 1 + following.content_start
        timestamp = following.timestamp if following.timestamp is not None else _stamp_seconds(stamp["ts"])
        out[i] = (lines[i][0], Label(following.speaker, start, timestamp, following.known))
        out[i + 1] = (lines[i + 1][0], None)
    return out


def _paragraphs(text: str) -> list[Segment]:
    splitter = re.compile(r"\n[ \t\u00a0]*\n") if re.search(r"\n[ \t\u00a0]*\n", text) else re.compile(r"\n")
    segments: list[Segment] = []
    position = 0
    for found in [*splitter.finditer(text), None]:
        limit = found.start() if found else len(text)
        start, end = _trim(text, position, limit)
        if start < end:
            segments.append(Segment(len(segments), start, end, None))
        if found:
            position = found.end()
    return _timed_paragraphs(text, segments)


def _timed_paragraphs(text: str, segments: list[Segment]) -> list[Segment]:
    """Paragraphs that mostly open with a time ("00:12:45 - ...", Whisper's
    "[00:00.000 --> 00:04.000] ...") get it as their timing, and lose it from their text."""
    stamps = [_LEADING_STAMP.match(text, s.start, s.end) for s in segments]
    if sum(1 for m in stamps if m) < max(2, len(segments) / 2):
        return segments
    for segment, found in zip(segments, stamps, strict=True):
        if found and found.end() < segment.end:
            segment.start = _trim(text, found.end(), segment.end)[0]
            segment.t_start = _stamp_seconds(found["ts"])
            segment.t_end = _stamp_seconds(found["te"])
    for segment, following in pairwise(segments):
        if segment.t_start is not None and segment.t_end is None:
            segment.t_end = following.t_start
    return segments


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
