from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import (
    SubjectCode,
    SubjectKind,
    mask_identity_number,
    parse_subject_code,
    reads_as_mistyped_resident_number,
    uscc_check_char,
)
from domain.errors import InvalidSubjectCode

# An independent re-statement of GB 32100-2015, so the tests do not trust the code
# under test to compute the expected check characters.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(CHARSET)}
WEIGHTS = [3**i % 31 for i in range(17)]


def uscc_check(body: str) -> str:
    return CHARSET[-sum(VALUES[c] * w for c, w in zip(body, WEIGHTS, strict=True)) % 31]


def test_weights_restatement_matches_the_standard() -> None:
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "91110000600037341L",  # digits-only organisation code
        "Y1110000000000000Q",  # by hand: 30 + 3 + 9 + 27 = 69 ≡ 7, 31 - 7 = 24 → Q
        "91110108MA01ABCD1" + uscc_check("91110108MA01ABCD1"),
        "N1110000MB0123456" + uscc_check("N1110000MB0123456"),
    ],
)
def test_valid_uscc_is_a_legal_person(code: str) -> None:
    subject = parse_subject_code(code)

    assert subject == SubjectCode(code, SubjectKind.LEGAL_PERSON)


def test_uscc_starting_with_a_letter_is_accepted() -> None:
    code = "A1110000MB0123456" + uscc_check("A1110000MB0123456")

    subject = parse_subject_code(code)

    assert subject.kind is SubjectKind.LEGAL_PERSON


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_any_body_with_its_check_character_is_a_legal_person(body: str) -> None:
    subject = parse_subject_code(body + uscc_check(body))

    assert subject.kind is SubjectKind.LEGAL_PERSON


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17), st.sampled_from(CHARSET))
def test_a_wrong_check_character_is_never_a_legal_person(body: str, check: str) -> None:
    if check == uscc_check(body):
        return
    try:
        subject = parse_subject_code(body + check)
    except InvalidSubjectCode:
        return

    # A wrong USCC check character may still make a valid resident ID.
    assert subject.kind is SubjectKind.NATURAL_PERSON


def test_lower_case_and_whitespace_are_normalised() -> None:
    subject = parse_subject_code(" 9135 0100\tm000 100y43\u3000\n")

    assert subject.value == "91350100M000100Y43"


def test_legal_person_code_is_shown_unmasked() -> None:
    subject = parse_subject_code("91350100M000100Y43")

    assert subject.masked == "91350100M000100Y43"


def test_resident_identity_number_is_a_natural_person() -> None:
    subject = parse_subject_code("11010519491231002x")

    assert subject == SubjectCode("11010519491231002X", SubjectKind.NATURAL_PERSON)


def ric_check(body: str) -> str:
    return "10X98765432"[sum(int(c) * 2 ** (17 - i) for i, c in enumerate(body)) % 11]


def test_a_resident_identity_number_that_is_also_a_valid_uscc_is_a_person_s() -> None:
    code = "110105199005171188"
    assert uscc_check(code[:17]) == ric_check(code[:17]) == code[17]

    subject = parse_subject_code(code)

    assert (subject.kind, subject.ambiguous) == (SubjectKind.NATURAL_PERSON, True)
    assert subject.masked == "110105********1188"


def test_a_code_valid_as_both_kinds_may_be_taken_as_either() -> None:
    subject = parse_subject_code("110105199005171188")

    company = subject.as_kind(SubjectKind.LEGAL_PERSON)

    assert company == SubjectCode("110105199005171188", SubjectKind.LEGAL_PERSON)
    assert company.masked == "110105199005171188"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("91350100M000100Y43", SubjectKind.NATURAL_PERSON),
        ("11010519491231002X", SubjectKind.LEGAL_PERSON),
    ],
)
def test_a_code_valid_as_one_kind_cannot_be_taken_as_the_other(
    code: str, kind: SubjectKind
) -> None:
    subject = parse_subject_code(code)

    assert not subject.ambiguous
    with pytest.raises(InvalidSubjectCode, match=f"not a {kind.value}"):
        subject.as_kind(kind)


