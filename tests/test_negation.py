"""The negation rule on spoken French, through the real parser.

Each case is a sentence, the words a lexicon would match in it, and whether those
words sit in the scope of a negation (what a careful reader would say). The rule
has no syntax tree, so some cases are known to fail: they are marked xfail with
the reason, and the suite fails if one starts passing (strict).
"""

from __future__ import annotations

import pytest

from vmatrix.coding import negation
from vmatrix.textnorm import fold
from vmatrix.transcripts import parse

DISLOCATION = "a comma cuts the clause from a dislocated topic"
LITOTES = "litotes: a negated verb that praises"
PLUS_ALONE = '"plus" without "ne" is not read as a negator (it is usually a comparative)'
SUBJECT = "the match is the subject of the negated verb: the rule looks for negators after it only without ne"

CASES: list[tuple[str, str, bool] | tuple[str, str, bool, str]] = [
    ("On n'a pas de site internet.", "site", True),
    ("On a pas de site, on a juste une page Facebook.", "site", True),
    ("On a pas de site, on a juste une page Facebook.", "Facebook", False),
    ("Ce n’est pas sécurisé.", "sécurisé", True),
    ("C'est pas sécurisé aux yeux des clients.", "sécurisé", True),
    ("Il n'y a que le site qui nous ramène des clients.", "site", False),
    ("Il n'y a pas que le site, il y a aussi le bouche-à-oreille.", "site", False),
    ("On gagne du temps, ça c'est sûr.", "gagne du temps", False),
    ("On gagne pas de temps avec ça, au contraire.", "temps", True),
    ("Ça nous fait gagner pas mal de temps.", "temps", False),
    ("Personne ne partage ses fichiers chez nous.", "partage", True),
    ("On ne partage jamais nos données.", "partage", True),
    ("On partage pas trop nos idées entre collègues.", "partage", True),
    ("Je ne pense pas que le télétravail soit adapté.", "télétravail", True),
    ("On travaille à distance mais on ne se voit plus.", "à distance", False),
    ("Sans la sauvegarde, on aurait tout perdu.", "sauvegarde", False),
    ("On travaillait sans sauvegarde à l'époque.", "sauvegarde", True),
    ("Si jamais il y a un problème, on a la sauvegarde.", "sauvegarde", False),
    ("Aucun client ne paie en ligne.", "en ligne", True),
    ("Rien ne remplace le contact humain.", "contact humain", False),
    ("Rien ne marche avec ce logiciel.", "logiciel", True),
    ("On n'utilise plus le fax.", "fax", True),
    ("C'est plus rapide qu'avant.", "rapide", False),
    ("Il ne reste plus que le papier pour les factures.", "papier", False),
    ("Ce n'est pas seulement pour gagner du temps, c'est aussi pour l'image.", "gagner du temps", False),
    ("Ce n'est pas seulement pour gagner du temps, c'est aussi pour l'image.", "image", False),
    ("Non seulement on gagne du temps, mais en plus on fait moins d'erreurs.", "gagne du temps", False),
    ("C'est pas, euh, vraiment sécurisé.", "sécurisé", True),
    ("J'ai jamais eu de problème de sécurité.", "sécurité", True),
    ("Les clients commandent en ligne et on n'a plus besoin de les appeler.", "en ligne", False),
    ("Les clients commandent en ligne et on n'a plus besoin de les appeler.", "appeler", True),
    ("On n'a ni site ni page Facebook.", "Facebook", True),
    ("On a rien de sécurisé pour l'instant.", "sécurisé", True),
    ("C'est rien de plus simple, on clique et c'est commandé.", "simple", False),
    ("Je sais pas si c'est sécurisé.", "sécurisé", False),
    ("C'est pas si simple que ça.", "simple", True),
    ("Vous n’avez pas de site ?", "site", True),
    ("Avant on avait pas de CRM, maintenant tout est centralisé.", "CRM", True),
    ("Avant on avait pas de CRM, maintenant tout est centralisé.", "centralisé", False),
    ("Les commandes arrivent 24h/24, ça s'arrête jamais.", "24h/24", False),
    ("On l'utilise jamais, le logiciel de paie.", "utilise", True),
    ("Sans se déplacer, on voit l'avancement du chantier.", "chantier", False),
    ("Franchement, le télétravail, ça marche pas chez nous.", "télétravail", True, DISLOCATION),
    ("Le logiciel de paie, on l'utilise pas.", "logiciel", True, DISLOCATION),
    ("On n'hésite pas à partager nos fichiers.", "partager", False, LITOTES),
    ("Il faut pas oublier la sauvegarde.", "sauvegarde", False, LITOTES),
]

