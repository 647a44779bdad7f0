"""French typography as Canadian French sets it (the Translation Bureau's style): a no-break
space before « : » and inside « », no space before « ; ! ? ». Editors and translators type
ordinary spaces, or none; these functions set the right ones.

``french_text`` works on plain text, ``french_html`` on markup: only text and the attributes
people read or hear (``alt``, ``title``, ``aria-label``, ``placeholder``, a button's ``value``)
are touched, never tags, other attributes, comments, code, or passages marked as another
language (``lang="en"``).
"""

import re
from html import escape, unescape

NBSP = "\u00a0"
# Spaces a typist may have set (ordinary, no-break, narrow no-break).
_SPACES = " \u00a0\u202f"

# A colon that ends a clause: followed by a space or the end of the text (so never the colon
# of a URL scheme, a time such as 9:30 or a ratio), after a character that is not a space.
_COLON = re.compile(rf"(?<=[^\s])[{_SPACES}]*:(?=\s|$)")
_COLON_AT_START = re.compile(rf"^[{_SPACES}]*:(?=\s|$)")
_OPENING_GUILLEMET = re.compile(rf"«[{_SPACES}]*")
_CLOSING_GUILLEMET = re.compile(rf"[{_SPACES}]*»")
_SPACE_BEFORE_PUNCTUATION = re.compile(rf"[{_SPACES}]+(?=[;!?])")

# Attributes whose words are read (shown, or spoken by a screen reader); an input's value only
# on buttons.
_WORDED = re.compile(
    r"""(?P<name>\s(?:alt|title|aria-label|placeholder|value))(?P<equals>\s*=\s*)"""
    r"""(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""",
    re.IGNORECASE,
)
_BUTTON_TYPES = frozenset({"submit", "button", "reset"})

