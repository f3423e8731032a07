"""The calibration page summarised and paged: its order (flagged first, least reliable items first), two tables
paged apart, junk page numbers, the summary's counts, escaping, and a query count that does not grow."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from hiring import snapshots
from hiring.extensions import db
from hiring.models import Role, utcnow
from hiring.scoring import calibration_page, calibration_service
from hiring.scoring.calibration import InterviewerCalibration, ItemReliability
from hiring.scoring.calibration_page import Page, interviewers_in_order, items_in_order, page_of, summary, tables
from tests import factories


def _person(pid: int, offset: float | None, *, flagged: bool = False) -> InterviewerCalibration:
    """An interviewer's figures; `flagged` gives the support and interval the flag rule asks for."""
    if offset is None:
        return InterviewerCalibration(interviewer_id=pid, scorecards=1)
    half = 0.1 if flagged else 10.0
    return InterviewerCalibration(interviewer_id=pid, scorecards=30, candidates=20 if flagged else 12,
                                  colleagues=4, raw_offset=offset, shrinkage=1.0, offset=offset,
                                  low=offset - half, high=offset + half)


# --- the pure ordering, paging and counting -----------------------------------------------------------------

def test_flagged_first_then_the_largest_offsets_then_by_name():
    people = [_person(1, 0.3), _person(2, -0.45), _person(3, None), _person(4, 0.6, flagged=True),
              _person(5, -1.1, flagged=True), _person(6, 0.3), _person(7, 0.0), _person(8, 0.7)]
    names = {1: "bram", 2: "Anna", 3: "Aaron", 4: "Zoë", 5: "Yusuf", 6: "Anke", 7: "Cor", 8: "Dirk"}
    assert [p.flagged for p in people] == [False, False, False, True, True, False, False, False]
    # 8 has the largest offset of the unflagged (its interval includes zero); 6 and 1 tie, by name (case-blind).
    assert [p.interviewer_id for p in interviewers_in_order(people, names)] == [5, 4, 8, 2, 6, 1, 7, 3]


def test_an_interviewer_without_a_name_sorts_by_id_and_the_input_is_not_reordered():
    people = [_person(9, 0.2), _person(10, 0.2)]
    assert [p.interviewer_id for p in interviewers_in_order(people, {9: "Zed"})] == [10, 9]  # "10" < "zed"
    items = [ItemReliability("v1", 0.9, 5), ItemReliability("v2", None, 1), ItemReliability("r3", 0.1, 4),
             ItemReliability("v4", -0.2, 6), ItemReliability("v5", 0.1, 2)]
    ordered = items_in_order(items, {"v1": "Humble", "r3": "Job: Python", "v5": "Courage"})
    assert [i.item for i in ordered] == ["v4", "v5", "r3", "v1", "v2"]
    value = {"people": list(people), "names": {}, "items": list(items), "item_names": {}}
    tables(value, people_page=1, items_page=1)
    assert value["people"] == people and value["items"] == items  # the PDF reads the same lists, complete


def test_page_of_a_list():
    rows = list(range(120))
    first, last = page_of(rows, 1), page_of(rows, 3)
    assert first.items == list(range(50)) and first.pages == 3 and not first.has_prev and first.next_num == 2
    assert last.items == list(range(100, 120)) and last.prev_num == 2 and not last.has_next and last.next_num is None
    beyond = page_of(rows, 4)
    assert beyond.items == [] and beyond.total == 120 and beyond.past_end and beyond.prev_num == 3
    assert page_of(rows, 0).page == 1
    empty = page_of([], 1)
    assert empty.pages == 0 and not empty.past_end and not empty.has_next
    assert not page_of([], 2).past_end  # nothing to page through: the empty list's own message shows
    assert Page([1], 1, 1, 1).pages == 1 and page_of(rows, 2, per_page=7).items == list(range(7, 14))


def test_summary_counts():
    people = [_person(1, 0.8, flagged=True), _person(2, -0.9, flagged=True), _person(3, 0.7, flagged=True),
              _person(4, 0.9), _person(5, None)]
    items = [ItemReliability("v1", 0.5, 3), ItemReliability("v2", 0.67, 3), ItemReliability("v3", None, 1),
             ItemReliability("v4", -0.1, 3), ItemReliability("v5", 0.669, 3)]
    got = summary(people, items)
    assert (got.interviewers, got.flagged, got.lenient, got.severe) == (5, 3, 2, 1)
    assert (got.items, got.low, got.without_alpha) == (5, 3, 1)  # 0.5, -0.1 and 0.669; 0.67 is not low
    assert summary([], []) == calibration_page.Summary(0, 0, 0, 0, 0, 0)