# Written after the rule was finished and left as they came out (18 of 23 right): the
# honest measure. The cases above were written with the rule (42 of 46 right).
UNSEEN: list[tuple[str, str, bool] | tuple[str, str, bool, str]] = [
    ("Bon, nous, la visio, on l'a jamais vraiment adoptée.", "visio", True, DISLOCATION),
    ("On n'a toujours pas de logiciel de gestion.", "logiciel de gestion", True),
    ("Les clients, ils paient en ligne sans problème.", "paient en ligne", False),
    ("Y a plus personne qui envoie des fax.", "fax", True, PLUS_ALONE),
    ("Franchement j'ai pas le temps de me former.", "former", True),
    ("Le site marche bien, on a pas à se plaindre.", "site", False),
    ("On ne se sert du CRM que pour les relances.", "CRM", False),
    ("C'est pas le site qui nous amène des clients, c'est le bouche-à-oreille.", "site", True),
    ("C'est pas le site qui nous amène des clients, c'est le bouche-à-oreille.", "bouche-à-oreille", False),
    ("Je vois pas trop l'intérêt des réseaux sociaux pour nous.", "réseaux sociaux", True),
    ("Rien de tel que le contact humain.", "contact humain", False),
    ("On travaille plus du tout sur papier.", "papier", True, PLUS_ALONE),
    ("Sans internet aujourd'hui, une entreprise est morte.", "internet", False),
    ("On a installé le logiciel sans consulter les salariés.", "consulter", True),
    ("Non, la sauvegarde, on la fait tous les soirs.", "sauvegarde", False),
    ("Ils se sont jamais plaints de la plateforme.", "plateforme", True),
    ("On n'avait pas forcément les compétences en interne.", "compétences", True),
    ("Aucune idée de combien ça coûte.", "coûte", False, '"aucune idée" (I do not know) is an idiom'),
    ("Avant on se parlait jamais entre services, maintenant si.", "parlait", True),
    ("Le télétravail n'est pas possible pour les ouvriers.", "télétravail", True, SUBJECT),
    ("C'est vrai qu'on partage beaucoup plus qu'avant.", "partage", False),
    ("Je dirais pas que c'est plus sécurisé.", "sécurisé", True),
    ("On ne peut pas s'en passer, de la messagerie.", "messagerie", False),
]


def _param(case: tuple) -> object:  # type: ignore[type-arg]
    sentence, target, expected, *reason = case
    marks = [pytest.mark.xfail(reason=reason[0], strict=True)] if reason else []
    return pytest.param(sentence, target, expected, marks=marks, id=f"{target}:{sentence[:40]}")


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    nlp = parse.load_model()
    sentences = sorted({case[0] for case in CASES + UNSEEN})
    return {key: doc for doc, key in parse.parse(nlp, ((s, s) for s in sentences))}


@pytest.mark.slow
@pytest.mark.parametrize(("sentence", "target", "expected"), [_param(c) for c in CASES + UNSEEN])
def test_negation(parsed: dict, sentence: str, target: str, expected: bool) -> None:  # type: ignore[type-arg]
    doc = parsed[sentence]
    at = sentence.index(target)
    tokens = [t.i for t in doc if t.idx < at + len(target) and t.idx + len(t) > at]
    words = [fold(t.text) for t in doc]
    norms = [t.norm_ for t in doc]
    assert negation.is_negated(words, norms, tokens[0], tokens[-1] + 1) is expected


def test_blanking_other_words_changes_nothing() -> None:
    """Callers may blank every word that is not a cue: the rule must not notice."""
    words = "franchement on a vraiment pas de site internet pour le moment".split()
    blanked = [w if w in negation.CUES else "" for w in words]
    norms = words
    for i in range(len(words)):
        assert negation.is_negated(words, norms, i, i + 1) == negation.is_negated(blanked, norms, i, i + 1)


@pytest.mark.slow
def test_no_negation_without_a_trigger_word(parsed: dict) -> None:  # type: ignore[type-arg]
    """Callers skip the rule in segments without a trigger word: it must never fire there."""
    for doc in parsed.values():
        words = [fold(t.text) for t in doc]
        if negation.TRIGGERS.isdisjoint(words):
            norms = [t.norm_ for t in doc]
            assert not any(negation.is_negated(words, norms, i, i + 1) for i in range(len(doc)))
