"""What a study publishes, counted from stored codes (``matrix``, ``table``, ``quote``).

In: the corpus' codes (manual or suggested) and the codebook. Out: units of analysis,
the interaction matrix of value forms, the tool table and citable quotes, as tables.
Never imports spaCy.
"""
