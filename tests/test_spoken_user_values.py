"""Four user value forms on spoken answers: tradition, bénévolence, sociale, épistémique.

Each answer of tests/data/spoken/user_values.txt is written as SME managers and advisers
speak (none is taken from the benchmark sets). Every one states its value form without the
definition's words, or uses a word of the theme without stating it (a false friend); the
test checks what the bundled lexicons must and must not suggest for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vmatrix.coding.codebook import load_codebook
from vmatrix.coding.lexicon import load_lexicon, read_phrases
from vmatrix.coding.suggest import suggest
from vmatrix.corpus.store import Corpus
from vmatrix.transcripts.ingest import ingest

ANSWERS = Path(__file__).parent / "data" / "spoken" / "user_values.txt"

# Start of the answer -> (value forms that must be suggested, value forms that must not).
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    # Tradition as continuity, inheritance and the trade's customs.
    "Ça a toujours été comme ça chez nous": ({"traditionnelle"}, set()),
    "Ça fait trente ans que je note": ({"traditionnelle"}, set()),
    "Le savoir-faire de la maison": ({"traditionnelle"}, set()),
    "Notre père faisait ses devis": ({"traditionnelle"}, set()),
    "Ici on respecte les usages": ({"traditionnelle"}, set()),
    "Les éleveurs du plateau, ils sont attachés au papier": ({"traditionnelle"}, set()),
    "J'ai repris la quincaillerie de mes parents": ({"traditionnelle"}, set()),
    "Pour eux, le rendez-vous du jeudi au marché": ({"traditionnelle"}, set()),
    "Il y a des choses qui se font pas": ({"traditionnelle"}, set()),
    # Tradition as the old way kept beside the tool, and the reluctance to change.
    "Le carnet de rendez-vous, on le garde": ({"traditionnelle"}, set()),
    "Le fax, certains clients": ({"traditionnelle"}, set()),
    "On a des fournisseurs historiques": ({"traditionnelle"}, set()),
    "Mon associé, il a freiné des quatre fers": ({"traditionnelle"}, set()),
    "Franchement, les gars de l'équipe": ({"traditionnelle"}, set()),
    "Les clientes veulent entendre une voix": ({"traditionnelle"}, set()),
    "Mon voisin dit toujours, pourquoi changer": ({"traditionnelle"}, set()),
    "Mon comptable refuse les factures par mail": ({"traditionnelle"}, set()),
    # Always on the phone is being busy; « un sacré » an intensifier; no network, a recent
    # tool, good practice, a ledger of before, a preference and a thank-you are no custom.
    "Je suis toujours au téléphone": (set(), {"traditionnelle"}),
    "C'est un sacré chantier": (set(), {"traditionnelle"}),
    "Là-haut il y a pas internet": (set(), {"traditionnelle"}),
    "Ça fait deux ans qu'on a la caisse": (set(), {"traditionnelle"}),
    "Ils ont mis en place les bonnes pratiques": (set(), {"traditionnelle"}),
    "Avant on notait tout dans le grand cahier": (set(), {"traditionnelle"}),
    "Je préfère qu'on m'envoie un mail": (set(), {"traditionnelle"}),
    "On tient à remercier la région": (set(), {"traditionnelle"}),
    # Épistémique as finding out, watching the others, understanding one's own figures.
    "Je suis allé voir ce que proposaient les concurrents": ({"epistemique"}, set()),
    "On a fouillé un peu partout": ({"epistemique"}, set()),
    "On a épluché les stats du site": ({"epistemique"}, set()),
    "Maintenant je comprends mon plan de trésorerie": ({"epistemique"}, set()),
    "Moi je veux toujours savoir ce qu'il y a derrière": ({"epistemique"}, set()),
    "Avec le tableau, j'arrive enfin à lire mes chiffres": ({"epistemique"}, set()),
    "Le soir je potasse les fiches": ({"epistemique"}, set()),
    "Je me suis penché sur la facture électronique": ({"epistemique"}, set()),
    "J'ai pris des cours de photo": ({"epistemique"}, set()),
    "Monter la boutique en ligne, c'était stimulant": ({"epistemique"}, set()),
    "Depuis l'outil, je maîtrise mieux mes stocks": ({"epistemique"}, set()),
    # « pour comprendre, » opens an explanation; an accountant's analysis is a service;
    # doing as the others do is no watching them; knowing where the vans are is tracking.
    "Pour comprendre, il faut savoir": (set(), {"epistemique"}),
    "Le comptable analyse nos comptes": (set(), {"epistemique"}),
    "Les clients font comme les autres": (set(), {"epistemique"}),
    "Maintenant je sais où sont les camions": (set(), {"epistemique"}),
    # Sociale as keeping up with the others, being recognised, not looking amateur.
    "Les concurrents l'avaient tous": ({"sociale"}, set()),
    "L'an dernier on a été élus meilleure boulangerie": ({"sociale"}, set()),
    "Nos clients sont contents de dire": ({"sociale"}, set()),
    "On voulait pas avoir l'air de bricoleurs": ({"sociale"}, set()),
    "Une adresse en orange point fr, ça fait pas pro": ({"sociale"}, set()),
    "Depuis le nouveau logo, les banques nous regardent autrement": ({"sociale"}, set()),
    "Avec l'outil de devis, on a des documents du niveau": ({"sociale"}, set()),
    # Other people's hours, the weather and a missing feature say nothing of image.
    "Les autres ont des horaires différents": (set(), {"sociale"}),
    "Il fait pas très beau aujourd'hui": (set(), {"sociale"}),
    "La fonction d'export, elle existe pas": (set(), {"sociale"}),
    # Bénévolence as being straight with people, keeping one's word, helping, not charging.
    "Nous avec les clients on est cash": ({"benevolence"}, set()),
    "Le fournisseur, on lui dit les choses en face": ({"benevolence"}, set()),
    "Ici on n'a qu'une parole": ({"benevolence"}, set()),
    "Un jeune qui s'installait": ({"benevolence"}, set()),
    "La vieille dame, je lui ai pas facturé": ({"benevolence"}, set()),
    "On paie nos producteurs rubis sur l'ongle": ({"benevolence"}, set()),
    "Avec les élus du coin, on se doit d'être exemplaires": ({"benevolence"}, set()),
    # Paying cash, figures that « ne mentent pas », a long-planned project, a straight wall.
    "On a payé la facture cash": (set(), {"benevolence"}),
    "Les chiffres ne mentent pas": (set(), {"benevolence"}),
    "C'est un projet de longue date": (set(), {"benevolence"}),
    "Le mur est droit": (set(), {"benevolence"}),
}


@pytest.fixture(scope="module")
def suggested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    folder = tmp_path_factory.mktemp("user_values")
    (folder / "answers.txt").write_text(ANSWERS.read_text(encoding="utf-8"), encoding="utf-8")
    lexicon = load_lexicon(None, load_codebook(None))
    with Corpus(folder / "corpus.db", create=True) as corpus:
        ingest(corpus, [folder / "answers.txt"])
        read_phrases(lexicon, corpus)
        report = suggest(corpus, lexicon, store=False)
    return {s.text: {v.value for v in s.suggestions} for s in report.segments}


@pytest.mark.slow
@pytest.mark.parametrize("start", list(EXPECTED))
def test_user_value_answer(suggested: dict[str, set[str]], start: str) -> None:
    found = next((values for text, values in suggested.items() if text.startswith(start)), set())
    wanted, unwanted = EXPECTED[start]
    assert wanted <= found, f"{start!r}: {sorted(found)}"
    assert not unwanted & found, f"{start!r}: {sorted(found)}"


def test_every_expected_answer_is_in_the_file() -> None:
    text = ANSWERS.read_text(encoding="utf-8")
    assert all(start in text for start in EXPECTED)
    assert text.count("\nR : ") == len(EXPECTED), "every answer in the file is checked"
