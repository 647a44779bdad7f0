"""On a phone (390 px), the pages managers live on fit the window: the home page, the employer
dashboard, the SPO dashboard and its view of a partner employer, the learner page and the
certificates to manage, in English and in French. Nothing scrolls sideways, and what a manager
reads each row for (a learner's name, status and due date; an employer's name, overdue count
and completion; a certificate's holder, status and expiry) lies within the window, measured
on the rendered boxes."""

import pytest
from playwright.sync_api import Page

from learning.demo import EMPLOYER_ADMIN, SPO_MANAGER
from learning.models import Organization
from tests.e2e.accessibility import horizontal_overflow, off_window, widest_elements
from tests.e2e.steps import NARROW, Text, demo_seed, open_window, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Fit:
    """Collects, page after page, what does not fit the window."""

    def __init__(self, t: Text):
        self.t = t
        self.problems: list[str] = []

    def page(self, page: Page, path: str, label: str) -> None:
        response = page.goto(path)
        assert response.status == 200, f"{label}: {path} answered {response.status}"
        overflow = horizontal_overflow(page)
        if overflow:
            culprits = ", ".join(widest_elements(page))
            self.problems.append(f"{label}: scrolls {overflow}px sideways ({culprits})")

    def shown(self, locator, label: str, *, at_least: int = 1) -> None:
        count = locator.count()
        if count < at_least:
            self.problems.append(f"{label}: {count} found, {at_least} expected")
        self.problems += off_window(locator, label)

    def learner_rows(self, page: Page, label: str) -> None:
        """Each learner's name, each status and each due date of a dashboard's list."""
        t = self.t
        self.shown(page.locator(".learner-cell > a"), f"{label}: learner name", at_least=4)
        self.shown(page.locator(f'td[data-label="{t("Status")}"]'), f"{label}: status", at_least=4)
        self.shown(page.locator(f'td[data-label="{t("Due date")}"]'), f"{label}: due date",
                   at_least=4)  # fmt: skip


def record_values(page: Page, label: str):
    """The values of a learner page's summary lists labelled ``label``."""
    return (
        page.locator(".record .summary-list > div")
        .filter(has=page.locator("dt", has_text=label))
        .locator("dd")
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_manager_pages_fit_a_phone(windows, language):
    employer = demo_seed()
    spo = Organization.objects.get(memberships__user__email=SPO_MANAGER[1])
    learner = employer.memberships.get(user__first_name="Mateo").user
    t = Text(language)
    fit = Fit(t)

    visitor = open_window(windows, language)
    visitor.set_viewport_size(NARROW)
    fit.page(visitor, f"/{language}/", "home page")
    fit.shown(visitor.locator(".audience .button"), "home page: call to action", at_least=3)

    admin = sign_in(windows, email=EMPLOYER_ADMIN[1], password=EMPLOYER_ADMIN[2], t=t)
    admin.set_viewport_size(NARROW)
    fit.page(admin, f"/{language}/employer/{employer.pk}/", "employer dashboard")
    fit.learner_rows(admin, "employer dashboard")
    fit.page(admin, f"/{language}/employer/{employer.pk}/learners/{learner.pk}/", "learner page")
    fit.shown(admin.get_by_role("heading", level=1), "learner page: name")
    fit.shown(admin.locator(".record .status"), "learner page: status", at_least=2)
    fit.shown(record_values(admin, t("Due date")), "learner page: due date", at_least=2)

    manager = sign_in(windows, email=SPO_MANAGER[1], password=SPO_MANAGER[2], t=t)
    manager.set_viewport_size(NARROW)
    fit.page(manager, f"/{language}/spo/{spo.pk}/", "SPO dashboard")
    rows = "SPO dashboard: employer"
    fit.shown(manager.locator("th[scope=row] > a"), f"{rows} name", at_least=2)
    fit.shown(manager.locator(f'td[data-label="{t("Overdue")}"]'), f"{rows} overdue",
              at_least=2)  # fmt: skip
    fit.shown(manager.locator(f'td[data-label="{t("Completion %")}"]'), f"{rows} completion",
              at_least=2)  # fmt: skip
    fit.page(manager, f"/{language}/spo/{spo.pk}/employers/{employer.pk}/", "SPO: employer")
    fit.learner_rows(manager, "SPO: employer")
    fit.page(
        manager,
        f"/{language}/spo/{spo.pk}/employers/{employer.pk}/learners/{learner.pk}/",
        "SPO: learner page",
    )
    fit.shown(manager.get_by_role("heading", level=1), "SPO: learner page: name")
    fit.shown(manager.locator(".record .status"), "SPO: learner page: status", at_least=2)
    fit.page(manager, f"/{language}/verify/manage/", "certificates to manage")
    rows = "certificates to manage: certificate"
    fit.shown(manager.locator("th[scope=row]"), f"{rows} holder", at_least=2)
    fit.shown(manager.locator(f'td[data-label="{t("Status")}"]'), f"{rows} status", at_least=2)
    fit.shown(manager.locator(f'td[data-label="{t("Valid until")}"]'), f"{rows} expiry",
              at_least=2)  # fmt: skip

    assert fit.problems == []
    assert windows.problems == []
