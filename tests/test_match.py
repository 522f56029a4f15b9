"""Matching on stored parses, without the model: hand-made parses and readings."""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc
from spacy.vocab import Vocab

from vmatrix.coding.lexicon import Lexicon, Pattern, Reading, ValueLexicon
from vmatrix.coding.match import LexiconMatcher
from vmatrix.transcripts.parse import to_bytes


def _segment(vocab: Vocab, tokens: list[tuple[str, str]]) -> Doc:
    """A parsed segment: (word, folded lemma) pairs, separated by spaces."""
    words = [w for w, _ in tokens]
    doc = Doc(vocab, words=words, pos=["NOUN"] * len(words), lemmas=[n for _, n in tokens])
    for token, (_, norm) in zip(doc, tokens, strict=True):
        token.norm_ = norm
    return doc


def _docbin(*segments: list[tuple[str, str]]) -> bytes:
    vocab = Vocab()
    return to_bytes(_segment(vocab, s) for s in segments)


def _lexicon(values: dict[str, ValueLexicon], readings: dict[str, tuple[str, str]]) -> Lexicon:
    """``readings``: phrase -> (words as written, what the model reads), space separated."""
    lexicon = Lexicon(Path("test"), values, "0" * 64)
    lexicon.readings = {
        phrase: Reading(tuple(w.split()), tuple(n.split()), tuple("NOUN" for _ in w.split()))
        for phrase, (w, n) in readings.items()
    }
    return lexicon


def _value(value: str, terms: dict[str, float], **kwargs: object) -> ValueLexicon:
    return ValueLexicon(value, Path(f"{value}.toml"), terms=terms, **kwargs)  # type: ignore[arg-type]


def _found(matcher: LexiconMatcher, docbin: bytes) -> list[list[tuple[str, str, str, bool]]]:
    restored = matcher.restore(docbin)
    return [
        [(m.entry.value, m.entry.term, restored.text(m.start, m.end), m.negated) for m in segment]
        for segment in matcher(restored)
    ]


def test_surface_form_survives_a_lemmatiser_error() -> None:
    lexicon = _lexicon(
        {"socialisation": _value("socialisation", {"communauté": 1.5})},
        {"communauté": ("communaute", "communaute")},
    )
    docbin = _docbin([("les", "le"), ("communautés", "communauter")], [("Communauté", "communaute")])
    assert _found(LexiconMatcher(lexicon), docbin) == [
        [("socialisation", "communauté", "communautés", False)],
        [("socialisation", "communauté", "Communauté", False)],
    ]


def test_term_matches_as_written_and_as_the_model_reads_it() -> None:
    lexicon = _lexicon(
        {"socialisation": _value("socialisation", {"entraide": 2.0})},
        {"entraide": ("entraide", "entraider")},
    )
    docbin = _docbin(
        [("on", "on"), ("s'", "se"), ("entraidait", "entraider")], [("l'", "le"), ("entraide", "entraide")]
    )
    found = _found(LexiconMatcher(lexicon), docbin)
    assert [[text for *_, text, _ in segment] for segment in found] == [["entraidait"], ["entraide"]]


def test_matches_do_not_straddle_segments() -> None:
    lexicon = _lexicon(
        {"localisation": _value("localisation", {"à distance": 2.0})},
        {"à distance": ("a distance", "a distance")},
    )
    docbin = _docbin([("on", "on"), ("travaille", "travailler"), ("à", "a")], [("distance", "distance")])
    assert _found(LexiconMatcher(lexicon), docbin) == [[], []]


def test_longest_match_wins_and_exclusions_apply() -> None:
    lexicon = _lexicon(
        {
            "socialisation": _value("socialisation", {"réseau social": 1.5}),
            "sociale": _value("sociale", {"social": 1.0}),
            "securite": _value("securite", {"sécurité": 1.5}, excludes=["sécurité sociale"]),
        },
        {
            "réseau social": ("reseau social", "reseau social"),
            "social": ("social", "social"),
            "sécurité": ("securite", "securite"),
            "sécurité sociale": ("securite sociale", "securite social"),
        },
    )
    docbin = _docbin(
        [("les", "le"), ("réseaux", "reseau"), ("sociaux", "social")],
        [("la", "le"), ("sécurité", "securite"), ("sociale", "social")],
        [("la", "le"), ("sécurité", "securite"), ("des", "de"), ("paiements", "paiement")],
    )
    assert _found(LexiconMatcher(lexicon), docbin) == [
        [("socialisation", "réseau social", "réseaux sociaux", False)],
        [("sociale", "social", "sociale", False)],
        [("securite", "sécurité", "sécurité", False)],
    ]


