"""Documents as researchers name them: the id, the citation label, the number, the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from vmatrix.corpus.store import Corpus, Document
from vmatrix.errors import UnknownDocument
from vmatrix.textnorm import closest, document_key, fold


class DocumentIndex:
    """Resolves what a sheet's document cell says: the id, the label, the number or the file."""

    def __init__(self, documents: Iterable[Document]) -> None:
        documents = list(documents)  # read twice below
        self.ids = [d.id for d in documents]
        self._ids = set(self.ids)
        self._keys: dict[str, set[str]] = {}
        self._names: dict[str, str] = {}  # folded id or label -> id, for a did-you-mean
        for doc in documents:
            self._names.update({fold(doc.id): doc.id, fold(doc.label): doc.id})
            names = [doc.id, doc.label, Path(doc.source).name, Path(doc.source).stem]
            if doc.number:
                names.append(doc.number)
            for name in names:
                self._keys.setdefault(document_key(name), set()).add(doc.id)

    def matches(self, cell: str) -> list[str]:
        """Every document the cell may name (more than one: it is ambiguous)."""
        if cell in self._ids:
            return [cell]
        return sorted(self._keys.get(document_key(cell), set()))

    def closest(self, cell: str, limit: int = 3) -> list[str]:
        """The documents whose id or label is most like ``cell``: a did-you-mean."""
        return closest(fold(cell), self._names, limit)

    def require(self, typed: str) -> str:
        """The one document ``typed`` names, or :class:`UnknownDocument` with a did-you-mean."""
        return self.require_all([typed])[0]

    def require_all(self, typed: Iterable[str]) -> list[str]:
        """The documents named, in order, once each; every name that fails is reported."""
        found: list[str] = []
        problems: list[str] = []
        for name in typed:
            matches = self.matches(name)
            if len(matches) == 1:
                found.append(matches[0])
            elif matches:
                problems.append(f"{name!r} may be {' or '.join(matches)}")
            else:
                closest = self.closest(name) if self.ids else []
                problems.append(
                    f"no document {name!r}" + (f" (did you mean {' or '.join(closest)}?)" if closest else "")
                )
        if problems:
            if not self.ids:
                raise UnknownDocument("the corpus holds no documents yet; run `vmatrix ingest` first")
            raise UnknownDocument(
                "; ".join(problems)
                + ": give an id, a label (Entretien 10) or a number (`vmatrix docs` lists them)"
            )
        return list(dict.fromkeys(found))


def require_documents(corpus: Corpus, typed: Iterable[str]) -> list[str]:
    """The ids of the corpus's documents that ``typed`` names (see :meth:`DocumentIndex.require_all`)."""
    return DocumentIndex(corpus.documents()).require_all(typed)
