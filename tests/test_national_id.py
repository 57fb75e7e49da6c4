"""Fødselsnummer / D-nummer validation and generation.

No real person's number appears here: literals are synthetic (month + 80) or carry a birth date
in 2039 that nobody has yet; everything else is generated at run time.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core.domain.national_id import (
    InvalidNationalId,
    UniqueNumbers,
    age_on,
    generate,
    is_synthetic,
    validate,
)


def independent_mod11_ok(number: str) -> bool:
    """Checks a number the other way round: weights with the control digit's own weight 1 sum to 0 mod 11."""
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    digits = [int(c) for c in number]
    return (
        sum(d * w for d, w in zip(digits, w1, strict=False)) % 11 == 0
        and sum(d * w for d, w in zip(digits, w2, strict=True)) % 11 == 0
    )


# Hand-worked: 018185 123 -> k1 = 11 - 185 % 11 = 2; k2 = 11 - 142 % 11 = 1.
HAND_SYNTHETIC = "01818512321"  # 1985-01-01, synthetic, male (individual digit 3 is odd)
# Hand-worked: 311239 501 -> k1 = 11 - 151 % 11 = 3; k2 = 11 - 135 % 11 = 8.
HAND_FUTURE = "31123950138"  # 2039-12-31, ordinary fødselsnummer, male


def test_hand_worked_examples():
    assert independent_mod11_ok(HAND_SYNTHETIC) and independent_mod11_ok(HAND_FUTURE)
    info = validate(HAND_SYNTHETIC, allow_synthetic=True)
    assert (info.birth_date, info.sex, info.is_d_number) == (dt.date(1985, 1, 1), "male", False)
    info = validate(HAND_FUTURE)
    assert (info.birth_date, info.sex, info.is_d_number) == (dt.date(2039, 12, 31), "male", False)


