"""Following the main navigation as a person does: its links sit in task menus (and, on a phone, behind "Menu"),
so the menus that hold a link are opened before it is clicked."""
from __future__ import annotations

import re


def nav_link(page, name: str):
    """The main navigation's link called exactly `name`, made visible by opening the menus that hold it."""
    exactly = re.compile(rf"^\s*{re.escape(name)}\s*$")
    # The stylesheet decides whether "Menu" shows (phones) or not: asked before it has loaded, the button was
    # visible, then hidden by the time it was clicked, and the click waited in vain (a CI run, once).
    page.wait_for_load_state("load")
    link = page.locator(".site-nav a").filter(has_text=exactly)
    if not link.is_visible():
        menu = page.locator(".site-nav summary.menu-button")
        if menu.is_visible() and not page.locator(".site-nav details.menu[open]").count():
            menu.click()
        group = page.locator(".site-nav details.group").filter(has=page.locator("a", has_text=exactly))
        if group.count() and not link.is_visible():
            group.locator("> summary").click()
    return link


def go_to(page, name: str) -> None:
    """Open the page the main navigation calls `name`."""
    nav_link(page, name).click()
