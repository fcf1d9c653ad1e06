"""Hostile requests to the live portal (gunicorn, as deployed): 10 MB form fields, uploads cut off half-way,
addresses and headers longer than any browser sends. Each gets a clear 4xx; nothing is half-written."""
from __future__ import annotations

import socket
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from .conftest import COUNCIL_FIELDS

TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def dataset(portal_url, sysadmin_token):
    api = f"{portal_url}/api/3/action"
    headers = {"Authorization": sysadmin_token}
    org = requests.post(f"{api}/organization_create", headers=headers, timeout=60,
                        json={"name": f"hostile-{uuid.uuid4().hex[:8]}"}).json()["result"]
    created = requests.post(f"{api}/package_create", headers=headers, timeout=60, json={
        "name": f"hostile-{uuid.uuid4().hex[:8]}", "title": "Spending over 500", "owner_org": org["id"],
        **COUNCIL_FIELDS}).json()["result"]
    yield {"api": api, "headers": headers, "dataset": created}
    requests.post(f"{api}/dataset_purge", headers=headers, json={"id": created["id"]}, timeout=60)
    requests.post(f"{api}/organization_purge", headers=headers, json={"id": org["id"]}, timeout=60)


def unchanged(dataset) -> None:
    shown = requests.get(f"{dataset['api']}/package_show", params={"id": dataset["dataset"]["id"]},
                         headers=dataset["headers"], timeout=60).json()["result"]
    assert shown["title"] == "Spending over 500" and shown["resources"] == []
    assert shown["metadata_modified"] == dataset["dataset"]["metadata_modified"]


class TestHostileRequests:
    def test_a_10_mb_form_field_is_refused(self, dataset):
        response = requests.post(f"{dataset['api']}/package_patch", headers=dataset["headers"], timeout=120,
                                 data={"id": dataset["dataset"]["id"], "notes": "x" * TEN_MB})
        assert 400 <= response.status_code < 500, response.status_code
        unchanged(dataset)

    def test_a_10_mb_field_beside_an_upload_is_refused(self, dataset):
        response = requests.post(f"{dataset['api']}/resource_create", headers=dataset["headers"], timeout=120,
                                 data={"package_id": dataset["dataset"]["id"], "name": "n" * TEN_MB},
                                 files={"upload": ("spend.csv", b"expenditure_date,amount\n2024-04-01,600\n")})
        assert 400 <= response.status_code < 500, response.status_code
        unchanged(dataset)

    def test_a_10_mb_json_field_is_refused(self, dataset):
        response = requests.post(f"{dataset['api']}/package_patch", headers=dataset["headers"], timeout=120,
                                 json={"id": dataset["dataset"]["id"], "title": "t" * TEN_MB})
        assert 400 <= response.status_code < 500, response.status_code
        unchanged(dataset)

    def test_an_upload_cut_off_half_way_writes_nothing(self, dataset):
        url = urlsplit(dataset["api"])
        boundary = uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"package_id\"\r\n\r\n"
                f"{dataset['dataset']['id']}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; "
                f"filename=\"spend.csv\"\r\nContent-Type: text/csv\r\n\r\nexpenditure_date,amount\r\n").encode()
        body = head + b"2024-04-01,600\r\n" * 2000  # the closing boundary and the rest never come
        request = (f"POST {url.path}/resource_create HTTP/1.1\r\nHost: {url.netloc}\r\n"
                   f"Authorization: {dataset['headers']['Authorization']}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {len(body) * 4}\r\nConnection: close\r\n\r\n").encode()
        with socket.create_connection((url.hostname, url.port), timeout=60) as connection:
            connection.sendall(request + body)
            connection.shutdown(socket.SHUT_WR)  # the officer's connection drops
            answer = connection.recv(65536)
        assert answer == b"" or answer.split(b" ", 2)[1].startswith(b"4"), answer[:200]
        unchanged(dataset)

    def test_an_address_longer_than_any_browser_sends_is_a_4xx(self, portal_url):
        response = requests.get(f"{portal_url}/dataset/", params={"q": "x" * 20_000}, timeout=60)
        assert 400 <= response.status_code < 500

    def test_oversized_and_numerous_headers_are_a_4xx(self, portal_url):
        huge = requests.get(f"{portal_url}/dataset/", headers={"X-Filler": "x" * 20_000}, timeout=60)
        assert 400 <= huge.status_code < 500
        many = requests.get(f"{portal_url}/dataset/", headers={f"X-H{n}": "x" for n in range(200)}, timeout=60)
        assert 400 <= many.status_code < 500
        cookie = requests.get(f"{portal_url}/dataset/", headers={"Cookie": "ckan=" + "%ff" * 2000}, timeout=60)
        assert cookie.status_code < 500
