"""Is a lexicon match said in a negated clause? A token rule for spoken French.

The corpus keeps no dependency parse (it would double the cost of ingest), so the rule
works on the tokens of the clause around the match:

* **The clause** runs from the previous boundary to the next one: sentence and
  clause punctuation (a comma too, except around fillers: "c'est pas, euh, sécurisé"),
  and conjunctions that open a new clause (mais, car, donc, puis, sinon, parce que,
  puisque, pourtant, cependant, par contre, en revanche, alors que, tandis que, and
  "et" before a subject: "et on ...").
* **With "ne"/"n'"** before the match in the clause, the clause is negated when a
  negator follows the "ne" (pas, jamais, plus, rien, aucun(e), personne, guère, ni,
  nullement, point), before or after the match: "on n'a pas de site", "on ne partage
  jamais". A negator before the "ne" works too: "personne ne partage", "rien ne
  marche".
* **Without "ne"** (dropped in speech): pas, jamais, rien, aucun(e) or ni before the
  match ("on a pas de site", "c'est pas sécurisé"), or pas/jamais/rien right after a
  matched verb, past a clitic or two ("on partage pas", "on l'utilise jamais").
  "plus" and "personne" count only with "ne": alone they are usually a comparative
  and a noun.
* **"sans"** directly before the match (or before its article): "sans déplacement",
  "sans le site" — except a clause that opens with it, a counterfactual that praises
  the thing: "sans la sauvegarde, on perdait tout".
* **Restriction is not negation**: "ne ... que", "pas que" (but "je ne pense pas que"
  negates), "plus que", "pas
  seulement/uniquement/juste", "non seulement", "rien que"; nor are the idioms
  "pas mal", "si jamais", "plus que jamais", "rien de plus", "rien ne vaut/remplace/bat".

A match whose term names a problem ("erreur", "litige", "déplacement", "dépendre":
:data:`PROBLEMS`) is never flagged: "il n'y a plus d'erreurs" is evidence of the value
form, not its negation. Callers check :func:`names_problem` first.

Everything works on folded words (:func:`vmatrix.textnorm.fold`): the caller passes
the folded surface form of each token and its folded lemma (the corpus's NORM).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NE = frozenset({"ne", "n'"})
# Negators that need "ne" (alone they are usually something else) and those that do not.
NEGATORS_WITH_NE = frozenset(
    {"pas", "jamais", "plus", "rien", "aucun", "aucune", "personne", "guere", "ni", "nullement", "point"}
)
NEGATORS_ALONE = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "ni", "nullement"})
# After a matched verb without "ne": "on partage pas".
NEGATORS_AFTER = frozenset({"pas", "jamais", "rien"})
CLITICS = frozenset({"en", "y", "le", "la", "les", "l'", "lui", "leur", "me", "m'", "te", "t'", "se", "s'"})
SANS = "sans"
ARTICLES = frozenset(
    "le la les l' un une des de d' du son sa ses leur leurs mon ma mes "
    "notre nos votre vos ce cet cette ces".split()
)
# Words after a negator that turn it into a restriction or an idiom.
RESTRICTIONS = frozenset({"que", "qu'", "seulement", "uniquement", "juste"})
PAS_IDIOMS = frozenset({"mal"})  # "pas mal de temps" = a good deal of time
RIEN_IDIOMS = frozenset({"que", "qu'"})  # "rien que le fait de ..." = just
RIEN_DE_IDIOMS = frozenset({"plus", "mieux", "tel"})  # "rien de plus simple": praise
# "je ne pense pas que ...": "pas que" opens a complement clause, it is no restriction.
OPINION_VERBS = frozenset(
    {"penser", "croire", "dire", "trouver", "vouloir", "sembler", "imaginer", "estimer"}
)
RIEN_NE_PRAISE = frozenset({"valoir", "remplacer", "battre", "egaler"})  # by lemma

PUNCT_BOUNDARIES = frozenset({".", "!", "?", ";", ":", "…", "(", ")", "[", "]", '"', "«", "»", "—", "–"})
COMMA = ","
FILLERS = frozenset({"euh", "heu", "hum", "bah", "ben", "hein", "...", "…"})
CONJ_BOUNDARIES = frozenset(
    {"mais", "car", "donc", "puis", "sinon", "puisque", "pourtant", "cependant", "parce", "tandis"}
)
# Two-word boundaries: the first word opens a new clause when the second follows.
PAIR_BOUNDARIES = {("par", "contre"), ("en", "revanche"), ("alors", "que"), ("alors", "qu'")}
SUBJECTS = frozenset(
    {"on", "je", "j'", "il", "elle", "ils", "elles", "nous", "vous", "tu", "c'", "ce", "ca", "cela", "y"}
)

# Every surface word the rule looks at: a caller may blank every other word...
CUES = (
    NE
    | NEGATORS_WITH_NE
    | CLITICS
    | ARTICLES
    | RESTRICTIONS
    | PAS_IDIOMS
    | RIEN_IDIOMS
    | RIEN_DE_IDIOMS
    | PUNCT_BOUNDARIES
    | FILLERS
    | CONJ_BOUNDARIES
    | SUBJECTS
    | {SANS, COMMA, "et", "si", "non", "par", "contre", "en", "revanche", "alors"}
    | {w for pair in PAIR_BOUNDARIES for w in pair}
)

# Lemmas naming a problem a tool removes. A lexicon term holding one is evidence even
# negated — "il n'y a plus d'erreurs", "pas de litige", "sans déplacement", "on ne
# dépend plus du prestataire", "c'est plus une corvée" — so the rule is not applied to it.
PROBLEMS = frozenset(
    """
    erreur bug ressaisie ressaisir saisie doublon oubli oublier paperasse retard delai attente
    perte perdre cout couter plantage planter panne pann litige contestation contentieux
    piratage pirater pirate hacker virus fraude arnaque faille attaque cyberattaque
    rancongiciel ransomware phishing hameconnage impaye stress stresser inquietude inquiet
    peur crainte craindre risque souci probleme dependance dependre dependant deplacement
    deplacer trajet isolement isoler solitude frustration frustrant corvee penible galere
    galerer ennuyeux ennuyer enerver agacant fastidieux rebarbatif ringard
    """.split()
)
# No clause is negated without one of these words: a caller may skip the rule without them.
TRIGGERS = NE | NEGATORS_WITH_NE | {SANS}
# Every lemma it looks at.
NORM_CUES = OPINION_VERBS | RIEN_NE_PRAISE


def names_problem(words: Iterable[str]) -> bool:
    """Whether a term (its folded words or lemmas) names a problem: see :data:`PROBLEMS`."""
    return not PROBLEMS.isdisjoint(words)


def is_negated(words: Sequence[str], norms: Sequence[str], start: int, end: int) -> bool:
    """Whether the match ``words[start:end]`` sits in a negated clause.

    ``words`` are the folded surface forms of the tokens around the match (a segment
    or a window of it), ``norms`` their folded lemmas.
    """
    first, last = clause(words, start, end)
    ne = [i for i in range(first, start) if words[i] in NE]
    if ne:
        return _negated_with_ne(words, norms, first, last, ne[-1], start, end)
    if _negated_subject(words, first, last, start, end):
        return True
    return _negated_without_ne(words, norms, first, last, start, end)


def clause(words: Sequence[str], start: int, end: int) -> tuple[int, int]:
    """The clause around ``words[start:end]`` as a range ``[first, last)``."""
    first = start
    # (a blank word, one the caller left out as no cue, is never a boundary)
    while first > 0 and not (words[first - 1] and _boundary(words, first - 1, forward=False)):
        first -= 1
    last = end
    while last < len(words) and not (words[last] and _boundary(words, last, forward=True)):
        last += 1
    return first, last


def _boundary(words: Sequence[str], i: int, *, forward: bool) -> bool:
    word = words[i]
    if not word:
        return False
    if word in PUNCT_BOUNDARIES:
        return True
    if word == COMMA:
        # A comma next to a filler is hesitation, not a clause break: "pas, euh, sécurisé".
        before = words[i - 1] if i > 0 else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        return before not in FILLERS and after not in FILLERS
    if word in CONJ_BOUNDARIES:
        return True
    after = words[i + 1] if i + 1 < len(words) else ""
    if (word, after) in PAIR_BOUNDARIES:
        return True
    # "et on", "et puis", "si on" open a new clause; "et" between two nouns and
    # "pas si simple" do not.
    return (word == "et" and (after in SUBJECTS or after == "puis")) or (word == "si" and after in SUBJECTS)


def _negated_with_ne(
    words: Sequence[str], norms: Sequence[str], first: int, last: int, ne: int, start: int, end: int
) -> bool:
    # A negator before the "ne": "personne ne partage", "rien ne marche".
    for i in range(first, ne):
        if words[i] in ("personne", "rien", "aucun", "aucune", "jamais"):
            return not (words[i] == "rien" and _rien_praise(norms, ne, last))
    for i in range(ne + 1, last):
        if start <= i < end:
            continue
        word = words[i]
        if word in ("que", "qu'"):
            return False  # "ne ... que": restriction
        if word in NEGATORS_WITH_NE:
            after = words[i + 1] if i + 1 < last else ""
            if word in ("pas", "plus") and after in RESTRICTIONS and norms[i - 1] not in OPINION_VERBS:
                return False  # "n'y a pas que", "ce n'est pas seulement"; not "ne pense pas que"
            return not (word == "pas" and after in PAS_IDIOMS)
    return False  # "ne" explétif, or a clause cut short


def _rien_praise(norms: Sequence[str], ne: int, last: int) -> bool:
    """ "rien ne vaut / remplace / bat ...": praise, not negation."""
    return any(norms[i] in RIEN_NE_PRAISE for i in range(ne + 1, min(ne + 3, last)))


def _negated_subject(words: Sequence[str], first: int, last: int, start: int, end: int) -> bool:
    """The match is the subject of "aucun(e) ... ne": "aucun client ne paie en ligne"."""
    for i in range(first, start):
        if words[i] in ("aucun", "aucune"):
            for j in range(end, last):
                if words[j] in NE:
                    return True
    return False


def _negated_without_ne(
    words: Sequence[str], norms: Sequence[str], first: int, last: int, start: int, end: int
) -> bool:
    # "sans" directly before the match, or before its article.
    for offset in (1, 2):
        i = start - offset
        if i < first:
            break
        if words[i] == SANS:
            if offset == 2 and words[start - 1] not in ARTICLES:
                break
            return not _opens_clause(words, first, i)
    for i in range(first, start):
        word = words[i]
        if word not in NEGATORS_ALONE:
            continue
        before = words[i - 1] if i > first else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word == "pas" and (
            after in PAS_IDIOMS or (after in RESTRICTIONS and norms[i - 1] not in OPINION_VERBS)
        ):
            continue
        if word == "jamais" and before in ("si", "que", "qu'"):
            continue  # "si jamais" (if ever), "plus que jamais"
        if word == "rien" and _rien_idiom(words, i):
            continue
        if before == "non" and after == "seulement":
            continue
        return True
    # A negator right after a matched verb, past clitics: "on partage pas", "on l'utilise jamais".
    i = end
    while i < last and i < end + 3 and words[i] in CLITICS:
        i += 1
    if i < last and words[i] in NEGATORS_AFTER:
        after = words[i + 1] if i + 1 < len(words) else ""
        return not (
            after in RESTRICTIONS or after in PAS_IDIOMS or (words[i] == "rien" and _rien_idiom(words, i))
        )
    return False


def _rien_idiom(words: Sequence[str], i: int) -> bool:
    after = words[i + 1] if i + 1 < len(words) else ""
    then = words[i + 2] if i + 2 < len(words) else ""
    return after in RIEN_IDIOMS or (after in ("de", "d'") and then in RIEN_DE_IDIOMS)


def _opens_clause(words: Sequence[str], first: int, i: int) -> bool:
    """Nothing but a conjunction or filler between the clause start and ``words[i]``."""
    return all(words[j] in FILLERS or words[j] in ("et", "mais", "ou", "alors") for j in range(first, i))
