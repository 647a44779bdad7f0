"""Accessibility checks for browser tests: axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules,
and reflow (no horizontal scrolling).

axe-core comes bundled with axe-playwright-python and is injected into the page under test;
nothing is fetched from the network.

    from tests.e2e.accessibility import assert_no_axe_violations, assert_reflows

    axe_preload(page.context)  # optional: loads axe-core with each page
    assert_no_axe_violations(page, "quiz results")
    assert_reflows(page, "quiz results")
"""

from axe_playwright_python.base import AXE_FILE_PATH, AXE_SCRIPT
from playwright.sync_api import BrowserContext, Page

# WCAG 2.0, 2.1 and 2.2, levels A and AA (WCAG 2.2's new level A criteria have no automated
# rules in axe-core, so it has no "wcag22a" tag).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# WCAG 1.4.10 (Reflow): content fits 320 CSS pixels without scrolling in two directions. 200%
# zoom of a 1280 px wide window lays the page out in 640 CSS pixels (see ``reflow_problems``).
REFLOW_WIDTHS = (320, 640)


def axe_preload(context: BrowserContext) -> None:
    """Load axe-core into every page ``context`` opens, as the page starts: checking many
    pages then skips injecting it into each (about a tenth of a second a page)."""
    context.add_init_script(path=AXE_FILE_PATH)


def axe_violations(page: Page, *, include=None, exclude=()) -> list[dict]:
    """axe-core's violations of the WCAG A and AA rules on ``page`` as it is now.

    ``include`` (a CSS selector) limits the check to part of the page; ``exclude`` lists
    selectors left out. Each violation is axe's own result: ``id``, ``impact``, ``help`` and
    ``nodes`` (each with its ``target`` selectors and ``html``)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    context = {}
    if include:
        context["include"] = [[include]]
    if exclude:
        context["exclude"] = [[selector] for selector in exclude]
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate(
        "([context, options]) => axe.run(context.include || context.exclude ? context : document,"
        " options)",
        [context, options],
    )
    return results["violations"]


def violations_report(violations: list[dict], label: str) -> list[str]:
    """One line per element in violation: ``label: rule (impact) at selector: help; html``."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(
                f"{label}: {violation['id']} ({violation['impact']}) at {target}:"
                f" {violation['help']}. {summary} {node['html'][:200]}"
            )
    return lines


def assert_no_axe_violations(page: Page, label: str, *, include=None, exclude=()) -> None:
    """Fail with every violation (rule id, target selector, page) when axe finds any."""
    lines = violations_report(axe_violations(page, include=include, exclude=exclude), label)
    assert not lines, f"axe-core found {len(lines)} violations:\n" + "\n".join(lines)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the window (0: nothing to scroll)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def widest_elements(page: Page, limit: int = 5) -> list[str]:
    """The elements reaching furthest past the window's right edge, as short descriptions."""
    return page.evaluate(
        """(limit) => {
            const width = window.innerWidth;
            const found = [];
            for (const element of document.body.querySelectorAll("*")) {
                const right = element.getBoundingClientRect().right + window.scrollX;
                if (right > width + 1) {
                    const name = element.tagName.toLowerCase()
                        + (element.id ? "#" + element.id : "")
                        + (element.className && typeof element.className === "string"
                            ? "." + element.className.trim().split(/\\s+/).join(".") : "");
                    found.push([right, name]);
                }
            }
            found.sort((a, b) => b[0] - a[0]);
            return found.slice(0, limit).map(([right, name]) => `${name} (${Math.round(right)}px)`);
        }""",
        limit,
    )


def reflow_problems(page: Page, label: str, widths=REFLOW_WIDTHS) -> list[str]:
    """Lay the page out at each width in turn (the window's height kept) and report each width
    at which the document scrolls sideways, with the elements that stick out. The window gets
    its original size back.

    200% zoom is checked the way a browser applies it: zooming a 1280 px window to 200% makes
    CSS pixels twice as large, so the page is laid out, media queries included, in a 640 px
    viewport. That is exactly a 640 px viewport; the CSS ``zoom`` property would instead scale
    the page inside an unchanged 1280 px viewport, leaving media queries and ``vw`` units as they
    were, and is not what users get."""
    size = page.viewport_size
    problems = []
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": size["height"]})
            overflow = horizontal_overflow(page)
            if overflow:
                culprits = ", ".join(widest_elements(page))
                problems.append(
                    f"{label}: scrolls {overflow}px sideways at {width}px wide ({culprits})"
                )
    finally:
        page.set_viewport_size(size)
    return problems


def assert_reflows(page: Page, label: str, widths=REFLOW_WIDTHS) -> None:
    """Fail when the page scrolls sideways at 320 px or at 200% zoom of a 1280 px window."""
    problems = reflow_problems(page, label, widths)
    assert not problems, "\n".join(problems)


# The box of what an element shows (its text and children; pseudo-elements such as a stacked
# table cell's label are left out), measured in the window.
CONTENT_BOX = """(element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const box = range.getBoundingClientRect();
    return {left: box.left, right: box.right, width: box.width, height: box.height,
            text: element.innerText.trim().slice(0, 60)};
}"""


def off_window(locator, label: str) -> list[str]:
    """Each element of ``locator`` whose content shows nothing, or does not lie within the
    window's width (cut off, or to be reached only by scrolling sideways)."""
    width = locator.page.viewport_size["width"]
    problems = []
    for index in range(locator.count()):
        box = locator.nth(index).evaluate(CONTENT_BOX)
        if not (box["width"] > 0 and box["height"] > 0):
            problems.append(f"{label} #{index} shows nothing ({box['text']!r})")
        elif box["left"] < 0 or box["right"] > width:
            problems.append(
                f"{label} #{index} spans {box['left']:.0f}..{box['right']:.0f}px, outside"
                f" 0..{width}px ({box['text']!r})"
            )
    return problems
