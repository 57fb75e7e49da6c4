"""Norwegian fødselsnummer and D-nummer: validation, synthetic test identities and generation.

Layout: DDMMYY III K1 K2. A D-nummer adds 4 to the first digit (day + 40); Skatteetaten's
synthetic test numbers (Tenor) add 80 to the month; H-numbers add 40 to the month and are
refused. Production must never accept a synthetic identity, so `validate` refuses them unless
the caller (a demo or test config) explicitly allows them.
"""

from __future__ import annotations

import datetime as dt
import random

from contracts import BirthInfo
from core.i18n import _

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
D_NUMBER_DAY_OFFSET = 40
H_NUMBER_MONTH_OFFSET = 40
SYNTHETIC_MONTH_OFFSET = 80


class InvalidNationalId(ValueError):
    """The number is not a valid fødselsnummer or D-nummer; the message is for the user."""


def control_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    """Mod-11 control digit for `digits`, or None when the remainder makes it 10 (never issued)."""
    k = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def _digits(number: str) -> str:
    number = number.strip().replace(" ", "")
    if not number.isascii() or not number.isdigit():
        raise InvalidNationalId(_("Fødselsnummeret kan bare inneholde siffer."))
    if len(number) != 11:
        raise InvalidNationalId(
            _("Fødselsnummeret må ha 11 siffer, men har {len_number}.").format(len_number=len(number))
        )
    return number


def is_synthetic(number: str) -> bool:
    """Whether the number is a synthetic test identity (month + 80); says nothing about validity."""
    number = number.strip().replace(" ", "")
    return len(number) == 11 and number.isdigit() and int(number[2:4]) > SYNTHETIC_MONTH_OFFSET


def century(individual: int, year: int) -> int | None:
    """The century (1800, 1900, 2000) the individual number gives a two-digit year, or None."""
    if individual <= 499:
        return 1900
    if individual <= 749 and year >= 54:
        return 1800
    if individual >= 500 and year <= 39:
        return 2000
    if individual >= 900 and year >= 40:
        return 1900
    return None


def validate(number: str, *, allow_synthetic: bool = False) -> BirthInfo:
    """Check the number fully and tell what it encodes; raises `InvalidNationalId` naming the fault."""
    number = _digits(number)
    if control_digit(number[:9], K1_WEIGHTS) != int(number[9]) or control_digit(
        number[:10], K2_WEIGHTS
    ) != int(number[10]):
        raise InvalidNationalId(
            _("Kontrollsifferet stemmer ikke. Sjekk at fødselsnummeret er skrevet riktig.")
        )
    day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
    individual = int(number[6:9])
    is_d_number = day > D_NUMBER_DAY_OFFSET
    if is_d_number:
        day -= D_NUMBER_DAY_OFFSET
    if month > SYNTHETIC_MONTH_OFFSET:
        if not allow_synthetic:
            raise InvalidNationalId(_("Syntetiske fødselsnumre (testidentiteter) godtas ikke her."))
        month -= SYNTHETIC_MONTH_OFFSET
    elif month > H_NUMBER_MONTH_OFFSET:
        raise InvalidNationalId(_("H-nummer støttes ikke. Bruk fødselsnummer eller D-nummer."))
    full_century = century(individual, year)
    if full_century is None:
        raise InvalidNationalId(_("Individnummeret passer ikke med fødselsåret i fødselsnummeret."))
    try:
        birth_date = dt.date(full_century + year, month, day)
    except ValueError:
        raise InvalidNationalId(_("Fødselsdatoen i fødselsnummeret finnes ikke.")) from None
    sex = "male" if int(number[8]) % 2 else "female"
    return BirthInfo(birth_date=birth_date, is_d_number=is_d_number, sex=sex)


def generate(
    birth_date: dt.date,
    *,
    sex: str,
    rng: random.Random,
    d_number: bool = False,
    synthetic: bool = True,
) -> str:
    """A number that passes `validate` for this birth date and sex; synthetic unless told otherwise."""
    if sex not in ("female", "male"):
        raise ValueError(f"sex must be 'female' or 'male', not {sex!r}")
    day = birth_date.day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth_date.month + (SYNTHETIC_MONTH_OFFSET if synthetic else 0)
    prefix = f"{day:02d}{month:02d}{birth_date.year % 100:02d}"
    parity = 1 if sex == "male" else 0
    two_digit, wanted = birth_date.year % 100, birth_date.year - birth_date.year % 100
    individuals = [i for i in range(parity, 1000, 2) if century(i, two_digit) == wanted]
    if not individuals:
        raise ValueError(f"Fødselsnummer kan ikke lages for fødselsåret {birth_date.year} (1854–2039).")
    rng.shuffle(individuals)
    for individual in individuals:
        base = f"{prefix}{individual:03d}"
        k1 = control_digit(base, K1_WEIGHTS)
        if k1 is None:
            continue
        k2 = control_digit(f"{base}{k1}", K2_WEIGHTS)
        if k2 is not None:
            return f"{base}{k1}{k2}"
    raise ValueError(f"no valid individual number for {birth_date}")  # pragma: no cover


class UniqueNumbers:
    """Synthetic numbers that never repeat: each birth date and sex hands out its individual numbers
    in a fixed order (those the checksum refuses skipped), the same ones every run.

    ``part`` of ``parts``: generators that work side by side (one per municipality) each take every
    ``parts``-th individual number, so no two of them ever hand out the same one. About 200 valid
    numbers exist per birth date and sex in a century; ``ValueError`` names a date whose share is used up.
    """

    def __init__(self, *, part: int = 0, parts: int = 1, synthetic: bool = True) -> None:
        if not 0 <= part < parts:
            raise ValueError(f"part must be in 0..{parts - 1}, not {part}")
        self._part, self._parts, self._synthetic = part, parts, synthetic
        self._next: dict[tuple[dt.date, int], int] = {}  # -> position in the date's candidates
        self._candidates: dict[tuple[int, int], list[int]] = {}  # (year, parity) -> individual numbers

    def _for_year(self, year: int, parity: int) -> list[int]:
        found = self._candidates.get((year, parity))
        if found is None:
            two_digit, wanted = year % 100, year - year % 100
            every = [i for i in range(parity, 1000, 2) if century(i, two_digit) == wanted]
            found = self._candidates[(year, parity)] = every[self._part :: self._parts]
        return found

    def take(self, birth_date: dt.date, *, sex: str) -> str:
        if sex not in ("female", "male"):
            raise ValueError(f"sex must be 'female' or 'male', not {sex!r}")
        parity = 1 if sex == "male" else 0
        candidates = self._for_year(birth_date.year, parity)
        month = birth_date.month + (SYNTHETIC_MONTH_OFFSET if self._synthetic else 0)
        prefix = f"{birth_date.day:02d}{month:02d}{birth_date.year % 100:02d}"
        position = self._next.get((birth_date, parity), 0)
        while position < len(candidates):
            base = f"{prefix}{candidates[position]:03d}"
            position += 1
            k1 = control_digit(base, K1_WEIGHTS)
            k2 = None if k1 is None else control_digit(f"{base}{k1}", K2_WEIGHTS)
            if k2 is not None:
                self._next[(birth_date, parity)] = position
                return f"{base}{k1}{k2}"
        self._next[(birth_date, parity)] = position
        raise ValueError(f"Ingen flere fødselsnumre for {birth_date} ({sex}).")


def age_on(birth_date: dt.date, on_date: dt.date) -> int:
    """Whole years; someone born 29 February turns a year older on 1 March in other years."""
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - before_birthday
