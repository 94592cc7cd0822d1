"""What looks like a person's identity in a text someone is about to save.

A fiche incident is written by a practitioner, from a phone, about a person they helped. Before
it is saved, the form warns about what looks like that person's identity and asks to remove it:
a name from the team's replacement list, an e-mail address, a phone number written as in
Belgium or France, a Belgian national register number or an IBAN. The numbers with check
digits (national register, IBAN) are flagged only when their check digits are right, so an
ordinary reference of eleven digits is not.

It is a help, not a guarantee: it misses a name that is not on the list and a number written in
a way it does not expect.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from mag.domain.i18n import N_


class Kind(StrEnum):
    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    NATIONAL_NUMBER = "national_number"
    IBAN = "iban"


# For the edges, which translate them: « Ce texte contient un numéro de téléphone ».
LABELS = {
    Kind.NAME: N_("un nom"),
    Kind.EMAIL: N_("une adresse e-mail"),
    Kind.PHONE: N_("un numéro de téléphone"),
    Kind.NATIONAL_NUMBER: N_("un numéro de registre national"),
    Kind.IBAN: N_("un numéro de compte bancaire (IBAN)"),
}

# When two findings overlap and are as long as each other, the first kind here is kept.
_SPECIFICITY = (Kind.IBAN, Kind.NATIONAL_NUMBER, Kind.EMAIL, Kind.PHONE, Kind.NAME)

NAME_MIN = 2  # letters; a shorter name (an initial) would be found everywhere


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int  # code-point offsets into the text, as Python indexes it
    end: int
    text: str


def find_personal_data(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Everything in ``text`` that looks like a person's identity, in order, never overlapping.

    Where two findings overlap, the longer one is kept (an e-mail address over the name in it).
    """
    found = [
        *_names(text, names),
        *_emails(text),
        *_phones(text),
        *_national_numbers(text),
        *_ibans(text),
    ]
    found.sort(key=lambda f: (f.start - f.end, _SPECIFICITY.index(f.kind), f.start))
    kept: list[Finding] = []
    for finding in found:
        if all(finding.end <= k.start or k.end <= finding.start for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


# Names ---------------------------------------------------------------------------------------

# Letters NFKD does not decompose into ASCII (as in mag.report.folding).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` in lower case without accents, and for each folded character its index in ``text``."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", char.casefold().translate(_LIGATURES))
        for piece in decomposed:
            if not unicodedata.combining(piece):
                folded.append(piece)
                origin.append(index)
    return "".join(folded), origin


def _names(text: str, names: Iterable[str]) -> Iterator[Finding]:
    wanted = set()
    for name in names:
        folded = " ".join(_fold(name)[0].split())
        if sum(c.isalpha() for c in folded) >= NAME_MIN:
            wanted.add(folded)
    if not wanted:
        return
    body = "|".join(
        r"\s+".join(map(re.escape, name.split())) for name in sorted(wanted, key=len, reverse=True)
    )
    folded, origin = _fold(text)
    for match in re.finditer(rf"(?<!\w)(?:{body})(?!\w)", folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        while end < len(text) and unicodedata.combining(text[end]):  # « José » written decomposed
            end += 1
        yield Finding(Kind.NAME, start, end, text[start:end])


# E-mail addresses ----------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        yield Finding(Kind.EMAIL, match.start(), match.end(), match.group())


# Phone numbers -------------------------------------------------------------------------------

_SEP = r"(?:[ \u00a0\u202f]|\s?[./-]\s?)"
# +32 / 0032 / +33 and the number, or a national number starting with its 0. Written in one
# block, or in groups: the first of one to four digits (« 2 », « 02 », « 081 », « 0470 »),
# then two to four groups of two or three.
_PHONE = re.compile(
    rf"""
    (?<!\w)(?<!\d[./-])
    (?: (?:\+|00)(?P<country>32|33)\s?(?:\(0\)\s?)? | (?=0) )
    (?P<number> \d{{8,10}} | \d{{1,4}}(?:{_SEP}\d{{2,3}}){{2,4}} )
    (?!\w|[./-]\d)
    """,
    re.VERBOSE,
)
# A Belgian enterprise number (BCE/KBO) is written 0123.456.789, like a mobile number.
_ENTERPRISE = re.compile(r"0\d{3}\.\d{3}\.\d{3}")


def _is_phone(country: str | None, digits: str) -> bool:
    if country:
        digits = digits.removeprefix("0")  # « +32 0470 … », written by many
        length = {"32": (8, 9), "33": (9,)}[country]
        return len(digits) in length and digits[0] != "0"
    # 0 and the zone: Belgian landlines have 9 digits, mobiles (04…) and French numbers 10.
    return len(digits) in (9, 10) and digits[1] != "0"


def _phones(text: str) -> Iterator[Finding]:
    for match in _PHONE.finditer(text):
        number = match.group("number")
        digits = re.sub(r"\D", "", number)
        if not _is_phone(match.group("country"), digits):
            continue
        if _ENTERPRISE.fullmatch(number) and _mod97_complement(digits[:8]) == int(digits[8:]):
            continue
        yield Finding(Kind.PHONE, match.start(), match.end(), match.group())


# Belgian national register numbers -----------------------------------------------------------

# YY.MM.DD-SSS.CC: birth date, serial, check digits; any of the separators may be left out.
_NATIONAL_NUMBER = re.compile(
    r"(?<![\w.-])(\d\d)[ .]?(\d\d)[ .]?(\d\d)[ .-]?(\d{3})[ .-]?(\d\d)(?![\w]|[.-]\d)"
)


def _mod97_complement(digits: str) -> int:
    return 97 - int(digits) % 97


def _national_numbers(text: str) -> Iterator[Finding]:
    for match in _NATIONAL_NUMBER.finditer(text):
        *born_and_serial, check = match.groups()
        first = "".join(born_and_serial)
        # Born from 2000 on, the check is computed with a 2 before the nine digits.
        if int(check) in (_mod97_complement(first), _mod97_complement("2" + first)):
            yield Finding(Kind.NATIONAL_NUMBER, match.start(), match.end(), match.group())


# IBAN ----------------------------------------------------------------------------------------

# Country, check digits, then groups (of four when spaced); the match may run into the words
# after it, so each shorter run of groups is tried too, longest first.
_IBAN = re.compile(r"(?<![^\W_])[A-Z]{2}\d\d(?: ?[A-Z0-9]{1,4})+", re.IGNORECASE)
IBAN_LENGTHS = range(15, 35)  # ISO 13616: from Norway's 15 characters to 34


def _is_iban(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not (compact.isascii() and len(compact) in IBAN_LENGTHS):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _ibans(text: str) -> Iterator[Finding]:
    position = 0
    while match := _IBAN.search(text, position):
        ends = [match.end()] + [
            i for i in range(match.end() - 1, match.start(), -1) if text[i] == " "
        ]
        end = next((e for e in ends if _is_iban(text[match.start() : e])), None)
        if end is None:
            position = match.start() + 1
            continue
        yield Finding(Kind.IBAN, match.start(), end, text[match.start() : end])
        position = end
