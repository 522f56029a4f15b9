"""From transcript files to parsed segments in the corpus (``vmatrix ingest``).

In: txt, md, docx, odt, srt and vtt files, and a metadata sheet. Out: each document's
text, its speaker turns cut into segments, its attributes, and its spaCy parse, stored
in the corpus. Knows nothing of codes, lexicons or coding sheets.
"""
