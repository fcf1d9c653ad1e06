"""The API guide (/api-guide) for journalists: linked from the footer and every dataset page, and every
example on it (curl and Python ckanapi, with the portal's real ids) runs against the live test portal."""
from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
import requests

EXAMPLE = re.compile(r'<code class="westsuffolk-example" data-kind="(\w+)"( data-token="true")?>(.*?)</code>', re.S)


def examples(url: str) -> list[tuple[str, bool, str]]:
    page = requests.get(url, timeout=60)
    assert page.status_code == 200
    return [(kind, bool(token), html.unescape(code)) for kind, token, code in EXAMPLE.findall(page.text)]


@pytest.fixture(scope="module")
def guide(demo_portal):
    dataset = next(a["dataset"] for a in demo_portal["report"]["assets"] if a.get("dataset"))
    found = examples(f"{demo_portal['url']}/api-guide?dataset={dataset}")
    return {"dataset": dataset, "examples": found, **demo_portal}


def test_the_guide_is_linked_from_the_footer_and_the_dataset_page(guide):
    page = requests.get(f"{guide['url']}/dataset/{guide['dataset']}", timeout=60).text
    assert f'href="/api-guide?dataset={guide["dataset"]}"' in page
    assert 'href="/api-guide"' in requests.get(f"{guide['url']}/", timeout=60).text


def test_examples_use_the_portals_real_ids(guide):
    text = "\n".join(code for _, _, code in guide["examples"])
    shown = requests.get(f"{guide['url']}/api/3/action/package_show", params={"id": guide["dataset"]},
                         timeout=60).json()["result"]
    [table] = [r for r in shown["resources"] if r["datastore_active"]]
    assert guide["dataset"] in text and table["id"] in text and shown["organization"]["name"] in text
    assert "RESOURCE-ID" not in text and "COLUMN" not in text
    kinds = {kind for kind, _, _ in guide["examples"]}
    assert kinds == {"curl", "python"} and len(guide["examples"]) >= 20


def test_every_curl_example_runs(guide, tmp_path):
    env = {**os.environ, "CKAN_TOKEN": guide["token"]}
    for kind, _token, code in guide["examples"]:
        if kind != "curl":
            continue
        done = subprocess.run(["bash", "-c", code.replace("curl -sS", "curl -sS --fail-with-body", 1)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{code}\n{done.stdout[-1000:]}{done.stderr[-1000:]}"
        if "/api/3/action/" in code and " -i " not in code:
            assert json.loads(done.stdout)["success"] is True, code
        if "Origin:" in code:
            assert "access-control-allow-origin: *" in done.stdout.lower(), done.stdout[:1000]
    dumps = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert dumps["table.csv"].count(b"\n") > 1 and dumps["table.json"].startswith(b"{")
    assert dumps["table.xml"].lstrip().startswith(b"<") and b"\t" in dumps["table.tsv"]
    assert dumps["table-for-excel.csv"].startswith(b"\xef\xbb\xbf")


def test_every_python_example_runs(guide):
    env = {**os.environ, "CKAN_TOKEN": guide["token"]}
    for kind, _token, code in guide["examples"]:
        if kind != "python":
            continue
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{code}\n{done.stderr[-2000:]}"
        assert done.stdout.strip(), code


def test_sql_is_read_only(guide):
    shown = requests.get(f"{guide['url']}/api/3/action/package_show", params={"id": guide["dataset"]},
                         timeout=60).json()["result"]
    table = next(r["id"] for r in shown["resources"] if r["datastore_active"])
    for sql in (f'DELETE FROM "{table}"', f'SELECT 1; DROP TABLE "{table}"', 'SELECT * FROM pg_roles',
                f'UPDATE "{table}" SET _id = 0'):
        answer = requests.get(f"{guide['url']}/api/3/action/datastore_search_sql", params={"sql": sql}, timeout=60)
        assert answer.status_code in (400, 403, 409) and answer.json()["success"] is False, sql
    count = requests.get(f"{guide['url']}/api/3/action/datastore_search", params={"resource_id": table, "limit": 0},
                         timeout=60).json()["result"]["total"]
    assert count > 0


def test_the_ward_comparison_examples_give_the_figures_of_the_compare_page(guide, tmp_path):
    """The demo register publishes ward-level tables: the action's figures are the CSV download's."""
    ward_examples = [code for kind, _, code in guide["examples"] if kind == "curl" and "ward" in code]
    [action] = [code for code in ward_examples if "westsuffolk_ward_compare" in code]
    [download] = [code for code in ward_examples if "/wards/compare.csv" in code]
    answer = subprocess.run(["bash", "-c", action], capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(answer.stdout)["result"]
    subprocess.run(["bash", "-c", download], cwd=tmp_path, capture_output=True, timeout=300, check=True)
    rows = list(csv.DictReader((tmp_path / "wards.csv").open(encoding="utf-8")))
    assert len(result["wards"]) == 2 and result["tables"], "the demo's ward-level tables are compared"
    checked = 0
    for table in result["tables"]:
        for measure in (m for m in table["measures"] if not m["unavailable"]):
            for code, figure in measure["wards"].items():
                [row] = [r for r in rows if (r["dataset"], r["measure"], r["category"], r["area_code"])
                         == (table["dataset"]["name"], measure["name"], "", code)]
                assert Decimal(row["value"]) == Decimal(str(figure["value"])) and row["unit"] == measure["unit"]
                checked += 1
    assert checked >= 2 * 6
