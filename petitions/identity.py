"""Identity-data helpers for petitioners: ID numbers, phone numbers and display masks.

Everything here is a pure function so it can be used from forms, models, admin and
management commands alike. The ``validate_*``/``normalize_*`` functions raise
:class:`django.core.exceptions.ValidationError` with a stable ``code`` so callers (and
tests) can tell failures apart without parsing translated text; they can be passed
directly as field ``validators``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ID_NUMBER_LENGTH",
    "birth_date_from_id",
    "format_phone",
    "id_check_character",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_text",
    "normalize_id_number",
    "normalize_name",
    "normalize_phone",
    "validate_id_number",
]

ID_NUMBER_LENGTH = 18

# GB 11643-1999: weight of each of the first 17 digits, and the check character
# indexed by (weighted sum mod 11).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

_ID_PATTERN = re.compile(r"\d{17}[\dX]")

# First two digits of the administrative division code (GB/T 2260), plus 71 (Taiwan)
# and 81/82/83, used by residence permits for Hong Kong, Macao and Taiwan residents
# (same 18-character layout and check-character rule as resident ID cards).
_REGION_CODES = frozenset(
    f"{code:02d}"
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    )
)

_MIN_BIRTH_DATE = date(1900, 1, 1)

_PHONE_REGION = "CN"
# A local landline subscriber number (no area code) in mainland China has 7 or 8 digits
# and never starts with 0 (trunk prefix) or 1 (mobile/special services).
_LOCAL_LANDLINE_PATTERN = re.compile(r"[2-9]\d{6,7}")

_MASK_CHAR = "*"
_TEXT_MASK = "****"
_TEXT_KEEP = 6


# --------------------------------------------------------------------------- ID numbers


def normalize_id_number(value: str) -> str:
    """Return ``value`` in canonical form: ASCII, no whitespace, upper-case ``X``.

    Petitioners often type on Chinese IMEs, which produce full-width digits (``１２３``)
    and letters (``ｘ``); NFKC folds those to ASCII so that the same person's number
    always normalizes (and therefore hashes) to the same string.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", str(value))
    return "".join(value.split()).upper()


def id_check_character(first17: str) -> str:
    """Return the GB 11643-1999 check character for the first 17 digits of an ID number.

    Exposed separately so that fixtures and tests can build valid numbers.
    """
    if len(first17) != ID_NUMBER_LENGTH - 1 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def birth_date_from_id(value: str) -> date:
    """Return the birth date embedded in an 18-character ID number (positions 7-14).

    Raises ``ValueError`` if the number is not 18 characters long or the embedded
    ``YYYYMMDD`` is not a calendar date. It does not check the rest of the number, so
    call :func:`validate_id_number` first when the input is untrusted.
    """
    number = normalize_id_number(value)
    if len(number) != ID_NUMBER_LENGTH:
        raise ValueError("ID number must have 18 characters")
    digits = number[6:14]
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("ID number birth date must be 8 digits")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def validate_id_number(value: str, today: date | None = None) -> str:
    """Validate a resident ID (or HK/Macao/Taiwan residence permit) number.

    Returns the normalized number. Checks run from the coarsest to the finest so that
    the message points at the most specific problem: length, character set, region
    code, embedded birth date, then the check character (a typo in the middle of a
    number usually only shows up there).

    ``today`` exists so tests can pin the "birth date in the future" boundary; by
    default it is the local date, which follows Django's ``TIME_ZONE`` once settings
    are loaded.
    """
    number = normalize_id_number(value)
    _check_layout(number)
    _check_birth_date(number, date.today() if today is None else today)
    if id_check_character(number[:17]) != number[17]:
        # Deliberately do not reveal the expected character: that would let a mistyped
        # number be "corrected" into someone else's valid number.
        raise ValidationError(
            _("The ID number's check character does not match; please check every digit."),
            code="id_checksum",
        )
    return number


def _check_layout(number: str) -> None:
    """Length, character set and region code of a normalized ID number."""
    if len(number) != ID_NUMBER_LENGTH:
        raise ValidationError(
            _("An ID number must have 18 characters; %(length)d given."),
            code="id_length",
            params={"length": len(number)},
        )

    if not number.isascii() or not _ID_PATTERN.fullmatch(number):
        raise ValidationError(
            _("An ID number must be 17 digits followed by a digit or the letter X."),
            code="id_format",
        )

    region = number[:2]
    if region not in _REGION_CODES:
        raise ValidationError(
            _("The ID number starts with %(code)s, which is not a valid region code."),
            code="id_region",
            params={"code": region},
        )


def _check_birth_date(number: str, today: date) -> None:
    """The embedded birth date is a calendar date between 1900 and ``today``."""
    try:
        birth_date = birth_date_from_id(number)
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number (%(value)s) is not a valid date."),
            code="id_birth_date",
            params={"value": number[6:14]},
        ) from None
    if birth_date > today:
        raise ValidationError(
            _("The birth date in the ID number (%(value)s) is in the future."),
            code="id_birth_date",
            params={"value": number[6:14]},
        )
    if birth_date < _MIN_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in the ID number (%(value)s) is before 1900."),
            code="id_birth_date",
            params={"value": number[6:14]},
        )


