"""The pages residents read, served by the real gunicorn portal with the demo register published by
the publish jobs: council facets, bad search input, dataset and resource pages without JavaScript,
table previews, DataTables views, light and compressed responses, "Service areas" wording."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import requests

from ckanext.westsuffolk import facets
from tests.integration.demo_content import publish_demo

pytestmark = [pytest.mark.live, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def demo(portal_url) -> list[dict]:
    return publish_demo(portal_url)


def get(portal_url: str, path: str, **params) -> requests.Response:
    return requests.get(portal_url + path, params=params, timeout=60)


def by_asset(demo: list[dict], asset_id: str) -> dict:
    return next(d for d in demo if d.get("asset_register_id") == asset_id)


class Tags(HTMLParser):
    """Start tags with their attributes, and the page's text (what a reader sees: no scripts)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def scripts(page: Tags) -> list[dict]:
    """JavaScript the page loads or runs (JSON-LD metadata blocks are data, not scripts)."""
    return [s for s in page.all("script") if s.get("type", "text/javascript") != "application/ld+json"]


# ---- search: the council's facets ----------------------------------------------------------

def test_search_offers_the_council_facets_and_hides_empty_ones(portal_url, demo):
    page = get(portal_url, "/dataset/")
    assert page.status_code == 200
    html = page.text
    for title in ("Service area", "Theme", "Area", "Transparency Code category", "Update frequency",
                  "Format", "Licence", "Validation result"):
        assert f">{title}</h3>" in html, title
    assert "Groups" not in html and "There are no" not in html  # CKAN's empty facets are gone
    assert "Government and public sector (" in html  # EU theme label, not the code GOVE
    assert "West Suffolk (whole district) (" in html  # area by name, not E07000245
    assert "Open Government Licence v3.0 (" in html


def test_facet_link_accessible_names_begin_with_their_visible_text(portal_url, demo):
    html = get(portal_url, "/dataset/", vocab_theme="GOVE").text
    facet_links = re.findall(r'<li class="westsuffolk-facet__item[^"]*">\s*<a ([^>]*)>(.*?)</a>', html, re.S)
    assert facet_links
    for attrs, _text in facet_links:
        assert "aria-label" not in attrs and "title=" not in attrs  # the name is the visible text
    assert re.search(r'aria-current="true">\s*Government and public sector \(\d+\)', html)