# Elements whose text is not prose.
_VERBATIM = frozenset({"script", "style", "pre", "code", "kbd", "samp", "textarea", "var"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


def french_text(text: str, *, after: str = "") -> str:
    """``text`` with French spacing around « : ; ! ? « » ». ``after`` is the text that precedes
    it (in the previous run of a rich text), which decides whether a leading colon ends a
    clause."""
    text = _OPENING_GUILLEMET.sub("«" + NBSP, text)
    text = _CLOSING_GUILLEMET.sub(NBSP + "»", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub("", text)
    text = _COLON.sub(NBSP + ":", text)
    if after and not after[-1].isspace():
        text = _COLON_AT_START.sub(NBSP + ":", text)
    return text


# Markup, token by token: comments, declarations and processing instructions, end tags, start
# tags (attribute values may hold ">"). Text is what lies between tokens.
_TOKEN = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|(?P<other><![^>]*>|<\?[^>]*>)"
    r"|</(?P<end>[a-zA-Z][^\s/>]*)[^>]*>"
    r"""|<(?P<start>[a-zA-Z][^\s/>]*)(?P<attrs>(?:"[^"]*"|'[^']*'|[^'">])*)>""",
    re.DOTALL,
)
# Elements whose content is raw text up to their end tag, whatever it looks like.
_RAW_TEXT = frozenset({"script", "style"})
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_TYPE = re.compile(r"""\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
# A character reference (``&amp;``, ``&#x27;``, ``&nbsp;``).
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# Text that French spacing may change.
_PUNCTUATION = re.compile(r"[:;!?«»]")


def _attribute(pattern: re.Pattern, attrs: str) -> str | None:
    match = pattern.search(attrs)
    return next((group for group in match.groups() if group is not None), "") if match else None


class _Typesetter:
    """Copies markup as it came, setting French spacing in the text of French passages."""

    def __init__(self):
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, whether its text is French prose)
        self.previous = ""  # the text seen so far, for a colon at the start of a run

    def _french(self) -> bool:
        return self.open[-1][1] if self.open else True

    def _start_tag(self, tag: str, text: str, lang: str | None, attrs: str) -> str:
        """The start tag as it came, its worded attributes typeset if they are French."""
        if not (lang.lower().startswith("fr") if lang is not None else self._french()):
            return text
        if not _PUNCTUATION.search(attrs):
            return text
        button = tag == "input" and (_attribute(_TYPE, attrs) or "").lower() in _BUTTON_TYPES

        def typeset(match):
            if match["name"].strip().lower() == "value" and not button:
                return match[0]
            quote = '"' if match["double"] is not None else "'"
            value = match["double"] if match["double"] is not None else match["single"]
            french = french_text(unescape(value))
            if french == unescape(value):
                return match[0]
            return f"{match['name']}{match['equals']}{quote}{escape(french)}{quote}"

        return _WORDED.sub(typeset, text)

    def text(self, data: str) -> None:
        """Text between tags: its runs between character references are typeset one by one,
        and the references are kept as they were written."""
        position = 0
        for reference in _REFERENCE.finditer(data):
            self._run(data[position : reference.start()])
            self.out.append(reference[0])
            self.previous = unescape(reference[0])
            position = reference.end()
        self._run(data[position:])

    def _run(self, data: str) -> None:
        if not data:
            return
        if self._french() and _PUNCTUATION.search(data):
            data = french_text(data, after=self.previous)
        self.out.append(data)
        self.previous = data

    def start(self, tag: str, text: str, attrs: str) -> None:
        lang = _attribute(_LANG, attrs) if "lang" in attrs else None
        self.out.append(self._start_tag(tag, text, lang, attrs))
        if tag in _VOID or attrs.rstrip().endswith("/"):
            return
        french = self._french() and tag not in _VERBATIM
        if lang is not None:
            french = tag not in _VERBATIM and lang.lower().startswith("fr")
        self.open.append((tag, french))

    def end(self, tag: str, text: str) -> None:
        self.out.append(text)
        for position in range(len(self.open) - 1, -1, -1):
            if self.open[position][0] == tag:
                del self.open[position:]
                break

    def feed(self, html: str) -> None:
        position = 0
        while match := _TOKEN.search(html, position):
            self.text(html[position : match.start()])
            position = match.end()
            if match["start"]:
                tag = match["start"].lower()
                self.start(tag, match[0], match["attrs"])
                if tag in _RAW_TEXT:
                    close = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(html, position)
                    stop = close.start() if close else len(html)
                    self.out.append(html[position:stop])
                    position = stop
            elif match["end"]:
                self.end(match["end"].lower(), match[0])
            else:
                self.out.append(match[0])
        self.text(html[position:])


def french_html(html: str) -> str:
    """``html`` with French spacing set in its text (see the module's docstring)."""
    typesetter = _Typesetter()
    typesetter.feed(html)
    return "".join(typesetter.out)


_TAG = re.compile(r"</?[a-zA-Z]")


def french_message(message: str) -> str:
    """A translated message (plain text, or text with markup) with French spacing set."""
    return french_html(message) if _TAG.search(message) else french_text(message)


# -- Translation catalogs ---------------------------------------------------------------------

_PO_STRING = re.compile(
    r'^(?P<keyword>msgstr(?:\[\d+\])?|msgid|msgctxt|msgid_plural)\s+"(?P<text>.*)"\s*$'
)
_PO_CONTINUATION = re.compile(r'^"(?P<text>.*)"\s*$')


def french_catalog(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Set French spacing in every translation (``msgstr``) of the PO catalog ``text``.

    Returns the new catalog text and the ``(before, after)`` translations that changed. Only
    changed translations are rewritten (on one line); everything else keeps its bytes, so the
    diff shows only what changed. The header entry is left alone.
    """
    from polib import escape, unescape

    lines = text.splitlines(keepends=True)
    out: list[str] = []
    changes: list[tuple[str, str]] = []
    msgid_parts: list[str] = []
    position = 0
    while position < len(lines):
        line = lines[position]
        match = _PO_STRING.match(line)
        if match is None:
            out.append(line)
            position += 1
            continue
        keyword, parts = match["keyword"], [match["text"]]
        block = [line]
        position += 1
        while position < len(lines) and (more := _PO_CONTINUATION.match(lines[position])):
            parts.append(more["text"])
            block.append(lines[position])
            position += 1
        if keyword == "msgid":
            msgid_parts = parts
        if not keyword.startswith("msgstr") or not "".join(msgid_parts):
            out.extend(block)
            continue
        before = unescape("".join(parts))
        after = french_message(before)
        if after == before:
            out.extend(block)
            continue
        changes.append((before, after))
        ending = "\n" if block[-1].endswith("\n") else ""
        out.append(f'{keyword} "{escape(after)}"{ending}')
    return "".join(out), changes
