"""Finding quotes in transcripts: exact, folded, fragments, fuzzy — with exact offsets."""

from __future__ import annotations

from vmatrix.corpus.anchor import FUZZY_THRESHOLD, Finder, fold_for_matching, fragments_of

# French typography as transcripts have it: typographic apostrophes, no-break spaces
# before colons and inside « », a ligature, an editorial mark of the transcript itself.
TEXT = (
    "Q\u00a0: Et le site\u00a0?\n\n"
    "R\u00a0: Alors [Nom société], on l’a refait en 2022. Les clients commandent quand ils "
    "veulent, de chez eux, et on expédie. Le cœur du métier reste le même\u00a0: "
    "on répond au téléphone, on conseille, on rend service. Et le paiement est "
    "sécurisé, ça rassure les gens de soixante-dix ans, ils ont peur de mettre leur "
    "carte sur internet.\n\n"
    "Q\u00a0: Et les réseaux sociaux\u00a0?\n\n"
    "R\u00a0: Ma fille s’en occupe. Elle dit «\u00a0c’est notre vitrine\u00a0». "
    "Les clients commandent aussi par téléphone, bien sûr.\n"
)


def span(anchor) -> str:  # type: ignore[no-untyped-def]
    return TEXT[anchor.start : anchor.end]


def test_exact_quote_keeps_its_offsets() -> None:
    quote = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
    anchor = Finder(TEXT).anchor(quote)
    assert anchor is not None
    assert (anchor.kind, anchor.score) == ("exact", 1.0)
    assert anchor.start == TEXT.index(quote)
    assert span(anchor) == quote


def test_pasted_quotation_marks_are_not_part_of_the_quote() -> None:
    anchor = Finder(TEXT).anchor("« Ma fille s’en occupe. »")
    assert anchor is not None and anchor.kind == "exact"
    assert span(anchor) == "Ma fille s’en occupe."


def test_folded_ignores_case_accents_apostrophes_spaces_and_punctuation() -> None:
    # Retyped: straight apostrophe, no accents, no comma, ordinary spaces, capitals.
    quote = "le COEUR du metier reste le meme : on repond au telephone on conseille"
    anchor = Finder(TEXT).anchor(quote)
    assert anchor is not None
    assert anchor.kind == "folded"
    assert span(anchor) == "Le cœur du métier reste le même\u00a0: on répond au téléphone, on conseille"


def test_folded_quote_with_guillemets_typed_plainly() -> None:
    anchor = Finder(TEXT).anchor('Elle dit "c\'est notre vitrine"')
    assert anchor is not None and anchor.kind == "folded"
    assert span(anchor) == "Elle dit «\u00a0c’est notre vitrine"


def test_folded_match_stops_at_word_boundaries() -> None:
    # "clients command" is a prefix of the text's words, not a quote of them.
    assert Finder(TEXT).anchor("clients command") is None


def test_fragments_around_cuts_and_insertions() -> None:
    quote = "Les clients commandent (...) de chez eux [...] Le cœur du métier reste le même"
    anchor = Finder(TEXT).anchor(quote)
    assert anchor is not None
    assert anchor.kind == "fragments"
    assert span(anchor).startswith("Les clients commandent quand")
    assert span(anchor).endswith("reste le même")
    assert [TEXT[a:b] for a, b in anchor.fragments] == [
        "Les clients commandent",
        "de chez eux",
        "Le cœur du métier reste le même",
    ]


def test_fragments_skip_bracketed_insertions_and_ellipses() -> None:
    quote = "[Le paiement] est sécurisé, ça rassure les gens… ils ont peur de mettre leur carte"
    anchor = Finder(TEXT).anchor(quote)
    assert anchor is not None and anchor.kind == "fragments"
    assert (
        span(anchor)
        == "est sécurisé, ça rassure les gens de soixante-dix ans, ils ont peur de mettre leur carte"
    )


def test_fragments_must_come_in_order() -> None:
    quote = "on expédie (...) Les clients commandent quand ils veulent"
    anchor = Finder(TEXT).anchor(quote)
    # Out of order the fragments are not a trimmed quote; only a fuzzy match may remain.
    assert anchor is None or anchor.kind == "fuzzy"


def test_fragments_must_fall_within_a_window() -> None:
    far = "Alors [Nom société], on l’a refait en 2022. " + "Bla bla. " * 200 + "Fin de l’entretien."
    finder = Finder(far)
    assert finder.anchor("Alors (...) on l’a refait en 2022") is not None
    assert finder.anchor("on l’a refait en 2022 (...) Fin de l’entretien") is None


def test_fuzzy_finds_a_retyped_quote_and_scores_it() -> None:
    quote = (
        "Et le paiement est securisé, ça rassure les gens de 70 ans, "
        "ils ont peur de mettre leurs cartes sur internet"
    )
    anchor = Finder(TEXT).anchor(quote)
    assert anchor is not None
    assert anchor.kind == "fuzzy"
    assert FUZZY_THRESHOLD / 100 <= anchor.score < 1.0
    assert span(anchor).startswith("Et le paiement est")
    assert span(anchor).endswith("carte sur internet")


def test_nothing_below_the_threshold_but_a_closest_candidate() -> None:
    finder = Finder(TEXT)
    quote = "nous avons installé un progiciel de gestion intégré dans les ateliers"
    assert finder.anchor(quote) is None
    closest = finder.closest(quote)
    assert closest is not None and closest.score < FUZZY_THRESHOLD / 100


