"""Text normalisation: what is stored, what the model reads, what matching compares.

Three views of the same text:

* the **stored text** is faithful (NFC, ``\\n`` line ends) and keeps French
  typography — typographic apostrophes, « », non-breaking spaces;
* the **model text** is what spaCy parses: the same length as the stored text, so
  every token offset is also an offset into the stored text, but with typographic
  apostrophes and non-breaking spaces replaced one for one (the French model splits
  ``l'`` but not ``l’`` and then mis-tags the whole sentence);
* the **folded form** is what comparisons use: lower case, no accents, one kind of
  apostrophe and quotation mark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032"
SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
DOUBLE_QUOTES = "«»“”„‟\u2033"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Characters that show nothing: zero-width spaces and joiners, the word joiner, a byte-order
# mark inside the text, the soft hyphen, and the marks and overrides of text direction.
# Pasted from the web or a PDF into a word, they keep a quote typed without them from
# matching; folding drops them.
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# A transcriber's marks inside speech: a time (« [00:12:31] », « (12:31) ») and what was
# not words (« (rires) », « [inaudible] », « [chevauchement] »). A coding sheet's quote
# often leaves them out, and a paper quotes it without them.
TRANSCRIPTION_MARKS = re.compile(
    r"[\[(](?:\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
    r"|(?:rires?|rit|sourires?|inaudibles?|inaud\.|incompréhensibles?|incomp\.|silence|pause"
    r"|hésitation|blanc|chevauchement|toux|soupirs?|bruits?|coupure)(?:[ \u00a0][^\[\]()\n]{0,30})?)[\])]",
    re.IGNORECASE,
)

_MODEL_TABLE = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: " " for c in SPACES}})
_FOLD_TABLE = str.maketrans(
    {
        **{c: "'" for c in APOSTROPHES},
        **{c: " " for c in SPACES},
        **{c: '"' for c in DOUBLE_QUOTES},
        **{c: "-" for c in DASHES},
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        **dict.fromkeys(INVISIBLE),
    }
)
# Also Word's manual line break (\v) and page break (\f) in its plain-text exports.
# Patterns are compiled on first use (re keeps them): a command that never reads a
# transcript never pays for them.
_LINE_ENDS = r"\r\n?|[\u2028\u2029\x85\x0b\x0c]"


def normalise_stored(text: str) -> str:
    """The stored form of a transcript: NFC, ``\\n`` line ends, no BOM, faithful otherwise."""
    text = text.lstrip("\ufeff")
    text = re.sub(_LINE_ENDS, "\n", text)
    return unicodedata.normalize("NFC", text)


def model_text(text: str) -> str:
    """The text handed to spaCy: same length as ``text``, offsets unchanged."""
    return text.translate(_MODEL_TABLE)


def fold(text: str) -> str:
    """Case-, accent- and typography-insensitive form used for comparisons; invisible
    characters (:data:`INVISIBLE`) dropped.

    The result may differ in length from the input (``œ`` becomes ``oe``); never use
    it for offsets.
    """
    text = text.translate(_FOLD_TABLE)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()


def fold_each(texts: list[str]) -> list[str]:
    """:func:`fold` of each of ``texts``, folded together in one pass (ten thousand words
    cost one call instead of ten thousand): folding never looks across the NUL that
    joins them, a character no word holds (each is folded alone if one does)."""
    if any("\0" in text for text in texts):
        return [fold(text) for text in texts]
    return fold("\0".join(texts)).split("\0") if texts else []


def fold_code(text: str) -> str:
    """Key for code names typed by hand: folded, with spaces, dashes and underscores dropped."""
    return re.sub(r"[\s\-_.'\"]+", "", fold(text))


def closest(key: str, names: Mapping[str, str], limit: int = 3) -> list[str]:
    """The did-you-mean of an unknown name: what ``names`` maps its keys most like ``key``
    to, best first, each once. ``key`` and the keys of ``names`` are folded alike
    (:func:`fold` or :func:`fold_code`); rapidfuzz is imported only here."""
    if not key:
        return []
    from rapidfuzz import fuzz, process

    found = process.extract(key, list(names), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=60)
    return list(dict.fromkeys(names[match] for match, _score, _ in found))[:limit]


def count_invisible(text: str) -> int:
    """How many :data:`INVISIBLE` characters ``text`` holds."""
    return sum(text.count(c) for c in INVISIBLE)


# Control characters a terminal acts on (ESC opens sequences that retitle the window or
# hide text), all but tab and line feed: never written out as they are.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible_controls(text: str) -> str:
    """``text`` with each control character shown as its code (``\\x1b``), so that a
    transcript cannot drive the terminal, and a cell shows what is there."""
    if not CONTROLS.search(text):
        return text
    return CONTROLS.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


# Not the no-break spaces: French typography stays.
_BREAKS = r"[ \t\r\n]+"


def one_paragraph(text: str) -> str:
    """``text`` as one paragraph, the way a quote stands in a paper: each run of spaces,
    tabs and line breaks as one space, none at either end; no-break spaces kept; control
    characters shown by their code."""
    return visible_controls(re.sub(_BREAKS, " ", text).strip(" "))


_WORD = r"[^\W_]+(?:[-'’][^\W_]+)*"


def count_words(text: str) -> int:
    """Words as a word processor counts them (``l’entreprise`` is one)."""
    return len(re.findall(_WORD, text))


# Words that only say "interview number ..." around a document's number: "Entretien n°10",
# "E10", "Int. 10", "entretien-10.docx" all name interview 10.
_NUMBER_WORDS = frozenset(
    "e ent entr entretien entretiens int interview interviews itw i n no nr num numero doc document "
    "transcript transcription".split()
)
_FILE_EXTENSIONS = frozenset("txt docx doc odt rtf md srt vtt pdf".split())


def document_key(name: str) -> str:
    """Key under which a typed document name compares to ids, labels, numbers and files.

    ``Entretien 01``, ``entretien-1``, ``ENTRETIEN 1``, ``Entretien n°1``, ``E1``, ``1``,
    ``1.0`` (a number through a spreadsheet) and ``entretien-1.docx`` share one key; other
    names keep their words (``focus-1`` is not ``1``).
    """
    text = re.sub(r"(\d)[.,]0+\b", r"\1", fold(name).strip())
    words = re.findall(r"[^\W\d_]+|\d+", text)
    if len(words) > 1 and words[-1] in _FILE_EXTENSIONS and "." in text:
        words.pop()
    words = [w.lstrip("0") or "0" if w.isdigit() else w for w in words]
    numbers = [w for w in words if w.isdigit()]
    if len(numbers) == 1 and all(w.isdigit() or w in _NUMBER_WORDS for w in words):
        return numbers[0]
    return " ".join(words)
