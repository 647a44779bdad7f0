"""Certificate codes: random, grouped for people, forgiving to read, typos caught."""

import pytest

from certificates.codes import InvalidCode, code_display, code_generate, code_normalize


def test_codes_are_16_characters_and_a_check_character():
    code = code_generate()

    assert len(code) == 17
    assert code_display(code).count("-") == 4
    assert [len(group) for group in code_display(code).split("-")] == [4, 4, 4, 4, 1]


def test_codes_are_random_not_sequential():
    codes = {code_generate() for _ in range(2000)}

    assert len(codes) == 2000
    assert len({code[:4] for code in codes}) > 500


def test_reading_a_code_ignores_case_hyphens_and_spaces():
    code = code_generate()
    typed = " ".join(code_display(code).lower().split("-"))

    assert code_normalize(typed) == code


def test_reading_a_code_takes_i_and_l_for_1_and_o_for_0():
    body = "0123456789ABCDEF"
    code = code_normalize(body + _check(body))
    typed = "O" + "I" + code[2:]  # 0 → O, 1 → I
    assert code_normalize(typed) == code
    assert code_normalize("o" + "l" + code[2:]) == code


def _check(body: str) -> str:
    import base32_crockford

    return base32_crockford.encode(base32_crockford.decode(body), checksum=True)[-1]


@pytest.mark.parametrize("position", range(16))
def test_a_single_typo_is_caught_by_the_check_character(position):
    code = code_generate()
    wrong = "X" if code[position] != "X" else "Y"

    with pytest.raises(InvalidCode):
        code_normalize(code[:position] + wrong + code[position + 1 :])


@pytest.mark.parametrize("text", ["", "ABC", "A" * 30, "!!!!-????-####-$$$$-%", None])
def test_malformed_codes_are_invalid(text):
    with pytest.raises(InvalidCode):
        code_normalize(text)