def test_same_words_may_count_for_two_value_forms_once_each() -> None:
    lexicon = _lexicon(
        {
            "sociale": _value("sociale", {"image": 1.0}),
            "personnalisation": _value(
                "personnalisation",
                {},
                patterns=[
                    Pattern("image", 1.0, [{"NORM": "image"}]),
                    Pattern("image bis", 0.5, [{"NORM": "image"}]),
                ],
            ),
        },
        {"image": ("image", "image")},
    )
    found = _found(LexiconMatcher(lexicon), _docbin([("notre", "notre"), ("image", "image")]))
    assert sorted(found[0]) == [
        ("personnalisation", "image", "image", False),
        ("sociale", "image", "image", False),
    ]


def test_token_patterns_with_gaps_run_on_the_matcher() -> None:
    pattern = [{"NORM": "gagner"}, {"NORM": {"IN": ["beaucoup", "un", "de"]}, "OP": "*"}, {"NORM": "temps"}]
    lexicon = _lexicon(
        {"fonctionnelle": _value("fonctionnelle", {}, patterns=[Pattern("gagner ... temps", 2.0, pattern)])},
        {},
    )
    matcher = LexiconMatcher(lexicon)
    assert matcher.token_patterns  # not expanded into phrases
    docbin = _docbin(
        [("bonjour", "bonjour")],
        [("on", "on"), ("gagne", "gagner"), ("beaucoup", "beaucoup"), ("de", "de"), ("temps", "temps")],
        [("on", "on"), ("gagne", "gagner"), ("vite", "vite"), ("du", "de"), ("temps", "temps")],
    )
    assert _found(matcher, docbin) == [
        [],
        [("fonctionnelle", "gagner ... temps", "gagne beaucoup de temps", False)],
        [],
    ]


def test_optional_tokens_expand_into_phrases() -> None:
    pattern = [
        {"NORM": "ne"},
        {"NORM": "importer"},
        {"NORM": {"IN": ["ou", "quand"]}},
        {"NORM": "ca", "OP": "?"},
    ]
    lexicon = _lexicon(
        {"localisation": _value("localisation", {}, patterns=[Pattern("n'importe où", 2.0, pattern)])}, {}
    )
    matcher = LexiconMatcher(lexicon)
    assert not matcher.token_patterns
    docbin = _docbin([("de", "de"), ("n'", "ne"), ("importe", "importer"), ("où", "ou")])
    assert _found(matcher, docbin) == [[("localisation", "n'importe où", "n' importe où", False)]]


def test_negated_matches_are_flagged() -> None:
    lexicon = _lexicon({"localisation": _value("localisation", {"site": 1.0})}, {"site": ("site", "site")})
    docbin = _docbin(
        [("on", "on"), ("a", "avoir"), ("pas", "pas"), ("de", "de"), ("site", "site")],
        [("on", "on"), ("a", "avoir"), ("un", "un"), ("site", "site")],
    )
    assert [[m[-1] for m in s] for s in _found(LexiconMatcher(lexicon), docbin)] == [[True], [False]]


def test_terms_naming_a_problem_are_never_negated() -> None:
    lexicon = _lexicon(
        {"securite": _value("securite", {"litige": 2.5, "site": 1.0})},
        {"litige": ("litige", "litige"), "site": ("site", "site")},
    )
    docbin = _docbin([("on", "on"), ("a", "avoir"), ("pas", "pas"), ("de", "de"), ("litige", "litige")])
    docbin_site = _docbin([("on", "on"), ("a", "avoir"), ("pas", "pas"), ("de", "de"), ("site", "site")])
    matcher = LexiconMatcher(lexicon)
    assert _found(matcher, docbin) == [[("securite", "litige", "litige", False)]]
    assert _found(matcher, docbin_site) == [[("securite", "site", "site", True)]]