# --- the page, on figures of known shape ---------------------------------------------------------------------

FLAGGED = [(1, 0.9), (2, -1.2), (3, 0.6)]
N_PEOPLE, N_ITEMS = 120, 130  # three pages of each at 50 a page


def _figures(*, people=None, names=None, items=None) -> dict:
    """A calibration snapshot's value: interviewers 1-3 flagged, 4-119 unflagged with offsets falling as the
    id rises, 120 without shared candidates; items 1-125 with alphas rising with the number, 126-130 none."""
    if people is None:
        people = [_person(pid, offset, flagged=True) for pid, offset in FLAGGED]
        people += [_person(pid, 0.4 - pid * 0.003) for pid in range(4, N_PEOPLE)] + [_person(N_PEOPLE, None)]
    if items is None:
        items = [ItemReliability(f"v{k}", k / 125 if k <= 125 else None, 10) for k in range(1, N_ITEMS + 1)]
    if names is None:
        names = {p.interviewer_id: f"Interviewer {p.interviewer_id:03d}" for p in people}
    return {"people": people, "names": names, "items": items,
            "item_names": {i.item: f"Item {int(i.item[1:]):03d}" for i in items},
            "between": 0.1, "within": 0.5, "first_versions": 0}


@pytest.fixture
def page(client, login_as, monkeypatch):
    """GET the calibration page over the figures given (default: `_figures()`); returns the HTML and the row
    names of the interviewers' table and of the items' table."""
    login_as(Role.HR)
    shown = {"value": _figures()}
    monkeypatch.setattr(calibration_service, "calibration",
                        lambda **_: snapshots.Cached(shown["value"], utcnow()))

    def get(query: str = "", value: dict | None = None, status: int = 200):
        if value is not None:
            shown["value"] = value
        response = client.get("/scoring/calibration" + query)
        assert response.status_code == status
        html = response.get_data(as_text=True)
        people, items = html.split('id="items"')
        return html, _rows(people), _rows(items)

    return get


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row">(.*?)</th>', html)


def _stat(html: str, label: str) -> int:
    return int(re.search(rf"<dt>{re.escape(label)}</dt><dd>(\d+)</dd>", html).group(1))


def test_the_summary_and_the_first_pages(page):
    html, people, items = page()
    assert (_stat(html, "Interviewers"), _stat(html, "Flagged interviewers")) == (120, 3)
    assert (_stat(html, "Items"), _stat(html, "Items with an alpha below 0.67")) == (130, 83)  # 83/125 < .67
    assert "Flagged by the rule below: 2 lenient, 1 severe." in html and "5 items have no alpha yet" in html
    # Flagged first, the largest offset first among them; then the unflagged by offset.
    assert people == ["Interviewer 002", "Interviewer 001", "Interviewer 003"] + [
        f"Interviewer {k:03d}" for k in range(4, 51)]
    assert items == [f"Item {k:03d}" for k in range(1, 51)]  # least reliable first
    assert html.count("Page 1 of 3") == 2 and html.count('<strong class="flag">low</strong>') == 50
    assert 'href="/scoring/calibration?people_page=2#interviewers" rel="next"' in html
    assert 'href="/scoring/calibration?items_page=2#items" rel="next"' in html


def test_the_two_tables_page_apart(page):
    html, people, items = page("?people_page=2&items_page=3")
    assert people == [f"Interviewer {k:03d}" for k in range(51, 101)]
    assert items == [f"Item {k:03d}" for k in range(101, 131)]  # the five without an alpha last
    assert "Page 2 of 3" in html and "Page 3 of 3" in html
    # Each table's links keep the other table's page.
    assert 'href="/scoring/calibration?people_page=3&amp;items_page=3#interviewers" rel="next"' in html
    assert 'href="/scoring/calibration?people_page=2&amp;items_page=2#items" rel="prev"' in html
    assert 'rel="next">' not in html.split('id="items"')[1]  # the last page of items
    _, people, items = page("?people_page=3")
    assert people[-1] == "Interviewer 120" and len(people) == 20 and items[0] == "Item 001"


@pytest.mark.parametrize("query", ["?people_page=abc&items_page=-2", "?people_page=0&items_page=",
                                   "?people_page=99999999999999999999999&items_page=2.5",
                                   "?_external=1&endpoint=x&_anchor=y"])
def test_junk_arguments_are_the_first_page(page, query):
    html, people, items = page(query)
    assert people[0] == "Interviewer 002" and items[0] == "Item 001"
    # Junk is not carried into the links, and no other argument reaches them.
    assert 'href="/scoring/calibration?people_page=2#interviewers"' in html
    assert 'href="/scoring/calibration?items_page=2#items"' in html and "http://" not in html.split("<main")[-1]