def test_each_facet_filters_the_results(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    for field, value in [(facets.THEME, spend["theme"][0]), (facets.AREA, "E07000245"),
                         (facets.TRANSPARENCY, spend["transparency_code_category"]),
                         (facets.FREQUENCY, spend["update_frequency"]), (facets.VALIDATION, "success"),
                         (facets.FORMAT, "CSV"), (facets.LICENCE, "uk-ogl"),
                         (facets.SERVICE_AREA, spend["organization"]["name"])]:
        result = requests.get(f"{portal_url}/api/3/action/package_search",
                              params={"fq": f'{field}:"{value}"', "rows": 100}, timeout=60).json()["result"]
        names = {d["name"] for d in result["results"]}
        assert spend["name"] in names, (field, value)
        page = get(portal_url, "/dataset/", q="spending", **{field: value})  # on the first page of results
        assert page.status_code == 200 and spend["title"] in page.text, (field, value)


def test_search_sorts_by_relevance_last_updated_and_name(portal_url, demo):
    html = get(portal_url, "/dataset/").text
    for label in ("Relevance", "Last updated", "Name (A to Z)"):
        assert f">{label}</option>" in html
    names = requests.get(f"{portal_url}/api/3/action/package_search",
                         params={"sort": "title_string asc", "rows": 100, "fq": "asset_register_id:IAR-*"},
                         timeout=60).json()["result"]["results"]
    titles = [d["title"] for d in names]
    assert titles == sorted(titles, key=str.lower) or titles == sorted(titles)
    by_name = get(portal_url, "/dataset/", sort="title_string asc", q="spending")
    assert by_name.status_code == 200 and '<option value="title_string asc" selected>' in by_name.text


def test_results_show_publisher_last_updated_formats_and_quality(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    html = get(portal_url, "/dataset/", q=f'"{spend["title"]}"').text
    html = html[html.index('class="westsuffolk-result-list"'):]
    item = html[html.index(spend["title"]):]
    item = item[:item.index("</li>")]
    assert "Published by" in item and spend["organization"]["title"] in item
    assert "Last updated" in item and "Formats" in item and "CSV" in item
    assert "westsuffolk-badge--success" in item


@pytest.mark.parametrize("params", [
    {"q": "title:("}, {"q": "*:*"}, {"q": "{!lucene}title:x"}, {"q": '"unbalanced'},
    {"q": "<script>alert(1)</script>"}, {"q": "x" * 5000}, {"q": "spending " * 600},
    {"vocab_theme": '"><img src=x onerror=alert(1)>'}, {"vocab_theme": "{!lucene}*:*"},
    {"tags": 'a"b'}, {"no_such_field": "x"}, {"a(b": "c"}, {"organization": "title:("},
    {"sort": "no_such_field desc"}, {"sort": "<b>"}, {"page": "-1"}, {"page": "abc"},
    {"_vocab_theme_limit": "abc"},
])
def test_bad_search_input_gives_a_page_or_a_clear_message_never_a_500(portal_url, demo, params):
    response = get(portal_url, "/dataset/", **params)
    assert response.status_code in (200, 400), (params, response.status_code)
    html = response.text
    assert "<script>alert(1)" not in html and "<img src=x onerror" not in html and "<b>" not in html.split("</head>")[1]
    text = " ".join(" ".join(Tags(html).text).split())
    if response.status_code == 400:  # CKAN's own error page, in the council layout, saying what was wrong
        assert "must be a positive integer" in text or "Invalid search" in text, text[:500]
    else:
        assert re.search(r"\d+ datasets?\b|That search could not be run|No datasets match", text), text[:500]


def test_unparseable_search_explains_itself_and_offers_the_plain_words(portal_url, demo):
    html = get(portal_url, "/dataset/", q="spending title:(").text
    assert "That search could not be run" in html
    assert "/dataset/?q=spending+title" in html


# ---- dataset page ----------------------------------------------------------------------------

def test_dataset_page_answers_the_residents_questions_without_javascript(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    response = get(portal_url, f"/dataset/{spend['name']}")
    assert response.status_code == 200
    page = Tags(response.text)
    text = " ".join(" ".join(page.text).split())
    for phrase in ("At a glance", "Published by", "Updated Quarterly", "Last updated", "Next update due",
                   "You can copy, publish, adapt and use this data", "Table schema", "Validation",
                   "Use this data", "Changes to this dataset"):
        assert phrase in text, phrase
    assert not scripts(page), "a public page loads no JavaScript"
    buttons = [a for a in page.all("a") if "westsuffolk-download__button" in (a.get("class") or "")]
    assert len(buttons) == len(spend["resources"])
    assert buttons[0]["href"] == spend["resources"][0]["url"]
    assert re.search(r"Download [^<]+<span[^>]*>\(CSV, [\d.]+ (bytes|KB|MB)\)", response.text)
    assert f"package_show?id={spend['name']}" in text and "datastore_search?resource_id=" in text
    assert f"/dataset/activity/{spend['name']}" in response.text
    feed = page.all("a", type="application/atom+xml")
    assert feed and get(portal_url, feed[0]["href"].replace(portal_url, "")).status_code == 200


def test_change_history_page_lists_the_publish_jobs_changes(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    response = get(portal_url, f"/dataset/activity/{spend['name']}")
    assert response.status_code == 200
    assert "created the dataset" in response.text or "updated the dataset" in response.text


# ---- resource page: preview, chart, DataTables -------------------------------------------------

def test_every_published_table_has_a_server_rendered_preview_and_a_datatables_view(portal_url, demo):
    for dataset in demo:
        for resource in dataset["resources"]:
            response = get(portal_url, f"/dataset/{dataset['name']}/resource/{resource['id']}")
            assert response.status_code == 200
            page = Tags(response.text)
            assert page.all("table", **{"class": "westsuffolk-table"}), f"no preview for {dataset['name']}"
            assert not scripts(page)
            views = requests.get(f"{portal_url}/api/3/action/resource_view_list", params={"id": resource["id"]},
                                 timeout=60).json()["result"]
            assert [v for v in views if v["view_type"] == "datatables_view"], f"no DataTables view: {dataset['name']}"
            assert "Open the interactive table" in response.text


def test_preview_shows_the_files_first_rows(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    resource = spend["resources"][0]
    html = get(portal_url, f"/dataset/{spend['name']}/resource/{resource['id']}").text
    csv_text = requests.get(resource["url"], timeout=60).content.decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    for column in header.split(",")[:4]:
        assert f'<th scope="col">{column}</th>' in html
    assert f"<td>{first.split(',')[2]}</td>" in html


def test_schema_with_a_category_and_a_measure_gets_a_chart_with_a_table_alternative(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    resource = spend["resources"][0]
    html = get(portal_url, f"/dataset/{spend['name']}/resource/{resource['id']}").text
    assert 'class="westsuffolk-bars"' in html and "The chart as a table" in html
    assert re.search(r'<caption id="chart-caption">Total amount by', html)


# ---- light, compressed, council wording -------------------------------------------------------

def test_public_pages_are_compressed_and_load_no_javascript_or_icon_font(portal_url, demo):
    spend = by_asset(demo, "IAR-0001")
    for path in ("/", "/dataset/", f"/dataset/{spend['name']}", "/organization/", "/schemas", "/transparency",
                 "/about"):
        response = requests.get(portal_url + path, headers={"Accept-Encoding": "br, gzip"}, timeout=60)
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") in ("br", "gzip"), path
        page = Tags(response.text)
        assert not scripts(page), path
        stylesheets = [link["href"] for link in page.all("link", rel="stylesheet")]
        assert not [s for s in stylesheets if "fontawesome" in s], path
        for href in stylesheets:
            css = requests.get(href if href.startswith("http") else portal_url + href,
                               headers={"Accept-Encoding": "br, gzip"}, timeout=60)
            assert css.headers.get("Content-Encoding") in ("br", "gzip"), href


def test_officer_pages_keep_ckans_javascript(portal_url):
    page = Tags(get(portal_url, "/user/login").text)
    assert scripts(page), "the log-in page (not a public page) keeps CKAN's full JavaScript"


def test_residents_read_service_areas_not_organisations(portal_url, demo):
    """No heading, link, label or breadcrumb says "Organisation(s)" (dataset titles may)."""
    spend = by_asset(demo, "IAR-0001")
    for path in ("/organization/", f"/organization/{spend['organization']['name']}", f"/dataset/{spend['name']}",
                 "/dataset/", f"/organization/about/{spend['organization']['name']}"):
        html = get(portal_url, path).text
        words = re.findall(r">\s*((?:[\w ]+ )?organi[sz]ations?(?: [\w ]+)?)\s*<", html, re.I)
        interface = [w for w in words if w.strip().lower() in
                     ("organisation", "organisations", "organization", "organizations", "what are organizations?",
                      "what are organisations?", "add organization", "add organisation")]
        assert not interface, (path, interface)
        assert "CKAN Organi" not in html, path
    assert ">Service areas<" in get(portal_url, "/organization/").text