def test_sequence_matcher_finds_what_spacy_finds() -> None:
    """Token patterns of NORM, LOWER and POS values run outside spaCy's Matcher: same
    matches, on random text (here a token's LOWER is its word, its NORM the word's
    successor, its POS drawn at random)."""
    import random

    from spacy.matcher import Matcher

    from vmatrix.coding.match import _hashed_steps, _sequence_matches, _steps

    patterns = [
        [{"NORM": "a"}, {"NORM": {"IN": ["b", "c"]}, "OP": "*"}, {"NORM": "d"}],
        [{"NORM": {"IN": ["a", "b"]}}, {"NORM": "c", "OP": "+"}, {"NORM": "d", "OP": "?"}, {"NORM": "a"}],
        [{"NORM": "a", "OP": "?"}, {"NORM": "b"}, {"NORM": {"IN": ["c", "d"]}, "OP": "*"}],
        [{"NORM": "b", "OP": "+"}],
        [{"NORM": "c", "OP": "*"}, {"NORM": "a"}, {"NORM": "b", "OP": "?"}, {"NORM": "c", "OP": "+"}],
        [{"LOWER": "a"}, {"NORM": {"IN": ["c", "d"]}, "OP": "*"}, {"LOWER": {"IN": ["d", "e"]}}],
        [{"LOWER": {"IN": ["b", "c"]}, "OP": "+"}, {"NORM": "b", "OP": "?"}, {"LOWER": "a"}],
        [{"NORM": "b"}, {"POS": {"IN": ["VERB", "NOUN"]}}, {"NORM": {"IN": ["c", "d"]}}],
        [{"LOWER": {"IN": ["a", "b"]}}, {"POS": {"NOT_IN": ["NOUN", "ADJ"]}}],
        [{"POS": "ADJ", "NORM": {"NOT_IN": ["a"]}}, {"NORM": "c", "OP": "*"}, {"POS": "NOUN"}],
        [{"NORM": {"NOT_IN": ["b", "c"]}, "OP": "+"}, {"LOWER": "e"}],
    ]
    vocab = Vocab()
    rng = random.Random(3)
    for tokens in patterns:
        matcher = Matcher(vocab)
        matcher.add("p", [tokens])
        steps = _steps(tokens)
        assert steps is not None
        hashed = _hashed_steps(steps, vocab.strings.add)
        for _ in range(300):
            words = [rng.choice("abcde") for _ in range(rng.randint(1, 9))]
            doc = _segment(vocab, [(w, "abcdea"["abcde".index(w) + 1]) for w in words])
            for token in doc:
                token.pos_ = rng.choice(["NOUN", "VERB", "ADJ"])
            expected = sorted((start, end) for _, start, end in matcher(doc))
            columns = ([t.norm for t in doc], [t.lower for t in doc], [t.pos for t in doc])
            assert sorted(_sequence_matches(columns, hashed)) == expected, (tokens, words)


def test_phrase_table_finds_what_spacys_phrase_matcher_finds() -> None:
    """The phrase lookup that replaced spaCy's PhraseMatcher: the same matches on random
    text, ordered by start and end."""
    import random

    import numpy
    from spacy.matcher import PhraseMatcher

    from vmatrix.coding.match import PhraseTable

    rng = random.Random(7)
    for _ in range(40):
        vocab = Vocab()
        spacy_matcher = PhraseMatcher(vocab, attr="NORM")
        table = PhraseTable()
        letters = "abcdefg"[: rng.randint(2, 7)]
        for k in range(rng.randint(1, 30)):
            key = vocab.strings.add(f"key{k}")
            phrases = [
                [vocab.strings.add(rng.choice(letters)) for _ in range(rng.randint(1, 4))]
                for _ in range(rng.randint(1, 4))
            ]
            spacy_matcher.add(f"key{k}", phrases)
            table.add(key, phrases)
        table.compile()
        for _ in range(20):
            words = [rng.choice(letters) for _ in range(rng.randint(0, 40))]
            doc = _segment(vocab, [(w, w) for w in words])
            norms = numpy.array([t.norm for t in doc], dtype="uint64")
            found = table(norms)
            assert sorted(found) == sorted(spacy_matcher(doc)), words
            assert [(s, e) for _, s, e in found] == sorted((s, e) for _, s, e in found)


