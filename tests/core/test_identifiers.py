"""Identity numbers (real, d-nummer and synthetic), kontonummer and organisasjonsnummer."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from digisos.core.identifiers import (
    InvalidAccountNumber,
    InvalidIdentityNumber,
    InvalidOrganisationNumber,
    age_on,
    parse_identity_number,
    validate_account_number,
    validate_organisation_number,
)

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
OFFSETS = {"fnr": 0, "synthetic_nav": 40, "synthetic_tenor": 80}


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False))) % 11
    return None if check == 10 else check


def _individual_for(year: int, draw_int: int) -> int:
    """An individual number consistent with the birth year (the Folkeregister's century rules)."""
    if 1900 <= year <= 1999:
        return draw_int % 500
    if 2000 <= year <= 2039:
        return 500 + draw_int % 500
    return 500 + draw_int % 250  # 1854–1899


@st.composite
def identity_numbers(draw, kinds=("fnr", "synthetic_nav", "synthetic_tenor"), d_number=None):
    birth = draw(st.dates(min_value=date(1854, 1, 1), max_value=date(2024, 12, 31)))
    kind = draw(st.sampled_from(kinds))
    is_d = draw(st.booleans()) if d_number is None else d_number
    individual = _individual_for(birth.year, draw(st.integers(0, 10_000)))
    day = birth.day + (40 if is_d else 0)
    month = birth.month + OFFSETS[kind]
    first9 = f"{day:02d}{month:02d}{birth.year % 100:02d}{individual:03d}"
    k1 = _mod11(first9, W1)
    assume(k1 is not None)
    k2 = _mod11(first9 + str(k1), W2)
    assume(k2 is not None)
    return first9 + str(k1) + str(k2), birth, kind, is_d


@given(identity_numbers())
def test_valid_numbers_give_back_birth_date_and_kind(generated):
    number, birth, kind, is_d = generated
    parsed = parse_identity_number(number, allow_synthetic=True)
    assert parsed.birth_date == birth
    assert parsed.is_d_number is is_d
    expected_kind = "dnr" if kind == "fnr" and is_d else kind
    assert parsed.kind == expected_kind
    assert parsed.is_synthetic is (kind != "fnr")


@given(identity_numbers(kinds=("synthetic_nav", "synthetic_tenor")))
def test_synthetic_numbers_only_when_allowed(generated):
    number, *_ = generated
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number(number, allow_synthetic=False)
    assert parse_identity_number(number, allow_synthetic=True).is_synthetic


@given(identity_numbers(kinds=("fnr",)))
def test_real_numbers_are_accepted_with_synthetic_off(generated):
    number, birth, *_ = generated
    assert parse_identity_number(number, allow_synthetic=False).birth_date == birth


@given(identity_numbers(), st.integers(0, 10), st.integers(1, 9))
def test_a_changed_digit_breaks_the_check_digits(generated, position, delta):
    number, *_ = generated
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number(changed, allow_synthetic=True)


def test_setting_decides_when_not_told(settings):
    tenor = "14839110090"
    settings.ALLOW_SYNTHETIC_IDENTITY_NUMBERS = False
    with pytest.raises(InvalidIdentityNumber, match="testnummer"):
        parse_identity_number(tenor)
    settings.ALLOW_SYNTHETIC_IDENTITY_NUMBERS = True
    assert parse_identity_number(tenor).birth_date == date(1991, 3, 14)


@pytest.mark.parametrize("value", ["", "1234567890", "123456789012", "abcdefghijk", "1483911009O"])
def test_wrong_length_or_letters_say_what_to_do(value):
    with pytest.raises(InvalidIdentityNumber) as error:
        parse_identity_number(value, allow_synthetic=True)
    assert "11 siffer" in error.value.message


def test_spaces_are_ignored_and_repr_hides_the_number():
    parsed = parse_identity_number("148391 10090", allow_synthetic=True)
    assert parsed.value == "14839110090"
    assert "14839110090" not in repr(parsed)
    assert "148391" not in str(parsed)


def test_a_future_birth_date_is_rejected():
    # Born 1 January 2039: valid check digits, but not born yet.
    for individual in range(500, 600):
        first9 = f"010139{individual}"
        k1 = _mod11(first9, W1)
        k2 = _mod11(first9 + str(k1), W2) if k1 is not None else None
        if k2 is not None:
            break
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number(first9 + str(k1) + str(k2), allow_synthetic=False)


def test_age_counts_whole_years_around_the_birthday():
    parsed = parse_identity_number("02890350030", allow_synthetic=True)  # born 2 September 2003
    assert parsed.age(date(2021, 9, 1)) == 17
    assert parsed.age(date(2021, 9, 2)) == 18


def test_leap_day_birthday_counts_from_first_of_march():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_account_numbers_with_the_right_check_digit_are_valid(first10):
    # No bank has the register number 0000: python-stdnum reads such a number as a 7-digit giro number (Luhn),
    # so 0000 00 00019 is refused although its MOD11 digit fits. Hypothesis found it in a clean-clone run.
    assume(not first10.startswith("0000"))
    check = _mod11(first10, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    assume(check is not None)
    number = first10 + str(check)
    assert validate_account_number(f"{number[:4]}.{number[4:6]}.{number[6:]}") == number
    wrong = first10 + str((check + 1) % 10)
    with pytest.raises(InvalidAccountNumber, match="11 siffer"):
        validate_account_number(wrong)


def test_an_account_number_with_the_bank_register_0000_is_refused_with_the_plain_message():
    with pytest.raises(InvalidAccountNumber, match="11 siffer"):
        validate_account_number("0000.00.00019")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_organisation_numbers_with_the_right_check_digit_are_valid(first8):
    check = _mod11(first8, (3, 2, 7, 6, 5, 4, 3, 2))
    assume(check is not None)
    assert validate_organisation_number(first8 + str(check)) == first8 + str(check)
    with pytest.raises(InvalidOrganisationNumber):
        validate_organisation_number(first8 + str((check + 1) % 10))