@given(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_a_resident_identity_number_is_ambiguous_when_valid_as_a_uscc(
    area: str, born: date, serial: str
) -> None:
    body = f"{area}{born:%Y%m%d}{serial}"
    code = body + ric_check(body)

    subject = parse_subject_code(code)

    assert subject.kind is SubjectKind.NATURAL_PERSON
    assert subject.ambiguous == (uscc_check(body) == code[17])


def test_resident_identity_number_with_unknown_area_code_is_accepted() -> None:
    # Hand-computed: 2·2 + 2·9 + 2·10 + 9·5 = 87 ≡ 10 (mod 11) → "10X98765432"[10] = 2
    subject = parse_subject_code("000000200002290002")

    assert subject.kind is SubjectKind.NATURAL_PERSON


def test_natural_person_is_masked_in_public() -> None:
    subject = parse_subject_code("11010519491231002X")

    assert subject.masked == "110105********002X"


def test_masking_keeps_first_six_and_last_four() -> None:
    assert mask_identity_number("11010519491231002X") == "110105********002X"


def test_masking_rejects_a_number_of_the_wrong_length() -> None:
    with pytest.raises(InvalidSubjectCode, match="18 characters, got 5"):
        mask_identity_number("12345")


@pytest.mark.parametrize(("raw", "length"), [("", 0), ("91350100M000100Y4", 17)])
def test_wrong_length_is_rejected(raw: str, length: int) -> None:
    with pytest.raises(InvalidSubjectCode) as error:
        parse_subject_code(raw)

    assert str(error.value) == f"subject code must be 18 characters, got {length}"


@pytest.mark.parametrize(
    ("raw", "char", "position"),
    [
        ("91350100I000100Y43", "I", 9),
        ("O1350100M000100Y43", "O", 1),
        ("91350100M000100Y4-", "-", 18),
    ],
)
def test_bad_character_is_rejected_with_its_position(
    raw: str, char: str, position: int
) -> None:
    with pytest.raises(InvalidSubjectCode) as error:
        parse_subject_code(raw)

    assert str(error.value) == f"bad character {char!r} at position {position}"


def test_wrong_uscc_check_character_names_the_right_one() -> None:
    with pytest.raises(InvalidSubjectCode) as error:
        parse_subject_code("91350100M000100Y44")

    assert str(error.value) == "check character is '4' but should be '3'"


def test_wrong_check_on_digit_code_names_both_possible_right_ones() -> None:
    with pytest.raises(InvalidSubjectCode) as error:
        parse_subject_code("110105194912310021")

    message = str(error.value)
    assert message.startswith("check character is '1' but should be '")
    assert "or 'X' for a resident identity number" in message


def test_digit_code_with_impossible_birth_date_says_so() -> None:
    with pytest.raises(InvalidSubjectCode, match="'19491331' are not a valid date"):
        parse_subject_code("110105194913310021")


# 11010519900517002X mistyped in its first digit: its USCC check character
# happens to be right, so it parses as an organisation's code.
MISTYPED_NUMBER = "21010519900517002X"
TODAY = date(2026, 11, 28)


def test_a_mistyped_identity_number_that_passes_the_uscc_check_reads_as_one() -> None:
    code = parse_subject_code(MISTYPED_NUMBER)

    assert code.kind is SubjectKind.LEGAL_PERSON
    assert reads_as_mistyped_resident_number(code, TODAY)


@pytest.mark.parametrize(
    "value",
    [
        "91350100MA0000001P",  # letters: no identity number has them
        "210105203005170040",  # born after today
        "210105189905170040",  # born before 1900
    ],
)
def test_codes_that_cannot_be_a_persons_number_do_not_read_as_one(value: str) -> None:
    body = value[:17]
    code = parse_subject_code(body + uscc_check_char(body))

    assert not reads_as_mistyped_resident_number(code, TODAY)


def test_a_valid_identity_number_is_a_person_not_a_mistyped_one() -> None:
    code = parse_subject_code("11010519900517002X")

    assert code.kind is SubjectKind.NATURAL_PERSON
    assert not reads_as_mistyped_resident_number(code, TODAY)
