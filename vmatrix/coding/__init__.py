"""The coding grid and what proposes codes from it (``vmatrix suggest``, ``evaluate``).

In: the codebook, the French lexicons and the stored parses. Out: value forms proposed
for each segment with the words that justify them, and how they compare with the
researcher's codes.
"""
