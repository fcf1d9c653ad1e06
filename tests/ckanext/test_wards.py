"""Ward pages and the comparison, on the real CKAN, PostgreSQL (catalogue and DataStore), Solr and Redis:
figures added up in the DataStore, what is left out and why, bad input, the CSV and the action."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.westsuffolk.validation import store
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS
from westsuffolk_core import table_schemas
from westsuffolk_core.datastore_tables import datastore_fields
from westsuffolk_core.ward_level import normalise_code

ABBEYGATE, BARDWELL, HAVERHILL, BRANDON = "E05012763", "E05012764", "E05012774", "E05012767"
NAMES = {ABBEYGATE: "Abbeygate", BARDWELL: "Bardwell", HAVERHILL: "Haverhill Central", BRANDON: "Brandon Central"}
FLY = "fly-tipping-reports"
PERIOD = {"period_start": "2023-04-01", "period_end": "2024-03-31"}


def fly_rows(spec: list[tuple[str, str, str]], start: int = 1, name_for=None) -> list[dict]:
    """Fly-tipping rows from (ward code as typed, waste type, cost)."""
    rows = []
    for n, (code, waste, cost) in enumerate(spec, start):
        rows.append({"report_reference": f"FT-{n:06d}", "reported_date": f"2023-{4 + n % 9:02d}-{1 + n % 27:02d}",
                     "ward_code": code, "ward_name": (name_for or NAMES.get)(normalise_code(code)) or "Somewhere",
                     "waste_type": waste, "size": "Single item", "land_type": "Highway", "clearance_cost": cost})
    return rows


def as_csv(schema: str, rows: list[dict]) -> bytes:
    header = [field["name"] for field in table_schemas.get_descriptor(schema)["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def publish(create_with_upload):
    """Publish a ward-level table: a validated upload, then a DataStore table with the rows and column types
    the test asks for (the portal's own load of the upload is replaced)."""
    admin = factories.Sysadmin()
    org = factories.Organization()

    def publish(schema: str, rows: list[dict], *, title: str = "Fly-tipping test", private: bool = False,
                load: bool = True, types: dict[str, str] | None = None, provenance: str = "official",
                file_rows: list[dict] | None = None, drop: tuple[str, ...] = ()) -> dict:
        dataset = factories.Dataset(owner_org=org["id"], private=private, title=title, data_provenance=provenance,
                                    **COUNCIL_FIELDS)
        resource = create_with_upload(as_csv(schema, rows if file_rows is None else file_rows), f"{schema}.csv",
                                      package_id=dataset["id"], name="2023-24", schema=table_schemas.latest_ref(schema),
                                      context={"user": admin["name"]}, **PERIOD)
        if helpers.call_action("resource_show", id=resource["id"]).get("datastore_active"):
            # the portal loaded the checked upload itself; the test makes the table it needs instead
            helpers.call_action("datastore_delete", resource_id=resource["id"], force=True)
        if load:
            fields = [f for f in datastore_fields(table_schemas.get_descriptor(schema)) if f["id"] not in drop]
            for item in fields:
                item["type"] = (types or {}).get(item["id"], item["type"])
            records = [{k: (v if v != "" else None) for k, v in row.items() if k not in drop} for row in rows]
            helpers.call_action("datastore_create", resource_id=resource["id"], fields=fields, records=records,
                                force=True)
        return {"dataset": dataset, "resource": helpers.call_action("resource_show", id=resource["id"])}
    return publish


def compare(*codes: str) -> dict:
    return helpers.call_action("westsuffolk_ward_compare", context={"user": ""}, wards=list(codes))


def table_of(result: dict, dataset: dict) -> dict:
    [table] = [t for t in result["tables"] if t["dataset"]["name"] == dataset["name"]]
    return table


def measure(table: dict, name: str) -> dict:
    return next(m for m in table["measures"] if m["name"] == name)


def populations(publish, residents: dict[str, int]) -> dict:
    rows = [{"ward_code": code, "ward_name": NAMES[code], "residents": str(n), "mid_year": "2022"}
            for code, n in residents.items()]
    return publish("ward-populations", rows, title="Ward populations test")


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestFigures:
    def test_counts_sums_rates_and_the_district_are_added_up_in_the_datastore(self, publish):
        spec = [(ABBEYGATE, "Tyres", "10.50")] * 3 + [(BARDWELL, "Black bags", "2.25")] * 2 \
            + [(HAVERHILL, "Tyres", "100.00")]
        fly = publish(FLY, fly_rows(spec))
        populations(publish, {ABBEYGATE: 6000, BARDWELL: 2000, HAVERHILL: 3000})
        result = compare(ABBEYGATE, BARDWELL)
        table = table_of(result, fly["dataset"])
        reports, cost = measure(table, "reports"), measure(table, "clearance_cost")
        assert reports["wards"][ABBEYGATE]["value"] == 3 and reports["wards"][BARDWELL]["value"] == 2
        assert reports["district"]["value"] == 6
        assert cost["wards"][ABBEYGATE]["value"] == 31.5 and cost["district"]["value"] == 136
        assert reports["wards"][ABBEYGATE]["rate"] == 0.5  # 3 per 6,000 residents = 0.5 per 1,000
        assert reports["wards"][BARDWELL]["rate"] == 1.0
        assert reports["district"]["rate"] == round(6 * 1000 / 11000, 2)
        assert reports["ranked_by"] == "rate" and reports["ranks"][BARDWELL] == 1
        assert result["district"]["residents"] == 11000
        assert table["period"] == {"start": "2023-04-01", "end": "2024-03-31"}
        assert table["dates"]["title"] == "Reported date" and table["dates"]["first"] <= table["dates"]["last"]
        [waste] = table["categories"]
        tyres = next(v for v in waste["values"] if v["value"] == "Tyres")
        assert tyres["wards"][ABBEYGATE]["reports"]["value"] == 3 and tyres["district"]["reports"]["value"] == 4
        assert tyres["wards"][BARDWELL]["reports"]["value"] == 0

    def test_the_rows_link_of_a_number_finds_exactly_those_rows(self, publish):
        spec = [(ABBEYGATE, "Tyres", "1.00"), (" e05012763", "Tyres", "1.00"), ("E05 012763", "Other", "1.00"),
                (BARDWELL, "Tyres", "1.00")]
        fly = publish(FLY, fly_rows(spec))
        table = table_of(compare(ABBEYGATE, BARDWELL), fly["dataset"])
        figure = measure(table, "reports")["wards"][ABBEYGATE]
        assert figure["value"] == 3, "spaced and lower-case codes are read as the ward's code"
        query = parse_qs(urlsplit(figure["api_url"]).query)
        found = helpers.call_action("datastore_search", resource_id=query["resource_id"][0],
                                    filters=json.loads(query["filters"][0]))
        assert found["total"] == 3
        assert urlsplit(figure["rows_url"]).path == f"/datastore/dump/{fly['resource']['id']}"

    def test_a_change_to_the_datastore_table_is_counted_at_once(self, publish):
        from ckanext.datastore.backend import DatastoreBackend

        fly = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "5.00")] * 2))
        rid = fly["resource"]["id"]
        assert measure(table_of(compare(ABBEYGATE, BARDWELL), fly["dataset"]), "reports")["wards"][ABBEYGATE]["value"] == 2
        DatastoreBackend.get_active_backend().calculate_record_count(rid)  # the background job after a write
        assert measure(table_of(compare(ABBEYGATE, BARDWELL), fly["dataset"]), "reports")["wards"][ABBEYGATE]["value"] == 2
        helpers.call_action("datastore_upsert", resource_id=rid, force=True, method="insert",
                            records=fly_rows([(ABBEYGATE, "Tyres", "5.00")], start=50))
        table = table_of(compare(ABBEYGATE, BARDWELL), fly["dataset"])
        assert measure(table, "reports")["wards"][ABBEYGATE]["value"] == 3
        assert measure(table, "clearance_cost")["wards"][ABBEYGATE]["value"] == 15

    def test_private_datasets_never_contribute(self, publish):
        public = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")]), title="Public fly-tipping")
        hidden = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")] * 9), title="Private fly-tipping", private=True)
        result = compare(ABBEYGATE, BARDWELL)
        names = [t["dataset"]["name"] for t in result["tables"]] + [t["dataset"]["name"] for t in result["left_out"]]
        assert public["dataset"]["name"] in names and hidden["dataset"]["name"] not in names
        sysadmin = factories.Sysadmin()
        as_admin = helpers.call_action("westsuffolk_ward_compare", context={"user": sysadmin["name"]},
                                       wards=[ABBEYGATE, BARDWELL])
        assert hidden["dataset"]["name"] not in [t["dataset"]["name"] for t in as_admin["tables"]]

    def test_a_table_that_failed_validation_is_left_out_with_a_note(self, publish):
        from ckanext.westsuffolk.validation import store

        fly = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")]))
        record = store.read(fly["resource"]["id"])
        store.write(fly["resource"], dict(record, status="failure", error_count=4))  # as a background check records it
        result = compare(ABBEYGATE, BARDWELL)
        assert fly["dataset"]["name"] not in [t["dataset"]["name"] for t in result["tables"]]
        [left] = [t for t in result["left_out"] if t["dataset"]["name"] == fly["dataset"]["name"]]
        assert "did not pass validation (4 problems)" in left["reason"]
        assert left["report_url"].endswith(f"/resource/{fly['resource']['id']}/validation")

    def test_a_table_not_in_the_datastore_is_left_out_with_a_note(self, publish):
        fly = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")]), load=False)
        [left] = [t for t in compare(ABBEYGATE, BARDWELL)["left_out"] if t["dataset"]["name"] == fly["dataset"]["name"]]
        assert "not in the DataStore" in left["reason"]

    def test_a_table_whose_latest_file_is_not_what_the_datastore_holds_is_left_out(self, publish):
        fly = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")]))
        record = store.read(fly["resource"]["id"])
        record["datastore"] = {**(record.get("datastore") or {}), "status": "failed",
                               "fingerprint": record["fingerprint"], "message": "Loading stopped: the disk was full."}
        store.write(fly["resource"], record)
        [left] = [t for t in compare(ABBEYGATE, BARDWELL)["left_out"] if t["dataset"]["name"] == fly["dataset"]["name"]]
        assert "is not in the DataStore" in left["reason"] and "the disk was full" in left["reason"]
        assert left["report_url"].endswith(f"/resource/{fly['resource']['id']}/validation")

    def test_a_measure_column_holding_text_is_never_added_up_wrongly(self, publish):
        good = fly_rows([(ABBEYGATE, "Tyres", "10.00"), (BARDWELL, "Tyres", "5.00")])
        bad = [dict(row) for row in good] + [dict(good[0], report_reference="FT-000099", clearance_cost="£1,200")]
        text_ok = publish(FLY, good, title="Text but numbers", types={"clearance_cost": "text"})
        text_bad = publish(FLY, bad, title="Text with pounds", types={"clearance_cost": "text"}, file_rows=good)
        result = compare(ABBEYGATE, BARDWELL)
        assert measure(table_of(result, text_ok["dataset"]), "clearance_cost")["district"]["value"] == 15
        cost = measure(table_of(result, text_bad["dataset"]), "clearance_cost")
        assert cost["district"]["value"] is None and cost["wards"][ABBEYGATE]["value"] is None
        assert '1 value in column "clearance_cost" is not a number (for example "£1,200")' in cost["unavailable"]
        assert measure(table_of(result, text_bad["dataset"]), "reports")["district"]["value"] == 3

    def test_a_ward_column_of_junk_keeps_the_wards_exact_and_memory_bounded(self, publish):
        from ckanext.westsuffolk.wards.figures import MAX_CODES

        good = fly_rows([(ABBEYGATE, "Tyres", "1.00"), (" e05012763", "Tyres", "1.00"), (BARDWELL, "Tyres", "2.00")])
        junk = fly_rows([(f"junk-{n}", "Tyres", "1.00") for n in range(MAX_CODES + 5)], start=10)
        fly = publish(FLY, good + junk, title="Junk in the ward column", file_rows=good)
        table = table_of(compare(ABBEYGATE, BARDWELL), fly["dataset"])
        reports = measure(table, "reports")
        assert reports["wards"][ABBEYGATE]["value"] == 2 and reports["wards"][BARDWELL]["value"] == 1
        assert reports["district"]["value"] == 3 + MAX_CODES + 5
        assert measure(table, "clearance_cost")["district"]["value"] == 4 + MAX_CODES + 5
        assert table["not_ward_code_rows"] == MAX_CODES + 5 and table["other_wards"] == []
        assert any("not a ward code" in note for note in table["notes"])

    def test_a_datastore_table_without_the_ward_column_is_left_out(self, publish):
        fly = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")]), drop=("ward_code",))
        [left] = [t for t in compare(ABBEYGATE, BARDWELL)["left_out"] if t["dataset"]["name"] == fly["dataset"]["name"]]
        assert 'no column "ward_code"' in left["reason"]

    def test_rows_coded_to_other_wards_are_kept_apart(self, publish):
        older = publish(FLY, fly_rows([("E05099901", "Tyres", "1.00")] * 2 + [("E05099902", "Tyres", "1.00")],
                                      name_for=lambda code: {"E05099901": "Risbygate"}.get(code, "Northgate")),
                        title="Older wards")
        mixed = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00"), ("E05099901", "Tyres", "1.00")]),
                        title="Mostly today's wards")
        result = compare(ABBEYGATE, BARDWELL)
        old = table_of(result, older["dataset"])
        assert old["older_wards_only"] and old["categories"] == []
        assert old["other_wards"] == [{"code": "E05099901", "name": "Risbygate", "rows": 2},
                                      {"code": "E05099902", "name": "Northgate", "rows": 1}]
        now = table_of(result, mixed["dataset"])
        assert not now["older_wards_only"]
        assert measure(now, "reports")["wards"][ABBEYGATE]["value"] == 1
        assert measure(now, "reports")["district"]["value"] == 2
        assert any("never in a ward's" in note for note in now["notes"])


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestBadInput:
    @pytest.mark.parametrize("wards, says", [
        ([ABBEYGATE, "E05099999"], '"E05099999" is not one of West Suffolk\'s 43 wards'),
        ([ABBEYGATE, "E05O12764"], "nearly matches E05012764 (Bardwell)"),
        ([ABBEYGATE], "Choose at least 2 wards to compare (you chose 1)"),
        ([ABBEYGATE, ABBEYGATE.lower()], "Choose at least 2 wards"),
        (["E05012763", "E05012764", "E05012765", "E05012766", "E05012767", "E05012768", "E05012769"],
         "Choose at most 6 wards to compare (you chose 7)"),
        ([ABBEYGATE, "Abbeygate"], "is a ward's name: write its code, E05012763 (Abbeygate)"),
        ([ABBEYGATE, BARDWELL, "x" * 100_000], '"' + "x" * 39 + '…" is not one of West Suffolk\'s wards'),
        ([ABBEYGATE] * 51, "Choose at most 6 wards to compare (you gave 51 values)"),
        ([ABBEYGATE] + [f"E05{n:06d}" for n in range(10)], "4 more values are not one of West Suffolk's wards"),
    ])
    def test_the_action_refuses_with_a_message(self, wards, says):
        with pytest.raises(tk.ValidationError) as refused:
            compare(*wards)
        assert any(says in message for message in refused.value.error_dict["wards"])

    def test_codes_are_normalised_and_duplicates_compared_once(self):
        result = helpers.call_action("westsuffolk_ward_compare", wards=" e05012763, E05 012764,E05012763")
        assert [ward["code"] for ward in result["wards"]] == [ABBEYGATE, BARDWELL]
        assert result["notes"] == ["Abbeygate (E05012763) was chosen more than once; it is compared once."]

    def test_wards_must_be_codes_as_text(self):
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("westsuffolk_ward_compare", wards=[1, 2])
        assert "list of ONS ward codes" in refused.value.error_dict["wards"][0]

    @pytest.mark.parametrize("query", ["ward=E05099999&ward=E05012763", "ward=E05012763",
                                       "ward=" + "&ward=".join(f"E050127{n}" for n in range(63, 70)),
                                       "ward=%3Cscript%3E&ward=E05012763"])
    def test_bad_choices_on_the_pages_are_a_message_never_a_500(self, app, query):
        page = app.get(f"/wards/compare?{query}")
        assert page.status_code in (200, 400)
        assert "<script>" not in page.body
        download = app.get(f"/wards/compare.csv?{query}")
        assert download.status_code == 400 and download.headers["Content-Type"].startswith("text/plain")

    def test_one_ward_opens_the_form_with_it_ticked(self, app):
        page = app.get(f"/wards/compare?ward={ABBEYGATE}")
        assert page.status_code == 200
        assert "Choose 1 to 5 more wards to compare with Abbeygate." in page.body
        assert f'value="{ABBEYGATE}" id="ward-{ABBEYGATE}" checked' in page.body


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestPages:
    def test_ward_page_shows_councillors_figures_and_rank(self, app, publish):
        publish("councillors", [{"ward_code": ABBEYGATE, "ward_name": "Abbeygate", "councillor_name": "Alex Example",
                                 "party": "Independent", "elected_date": "2023-05-04"},
                                {"ward_code": " e05012763", "ward_name": "Abbeygate", "councillor_name": "Sam Sample",
                                 "party": "Green Party", "elected_date": ""}], title="Councillors test",
                provenance="synthetic")
        publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "1.00")] * 4 + [(BARDWELL, "Tyres", "1.00")]))
        page = app.get(f"/wards/{ABBEYGATE}")
        assert page.status_code == 200
        assert "Alex Example, Independent" in page.body and "Sam Sample, Green Party" in page.body
        assert "Demonstration data" in page.body and "not the real councillors" in page.body
        assert "the highest of 43" in page.body and "4 reports" in page.body

    def test_ward_page_lists_the_datasets_about_the_ward(self, app):
        org = factories.Organization()
        factories.Dataset(owner_org=org["id"], title="Abbey Gardens visitor survey", spatial_coverage=[ABBEYGATE],
                          **COUNCIL_FIELDS)
        factories.Dataset(owner_org=org["id"], title="Bardwell windmill repairs", spatial_coverage=[BARDWELL],
                          **COUNCIL_FIELDS)
        factories.Dataset(owner_org=org["id"], title="Private Abbeygate notes", spatial_coverage=[ABBEYGATE],
                          private=True, **COUNCIL_FIELDS)
        page = app.get(f"/wards/{ABBEYGATE}")
        assert "Abbey Gardens visitor survey" in page.body
        assert "Bardwell windmill repairs" not in page.body and "Private Abbeygate notes" not in page.body

    def test_ward_addresses_are_normalised_and_unknown_wards_are_404(self, app):
        moved = app.get("/wards/e05012763", follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/wards/{ABBEYGATE}")
        missing = app.get("/wards/E05012736")
        assert missing.status_code == 404 and "nearly matches E05012763 (Abbeygate)" in missing.body

    def test_index_lists_every_ward(self, app):
        page = app.get("/wards")
        assert page.status_code == 200
        assert page.body.count('href="/wards/E050') == 43

    def test_compare_page_and_csv_show_the_same_figures(self, app, publish):
        fly = publish(FLY, fly_rows([(ABBEYGATE, "Tyres", "2.50")] * 2 + [(HAVERHILL, "Tyres", "4.00")]),
                      title="=HYPERLINK(\"http://example.org\",\"Fly-tipping\")")
        page = app.get(f"/wards/compare?ward={ABBEYGATE}&ward={HAVERHILL}")
        assert page.status_code == 200
        assert "2 reports" in page.body and "£5.00" in page.body and "£9.00" in page.body
        assert f"/wards/compare?ward={ABBEYGATE}&amp;ward={HAVERHILL}" in page.body
        download = app.get(f"/wards/compare.csv?ward={ABBEYGATE}&ward={HAVERHILL}")
        assert download.headers["Content-Disposition"].startswith("attachment")
        rows = list(csv.DictReader(io.StringIO(download.body)))
        cost = {row["area_code"]: row for row in rows if row["dataset"] == fly["dataset"]["name"]
                and row["measure"] == "clearance_cost" and not row["category"]}
        assert Decimal(cost[ABBEYGATE]["value"]) == Decimal("5.00") and cost[ABBEYGATE]["unit"] == "GBP"
        assert Decimal(cost["E07000245"]["value"]) == Decimal("9.00")
        assert cost[ABBEYGATE]["dataset_title"].startswith("'=HYPERLINK"), "a formula is never written as one"

    def test_csv_guards_every_text_cell_that_starts_like_a_formula(self):
        from ckanext.westsuffolk.wards.export import safe_cell

        assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
        assert safe_cell("+44 1284 763233") == "+44 1284 763233" and safe_cell("\tx") == "'\tx"
        assert safe_cell(Decimal("-12.50")) == Decimal("-12.50") and safe_cell("Tyres") == "Tyres"
