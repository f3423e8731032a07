"""The Dutch catalogue is complete and current, and pages come out in the reader's language."""
from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "hiring" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "N_": None, "lazy_pgettext": ((1, "c"), 2)}
UPDATE = "pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 --no-location --sort-output -o hiring/translations/messages.pot . " \
         "&& pybabel update -i hiring/translations/messages.pot -d hiring/translations --ignore-obsolete " \
         "&& pybabel compile -d hiring/translations"


def _extracted() -> Catalog:
    """Every message the code and the templates ask for, extracted as `pybabel extract -F babel.cfg` does."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _dutch() -> Catalog:
    with open(TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale="nl")


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


@pytest.fixture(scope="module")
def dutch():
    return _dutch()


def test_extraction_finds_the_messages(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert len(ids) > 500
    assert "The Offer" in ids and "Sign in" in ids


def test_every_message_is_in_the_dutch_catalogue(extracted, dutch):
    missing = [m.id for m in extracted if m.id and dutch.get(m.id) is None]
    assert not missing, f"not in the Dutch catalogue (run: {UPDATE}): {missing}"


def test_every_dutch_message_is_translated_and_not_fuzzy(dutch):
    untranslated = [m.id for m in dutch if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in dutch if m.id and m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_the_dutch_catalogue_has_no_obsolete_entries(extracted, dutch):
    wanted = {m.id for m in extracted if m.id}
    stale = [m.id for m in dutch if m.id and m.id not in wanted]
    assert not dutch.obsolete, f"obsolete entries: {list(dutch.obsolete)}"
    assert not stale, f"no longer used by the code (run: {UPDATE}): {stale}"


def test_placeholders_survive_translation(dutch):
    problems = [m.id for m in dutch if m.id and m.check()]
    assert not problems, problems


def _key(message) -> tuple:
    """A message's context and id, plural ids as a tuple (read_mo gives them as a list)."""
    return message.context, tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id


def test_the_compiled_catalogue_is_current(dutch):
    """messages.mo answers every message as the .po says. Its bytes are not compared: they carry the compiling
    Babel's version in the header, so a newer Babel would fail an unchanged catalogue."""
    mo_path = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo"
    with open(mo_path, "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    with open(mo_path, "rb") as fh:
        compiled_ids = {_key(m) for m in read_mo(fh) if m.id}
    stale = "messages.mo is stale: run pybabel compile -d hiring/translations"
    expected = [m for m in dutch if m.id and m.string and not m.fuzzy]
    assert compiled_ids == {_key(m) for m in expected}, stale
    for message in expected:
        if isinstance(message.id, tuple):
            # Dutch has two plural forms: index 0 for one, 1 for any other number.
            for n, form in ((1, 0), (2, 1)):
                got = (compiled.npgettext(message.context, *message.id, n) if message.context
                       else compiled.ngettext(*message.id, n))
                assert got == message.string[form], f"{stale} ({message.id[0]!r})"
        else:
            got = compiled.pgettext(message.context, message.id) if message.context else compiled.gettext(message.id)
            assert got == message.string, f"{stale} ({message.id!r})"
    assert compiled.info().get("language") == "nl" and "nplurals=2" in compiled.info().get("plural-forms", "")


def test_login_page_follows_the_browser_language(client):
    dutch = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "<h1>Inloggen</h1>" in dutch and '<html lang="nl"' in dutch
    assert "<h1>Sign in</h1>" in english and '<html lang="en"' in english


def test_unsupported_browser_language_gets_the_site_default(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert "<h1>Sign in</h1>" in page


def test_a_dutch_user_gets_dutch_pages_whatever_the_browser_says(client, login_as):
    from hiring.extensions import db

    user = login_as("recruiter")
    user.locale = "nl"
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl"' in page and ">Kandidaten</a>" in page


def test_an_english_user_gets_english_pages_whatever_the_browser_says(client, login_as):
    from hiring.extensions import db

    user = login_as("recruiter")
    user.locale = "en"
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="en"' in page and ">Candidates</a>" in page


def test_a_user_chooses_a_language_in_their_profile(client, login_as):
    from hiring.extensions import db
    from hiring.models import AuditEvent

    user = login_as("interviewer")
    form = client.get("/account/profile").get_data(as_text=True)
    assert "Browser default" in form and "Nederlands" in form
    response = client.post("/account/profile", data={"locale": "nl"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Uw profiel is opgeslagen." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "nl"
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="locale_changed")).one()
    assert event.details == {"before": None, "after": "nl"}
    client.post("/account/profile", data={"locale": ""})
    db.session.refresh(user)
    assert user.locale is None


def test_an_unknown_language_is_refused_next_to_the_field(client, login_as):
    user = login_as("hr")
    response = client.post("/account/profile", data={"locale": "xx"})
    assert response.status_code == 400
    assert "Choose a language from the list." in response.get_data(as_text=True)
    assert user.locale is None


def test_money_and_numbers_follow_the_locale(app):
    from flask_babel import force_locale

    from hiring.labels import decimal, money, percent, signed

    with app.test_request_context():
        with force_locale("nl"):
            assert "4.000,00" in money(400_000, "EUR")
            assert (decimal(0.5, 2), signed(0.25, 2), percent(0.125, 1)) == ("0,50", "+0,25", "12,5%")
        with force_locale("en"):
            assert "4,000.00" in money(400_000, "USD")
            assert (decimal(0.5, 2), signed(-0.25, 2), percent(0.125, 1)) == ("0.50", "-0.25", "12.5%")


def test_reports_come_out_in_the_readers_language(client, login_as):
    from pypdf import PdfReader

    from hiring.extensions import db

    user = login_as("hr")
    user.locale = "nl"
    db.session.commit()
    # Big reports are prepared in the background, in the language of whoever asked for them.
    from hiring.snapshots import end_read_transaction
    from hiring.tasks import runner

    asked = client.post("/reports/jobs", data={"report": "retention"})
    assert asked.status_code == 302 and runner.wait_idle(60)
    end_read_transaction(db.session())  # the task's writes, seen by the test's next request
    with client.get(asked.headers["Location"] + "/download") as response:
        assert response.status_code == 200
        data = response.get_data()
    end_read_transaction(db.session())
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Het Aanbod en behoud" in text and "Wie vertrok, en waarom" in text
    assert "The Offer and retention" not in text


def test_cli_output_is_in_the_site_language(make_app):
    dutch_site = make_app(BABEL_DEFAULT_LOCALE="nl")
    result = dutch_site.test_cli_runner().invoke(args=["expire-offers"])
    assert result.exit_code == 0, result.output
    assert "0 aanbiedingen verlopen." in result.output
