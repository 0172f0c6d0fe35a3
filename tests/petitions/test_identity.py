"""Tests for petitions.identity.

All ID numbers below are literals whose check characters were computed with the
GB 11643-1999 rule (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 indexes
"10X98765432"), so each invalid example fails for exactly the reason under test.
"""

import os
from datetime import date

from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    # Stand-alone run (no pytest-django): minimal settings and an empty app registry.
    import django

    settings.configure(USE_I18N=False)
    django.setup()

import pytest  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.utils import translation  # noqa: E402

from petitions.identity import (  # noqa: E402
    birth_date_from_id,
    format_phone,
    id_check_character,
    mask_id_number,
    mask_phone,
    mask_text,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
)

TODAY = date(2025, 1, 1)

SAMPLE_ID = "11010519491231002X"  # well-known GB 11643 sample (Beijing, 1949-12-31)
CHAOYANG_ID = "211302199001011239"  # 211302 = 朝阳市双塔区, born 1990-01-01


def _error_code(value: str, today: date = TODAY) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value, today=today)
    return excinfo.value.code


# ----------------------------------------------------------------------- ID numbers


def test_check_character_matches_hand_computation():
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167;
    # 167 mod 11 = 2 -> "10X98765432"[2] = "X"
    assert id_check_character("11010519491231002") == "X"


def test_well_known_sample_is_valid():
    assert validate_id_number(SAMPLE_ID, today=TODAY) == SAMPLE_ID


def test_chaoyang_number_is_valid():
    assert validate_id_number(CHAOYANG_ID, today=TODAY) == CHAOYANG_ID


def test_lowercase_x_is_accepted_and_upper_cased():
    assert validate_id_number("11010519491231002x", today=TODAY) == SAMPLE_ID


def test_full_width_number_is_accepted():
    assert validate_id_number("１１０１０５１９４９１２３１００２Ｘ", today=TODAY) == SAMPLE_ID


def test_spaces_are_ignored():
    assert validate_id_number(" 110105 19491231 002X\u3000", today=TODAY) == SAMPLE_ID


def test_normalize_id_number_folds_full_width_and_case():
    assert normalize_id_number("１１０１０５ １９４９１２３１００２ｘ") == SAMPLE_ID


def test_wrong_check_character_is_refused():
    assert _error_code("110105194912310021") == "id_checksum"


def test_single_digit_typo_is_refused():
    assert _error_code("211302199001011329") == "id_checksum"


def test_too_short_is_refused():
    assert _error_code("11010519491231002") == "id_length"


def test_too_long_is_refused():
    assert _error_code("11010519491231002X1") == "id_length"


def test_empty_is_refused():
    assert _error_code("") == "id_length"


def test_letter_inside_number_is_refused():
    assert _error_code("1101051949123100AX") == "id_format"


def test_x_outside_last_position_is_refused():
    assert _error_code("X10105194912310021") == "id_format"


def test_birth_date_in_future_is_refused():
    # born 2025-01-02, one day after TODAY
    assert _error_code("211302202501021235") == "id_birth_date"


def test_birth_date_today_is_accepted():
    assert validate_id_number("21130220250101123X", today=TODAY) == "21130220250101123X"


def test_impossible_birth_date_is_refused():
    # 1900-02-30 (1900 is not even a leap year)
    assert _error_code("211302190002301237") == "id_birth_date"


def test_birth_date_before_1900_is_refused():
    assert _error_code("211302189912311233") == "id_birth_date"


def test_birth_date_1900_01_01_is_accepted():
    assert validate_id_number("211302190001011238", today=TODAY) == "211302190001011238"


@pytest.mark.parametrize(
    "number",
    [
        "810000199408230021",  # Hong Kong residents' residence permit
        "820000198511150035",  # Macao
        "830000200103010043",  # Taiwan
    ],
)
def test_residence_permit_is_accepted(number):
    assert validate_id_number(number, today=TODAY) == number


def test_residence_permit_with_wrong_check_character_is_refused():
    assert _error_code("810000199408230022") == "id_checksum"


def test_region_71_taiwan_is_accepted():
    assert validate_id_number("710000198001010010", today=TODAY) == "710000198001010010"


def test_province_code_99_is_refused():
    assert _error_code("990105194912310023") == "id_region"


@pytest.mark.parametrize(
    "number",
    ["000105194912310024", "160105194912310029", "72000019940823002X", "840000199408230027"],
)
def test_other_unassigned_region_codes_are_refused(number):
    assert _error_code(number) == "id_region"


def test_default_today_refuses_far_future_birth_date():
    assert _error_code("211302209901011230", today=None) == "id_birth_date"


def test_error_message_is_rendered_with_params():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number("123", today=TODAY)
    with translation.override("en"):
        assert "3" in excinfo.value.messages[0]


def test_birth_date_from_id():
    assert birth_date_from_id(SAMPLE_ID) == date(1949, 12, 31)


def test_birth_date_from_id_rejects_short_input():
    with pytest.raises(ValueError):
        birth_date_from_id("110105")


# ---------------------------------------------------------------------------- phones


def test_local_landline_gets_default_area_code():
    assert normalize_phone("2614858") == "+864212614858"


def test_local_landline_with_other_default_area_code():
    assert normalize_phone("23456789", default_area_code="024") == "+862423456789"


def test_mobile_is_accepted():
    assert normalize_phone("13800138000") == "+8613800138000"


def test_landline_with_area_code_and_hyphen_is_accepted():
    assert normalize_phone("0421-2614858") == "+864212614858"


def test_international_prefix_is_accepted():
    assert normalize_phone("+86 421 2614858") == "+864212614858"


def test_full_width_mobile_is_accepted():
    assert normalize_phone("１３８ ００１３－８０００") == "+8613800138000"


def test_short_number_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone("12345")
    assert excinfo.value.code == "phone_invalid"


def test_non_numeric_phone_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone("not a number")
    assert excinfo.value.code == "phone_invalid"


def test_blank_phone_stays_blank():
    assert normalize_phone("  ") == ""


def test_format_phone_mobile():
    assert format_phone("+8613800138000") == "138 0013 8000"


def test_format_phone_landline():
    assert format_phone("+864212614858") == "0421 261 4858"


# ----------------------------------------------------------------------------- masks


def test_mask_id_number():
    assert mask_id_number(CHAOYANG_ID) == "2113**********1239"


def test_mask_id_number_normalizes_first():
    assert mask_id_number("１１０１０５１９４９１２３１００２ｘ") == "1101**********002X"


def test_mask_id_number_empty():
    assert mask_id_number("") == ""


def test_mask_phone_mobile():
    assert mask_phone("13800138000") == "138****8000"


def test_mask_phone_mobile_e164():
    assert mask_phone("+8613800138000") == "138****8000"


def test_mask_phone_landline_e164_keeps_area_code():
    assert mask_phone("+864212614858") == "0421***4858"


def test_mask_phone_landline_national():
    assert mask_phone("0421-2614858") == "0421***4858"


def test_mask_phone_two_digit_area_code():
    assert mask_phone("+861012345678") == "010****5678"


def test_mask_phone_empty():
    assert mask_phone("") == ""


def test_mask_text_address():
    assert mask_text("辽宁省朝阳市双塔区凌河街道") == "辽宁省朝阳市****"


def test_mask_text_short_value_unchanged():
    assert mask_text("朝阳市") == "朝阳市"


def test_mask_text_empty():
    assert mask_text("") == ""
