"""A small corpus for coding-sheet tests, built without the model (validation needs only texts)."""

from __future__ import annotations

import csv
from pathlib import Path

from vmatrix.corpus.store import Corpus, Document
from vmatrix.textnorm import count_words

DATA = Path(__file__).parent / "data"
CODEBOOK = DATA / "codebook.toml"

INTERVIEW_1 = (
    "Q\u00a0: Et le site\u00a0?\n\n"
    "R\u00a0: Alors [Nom société], on l’a refait en 2022. Les clients commandent quand ils "
    "veulent, de chez eux, et on expédie. Le cœur du métier reste le même\u00a0: on répond au "
    "téléphone, on conseille, on rend service. Et le paiement est sécurisé, ça rassure les "
    "gens de soixante-dix ans, ils ont peur de mettre leur carte sur internet.\n\n"
    "Q\u00a0: Et les réseaux sociaux\u00a0?\n\n"
    "R\u00a0: Ma fille s’en occupe, et j’y prends du plaisir aussi. On montre les vieux outils "
    "de mon grand-père. Les gens adorent voir le geste.\n"
)
INTERVIEW_2 = (
    "Intervieweur : Et le réseau ?\n"
    "M. Garnier : On se réunit tous les mois. J’ai découvert la supervision des machines chez "
    "un collègue plasturgiste. Quand un atelier a trop de travail, il en redonne une partie aux "
    "autres, c’est de l’entraide.\n"
    "Intervieweur : Et la sécurité ?\n"
    "M. Garnier : Tout est sauvegardé tous les soirs, sur un serveur à l’extérieur.\n"
)
TEXTS = {"entretien-01": INTERVIEW_1, "entretien-02": INTERVIEW_2}
HEADER = ["document", "quote", "values", "tool", "nature", "lever", "initiator", "beneficiary", "coder"]


def put_texts(corpus: Corpus, texts: dict[str, str]) -> None:
    for number, (doc_id, text) in enumerate(sorted(texts.items()), start=1):
        corpus.put_document(
            Document(
                id=doc_id,
                label=f"Entretien {number}",
                number=str(number),
                source=f"/interviews/{doc_id}.txt",
                format="txt",
                encoding="utf-8",
                sha256=str(hash(text)),
                words=count_words(text),
            ),
            text,
        )


def make_corpus(path: Path, texts: dict[str, str] | None = None) -> Path:
    with Corpus(path, create=True) as corpus, corpus.transaction():
        put_texts(corpus, texts or TEXTS)
    return path


def write_sheet(path: Path, rows: list[list[str]], header: list[str] | None = None, **kwargs: str) -> Path:
    with path.open("w", encoding=kwargs.get("encoding", "utf-8"), newline="") as handle:
        writer = csv.writer(handle, delimiter=kwargs.get("delimiter", ","), lineterminator="\n")
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path