def test_a_hint_picks_the_nearest_occurrence() -> None:
    finder = Finder(TEXT)
    first = TEXT.index("Les clients commandent")
    second = TEXT.index("Les clients commandent", first + 1)
    assert finder.anchor("Les clients commandent").start == first  # type: ignore[union-attr]
    assert finder.anchor("Les clients commandent", near=second - 5).start == second  # type: ignore[union-attr]
    folded = finder.anchor("les clients COMMANDENT", near=second)
    assert folded is not None and folded.start == second


def test_anchor_within_a_span() -> None:
    finder = Finder(TEXT)
    start = TEXT.index("R\u00a0: Ma fille")
    end = len(TEXT)
    inside = finder.anchor_within("les clients commandent", start, end)
    assert inside is not None and inside.start == TEXT.index("Les clients commandent aussi")
    assert finder.anchor_within("on expédie", start, end) is None


def test_folding_maps_back_to_the_original_characters() -> None:
    text = "L’œuvre\u00a0: «\u00a0Déjà\u00a0» !"
    folded = fold_for_matching(text)
    assert folded.text == "l oeuvre deja"
    at = folded.text.index("oeuvre")
    assert folded.span(at, at + len("oeuvre")) == (2, 7)
    assert text[2:7] == "œuvre"


def test_fragments_of_a_quote() -> None:
    assert fragments_of("Alors (...) on a [des peintures] mis… en ligne [...] voilà...") == [
        "alors",
        "on a",
        "mis",
        "en ligne",
        "voila",
    ]


def test_cited_form_keeps_the_cuts_in_the_transcripts_words() -> None:
    from vmatrix.corpus.anchor import cited_form

    def cite(quote: str) -> str | None:
        anchor = Finder(TEXT).anchor(quote)
        assert anchor is not None
        found = cited_form(TEXT, quote, anchor.start, anchor.end)
        return found.text if found else None

    # The sheet's words are retyped (straight apostrophe, no accents); the citation has the
    # transcript's, the cut where the researcher made it, and the full stop before it.
    assert cite("On l'a refait en 2022. (...) Le coeur du metier reste le meme") == (
        "on l’a refait en 2022. (...) Le cœur du métier reste le même"
    )
    # An insertion stays in its brackets; the closing quotation mark is kept.
    assert (
        cite("[Sa fille] dit « c’est notre vitrine ».") == "[Sa fille] dit «\u00a0c’est notre vitrine\u00a0»."
    )
    assert (
        cite("Les clients commandent quand ils veulent...") == "Les clients commandent quand ils veulent..."
    )
    assert cite("Les clients commandent quand ils veulent, de chez eux") is None  # not cut: the passage


def test_a_quote_of_an_exchange_without_its_speaker_labels() -> None:
    # What lies between the two turns: "\n\nR\u00a0: " (known from the stored segments).
    question_end = TEXT.index("\n\nR\u00a0: Ma fille")
    answer_start = TEXT.index("Ma fille")
    quote = "Et les réseaux sociaux ? Ma fille s’en occupe."
    anchor = Finder(TEXT, between_turns=((question_end, answer_start),)).anchor(quote)
    assert anchor is not None and anchor.kind == "folded"
    assert span(anchor) == "Et les réseaux sociaux\u00a0?\n\nR\u00a0: Ma fille s’en occupe"
    # Without the turns, the same quote is only approximate, and the score shown is the
    # one compared: what `closest` reports above the threshold is also an anchor.
    fuzzy = Finder(TEXT).anchor(quote)
    closest = Finder(TEXT).closest(quote)
    assert fuzzy is not None and fuzzy.kind == "fuzzy" and closest is not None
    assert (fuzzy.start, fuzzy.end, fuzzy.score) == (closest.start, closest.end, closest.score)


def test_the_fuzzy_score_compared_is_the_one_shown() -> None:
    # The raw alignment scores 84 here, the passage cut at word edges 92: found, at 92.
    text = "Q : Vous avez un site internet ?\n\nM. Robin : Oui, fait par mon neveu. Les avis comptent.\n"
    anchor = Finder(text).anchor("Vous avez un site internet ? Oui, fait par mon neveu.")
    assert anchor is not None and anchor.kind == "fuzzy" and anchor.score >= FUZZY_THRESHOLD / 100
    assert text[anchor.start : anchor.end].endswith("?\n\nM. Robin : Oui, fait par mon neveu")


def test_words_folded_together_fold_as_each_alone() -> None:
    """Restoring a parse folds its ten thousand words in one call: the same as one by
    one, with accents, ligatures, invisible characters, Greek final sigmas, combining marks
    at a word's edge, and a word holding the NUL that joins them."""
    import random

    from vmatrix.textnorm import fold, fold_each

    pieces = [
        "É",
        "é",
        "œ",
        "Œ",
        "ß",
        "Σ",
        "ΑΣ",
        "\u0301",
        "e\u0301",
        "\u200b",
        "\u00ad",
        "’",
        "a",
        "Z",
        " ",
        "\n",
    ]
    rng = random.Random(5)
    for _ in range(200):
        words = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(0, 12))
        ]
        assert fold_each(words) == [fold(w) for w in words], words
    assert fold_each(["É\0a", "Σ"]) == [fold("É\0a"), fold("Σ")]
