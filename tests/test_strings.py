"""spaCy's string hashes computed without spaCy, as the stored parses hold them."""

from __future__ import annotations

import pytest

from vmatrix.coding import strings
from vmatrix.coding.strings import SYMBOLS, Strings, hash_string, murmurhash64a

WORDS = ["partager", "réseaux sociaux", "", "é", "abcdefgh", "abcdefghi", "x" * 17, "l'", "日本語", "Ça"]


def test_hashes_are_spacys() -> None:
    from spacy.strings import StringStore

    store = StringStore()
    for word in WORDS:
        assert hash_string(word) == store.add(word), word
        if word:
            assert murmurhash64a(word.encode()) == store.add(word), word  # the fallback too


def test_symbols_and_attribute_ids_are_spacys() -> None:
    import spacy.attrs
    from spacy.strings import StringStore
    from spacy.symbols import NAMES

    assert list(SYMBOLS) == [NAMES[i] for i in range(len(NAMES))]
    store = StringStore()
    for name in ("agent", "case", "NOUN", "ORTH"):  # words a French corpus holds, tags
        assert hash_string(name) == store.add(name)
    assert (strings.ORTH, strings.NORM, strings.LEMMA, strings.POS) == (
        spacy.attrs.ORTH,
        spacy.attrs.NORM,
        spacy.attrs.LEMMA,
        spacy.attrs.POS,
    )


def test_without_the_c_function_the_python_hash_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [hash_string(w) for w in WORDS]
    monkeypatch.setattr(strings, "_native", lambda: None)
    assert [hash_string(w) for w in WORDS] == expected


def test_strings_resolve_hashes_and_symbols() -> None:
    table = Strings(["partager"])
    assert table[table.add("partager")] == "partager"
    assert table[hash_string("NOUN")] == "NOUN"
    assert "partager" in table and "autre" not in table
    with pytest.raises(KeyError):
        table[hash_string("autre")]
