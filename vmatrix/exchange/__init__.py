"""Exchange with other qualitative-analysis programs through REFI-QDA (QDA-XML 1.0).

In: a ``.qdpx`` project archive or a ``.qdc`` codebook written by NVivo, ATLAS.ti,
MAXQDA, QualCoder, Taguette and the like. Its text sources become corpus documents
(ingested like any transcript), its codings become stored codes (validated like a coding
sheet), its codebook becomes a vmatrix codebook file.
Out: the corpus as a ``.qdpx`` archive (documents, codebook, coders, coded verbatims,
suggestions, document attributes) or the codebook alone as a ``.qdc``.

It sits above ``sheets``, ``transcripts`` and ``coding`` (whose machinery it reuses) and
below the command line. Positions are code points, end exclusive (see
:mod:`vmatrix.exchange.positions`); archives and XML are read defensively
(:mod:`vmatrix.exchange.archive`).
"""
