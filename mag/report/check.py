"""What the replacement list may have missed, in what the exports would contain.

The replacement list changes the names it lists, written as listed (any case,
whole words). People write names in other ways: without their accent, in the
plural (« les Dupont·s »), a first name alone, with a typo (« Dupond »). This
check reads the same texts the exports read (the :class:`Material`'s events,
already rewritten, every saved version of the synthesis included) and reports
each word that still looks like a listed name, with where it is and an excerpt,
so the researchers can add a line to the list or correct the text.

It is a help, not a guarantee: it can miss a name written in a way it does not
expect, and it flags ordinary words that happen to look like a name.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _

from mag.domain import events as ev
from mag.domain.events import Event
from mag.report.folding import fold
from mag.report.material import TEXT_KEYS, Material

# Words of a multi-word name that say nothing alone (« Jean de la Fontaine »).
PARTICLES = frozenset(
    {
        "de", "du", "des", "la", "le", "les", "van", "von", "der", "den", "dem", "di", "da",
        "del", "della", "dos", "das", "el", "al", "ben", "bin", "ter", "ten", "het", "et", "and",
        "mme", "mlle", "mr", "mrs", "dr",
    }
)  # fmt: skip
# Words of a service's or a place's name that are everywhere (« CPAS de Saint-Gilles »).
GENERIC = frozenset(
    {
        "cpas", "ocmw", "asbl", "vzw", "saint", "sainte", "sint", "service", "services", "centre",
        "center", "maison", "hopital", "clinique", "ecole", "college", "institut", "commune",
        "ville", "mairie", "rue", "avenue", "place", "quartier", "monsieur", "madame",
    }
)  # fmt: skip
PART_MIN = 3  # shorter parts of a name (initials, particles) are not looked for alone
FUZZY_MIN = 4  # words this long or longer may match with a typo
RATIO_MIN = 0.85
EDIT_MIN = 5  # words this long or longer may differ from the name by one letter
EXCERPT_CONTEXT = 40

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Hit:
    """A word that still looks like a listed name."""

    name: str  # the name on the list it resembles
    found: str  # the word as it is written
    place: str  # a step, « Synthèse, version 2 », « Liste des participants »…
    speaker: str  # who said or wrote it, « synthèse », or ""
    excerpt: str
    seq: int  # the event it is in

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def name_parts(name: str) -> list[str]:
    """The words of a listed name worth looking for alone, normalised."""
    words = [fold(w) for w in _WORD.findall(name)]
    parts = [w for w in words if len(w) >= PART_MIN and w not in PARTICLES | GENERIC]
    return list(dict.fromkeys(parts or words))


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter added, removed, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def resembles(word: str, part: str, *, capitalised: bool = True) -> bool:
    """Whether ``word`` (normalised) may be the name part ``part`` (normalised).

    The same word, its plural, or (for a capitalised word, as names are written)
    a small typo: difflib ratio of at least 0.85, or one letter apart for words of
    five letters or more.
    """
    if word == part or word in (part + "s", part + "x", part + "es"):
        return True
    if not capitalised or len(word) < FUZZY_MIN or len(part) < FUZZY_MIN:
        return False
    if SequenceMatcher(None, word, part).ratio() >= RATIO_MIN:
        return True
    return min(len(word), len(part)) >= EDIT_MIN and _one_edit_apart(word, part)


def excerpt(text: str, start: int, end: int) -> str:
    """The words around ``text[start:end]``, cut at word boundaries."""
    before = text[max(0, start - EXCERPT_CONTEXT) : start]
    after = text[end : end + EXCERPT_CONTEXT]
    if start > EXCERPT_CONTEXT:
        before = before.split(" ", 1)[-1] if " " in before else before
    if end + EXCERPT_CONTEXT < len(text):
        after = after.rsplit(" ", 1)[0] if " " in after else after
    flat = " ".join(f"{before}{text[start:end]}{after}".split())
    prefix = "…" if start > EXCERPT_CONTEXT else ""
    suffix = "…" if end + EXCERPT_CONTEXT < len(text) else ""
    return f"{prefix}{flat}{suffix}"


def _blank(text: str, phrases: Sequence[str]) -> str:
    """``text`` with each replacement blanked out (same length): they are not leftovers."""
    for phrase in sorted(phrases, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def texts(data: object, key: str = "") -> Iterator[str]:
    """The strings of ``data`` that are people's words (as :func:`material.rewrite` finds them)."""
    if isinstance(data, str):
        if key in TEXT_KEYS and data:
            yield data
    elif isinstance(data, Mapping):
        for k, v in data.items():
            yield from texts(v, str(k))
    elif isinstance(data, list | tuple):
        for v in data:
            yield from texts(v, key)


