"""Steps through the public site that several journeys take: what the site says in a language,
signing in, following an emailed invitation, working through a module's lessons and quiz,
revoking a certificate, downloading files, reading PDFs, and screenshots at two widths."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from certificates.models import Certificate
from cms.demo import seed_site
from cms.management.commands.seed_demo import demo_seed as demo_database_seed
from courses.demo import seed_catalogue
from courses.models import ModulePage
from learning.demo import answers_for
from learning.models import Organization, QuizAttempt
from tests.conftest import REQUIRE_BROWSER
from tests.learning.test_organizations import LINK
from tests.snapshots import seeded

PASSWORD = "harbour lights at dawn 2026"
LOCALES = {"en": "en-CA", "fr": "fr-CA"}
# A desktop window and a phone's (the width GOV.UK and Canada.ca design for first).
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


class Text:
    """What the site says in one language, from the project's catalogs. In French, a message
    missing from the catalogs fails the journey: the page would show it in English."""

    def __init__(self, language: str):
        self.language = language
        self.catalog = trans_real.translation(language)._catalog

    def __call__(self, message: str, **values) -> str:
        self._check(message)
        with translation.override(self.language):
            text = translation.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, count: int, **values) -> str:
        self._check((singular, 0))
        with translation.override(self.language):
            text = translation.ngettext(singular, plural, count)
        return text % {"count": count, **values}

    def _check(self, key) -> None:
        if self.language != "en":
            assert key in self.catalog, f"not translated into {self.language}: {key!r}"


def catalogue_seed() -> None:
    """The site and the bilingual catalogue, without organizations or accounts."""
    seed_site()
    seed_catalogue()


def demo_seed() -> Organization:
    """The demo (``demo_database_seed``). Returns Harbourview Fabrication, whose enrolments in
    its SPO's two modules are all past due."""
    seeded(demo_database_seed)
    return Organization.objects.get(legal_name="Harbourview Fabrication Ltd.")


def open_window(windows, language: str) -> Page:
    """A browser window of its own (own cookies), its browser set to ``language``."""
    return windows.open(locale=LOCALES[language])


def sign_in(windows, *, email: str, password: str, t: Text) -> Page:
    """A window of the user's own, signed in through the site's sign-in page."""
    page = open_window(windows, t.language)
    page.goto(f"/{t.language}/accounts/login/")
    field(page, t("Email address")).fill(email)
    field(page, t("Password")).fill(password)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    expect(page.get_by_role("button", name=t("Sign out"))).to_be_visible()
    # Signing in keeps the page's language.
    expect(page).to_have_url(re.compile(rf"/{t.language}/"))
    return page


def error_pages(page: Page) -> list[str]:
    """The pages ``page`` will open that answer with an error status, as ``"status url"``;
    the list grows as the window goes on."""
    found: list[str] = []

    def check(response) -> None:
        if response.request.resource_type == "document" and response.status >= 400:
            found.append(f"{response.status} {response.url}")

    page.on("response", check)
    return found


def both_widths(screenshots, page: Page, step: str) -> None:
    """Screenshots of the page as it is, in a desktop window and on a phone; the window
    gets its own size back."""
    size = page.viewport_size
    for name, width in (("wide", WIDE), ("narrow", NARROW)):
        page.set_viewport_size(width)
        screenshots(page, f"{step} {name}")
    page.set_viewport_size(size)


def invitation_link(mailoutbox, email: str, language: str) -> str:
    """The path of the invitation link emailed to ``email``, which is in ``language``."""
    sent = [message for message in mailoutbox if message.to == [email]]
    assert len(sent) == 1
    match = LINK.search(sent[0].body)
    assert match[1] == language
    return f"/{match[1]}/invitations/{match[2]}/"


def revocation_fill(page: Page, t: Text, *, code: str, holder: str, note: str) -> None:
    """From the list of certificates to manage, ask to revoke certificate ``code`` (held by
    ``holder``) as issued in error; ends on the confirmation, before "Yes, revoke"."""
    row = page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text(holder)
    row.get_by_role("link", name=re.compile("^" + re.escape(t("Revoke")))).click()
    field(page, t("Reason")).select_option(Certificate.RevocationReason.ISSUED_IN_ERROR)
    field(page, t("Note")).fill(note)
    page.get_by_role("button", name=t("Continue")).click()
    expect(page.get_by_role("button", name=t("Yes, revoke the certificate"))).to_be_visible()


