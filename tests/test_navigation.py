"""The navigation shows each role only what it may use."""
from __future__ import annotations

import re

import pytest

from hiring.models import Role

EXPECTED = {
    Role.ADMIN: ["Home", "Candidates", "My interviews", "Jobs", "Core values", "Rejection reasons", "Onboarding", "Programme", "The Offer", "Retention", "Departure reviews", "Calibration", "Fairness", "Does it predict?", "Model", "Users", "Audit log", "Sent mail", "Messages", "Erasure requests", "Single sign-on", "Webhooks", "Profile"],
    Role.HR: ["Home", "Candidates", "My interviews", "Jobs", "Core values", "Rejection reasons", "Onboarding", "Programme", "The Offer", "Retention", "Departure reviews", "Calibration", "Fairness", "Does it predict?", "Model", "Erasure requests", "Profile"],
    Role.RECRUITER: ["Home", "Candidates", "My interviews", "Jobs", "Onboarding", "Departure reviews", "Profile"],  # staff may mentor new hires
    Role.INTERVIEWER: ["Home", "My interviews", "Onboarding", "Departure reviews", "Profile"],
    Role.NEW_HIRE: ["Home", "Profile"],
}


def _nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_navigation(client, login_as, role):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert _nav_labels(html) == EXPECTED[role]

# The task menus each role sees (issue 22); a task with a single entry is that entry's link, not a menu.
EXPECTED_GROUPS = {
    Role.ADMIN: ["Hiring", "Onboarding", "The Offer", "Insight", "Admin"],
    Role.HR: ["Hiring", "Onboarding", "The Offer", "Insight"],
    Role.RECRUITER: ["Hiring"],
    Role.INTERVIEWER: [],
    Role.NEW_HIRE: [],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_task_menus(client, login_as, role):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r"<summary(?! class=\"menu-button)[^>]*>([^<]+)</summary>", nav) == EXPECTED_GROUPS[role]
    assert '<summary class="menu-button">Menu</summary>' in nav


def test_the_current_page_and_its_task_are_marked(client, login_as):
    login_as(Role.HR)
    html = client.get("/reports/fairness").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r'aria-current="page">([^<]+)<', nav) == ["Fairness"]
    assert re.findall(r'aria-current="true">([^<]+)<', nav) == ["Insight"]


@pytest.mark.parametrize("role", list(Role))
def test_every_navigation_link_opens_for_that_role(client, login_as, role):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S).group(1)
    for href in re.findall(r'href="([^"]+)"', nav):
        assert client.get(href).status_code == 200, href


def test_signed_out_pages_show_no_navigation(client):
    assert '<nav aria-label="Main"' not in client.get("/login").get_data(as_text=True)
