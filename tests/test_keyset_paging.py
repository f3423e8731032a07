"""The candidate list pages by cursor (hiring.paging.KeysetPage): Next and Previous carry the row they continue
from, so that a deep page is an index range rather than OFFSET over every entry before it."""
from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import sqlalchemy.dialects.postgresql

from hiring.extensions import db
from hiring.models import Application
from hiring.paging import beyond, decode_cursor, encode_cursor
from hiring.pipeline import queries, views
from tests import factories

ROW = re.compile(r'<th scope="row"><a href="/pipeline/candidates/(\d+)"')
SORTS = list(queries.SORTS)


@pytest.fixture
def listed(app, monkeypatch):
    """23 candidates with one application each: applied_at with ties, fits with ties and NULLs, names with
    ties; five to a page."""
    monkeypatch.setattr(views, "PER_PAGE", 5)
    r = random.Random(7)
    base = datetime(2026, 5, 1, 9, tzinfo=timezone.utc)
    job = factories.job()
    for i in range(23):
        a = factories.application(job, factories.candidate(name=f"Name {r.choice('ABC')}"))
        a.applied_at = base + timedelta(hours=r.choice([0, 1, 2, 3]))
        a.values_fit = r.choice([None, 50.0, 61.5, 70.0])
        a.requirements_fit = r.choice([None, 40.0, 90.0])
    db.session.commit()
    return job


def _expected(sort: str) -> list[int]:
    """The candidates in the list's order, straight from the database (no paging)."""
    order = tuple(k.ordering for k in queries.SORTS[sort])
    listing = queries.application_list(db.session, "", None, None, sort)
    return [a.candidate_id for a in db.session.scalars(listing.load.order_by(None).order_by(*order)).unique()]


def _walk(client, url: str, rel: str) -> tuple[list[list[int]], list[str]]:
    pages, labels = [], []
    while url:
        assert len(pages) < 10, "the pager did not end"
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        pages.append([int(x) for x in ROW.findall(html)])
        labels.append(re.search(r"Page (\d+) of (\d+)", html).group(0))
        link = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
        url = link.group(1).replace("&amp;", "&") if link else None
    return pages, labels


@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_visit_every_row_once_in_order(client, login_as, listed, sort):
    login_as("recruiter")
    expected = _expected(sort)
    pages, labels = _walk(client, f"/pipeline/?sort={sort}", "next")
    assert [c for page in pages for c in page] == expected
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert labels == [f"Page {n} of 5" for n in range(1, 6)]
    # From the last page back: the same pages, the last link back to page 1 has no cursor.
    last = client.get(f"/pipeline/?sort={sort}").get_data(as_text=True)
    for _ in range(4):
        last_url = re.search(r'<a href="([^"]+)" rel="next">', last).group(1).replace("&amp;", "&")
        last = client.get(last_url).get_data(as_text=True)
    back, _labels = _walk(client, last_url, "prev")
    assert back == pages[::-1]
    first_link = re.search(r'<a href="([^"]+)" rel="prev">', client.get(
        re.search(r'<a href="([^"]+)" rel="next">', client.get(f"/pipeline/?sort={sort}").get_data(
            as_text=True)).group(1).replace("&amp;", "&")).get_data(as_text=True)).group(1)
    assert "before=" not in first_link and "page=1" in first_link


def test_a_cursor_page_reads_no_offset_and_its_query_count_is_the_first_pages(client, login_as, listed,
                                                                                count_queries):
    login_as("recruiter")
    client.get("/pipeline/")
    with count_queries() as first:
        html = client.get("/pipeline/?sort=values_fit").get_data(as_text=True)
    url = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    with count_queries() as deeper:
        assert client.get(url).status_code == 200
    assert deeper.count == first.count
    # The page after the cursor (SQLite's dialect writes OFFSET ? with 0 after every LIMIT, so read the statement).
    # Past a scored row: the scored rows after it and the unscored ones, two index ranges (hiring.paging.ranges),
    # not one OR that PostgreSQL answers by walking the index from its start.
    assert any("(applications.values_fit, applications.id) <" in s and "UNION ALL" in s
               and "applications.values_fit IS NULL" in s for s in deeper.statements), deeper.statements
    keys = queries.SORTS["values_fit"]
    row = db.session.scalars(sa.select(Application).order_by(Application.id)).first()
    seek = queries.application_list(db.session, "", None, None, "values_fit").seek(
        5, decode_cursor(keys, encode_cursor(keys, row)), True)
    assert "OFFSET" not in str(seek.compile(dialect=sa.dialects.postgresql.dialect())), seek


@pytest.mark.parametrize("token", ["garbage", "W10", "WyJ4IiwxXQ", "WzEsMiwzXQ", "%00", "eyJhIjoxfQ"])
def test_a_cursor_that_is_not_ours_starts_again_at_page_one(client, login_as, listed, token):
    login_as("recruiter")
    for arg in ("after", "before"):
        response = client.get(f"/pipeline/?sort=newest&page=3&{arg}={token}")
        assert response.status_code in (200, 400)  # a NUL is refused before any view (hiring.bounds)
        if response.status_code == 200:
            html = response.get_data(as_text=True)
            assert "Page 1 of 5" in html
            assert [int(x) for x in ROW.findall(html)] == _expected("newest")[:5]


def test_an_old_page_number_link_still_works(client, login_as, listed):
    login_as("recruiter")
    html = client.get("/pipeline/?sort=name&page=3").get_data(as_text=True)
    assert [int(x) for x in ROW.findall(html)] == _expected("name")[10:15]
    assert "the list starts again at its first page" not in html