def rows_apart(page: Page, rows) -> None:
    """Each row of a summary list is its own line: rows do not overlap, and within a row
    the value sits beside its label (wide windows) or under it (narrow ones), never on the
    label's line after it."""
    boxes = []
    for index in range(rows.count()):
        row = rows.nth(index)
        label, value = row.locator("dt").bounding_box(), row.locator("dd").bounding_box()
        boxes.append((row.bounding_box(), label, value))
    for (row, label, value), (below, _l, _v) in zip(boxes, boxes[1:], strict=False):
        assert below["y"] >= row["y"] + row["height"] - 1
        bottom = row["y"] + row["height"] + 1
        assert label["y"] >= row["y"] - 1 and value["y"] + value["height"] <= bottom
    for _row, label, value in boxes:
        beside = value["x"] >= label["x"] + label["width"] - 1 and abs(value["y"] - label["y"]) < 4
        under = value["y"] >= label["y"] + label["height"] - 1 and abs(value["x"] - label["x"]) < 4
        assert beside or under, (label, value)


def field(scope, label: str):
    """The form control labelled ``label`` (Django's labels end with a colon)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\s*:?$"))


def main_nav(page: Page, t: Text):
    return page.get_by_role("navigation", name=t("Main"))


def messages(page: Page):
    return page.locator(".messages")


def module_titles(language: str) -> list[str]:
    """The live modules' titles in ``language``, in catalogue order."""
    return list(
        ModulePage.objects.live()
        .filter(locale__language_code=language)
        .order_by("path")
        .values_list("title", flat=True)
    )


def lessons_walk(page: Page, t: Text) -> int:
    """From the first lesson of a module not started yet, read each lesson to its end (the
    page's script marks it done), then "mark as done and continue", up to the quiz. Returns
    the number of lessons."""
    done = 0
    while True:
        end = page.locator("[data-lesson-end]")
        end.scroll_into_view_if_needed()
        # Waiting for the script's request keeps the browser's requests one at a time.
        expect(end).to_have_attribute("data-done", "")
        done += 1
        more = page.get_by_role("button", name=t("Mark as done and continue"))
        if not more.count():
            page.get_by_role("button", name=t("Mark as done"), exact=True).click()
            return done
        before = page.url
        more.click()
        page.wait_for_url(lambda url, before=before: url != before)
        if page.locator(".quiz").count():
            return done


def quiz_answer(page: Page, *, correct: bool) -> QuizAttempt:
    """Answer every question of the attempt on the page (right, or as wrong as each question
    allows) with the form's own controls. Returns the attempt."""
    attempt = QuizAttempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", page.url)[1]))
    form = page.locator("form.quiz-form")
    data = answers_for(attempt, correct=correct)
    for name in data:
        controls = form.locator(f'[name="{name}"]')
        if controls.first.evaluate("e => e.tagName") == "SELECT":
            controls.select_option(data.getlist(name))
        else:
            for value in data.getlist(name):
                form.locator(f'[name="{name}"][value="{value}"]').check()
    return attempt


def quiz_take(page: Page, t: Text, *, correct: bool, retake: bool = False) -> QuizAttempt:
    """From the quiz page (or, to retake, a results page), start an attempt, answer it and
    submit; ends on the results page. Returns the attempt, as graded."""
    label = t("Retake the quiz") if retake else t("Start the quiz")
    statement = page.locator('input[name="statement"]')
    if statement.count():
        statement.check()  # the learner's statement, asked before a certification attempt
    page.get_by_role("button", name=label).click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    attempt = quiz_answer(page, correct=correct)
    page.get_by_role("button", name=t("Submit my answers")).click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/results/$"))
    attempt.refresh_from_db()
    headline = page.locator(".result-headline")
    outcome = t("You passed.") if attempt.passed else t("You did not pass this time.")
    expect(headline).to_have_text(outcome)
    expect(page.locator(".result-score")).to_contain_text(
        t("%(percent)s%%", percent=floatformat(attempt.score, 0))
    )
    return attempt


def download(page: Page, link, folder: Path) -> Path:
    """Follow a download link; returns the file, saved in ``folder`` under its own name."""
    with page.expect_download() as event:
        link.click()
    path = folder / event.value.suggested_filename
    event.value.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


QR_TOOLS = {"pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"}


def need_tools(tools: dict[str, str]) -> None:
    """Skip a browser journey when one of ``tools`` (command: Debian package) is missing, or
    fail it under REQUIRE_BROWSER=1."""
    for tool, package in tools.items():
        if shutil.which(tool):
            continue
        message = f"{tool} not found (install the Debian package {package})"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)


def qr_decode(pdf: Path) -> list[str]:
    """What the QR codes printed on the PDF's first page say (poppler renders, zbar reads:
    see ``QR_TOOLS``)."""
    image = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", "1", str(pdf), str(image)],
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{image}.png"],
        check=True,
        capture_output=True,
        text=True,
    )
    return decoded.stdout.split()
