"""What QDA-XML 1.0 names, and how vmatrix names its things in it.

GUIDs are derived from vmatrix's own ids (uuid5), so two exports of one corpus name
everything alike and a re-import recognises what it wrote. Peers regenerate GUIDs, so an
import never relies on them across files.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "vmatrix"
SUGGESTIONS_USER = "vmatrix suggestions"
VALUES_FOLDER = "Formes de valeur"

# Every GUID vmatrix writes is uuid5 of this namespace and a name saying what it is.
_NAMESPACE = uuid.UUID("6d95d791-3e9c-4075-8b99-9c72820f5d1d")
_NAMESPACE_BYTES = _NAMESPACE.bytes
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Colours: one per value form, in codebook order, then one per facet (its codes share it).
VALUE_COLOURS = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
    "#393B79",
)
FACET_COLOURS = {
    "tool": "#637939",
    "nature": "#8C6D31",
    "lever": "#843C39",
    "initiator": "#7B4173",
    "beneficiary": "#3182BD",
}


def guid(kind: str, *parts: str) -> str:
    """The stable, lower-case GUID of a vmatrix thing (``guid("document", "entretien-01")``):
    uuid5, computed without building UUID objects (an export makes one per coding)."""
    h = hashlib.sha1(_NAMESPACE_BYTES + "\x1f".join((kind, *parts)).encode("utf-8")).hexdigest()
    # Version 5 in the 13th digit, the RFC 4122 variant in the 17th.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


@functools.lru_cache(maxsize=65536)
def same_guid(text: str | None) -> str | None:
    """A GUID as peers write it (upper case, in braces) in the form to compare, or None."""
    if not text:
        return None
    match = _GUID.match(text.strip())
    return match[1].lower() if match else None


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def value_colour(index: int) -> str:
    return VALUE_COLOURS[index % len(VALUE_COLOURS)]
