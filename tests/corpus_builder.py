"""Build small corpora with the store API (no spaCy): documents, segments, codes, suggestions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from vmatrix.corpus.store import CodeRow, Corpus, Document, SegmentRow, SuggestionRow
from vmatrix.textnorm import count_words


@dataclass
class Doc:
    id: str
    turns: list[tuple[str, str]]  # (speaker, text)
    number: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def add_document(corpus: Corpus, doc: Doc) -> tuple[str, list[SegmentRow]]:
    """Store a transcript made of speaker turns "Speaker : text", one per paragraph."""
    text, segments = "", []
    for index, (speaker, said) in enumerate(doc.turns):
        if text:
            text += "\n\n"
        label = f"{speaker}\u00a0: "
        start = len(text) + len(label)
        text += label + said
        segments.append(SegmentRow(doc.id, index, speaker, start, len(text), None, None, count_words(said)))
    number = doc.number or doc.id.rsplit("-", 1)[-1].lstrip("0")
    corpus.put_document(
        Document(
            id=doc.id,
            label=f"Entretien {number}",
            number=number,
            source=f"{doc.id}.txt",
            format="txt",
            encoding="utf-8",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            words=count_words(text),
            attributes=doc.attributes,
        ),
        text,
    )
    corpus.put_segments(doc.id, segments)
    return text, segments


def code(
    corpus: Corpus,
    doc_id: str,
    quote: str,
    values: list[str],
    *,
    row: int,
    sheet: str = "codes",
    orphaned: bool = False,
    coder: str | None = "A",
    **facets: list[str] | str,
) -> CodeRow:
    """A code anchored on the first occurrence of ``quote`` in the document's text."""
    text = corpus.text(doc_id)
    start = text.find(quote)
    assert start >= 0, f"{quote!r} not in {doc_id}"
    return CodeRow(
        sheet=sheet,
        row=row,
        document_id=doc_id,
        start=None if orphaned else start,
        end=None if orphaned else start + len(quote),
        values=values,
        facets={k: [v] if isinstance(v, str) else list(v) for k, v in facets.items()},
        quote=quote,
        anchored_text="" if orphaned else quote,
        coder=coder,
        anchor_kind=None if orphaned else "exact",
        anchor_score=None if orphaned else 1.0,
        status="orphaned" if orphaned else "anchored",
    )


def store_codes(corpus: Corpus, codes: list[CodeRow], sheet: str = "codes") -> None:
    corpus.replace_sheet(sheet, f"{sheet}.csv", "0" * 64, codes)


def suggestion(
    corpus: Corpus, doc_id: str, segment: int, value: str, terms: list[str], score: float = 0.8
) -> SuggestionRow:
    """A suggestion whose evidence is the first occurrence of each term in the segment."""
    text = corpus.text(doc_id)
    seg = next(s for s in corpus.segments(doc_id) if s.index == segment)
    evidence = []
    for term in terms:
        at = text.find(term, seg.start, seg.end)
        assert at >= 0, f"{term!r} not in segment {segment} of {doc_id}"
        evidence.append({"text": term, "term": term, "start": at, "end": at + len(term), "negated": False})
    return SuggestionRow(doc_id, segment, value, score, evidence, "fr")


# -- the small hand-computed corpus of the output tests ---------------------------------

