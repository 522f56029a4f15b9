"""The tool a passage speaks of: the codebook's tools found in the stored parses.

Each tool of the codebook's ``tool`` facet lists ``aliases``: its generic names, brands
and abbreviations ("Facebook", "LinkedIn", "les réseaux" → réseaux sociaux; "Teams",
"Zoom", "visio" → visioconférence). They are the tool lexicon, matched like the terms of
a value form — on the folded lemma and on the folded written form, without the model —
with three lists of a tool to say how (each names some of its aliases):

* ``typed_only``: too ambiguous to look for in a transcript ("site" alone, "standard");
  still the names a coder may type;
* ``written``: looked for only as written, case and accents aside, never through the
  lemma ("les réseaux" must not find "le réseau");
* ``cased``: one word looked for only with its capital, or all in capitals ("Meet",
  "Sage", "Zoom": not « faire un zoom »).

and ``exclude``: phrases in which a match of the tool does not count ("réseaux
d'entreprises" is a network of firms, not social media). A tool named in a negated
clause (« on n'a pas de site internet ») is not the tool the passage speaks of.

An answer that names no tool speaks of the one its question named: « Et la visio avec
les clients ? » — « Ça nous évite des déplacements » is about video conferencing. It
takes the tools of the interviewer's turn just before it (marked ``inherited``, the
evidence being the question's words), and only those: an answer naming none after a
question naming none has no tool. Carrying a tool on from the previous answer was
measured and left out: on the development interviews it found 2 to 3 more coded tools
in a hundred and cost a third of the precision (0.69 → 0.40 by segment).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vmatrix.coding.lexicon import Lexicon, Pattern, ValueLexicon, _phrase_key

if TYPE_CHECKING:
    from vmatrix.coding.codebook import Codebook
    from vmatrix.corpus.store import Corpus


@dataclass
class ToolLexicon:
    """The tools to look for, as a lexicon whose "value forms" are tool ids."""

    lexicon: Lexicon
    natures: dict[str, str | None]  # tool id -> its nature
    labels: dict[str, str]  # tool id -> its label


def tool_lexicon(codebook: Codebook) -> ToolLexicon:
    """The tool lexicon of a codebook (see the module doc)."""
    from vmatrix.coding.readings import chunks

    values: dict[str, ValueLexicon] = {}
    digest = hashlib.sha256()
    codes = codebook.facets["tool"].codes if "tool" in codebook.facets else []
    for code in codes:
        digest.update(
            json.dumps(
                [code.id, code.aliases, code.typed_only, code.written, code.cased, code.exclude],
                ensure_ascii=False,
            ).encode()
        )
        lex = ValueLexicon(code.id, codebook.path, description=code.label)
        special = {*code.typed_only, *code.written, *code.cased}
        seen: set[str] = set()
        for alias in code.aliases:
            key = _phrase_key(alias)
            if alias in special or not key or key in seen:
                continue
            seen.add(key)
            lex.terms[alias] = 1.0
        for alias in code.written:
            if not _phrase_key(alias):
                continue
            lex.patterns.append(Pattern(alias, 1.0, [{"LOWER": word} for word in chunks(alias)]))
        for alias in code.cased:
            forms = list(dict.fromkeys([alias.strip(), alias.strip().upper()]))
            lex.patterns.append(Pattern(alias, 1.0, [{"ORTH": {"IN": forms}}]))
        lex.excludes = [e for e in code.exclude if _phrase_key(e)]
        if not lex.empty:
            values[code.id] = lex
    lexicon = Lexicon(codebook.path.parent, values, digest.hexdigest(), label_name="tools")
    return ToolLexicon(
        lexicon,
        {code.id: code.nature for code in codes},
        {code.id: code.label for code in codes},
    )


def suggested_tools(corpus: Corpus, documents: list[str] | None = None) -> dict[tuple[str, int], list[str]]:
    """The tools ``vmatrix suggest`` found in each segment, as stored in the corpus:
    (document id, segment index) -> tool ids, in text order. Segments without a tool are
    absent; every segment of the documents suggest ran on was looked at (the
    interviewer's turns aside unless it was asked to keep them)."""
    found: dict[tuple[str, int], list[str]] = {}
    for row in corpus.segment_tools(documents=documents):
        found.setdefault((row.document_id, row.segment), []).append(row.tool)
    return found
