"""The codebook kept in the corpus's cache: same answers, refreshed when the file changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus


def test_cached_codebook_resolves_like_the_file(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "codebook.toml"
    shutil.copy(data / "outputs-codebook.toml", path)
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        fresh = load_codebook(path, cache=corpus)
        assert corpus.db.execute("SELECT count(*) FROM cache WHERE key LIKE 'codebook:%'").fetchone()[0] == 1
        cached = load_codebook(path, cache=corpus)
        assert cached.value_ids == fresh.value_ids
        assert cached.resolve_value("ÉPISTÉMIQUE").code.id == "epistemique"  # type: ignore[union-attr]
        assert cached.facets["tool"].resolve("site internet").id == "site-web"  # type: ignore[union-attr]
        assert cached.facets["tool"].resolve("site internet").nature == "communication"  # type: ignore[union-attr]
        assert cached.facets["lever"].closed and [c.id for c in cached.facets["lever"].codes] == [
            "cluster",
            "offer",
            "value-chain",
        ]
        # an edited file is read again, not taken from the cache
        path.write_text(path.read_text(encoding="utf-8").replace('label = "ERP"', 'label = "Progiciel"'))
        edited = load_codebook(path, cache=corpus)
        assert edited.facets["tool"].resolve("progiciel").id == "erp"  # type: ignore[union-attr]
