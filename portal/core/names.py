"""Names as on the KTP: comparing what a resident typed, and showing the least of a name."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import OSA

# Honorifics and academic titles people may or may not type (compared after normalising).
TITLES = frozenset(
    {
        "h",
        "hj",
        "haji",
        "hajah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "st",
        "sh",
        "se",
        "mm",
        "mh",
        "spd",
        "spdi",
        "mpd",
        "msi",
        "ssi",
        "skm",
        "sked",
        "mkes",
        "sst",
        "sag",
        "skom",
        "sos",
        "ssos",
        "amd",
        "ama",
        "amk",
        "bsc",
        "ba",
        "kh",
        "ust",
        "ustadz",
        "ustazah",
        "raden",
        "rd",
        "r",
        "tb",
        "ny",
        "nn",
        "tn",
        "sdr",
        "sdri",
        "bpk",
        "ibu",
    }
)

_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD_BREAKS = re.compile(r"[\s,]+")


def _fold(text: str) -> str:
    if text.isascii():  # most names: nothing to decompose (and this runs on every status check)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(name: str) -> list[str]:
    """Lower-case words without punctuation or titles: "Hj. Siti Ma'rifah, S.Pd." → [siti, marifah]."""
    folded = _APOSTROPHES.sub("", _fold(name))
    words = [w for w in _WORD_BREAKS.split(folded) if w]
    tokens = _joined_titles([_NON_WORD.sub("", w) for w in words], words)
    return [t for t in tokens if t and t not in TITLES]


def _joined_titles(tokens: list[str], words: list[str]) -> list[str]:
    """ "S. Pd" and "S. Pd. I" are one title written with spaces: a short word ending in a dot
    joins the next ones while together they make a title ("s" + "pd" is "spd")."""
    joined: list[str] = []
    i = 0
    while i < len(tokens):
        token, j = tokens[i], i
        while words[j].endswith(".") and len(token) <= 3 and j + 1 < len(tokens) and token + tokens[j + 1] in TITLES:
            token, j = token + tokens[j + 1], j + 1
        joined.append(token)
        i = j + 1
    return joined


def normalize_name(name: str) -> str:
    return " ".join(name_tokens(name))


def _within_one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours at most. At distance 1 optimal
    string alignment and Damerau-Levenshtein agree; the cutoff stops counting past 1."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


def names_match(typed: str, registered: str) -> bool:
    """Same name ignoring case, punctuation, extra spaces and titles; one typo tolerated."""
    a, b = normalize_name(typed), normalize_name(registered)
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    return len(b) >= 4 and _within_one_edit(a, b)


def mask_name(name: str) -> str:
    """Show only each word's first letter: "Siti Aminah" → "S*** A*****"."""
    masked = []
    for word in name_tokens(name) or [normalize_name(name)]:
        if word:
            masked.append(word[0].upper() + "*" * (len(word) - 1))
    return " ".join(masked)
