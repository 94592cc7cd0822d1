"""Text folded for comparison and for names of files: lower case, no accents, no ligatures."""

import re
import unicodedata

# Letters NFKD does not decompose into ASCII.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})


def fold(text: str) -> str:
    """« Éloïse », « ÉLOÏSE » and « eloise » fold alike; « Œuvre » becomes « oeuvre »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(title: str, limit: int = 60) -> str:
    """``title`` for a file, folder or anchor name: ASCII, dashes, cut at a word."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")
    if len(words) > limit:
        cut = words[: limit + 1]
        words = cut.rsplit("-", 1)[0] if "-" in cut else words[:limit]
    return words.strip("-") or "seance"