DOCS = [
    Doc(
        "entretien-01",
        [
            ("Q", "Qu’est-ce que le site vous apporte\u00a0?"),
            ("R", "On gagne du temps, les clients commandent à distance."),
            ("Q", "Et l’ERP\u00a0?"),
            ("R", "= Moins d’erreurs et des sauvegardes chaque nuit, c’est sécurisé."),
            ("R", "- Le site donne une image sérieuse de l’entreprise."),
        ],
        attributes={"role": "dirigeant", "sector": "menuiserie", "department": "85"},
    ),
    Doc(
        "entretien-02",
        [
            ("Intervieweur", "Et le site\u00a0?"),
            ("Mme Lefèvre", "Les commandes arrivent plus vite, même le dimanche, de partout."),
            ("Mme Lefèvre", "Sur les réseaux sociaux on partage nos vendanges avec la communauté."),
        ],
        attributes={"role": "dirigeant", "sector": "viticulture", "department": "49"},
    ),
    Doc(
        "entretien-10",
        [
            ("Q", "Et les outils de gestion\u00a0?"),
            ("R", "L’ERP leur a appris des choses, ils découvrent leurs coûts & marges à 100 %."),
            (
                "R",
                "Les réseaux sociaux, c’est l’échange entre pairs & la reconnaissance du métier (100 % sûr).",
            ),
        ],
        attributes={"role": "expert", "sector": "conseil & formation_#1", "department": "44"},
    ),
]


def small_corpus(path: Path) -> Path:
    """Three interviews and seven codes (one orphaned); the tests count them by hand.

    row  document      values                       tool             lever
    2    entretien-01  fonctionnelle localisation   site-web         offer
    3    entretien-01  fonctionnelle securite       erp              value-chain
    4    entretien-01  sociale                      site-web         offer
    5    entretien-02  fonctionnelle localisation   site-web         offer
    6    entretien-02  socialisation                reseaux-sociaux  cluster
    7    entretien-10  epistemique fonctionnelle    erp (orphaned)   value-chain
    8    entretien-10  socialisation sociale        reseaux-sociaux  cluster
    """
    with Corpus(path, create=True) as corpus, corpus.transaction():
        for doc in DOCS:
            add_document(corpus, doc)
        codes = [
            code(
                corpus,
                "entretien-01",
                "On gagne du temps, les clients commandent à distance.",
                ["fonctionnelle", "localisation"],
                row=2,
                tool="site-web",
                lever="offer",
                initiator="entreprise",
                beneficiary="clients",
                nature="communication",
            ),
            code(
                corpus,
                "entretien-01",
                "= Moins d’erreurs et des sauvegardes chaque nuit",
                ["fonctionnelle", "securite"],
                row=3,
                tool="ERP",
                lever="value-chain",
                initiator="prestataire",
                beneficiary="salariés",
                nature="transactionnel",
            ),
            code(
                corpus,
                "entretien-01",
                "- Le site donne une image sérieuse de l’entreprise.",
                ["sociale"],
                row=4,
                tool="Site internet",
                lever="offer",
                initiator="entreprise",
            ),
            code(
                corpus,
                "entretien-02",
                "Les commandes arrivent plus vite, même le dimanche, de partout.",
                ["fonctionnelle", "localisation"],
                row=5,
                tool="site-web",
                lever="offer",
                beneficiary="clients",
            ),
            code(
                corpus,
                "entretien-02",
                "Sur les réseaux sociaux on partage nos vendanges avec la communauté.",
                ["socialisation"],
                row=6,
                tool="reseaux-sociaux",
                lever="cluster",
            ),
            code(
                corpus,
                "entretien-10",
                "L’ERP leur a appris des choses",
                ["epistemique", "fonctionnelle"],
                row=7,
                tool="erp",
                lever="value-chain",
                orphaned=True,
            ),
            code(
                corpus,
                "entretien-10",
                "c’est l’échange entre pairs & la reconnaissance du métier (100 % sûr).",
                ["socialisation", "sociale"],
                row=8,
                tool="reseaux-sociaux",
                lever="cluster",
                initiator="réseau",
            ),
        ]
        store_codes(corpus, codes)
        corpus.replace_suggestions(
            ["entretien-01", "entretien-02"],
            ["fonctionnelle", "localisation", "securite"],
            [
                suggestion(corpus, "entretien-01", 1, "fonctionnelle", ["gagne du temps"]),
                suggestion(corpus, "entretien-01", 1, "localisation", ["à distance"]),
                suggestion(corpus, "entretien-01", 3, "securite", ["sauvegardes", "sécurisé"]),
                suggestion(corpus, "entretien-02", 1, "localisation", ["de partout"]),
            ],
        )
    return path