def test_a_page_past_the_end_says_so_and_links_to_the_first(page):
    html, people, items = page("?people_page=4&items_page=2")
    assert people == [] and items[0] == "Item 051"
    assert "This page is past the end of the list." in html
    assert 'href="/scoring/calibration?people_page=1&amp;items_page=2#interviewers">Go to the first page</a>' in html


def test_flagged_only(page):
    html, people, _ = page("?flagged=1&items_page=2")
    assert people == ["Interviewer 002", "Interviewer 001", "Interviewer 003"]
    assert 'name="flagged" value="1" checked' in html and 'name="items_page" value="2"' in html
    assert _stat(html, "Interviewers") == 120  # the summary counts everyone
    assert "Page 1 of" not in html.split('id="items"')[0]  # three rows: one page, no pager
    html, people, _ = page("?flagged=yes")
    assert len(people) == 50 and ' checked' not in html  # only "1" filters, as the checkbox sends
    value = _figures(people=[_person(1, 0.2), _person(2, None)])
    html, people, _ = page("?flagged=1", value)
    assert people == [] and "No interviewer is flagged." in html and "No scorecards submitted yet." not in html
    assert "Flagged by the rule below" not in html


def test_no_figures_yet(page):
    html, people, items = page("?people_page=3&items_page=2", _figures(people=[], items=[]))
    assert people == items == [] and "No scorecards submitted yet." in html and "No ratings yet." in html
    assert "past the end" not in html and 'name="flagged"' not in html
    assert _stat(html, "Interviewers") == 0 and _stat(html, "Flagged interviewers") == 0


def test_names_are_escaped(page):
    people = [_person(1, 0.9, flagged=True)]
    value = _figures(people=people, names={1: "<script>alert(1)</script>"},
                     items=[ItemReliability("v1", 0.3, 4)])
    value["item_names"] = {"v1": '<img src=x onerror="alert(2)">'}
    html, rows, items = page("", value)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert rows == ["&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert items == ["&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"]


def test_a_pdf_reader_of_the_same_value_still_sees_every_interviewer_in_the_snapshot_order(page):
    value = _figures()
    before = [replace(p) for p in value["people"]]
    page("?people_page=2&flagged=1", value)
    assert value["people"] == before and len(value["items"]) == N_ITEMS


# --- the page on real scorecards -----------------------------------------------------------------------------

def test_a_flagged_interviewer_comes_first_on_real_scorecards(client, login_as):
    login_as(Role.HR)
    value = factories.core_value(name="Be humble")
    lenient = factories.user(Role.INTERVIEWER, name="Zeno Lenient")
    strict, agreeing = (factories.user(Role.INTERVIEWER, name="Anna Strict"),
                        factories.user(Role.INTERVIEWER, name="Bert Strict"))
    factories.lenient_and_strict(value, lenient, strict, agreeing=agreeing)
    db.session.commit()
    html = client.get("/scoring/calibration").get_data(as_text=True)
    assert _rows(html.split('id="items"')[0])[0] == "Zeno Lenient"
    assert _stat(html, "Flagged interviewers") == 1 and "1 lenient, 0 severe" in html


def _pairs(value, interviewers):
    """Each interviewer rates one candidate with the next one: every interviewer has a submitted scorecard."""
    for first, second in zip(interviewers, interviewers[1:] + interviewers[:1]):
        application = factories.application()
        factories.submitted_scorecard(factories.assignment(application, first), {value: 4}, evidence="e")
        factories.submitted_scorecard(factories.assignment(application, second), {value: 3}, evidence="e")


def test_the_query_count_does_not_grow_with_the_interviewers(client, login_as, count_queries):
    login_as(Role.HR)
    value = factories.core_value(name="Be humble")
    _pairs(value, [factories.user(Role.INTERVIEWER) for _ in range(3)])
    db.session.commit()
    assert client.get("/scoring/calibration").status_code == 200  # a snapshot stored: each count below has one

    def visits(more: int) -> tuple[int, int, str]:
        """Queries of the visit that recomputes the figures (no background runner in tests) and of the next."""
        _pairs(value, [factories.user(Role.INTERVIEWER) for _ in range(more)])
        db.session.commit()
        with count_queries() as computed:
            html = client.get("/scoring/calibration?people_page=2").get_data(as_text=True)
        with count_queries() as stored:
            assert client.get("/scoring/calibration").status_code == 200
        return computed.count, stored.count, html

    few_computed, few, _ = visits(3)
    many_computed, many, html = visits(60)
    assert _stat(html, "Interviewers") == 66 and len(_rows(html.split('id="items"')[0])) == 16
    assert many_computed == few_computed and many == few
