"""Certificate codes: 80 random bits as 16 Crockford base32 characters in four groups of
four, plus a check character (Crockford's mod-37 check symbol), e.g. ``7K3M-Q9TD-2BXN-H4RC-V``.

Reading one back is forgiving, as Crockford's alphabet intends: case does not matter, hyphens
and spaces are ignored, I and L read as 1, O reads as 0. A mistyped code is caught by the
check character before any database lookup. Codes are drawn at random, never sequential.
"""

import re
import secrets

import base32_crockford

BITS = 80
BODY_LENGTH = 16  # 80 bits / 5 bits per character
SEPARATORS = re.compile(r"[\s\-]+")


class InvalidCode(ValueError):
    """Not a well-formed certificate code (wrong length, characters or check character)."""


def code_generate() -> str:
    """A new random code in canonical form: 17 upper-case characters, no separators."""
    number = secrets.randbits(BITS)
    body = base32_crockford.encode(number).rjust(BODY_LENGTH, "0")
    check = base32_crockford.encode(number, checksum=True)[-1]
    return body + check


def code_normalize(text: str) -> str:
    """The canonical form of a typed or pasted code. Raises InvalidCode."""
    compact = SEPARATORS.sub("", text or "").upper()
    if len(compact) != BODY_LENGTH + 1:
        raise InvalidCode("wrong length")
    try:
        body = base32_crockford.normalize(compact[:-1])
        number = base32_crockford.decode(body + compact[-1], checksum=True)
    except (ValueError, KeyError) as error:
        raise InvalidCode(str(error)) from None
    canonical = base32_crockford.encode(number).rjust(BODY_LENGTH, "0")
    if canonical != body:
        raise InvalidCode("not canonical")
    return canonical + base32_crockford.encode(number, checksum=True)[-1]


def code_display(code: str) -> str:
    """``XXXX-XXXX-XXXX-XXXX-C`` for people."""
    body, check = code[:BODY_LENGTH], code[BODY_LENGTH:]
    groups = [body[i : i + 4] for i in range(0, BODY_LENGTH, 4)]
    return "-".join([*groups, check])
