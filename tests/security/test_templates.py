"""The site's own templates run under a policy without 'unsafe-inline': no inline scripts,
no inline event handlers, no style attributes or elements, no javascript: links."""

import re

import pytest

from tests.conftest import BASE_DIR

APPS = ("cms", "courses", "learning", "certificates")
# Overrides of Wagtail and wagtail-localize admin templates run under the admin's policy
# (cms.content_security). The HTML email layout is never served: email clients need its
# inline styles.
NOT_SERVED_BY_THE_SITE = (
    "templates/wagtailadmin/",
    "templates/wagtail_localize/",
    "templates/cms/emails/",
)
TEMPLATES = sorted(
    path
    for app in APPS
    for path in (BASE_DIR / app / "templates").rglob("*.html")
    if not any(part in path.as_posix() for part in NOT_SERVED_BY_THE_SITE)
)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: link": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_template_has_nothing_inline(template):
    text = template.read_text(encoding="utf-8")

    found = [name for name, pattern in INLINE.items() if pattern.search(text)]

    assert found == []