class _Places:
    """Where an event's texts are, said the way the researchers know the session."""

    def __init__(self, material: Material) -> None:
        self.material = material

    def _step(self, index: object) -> str:
        if isinstance(index, int) and 0 <= index < len(self.material.protocol.steps):
            return self.material.step_label(index)
        return ""

    def _contribution(self, data: Mapping[str, object]) -> tuple[str, str]:
        return (
            self._step(data.get("step_index")),
            self.material.speaker(_text(data, "author_id"), _text(data, "entered_by")),
        )

    def of(self, event: Event) -> Iterator[tuple[str, str, object]]:
        """(place, speaker, data holding the texts) for each part of ``event``."""
        data, state, m = event.data, self.material.state, self.material
        kind = event.type
        if kind == ev.CONTRIBUTION_ADDED:
            yield (*self._contribution(data), data)
        elif kind == ev.CONTRIBUTION_EDITED:
            c = state.contributions.get(str(data.get("contribution_id")))
            place = (
                (self._step(c.step_index), m.speaker(c.author_id, c.entered_by)) if c else ("", "")
            )
            yield (*place, data)
        elif kind == ev.CONTRIBUTIONS_REVEALED:
            for item in data.get("contributions") or []:  # type: ignore[union-attr]
                yield (*self._contribution(item), item)
        elif kind in (ev.PROPOSAL_SUBMITTED, ev.PROPOSAL_EDITED):
            p = state.proposals.get(str(data.get("proposal_id")))
            if p is None:
                yield ("", "", data)
            else:
                yield (self._step(p.step_index), m.speaker(p.author_id, p.entered_by), data)
        elif kind == ev.SYNTHESIS_SAVED:
            yield (
                _("Synthèse, version %(version)s", version=data.get("version")),
                _("synthèse"),
                data,
            )
        elif kind == ev.SYNTHESIS_COMMENTED:
            speaker = m.speaker(_text(data, "participant_id"), _text(data, "entered_by"))
            yield (_("Relecture de la synthèse"), speaker, data)
        elif kind in (ev.BOARD_ITEM_ADDED, ev.BOARD_ITEM_EDITED):
            yield (_("Tableau de l'analyse"), "", data)
        elif kind == ev.PARTICIPANT_JOINED:
            yield (_("Liste des participants"), "", data)
        elif kind == ev.MEMBER_INVITED:
            yield (_("Équipe de recherche"), "", data)
        elif kind == ev.EVALUATION_REVEALED:
            yield (_("Évaluation"), "", data)
        else:
            yield (_("Séance"), "", data)


def _text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    return str(value) if value else None


def check(material: Material, replacements: Sequence[tuple[str, str]]) -> list[Hit]:
    """Every place where a word of the exported texts still looks like a listed name."""
    names = [(find, name_parts(find)) for find, _replace in replacements]
    names = [(find, parts) for find, parts in names if parts]
    if not names:
        return []
    substitutes = [replace for _find, replace in replacements if replace.strip()]
    places = _Places(material)
    hits: list[Hit] = []
    seen: set[tuple[object, ...]] = set()
    for event in material.events:
        for place, speaker, data in places.of(event):
            for text in texts(data):
                scanned = _blank(text, substitutes)
                for match in _WORD.finditer(scanned):
                    word = match.group(0)
                    normal = fold(word)
                    for find, parts in names:
                        if not any(
                            resembles(normal, part, capitalised=word[:1].isupper())
                            for part in parts
                        ):
                            continue
                        key = (event.seq, place, speaker, find, normal)
                        if key in seen:
                            break
                        seen.add(key)
                        hits.append(
                            Hit(
                                name=find,
                                found=word,
                                place=place,
                                speaker=speaker,
                                excerpt=excerpt(text, match.start(), match.end()),
                                seq=event.seq,
                            )
                        )
                        break
    return hits