@pytest.mark.parametrize(
    ("number", "fault"),
    [
        ("0181851232", "11 siffer"),
        ("018185123210", "11 siffer"),
        ("0181851232x", "bare inneholde siffer"),
        ("01818512322", "Kontrollsifferet stemmer ikke"),  # k2 off by one
        ("01818512331", "Kontrollsifferet stemmer ikke"),  # k1 off by one
        ("31123950148", "Kontrollsifferet stemmer ikke"),  # one digit mistyped
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(number, fault):
    with pytest.raises(InvalidNationalId, match=fault):
        validate(number, allow_synthetic=True)


def test_whitespace_is_tolerated():
    assert validate(" 311239 50138 ").birth_date == dt.date(2039, 12, 31)


def with_controls(first_nine: str) -> str:
    """Append valid control digits (test helper; the caller makes sure neither is 10)."""
    k1 = (
        11 - sum(int(d) * w for d, w in zip(first_nine, (3, 7, 6, 1, 8, 9, 4, 5, 2), strict=True)) % 11
    ) % 11
    ten = f"{first_nine}{k1}"
    k2 = (11 - sum(int(d) * w for d, w in zip(ten, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11) % 11
    assert k1 < 10 and k2 < 10, first_nine
    return f"{ten}{k2}"


def test_impossible_date_is_refused():
    number = with_controls("308239500")  # 30 February 2039, synthetic
    with pytest.raises(InvalidNationalId, match="finnes ikke"):
        validate(number, allow_synthetic=True)


def test_synthetic_numbers_need_permission():
    assert is_synthetic(HAND_SYNTHETIC)
    assert not is_synthetic(HAND_FUTURE)
    with pytest.raises(InvalidNationalId, match="Syntetiske"):
        validate(HAND_SYNTHETIC)
    with pytest.raises(InvalidNationalId, match="Syntetiske"):
        validate(HAND_SYNTHETIC, allow_synthetic=False)


def test_h_numbers_are_refused():
    number = with_controls("014185123")  # month + 40
    assert independent_mod11_ok(number)
    with pytest.raises(InvalidNationalId, match="H-nummer"):
        validate(number, allow_synthetic=True)


def test_d_number():
    number = with_controls("719239501")  # day 31 + 40, synthetic December 2039
    info = validate(number, allow_synthetic=True)
    assert info.is_d_number and info.birth_date == dt.date(2039, 12, 31)


@pytest.mark.parametrize(
    ("first_nine", "year"),
    [
        ("018105499", 1905),  # 000–499 -> 1900s
        ("018199000", 1999),
        ("018160500", 1860),  # 500–749 with year 54–99 -> 1800s
        ("018154749", 1854),
        ("018100500", 2000),  # 500–999 with year 00–39 -> 2000s
        ("018139997", 2039),
        ("018140900", 1940),  # 900–999 with year 40–99 -> 1900s
        ("018199999", 1999),
    ],
)
def test_century_from_individual_number(first_nine, year):
    number = with_controls(first_nine)
    assert validate(number, allow_synthetic=True).birth_date.year == year


@pytest.mark.parametrize("first_nine", ["018150750", "018150899", "018140500"])
def test_individual_number_outside_every_range_is_refused(first_nine):
    number = with_controls(first_nine)
    with pytest.raises(InvalidNationalId, match="Individnummeret"):
        validate(number, allow_synthetic=True)


def test_generated_numbers_validate_and_round_trip():
    rng = random.Random(20240611)
    start, span = dt.date(1854, 1, 1), (dt.date(2039, 12, 31) - dt.date(1854, 1, 1)).days
    for _ in range(2000):
        birth_date = start + dt.timedelta(days=rng.randrange(span + 1))
        sex = rng.choice(["female", "male"])
        d_number, synthetic = rng.random() < 0.2, rng.random() < 0.7
        number = generate(birth_date, sex=sex, rng=rng, d_number=d_number, synthetic=synthetic)
        assert len(number) == 11 and independent_mod11_ok(number), number
        assert is_synthetic(number) == synthetic
        info = validate(number, allow_synthetic=True)
        assert (info.birth_date, info.sex, info.is_d_number) == (birth_date, sex, d_number), number


def test_generate_defaults_to_synthetic_and_is_reproducible():
    a = generate(dt.date(2015, 6, 1), sex="female", rng=random.Random(7))
    b = generate(dt.date(2015, 6, 1), sex="female", rng=random.Random(7))
    assert a == b and is_synthetic(a)


def test_generate_refuses_years_without_a_number_range():
    with pytest.raises(ValueError):
        generate(dt.date(2040, 1, 1), sex="male", rng=random.Random(1))
    with pytest.raises(ValueError):
        generate(dt.date(2000, 1, 1), sex="other", rng=random.Random(1))


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(2010, 5, 17), dt.date(2025, 5, 16), 14),
        (dt.date(2010, 5, 17), dt.date(2025, 5, 17), 15),
        (dt.date(2008, 2, 29), dt.date(2024, 2, 28), 15),
        (dt.date(2008, 2, 29), dt.date(2023, 3, 1), 15),
        (dt.date(2008, 2, 29), dt.date(2023, 2, 28), 14),
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


def test_unique_numbers_never_repeat_and_are_valid_synthetic_numbers():
    """A region's worth of people on few birth dates: each number distinct, valid, of its sex and date."""
    numbers, rng = UniqueNumbers(), random.Random(7)
    seen: set[str] = set()
    dates = [dt.date(2010, 1, 1) + dt.timedelta(days=d) for d in range(300)] + [dt.date(1985, 6, 30)]
    for _ in range(30_000):
        born, sex = rng.choice(dates), rng.choice(("female", "male"))
        number = numbers.take(born, sex=sex)
        assert number not in seen
        seen.add(number)
        info = validate(number, allow_synthetic=True)
        assert (info.birth_date, info.sex) == (born, sex)
        assert is_synthetic(number)
    again = UniqueNumbers()  # the same order every run: a seed is reproducible
    assert again.take(dates[0], sex="male") == UniqueNumbers().take(dates[0], sex="male")


def test_unique_numbers_say_when_a_birth_date_is_used_up():
    numbers = UniqueNumbers()
    taken = set()
    with pytest.raises(ValueError, match="Ingen flere fødselsnumre"):
        for _ in range(1000):
            taken.add(numbers.take(dt.date(2015, 3, 3), sex="female"))
    assert len(taken) > 150  # about 250 individual numbers, less those the checksum refuses


def test_unique_numbers_side_by_side_never_share_a_number():
    """One generator per municipality (each its part of the space): together still no duplicates."""
    parts = [UniqueNumbers(part=i, parts=5) for i in range(5)]
    numbers = [g.take(dt.date(2012, 5, 17), sex="male") for g in parts for _ in range(6)]
    assert len(set(numbers)) == len(numbers) == 30