def test_phrase_table_reports_the_keys_of_one_phrase_in_lexicon_order() -> None:
    """Two terms that read the same: the one listed first wins a tie downstream."""
    import numpy

    from vmatrix.coding.match import PhraseTable

    vocab = Vocab()
    table = PhraseTable()
    phrase = [vocab.strings.add("partager")]
    keys = [vocab.strings.add(f"term{k}") for k in range(40)]
    for key in keys:
        table.add(key, [phrase])
    table.compile()
    doc = _segment(vocab, [("partage", "partager"), ("x", "x"), ("partagé", "partager")])
    found = table(numpy.array([t.norm for t in doc], dtype="uint64"))
    assert found == [(k, 0, 1) for k in keys] + [(k, 2, 3) for k in keys]


def test_patterns_on_the_word_as_written() -> None:
    """LOWER is the folded word as written: "Gagné" is "gagne"; such patterns run on the
    sequence matcher like NORM ones."""
    pattern = [{"LOWER": "gagne"}, {"NORM": {"IN": ["beaucoup", "de"]}, "OP": "*"}, {"NORM": "temps"}]
    lexicon = _lexicon(
        {"fonctionnelle": _value("fonctionnelle", {}, patterns=[Pattern("gagné ... temps", 2.0, pattern)])},
        {},
    )
    matcher = LexiconMatcher(lexicon)
    assert isinstance(matcher.token_patterns[0].matcher, list)
    docbin = _docbin(
        [("Gagné", "gagner"), ("beaucoup", "beaucoup"), ("de", "de"), ("temps", "temps")],
        [("gagner", "gagner"), ("du", "de"), ("temps", "temps")],
    )
    assert _found(matcher, docbin) == [
        [("fonctionnelle", "gagné ... temps", "Gagné beaucoup de temps", False)],
        [],
    ]


def test_patterns_on_parts_of_speech_run_on_the_sequence_matcher() -> None:
    pattern = [{"POS": "NOUN"}, {"NORM": "temps"}]
    lexicon = _lexicon(
        {"fonctionnelle": _value("fonctionnelle", {}, patterns=[Pattern("nom + temps", 1.0, pattern)])}, {}
    )
    matcher = LexiconMatcher(lexicon)
    assert isinstance(matcher.token_patterns[0].matcher, list)
    docbin = _docbin([("gain", "gain"), ("temps", "temps")], [("temps", "temps")])
    assert _found(matcher, docbin) == [[("fonctionnelle", "nom + temps", "gain temps", False)], []]


def test_patterns_on_other_attributes_run_on_spacys_matcher() -> None:
    pattern = [{"LEMMA": "gain"}, {"TEXT": "temps"}]
    lexicon = _lexicon(
        {"fonctionnelle": _value("fonctionnelle", {}, patterns=[Pattern("nom + temps", 1.0, pattern)])}, {}
    )
    matcher = LexiconMatcher(lexicon)
    assert not isinstance(matcher.token_patterns[0].matcher, list)
    docbin = _docbin([("gain", "gain"), ("temps", "temps")], [("temps", "temps")])
    assert _found(matcher, docbin) == [[("fonctionnelle", "nom + temps", "gain temps", False)], []]


def test_one_word_patterns_on_the_word_as_written_are_phrases() -> None:
    pattern = [{"LOWER": {"IN": ["emu", "emue"]}}]
    lexicon = _lexicon({"hedonique": _value("hedonique", {}, patterns=[Pattern("ému", 1.0, pattern)])}, {})
    matcher = LexiconMatcher(lexicon)
    assert matcher.token_patterns == []
    docbin = _docbin([("Émue", "émouvoir"), ("oui", "oui")])
    assert _found(matcher, docbin) == [[("hedonique", "ému", "Émue", False)]]


