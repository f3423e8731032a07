"""The responsive layout (issue 22): every main page of every role, on a phone (375 px) and a laptop (1280 px),
fits the screen and passes axe with no violation at all; the navigation is one line on the laptop and one
"Menu" button on the phone that opens from the keyboard, without JavaScript."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login import sign_in

PHONE = {"width": 375, "height": 800}
LAPTOP = {"width": 1280, "height": 900}
ROLES = ["admin", "hr", "recruiter", "interviewer", "newhire"]
# Detail pages each role reaches from its lists: (the list, a link on it to follow).
DETAILS = {
    "admin": [("/pipeline/", 'main a[href^="/pipeline/candidates/"]'), ("/jobs/", 'main a[href^="/jobs/"]')],
    "hr": [("/pipeline/", 'main a[href^="/pipeline/candidates/"]'),
           ("/onboarding/", 'main a[href^="/onboarding/enrolments/"]')],
    "recruiter": [("/pipeline/", 'main a[href^="/pipeline/candidates/"]'), ("/jobs/", 'main a[href^="/jobs/"]')],
    "interviewer": [("/", 'main a[href^="/interviews/"]')],
    "newhire": [],
}
# From a candidate's page, their application's page.
APPLICATION_LINK = 'main a[href^="/pipeline/applications/"]'
# (url, width) pairs axe has already passed in this run: roles share most pages, so a later role only measures
# them (its navigation is audited on its own home page, which every role has).
AUDITED: set[tuple[str, str]] = set()


def _axe_violations(page) -> list[str]:
    """Every axe violation on the page, whatever its impact."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}" for v in violations]


def _first_href(page, selector: str) -> str | None:
    link = page.locator(selector).first
    return link.get_attribute("href") if link.count() else None


def _pages_of(page, role: str) -> list[str]:
    """The role's main pages, read from its own navigation, and a few detail pages reached from them."""
    page.goto("/")
    urls = page.eval_on_selector_all(".site-nav a", "links => links.map(a => a.getAttribute('href'))")
    assert urls, f"{role} sees no navigation"
    for list_url, selector in DETAILS[role]:
        page.goto(list_url)
        href = _first_href(page, selector)
        assert href, f"no link {selector} on {list_url} for {role}"
        urls.append(href)
        if "/pipeline/candidates/" in href:
            page.goto(href)
            application = _first_href(page, APPLICATION_LINK)
            if application:
                urls.append(application)
    return list(dict.fromkeys(urls))


@pytest.fixture
def signed_in(browser, live_server):
    """A browser context per role, signed in once and used for all its pages."""
    contexts = []

    def open_as(role: str):
        context = browser.new_context(base_url=live_server, viewport=LAPTOP)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, f"{role}@demo.example", DEMO_PASSWORD)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_fits_and_passes_axe_at_both_widths(signed_in, role):
    page = signed_in(role)
    urls = _pages_of(page, role)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for size, name in ((PHONE, "375"), (LAPTOP, "1280")):
        page.set_viewport_size(size)
        for url in urls:
            response = page.goto(url)
            assert response.ok, f"{url}: {response.status}"
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                problems.append(f"{name} px {url}: {width[0]} px wide")
            if (url, name) not in AUDITED or url == "/":
                found = _axe_violations(page)
                problems += [f"{name} px {url}: {v}" for v in found]
                if not found:
                    AUDITED.add((url, name))
            if name == "1280":
                height = page.locator(".site-nav .nav").bounding_box()["height"]
                if height > 48:
                    problems.append(f"{name} px {url}: the navigation is {height} px high, more than one line")
            if name == "375":  # the phone's pages, kept for review
                slug = url.strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(ARTIFACTS / f"layout-{role}-{name}-{slug}.png"), full_page=True)
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_the_phone_menu_is_collapsed_and_opens_from_the_keyboard(signed_in, role):
    page = signed_in(role)
    page.set_viewport_size(PHONE)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    home = nav.get_by_role("link", name="Home", exact=True)
    expect(home).to_be_hidden()
    menu = nav.locator("summary.menu-button")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    menu.focus()
    page.keyboard.press("Enter")
    expect(home).to_be_visible()
    assert home.bounding_box()["height"] >= 44
    # The open menu still fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Escape closes it and gives the focus back to the button (static/nav.js).
    page.keyboard.press("Escape")
    expect(home).to_be_hidden()
    expect(menu).to_be_focused()


def test_task_menus_open_from_the_keyboard_on_a_laptop(signed_in):
    page = signed_in("hr")
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary.menu-button")).to_be_hidden()
    fairness = nav.get_by_role("link", name="Fairness", exact=True)
    expect(fairness).to_be_hidden()
    insight = nav.locator("summary", has_text="Insight")
    insight.focus()
    page.keyboard.press("Enter")
    expect(fairness).to_be_visible()
    fairness_url = fairness.get_attribute("href")
    # Only one task menu is open at a time.
    nav.locator("summary", has_text="Hiring").click()
    expect(fairness).to_be_hidden()
    expect(nav.get_by_role("link", name="Candidates", exact=True)).to_be_visible()
    # A click elsewhere closes it.
    page.locator("main h1").click()
    expect(nav.get_by_role("link", name="Candidates", exact=True)).to_be_hidden()
    page.goto(fairness_url)
    expect(nav.locator("summary", has_text="Insight")).to_have_attribute("aria-current", "true")
    insight.click()
    expect(fairness).to_have_attribute("aria-current", "page")


def test_the_navigation_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
        nav = page.get_by_role("navigation", name="Main")
        nav.locator("summary.menu-button").click()
        nav.locator("summary", has_text="Hiring").click()
        nav.get_by_role("link", name="Jobs", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Jobs")
    finally:
        context.close()