def test_an_old_page_number_link_too_deep_for_offset_starts_again_at_page_one(client, login_as, listed, monkeypatch):
    """A page number without a cursor is read with OFFSET only up to paging.OFFSET_PAGES deep: deeper, the first
    page is shown and says why, so that no link costs more than that many pages' index entries."""
    from hiring import paging

    monkeypatch.setattr(paging, "OFFSET_PAGES", 2)
    login_as("recruiter")
    html = client.get("/pipeline/?sort=name&page=2").get_data(as_text=True)
    assert [int(x) for x in ROW.findall(html)] == _expected("name")[5:10]
    html = client.get("/pipeline/?sort=name&page=3").get_data(as_text=True)
    assert [int(x) for x in ROW.findall(html)] == _expected("name")[:5]
    assert "Page 1 of 5" in html and "the list starts again at its first page" in html
    # Its Next link carries a cursor, as every link the app makes, and goes on from there.
    after = re.search(r'href="([^"]*after=[^"]*)" rel="next"', html).group(1).replace("&amp;", "&")
    html = client.get(after).get_data(as_text=True)
    assert [int(x) for x in ROW.findall(html)] == _expected("name")[5:10]
    assert "the list starts again" not in html


@pytest.mark.parametrize("sort", SORTS)
def test_beyond_agrees_with_the_order_for_every_row_both_ways(app, listed, sort):
    """For every row as a cursor: the rows after it are exactly those later in the list, and before it those
    earlier (NULLs last, ties broken by id)."""
    keys = queries.SORTS[sort]
    listing = queries.application_list(db.session, "", None, None, sort)
    ordered = list(db.session.scalars(listing.load.order_by(None).order_by(*listing.order)).unique())
    for i, row in enumerate(ordered):
        cursor = decode_cursor(keys, encode_cursor(keys, row))
        for forward, want in ((True, ordered[i + 1:]), (False, ordered[:i])):
            ids = set(db.session.scalars(listing.keys.where(beyond(keys, cursor, forward))))
            assert ids == {a.id for a in want}, (sort, i, forward)


def test_the_row_value_comparison_is_used_when_it_can_be(app):
    keys = queries.SORTS["newest"]
    sql = str(beyond(keys, [datetime(2026, 1, 1, tzinfo=timezone.utc), 5], True).compile(db.engine))
    assert sql.startswith("(applications.applied_at, applications.id) <"), sql
    mixed = str(beyond(queries.SORTS["values_fit"], [None, 5], True).compile(db.engine))
    assert "IS NULL" in mixed and " OR " in mixed, mixed


def test_the_candidate_list_seek_reads_an_index_range_on_sqlite(app, listed):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    keys = queries.SORTS["newest"]
    listing = queries.application_list(db.session, "", None, None, "newest")
    row = db.session.scalars(sa.select(Application).order_by(Application.id)).first()
    statement = listing.seek(50, decode_cursor(keys, encode_cursor(keys, row)), True)
    compiled = statement.compile(db.engine)
    plan = "\n".join(r[-1] for r in db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params[k] for k in compiled.positiontup)).all())
    assert "ix_applications_applied_at" in plan and "SCAN applications\n" not in plan + "\n", plan


@pytest.mark.parametrize("many", [False, True])
def test_a_broad_search_counts_up_to_the_cap_and_pages_on_past_it(client, login_as, listed, monkeypatch, many):
    """A search's count stops at COUNT_CAP (counting 36,000 matches' applications took 200 ms at a million):
    the page says "more than", numbers pages without "of", and Next walks every match once, to the end.
    `many`: past FEW_MATCHES, as for a common name (the index path instead of ids)."""
    monkeypatch.setattr(queries, "COUNT_CAP", 7)
    if many:
        monkeypatch.setattr(queries, "FEW_MATCHES", 3)
    login_as("recruiter")
    expected = [c for c in _expected("newest")]
    url, seen, labels = "/pipeline/?q=Name&sort=newest", [], []
    while url:
        assert len(labels) < 10, "the pager did not end"
        html = client.get(url).get_data(as_text=True)
        seen.extend(int(x) for x in ROW.findall(html))
        labels.append(re.search(r"Page \d+( of \d+)?", html).group(0))
        if len(labels) == 1:
            assert "More than 7 applications" in html, html
        link = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = link.group(1).replace("&amp;", "&") if link else None
    assert seen == expected  # all 23, in order, each once, past the cap of 7
    assert labels == [f"Page {n}" for n in range(1, 6)], labels
    # A count under the cap is exact, with "of".
    monkeypatch.setattr(queries, "COUNT_CAP", 1000)
    html = client.get("/pipeline/?q=Name&sort=newest").get_data(as_text=True)
    assert "23 applications" in html and "Page 1 of 5" in html


def test_a_broad_search_within_a_stage_counts_the_stage_not_the_matches(client, login_as, listed, monkeypatch):
    """Unfiltered, more matching candidates than the cap means more applications than the cap, and the count
    stops at the candidates (PostgreSQL read every match first); within a stage that does not follow: 23 people
    match, 2 of them are in screening, and the count says 2."""
    from hiring.models import Application, Stage

    monkeypatch.setattr(queries, "COUNT_CAP", 7)
    monkeypatch.setattr(queries, "FEW_MATCHES", 3)
    login_as("recruiter")
    for application in db.session.scalars(sa.select(Application).order_by(Application.id).limit(2)):
        application.stage = Stage.SCREENING
    db.session.commit()
    assert "More than 7 applications" in client.get("/pipeline/?q=Name").get_data(as_text=True)
    html = client.get("/pipeline/?q=Name&stage=screening").get_data(as_text=True)
    assert "2 applications" in html and "More than" not in html, html
    listing = queries.application_list(db.session, "Name", None, None, "newest")
    assert db.session.scalar(listing.total) == 8  # the cap and one: "more than 7"