def test_patterns_of_common_words_run_once_over_the_segments_and_never_straddle_two() -> None:
    pattern = [{"NORM": "on"}, {"NORM": {"IN": ["le", "de"]}, "OP": "*"}, {"NORM": "faire"}]
    lexicon = _lexicon(
        {"actualisation": _value("actualisation", {}, patterns=[Pattern("on ... faire", 1.0, pattern)])}, {}
    )
    matcher = LexiconMatcher(lexicon)
    assert matcher._unanchored  # no rare word to look for first
    docbin = _docbin(
        [("on", "on"), ("le", "le")],  # would run on into the next segment
        [("fait", "faire"), ("on", "on"), ("fait", "faire")],
        [("on", "on"), ("de", "de"), ("le", "le"), ("fait", "faire")],
    )
    assert _found(matcher, docbin) == [
        [],
        [("actualisation", "on ... faire", "on fait", False)],
        [("actualisation", "on ... faire", "on de le fait", False)],
    ]


def test_token_patterns_are_tried_only_where_they_can_match_yet_find_every_match() -> None:
    """Token patterns run from a few tokens near their rarest word, forward or backward,
    with the words beside it checked first: on random segments, the same matches, in the
    same order, as the sequence matcher run from every token of every segment."""
    import itertools
    import random

    from vmatrix.coding.match import _sequence_matches

    rng = random.Random(11)
    rare = ["client", "site", "gagner", "temps", "bureau"]
    common = ["de", "le", "on", "faire", "avoir"]
    words = rare + common
    ops = [None, None, None, "?", "*", "+"]

    def token() -> dict[str, object]:
        found: dict[str, object] = {}
        kind = rng.random()
        if kind < 0.15:
            found["POS"] = rng.choice(["NOUN", "VERB"])
        elif kind < 0.25:
            found["NORM"] = {"NOT_IN": rng.sample(words, 2)}
        else:
            attr = rng.choice(["NORM", "NORM", "LOWER"])
            chosen = rng.sample(words, rng.randint(1, 3))
            found[attr] = chosen[0] if len(chosen) == 1 else {"IN": chosen}
            if rng.random() < 0.2:
                found["POS"] = {"IN": ["NOUN", "VERB"]}
        op = rng.choice(ops)
        if op is not None:
            found["OP"] = op
        return found

    for _ in range(60):
        patterns = []
        while len(patterns) < 6:
            tokens = [token() for _ in range(rng.randint(2, 5))]
            if any(t.get("OP") in ("*", "+") or "POS" in t or "NOT_IN" in str(t) for t in tokens):
                patterns.append(Pattern(f"p{len(patterns)}", 1.0, tokens))
        lexicon = _lexicon({"sociale": _value("sociale", {}, patterns=patterns)}, {})
        matcher = LexiconMatcher(lexicon)
        assert len(matcher.token_patterns) == len(patterns)
        vocab = Vocab()
        docs = []
        for _ in range(rng.randint(1, 6)):
            chosen = [rng.choice(words) for _ in range(rng.randint(1, 30))]
            # the word as written is the lemma, capitalised now and then (LOWER folds it back)
            doc = _segment(vocab, [(w.capitalize() if rng.random() < 0.2 else w, w) for w in chosen])
            for t in doc:
                t.pos_ = rng.choice(["NOUN", "VERB", "ADJ"])
            docs.append(doc)
        restored = matcher.restore(to_bytes(docs))
        bounds = restored.bounds
        columns = (restored.norms, restored.lowers, restored.pos, restored.orths)
        lists = tuple(c.tolist() for c in columns)
        expected = [
            (p.key, start, end)
            for p in matcher.token_patterns
            for a, b in itertools.pairwise(bounds)
            for start, end in sorted(_sequence_matches(lists, p.matcher, a, b))
        ]
        found = [
            (key, start, end)
            for key, start, end in matcher._token_pattern_matches(restored)
            if any(bounds[k] <= start and end <= bounds[k + 1] for k in range(restored.segments))
        ]
        assert found == expected, [p.tokens for p in patterns]
