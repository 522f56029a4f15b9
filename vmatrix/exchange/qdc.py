"""A REFI-QDA codebook (``.qdc``, or a project's) as a vmatrix codebook file (TOML).

Folders become facets where their names say so (Dispositif, Outil, Levier, Nature,
Initiateur, Bénéficiaire, in French or English), and so do codes named "facet : name";
a folder named "Formes de valeur" (or values, valeurs...) holds the value forms. A code
whose name the current codebook resolves keeps its id, label, aliases and group. What
cannot be placed is said, not guessed: a code outside those folders that names no known
value form or facet code is left out with a note.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from vmatrix.coding.codebook import FACETS, Code, Codebook
from vmatrix.exchange.archive import PeerCode, read_codebook
from vmatrix.exchange.importing import _PREFIXED, _VALUE_FOLDERS, _facet_names, _unsuffixed
from vmatrix.textnorm import fold, fold_code


def codebook_toml(path: Path, base: Codebook) -> tuple[str, list[str]]:
    """The TOML text of the codebook in ``path``, and notes on what could not be mapped."""
    roots, origin = read_codebook(path)
    facet_names = _facet_names(base)
    values: list[tuple[PeerCode, str]] = []  # (code, name)
    facets: dict[str, list[tuple[PeerCode, str]]] = {f: [] for f in FACETS}
    notes: list[str] = []

    def walk(code: PeerCode, facet: str | None, in_values: bool) -> None:
        key = fold_code(code.name)
        if (code.children and not code.codable) or (code.children and key in facet_names | _VALUE_FOLDERS):
            if key in _VALUE_FOLDERS:
                in_values, facet = True, None
            elif key in facet_names:
                facet, in_values = facet_names[key], False
            for child in code.children:
                walk(child, facet, in_values)
            return
        name = code.name
        for folder in code.path[:-1]:
            name = _unsuffixed(name, folder.name)
        prefixed = _PREFIXED.match(name)
        if prefixed and fold_code(prefixed[1]) in facet_names:
            facets[facet_names[fold_code(prefixed[1])]].append((code, prefixed[2]))
        elif facet is not None:
            facets[facet].append((code, name))
        elif in_values or base.resolve_value(name) is not None:
            values.append((code, name))
        else:
            known = [f for f in FACETS if base.facets[f].resolve(name) is not None]
            if len(known) == 1:
                facets[known[0]].append((code, name))
            else:
                where = " / ".join(c.name for c in code.path)
                notes.append(
                    f"{where!r} left out: neither in a value-form or facet folder nor a known value form; "
                    f"add it to the codebook by hand, or put it in a folder named {'Formes de valeur'!r} "
                    "or after a facet"
                )
        for child in code.children:
            walk(child, facet, in_values)

    for root in roots:
        walk(root, None, False)
    lines = [
        f"name = {_string(f'{path.stem} ({origin})' if origin else path.stem)}",
        'language = "fr"',
        "",
    ]
    ids: set[str] = set()
    value_codes = [_value(code, name, base, ids, notes) for code, name in values]
    value_codes = [c for c in value_codes if c is not None]
    if not value_codes:
        notes.append("no value form found in the codebook: the current codebook's value forms are kept")
        value_codes = list(base.values)
    for code in value_codes:
        lines += ["[[values]]", *_fields(code), ""]
    for facet_id in FACETS:
        given = facets[facet_id]
        facet = base.facets[facet_id]
        lines += [
            "[[facets]]",
            f"id = {_string(facet_id)}",
            f"label = {_string(facet.label)}",
            f"closed = {'true' if facet.closed and not given else 'false'}",
            "",
        ]
        codes = facet.codes if not given else _facet_codes(given, facet, notes)
        for code in codes:
            lines += ["[[facets.codes]]", *_fields(code), ""]
    return "\n".join(lines), notes


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "code"


def _value(code: PeerCode, name: str, base: Codebook, ids: set[str], notes: list[str]) -> Code | None:
    known = base.resolve_value(name)
    if known is not None:
        found = known.code
        result = Code(found.id, found.label, code.description or found.definition, found.aliases, found.group)
    else:
        result = Code(_slug(name), name, code.description)
    if result.id in ids:
        notes.append(f"value form {name!r} repeats {result.id!r}; kept once")
        return None
    ids.add(result.id)
    return result


def _facet_codes(given: list[tuple[PeerCode, str]], facet: Any, notes: list[str]) -> list[Code]:
    out: list[Code] = []
    seen: set[str] = set()
    for code, name in given:
        known = facet.resolve(name)
        if known is not None:
            made = Code(
                known.id, known.label, code.description or known.definition, known.aliases, None, known.nature
            )
        else:
            made = Code(_slug(name), name, code.description)
        if fold_code(made.id) in seen or fold_code(made.label) in seen:
            notes.append(f"{facet.id} {name!r} repeats another code; kept once")
            continue
        seen.update({fold_code(made.id), fold_code(made.label), *(fold_code(a) for a in made.aliases)})
        out.append(made)
    return out


def _fields(code: Code) -> list[str]:
    lines = [f"id = {_string(code.id)}", f"label = {_string(code.label)}"]
    if code.group:
        lines.append(f"group = {_string(code.group)}")
    if code.nature:
        lines.append(f"nature = {_string(code.nature)}")
    if code.aliases:
        lines.append(f"aliases = [{', '.join(_string(a) for a in code.aliases)}]")
    if code.definition:
        lines.append(f"definition = {_string(code.definition)}")
    return lines


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