# ------------------------------------------------------------------------ phone numbers


def _area_prefix(area_code: str) -> str:
    """Return ``area_code`` as digits with the national trunk prefix ``0``."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", area_code) if ch.isdigit())
    return digits if digits.startswith("0") else "0" + digits


def normalize_phone(value: str, default_area_code: str = "0421") -> str:
    """Return ``value`` as an E.164 string (``+864212614858``).

    Accepts mobile numbers, landlines with area code or ``+86``, and bare local
    landline numbers, which get ``default_area_code`` prepended: petitioners from the
    city itself usually omit the area code. Full-width characters, spaces, hyphens and
    parentheses are tolerated. Blank input returns ``""`` (whether the field is required
    is the form's/model's business, as with Django's own validators).

    Raises ``ValidationError`` (code ``phone_invalid``) when phonenumbers does not
    consider the result a valid number.
    """
    if not value or not value.strip():
        return ""
    text = "".join(unicodedata.normalize("NFKC", value).split())
    if not text.startswith("+"):
        digits = re.sub(r"\D", "", text)
        if _LOCAL_LANDLINE_PATTERN.fullmatch(digits):
            text = _area_prefix(default_area_code) + digits

    error = ValidationError(
        _(
            "Enter a valid phone number: a mobile number such as 13800138000 or a "
            "landline such as 0421-2614858."
        ),
        code="phone_invalid",
    )
    try:
        number = phonenumbers.parse(text, _PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise error from None
    if not phonenumbers.is_valid_number(number):
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether a normalized number can receive text messages (a mobile, not a landline)."""
    try:
        number = phonenumbers.parse(e164, _PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def format_phone(e164: str) -> str:
    """Return a stored E.164 number in a human-readable form for display.

    Chinese numbers use the national format (``138 0013 8000``, ``0421 261 4858``);
    foreign ones (e.g. a Hong Kong mobile) use the international format, because their
    national format would be ambiguous here. Unparseable input is returned unchanged:
    display code should never crash on legacy data.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, _PHONE_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == phonenumbers.country_code_for_region(_PHONE_REGION):
        fmt = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


# -------------------------------------------------------------------------------- names


def normalize_name(value: str) -> str:
    """A name as it is hashed for exact-match search: NFKC (full-width letters fold), no
    whitespace, so that ``张 建国`` and ``张建国`` are the same person's name."""
    if not value:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


# ------------------------------------------------------------------------------- masks


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    """Replace all but the first ``keep_start`` and last ``keep_end`` characters.

    Values too short to hide anything are masked entirely rather than shown in clear.
    """
    hidden = len(value) - keep_start - keep_end
    if hidden <= 0:
        return _MASK_CHAR * len(value)
    return value[:keep_start] + _MASK_CHAR * hidden + value[len(value) - keep_end :]


def mask_id_number(value: str) -> str:
    """Mask an ID number for lists and printouts: ``2113**********1239``.

    The first four digits (province and city) and the last four stay visible, which is
    enough for staff to confirm a number read out by the petitioner.
    """
    number = normalize_id_number(value)
    if not number:
        return ""
    return _mask_middle(number, 4, 4)


def mask_phone(e164_or_national: str) -> str:
    """Mask a phone number: ``138****8000`` for mobiles, ``0421***4858`` for landlines.

    Accepts E.164 (``+86...``) or national input and shows Chinese numbers in national
    digits, keeping a landline's area code so staff can still see where it is.
    """
    if not e164_or_national or not e164_or_national.strip():
        return ""
    text = unicodedata.normalize("NFKC", e164_or_national)
    try:
        number = phonenumbers.parse(text, _PHONE_REGION)
    except phonenumbers.NumberParseException:
        return _mask_middle(re.sub(r"\D", "", text), 3, 4)

    national = phonenumbers.national_significant_number(number)
    if number.country_code != phonenumbers.country_code_for_region(_PHONE_REGION):
        return f"+{number.country_code}" + _mask_middle(national, 0, 4)
    if len(national) == 11 and national.startswith("1"):
        return _mask_middle(national, 3, 4)
    area_length = phonenumbers.length_of_geographical_area_code(number)
    if area_length:
        # +1 keeps the trunk prefix "0" in front of the area code.
        return _mask_middle("0" + national, area_length + 1, 4)
    return _mask_middle(national, 3, 4)


def mask_name(value: str) -> str:
    """Mask a name for lists and files: the family name stays, ``张**``.

    Enough for staff to tell two petitioners apart in a list, not enough to identify one:
    each further character becomes ``*``; a one-character name is masked entirely.
    """
    name = normalize_name(value)
    if not name:
        return ""
    return _mask_middle(name, 1 if len(name) > 1 else 0, 0)


def mask_text(value: str) -> str:
    """Mask free text such as an address: first six characters, then ``****``.

    Six characters of a Chinese address are roughly province + city (辽宁省朝阳市),
    which is useful context without identifying the household. The mask has a fixed
    length so it does not leak the length of the original. Text of six characters or
    fewer has nothing beyond that level of detail and is returned unchanged.
    """
    if not value:
        return ""
    value = value.strip()
    if len(value) <= _TEXT_KEEP:
        return value
    return value[:_TEXT_KEEP] + _TEXT_MASK
