"""Anonymous catalogue, search and dataset reads are kept in Redis until the index changes: a change is
seen at once, logged-in requests are never cached, a cached answer is the same answer, and it is kept as
sent for each Accept-Encoding (a hit is not compressed again)."""
from __future__ import annotations

import json
import secrets
import time

import brotli
import requests
from ckan.lib.redis import connect_to_redis

from ckanext.westsuffolk import read_cache


def search(url: str, name: str, token: str | None = None) -> dict:
    headers = {"Authorization": token} if token else {}
    response = requests.get(f"{url}/api/3/action/package_search", params={"fq": f"name:{name}", "rows": 5},
                            headers=headers, timeout=60)
    assert response.status_code == 200
    return response.json()["result"]


def kept_soon(path_part: str, seconds: float = 3.0) -> list[bytes]:
    """The cached keys for `path_part` once there are any: an answer is stored just after it is sent."""
    deadline = time.monotonic() + seconds
    while not (found := cached_keys(path_part)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def cached_keys(path_part: str) -> list[bytes]:
    return [k for k in connect_to_redis().scan_iter(f"{read_cache.PREFIX}*") if path_part.encode() in k]


def test_search_is_cached_and_a_change_is_seen_at_once(portal_url, sysadmin_token):
    word = f"cachetest{secrets.token_hex(4)}"
    org = requests.post(f"{portal_url}/api/3/action/organization_create", json={"name": word},
                        headers={"Authorization": sysadmin_token}, timeout=60).json()["result"]
    assert search(portal_url, word)["count"] == 0
    time.sleep(read_cache.SETTLING_SECONDS + 0.5)  # the organisation's own index writes settle
    assert search(portal_url, word)["count"] == 0
    assert kept_soon(word), "the anonymous answer is kept"
    created = requests.post(f"{portal_url}/api/3/action/package_create", headers={"Authorization": sysadmin_token},
                            timeout=60, json={"name": word, "title": word, "owner_org": org["id"], "notes": "Cache test.",
                                              "contact_name": "Open Data Team", "personal_data": "none",
                                              "contact_email": "opendata@westsuffolk.gov.uk",
                                              "update_frequency": "annual"})
    assert created.status_code == 200, created.text[:500]
    assert search(portal_url, word)["count"] == 1  # the write raised the version: never the old answer
    private = requests.post(f"{portal_url}/api/3/action/package_patch", headers={"Authorization": sysadmin_token},
                            json={"id": word, "private": True}, timeout=60)
    assert private.status_code == 200
    assert search(portal_url, word)["count"] == 0


def test_logged_in_reads_are_never_cached(portal_url, sysadmin_token):
    word = f"cachetest{secrets.token_hex(4)}"
    before = set(cached_keys(word))
    search(portal_url, word, token=sysadmin_token)
    assert set(cached_keys(word)) == before


def test_a_cached_catalogue_page_is_the_same_page(portal_url):
    time.sleep(read_cache.SETTLING_SECONDS + 0.5)
    first = requests.get(f"{portal_url}/catalog.ttl", timeout=60)
    second = requests.get(f"{portal_url}/catalog.ttl", timeout=60)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and second.headers["Content-Type"].startswith("text/turtle")


def show(url: str, name: str, **headers: str) -> requests.Response:
    return requests.get(f"{url}/api/3/action/package_show", params={"id": name}, headers=headers, timeout=60)


def test_a_dataset_is_cached_and_an_edit_or_withdrawal_is_seen_at_once(portal_url, sysadmin_token):
    word = f"cacheshow{secrets.token_hex(4)}"
    auth = {"Authorization": sysadmin_token}
    org = requests.post(f"{portal_url}/api/3/action/organization_create", json={"name": word}, headers=auth,
                        timeout=60).json()["result"]
    created = requests.post(f"{portal_url}/api/3/action/package_create", headers=auth, timeout=60,
                            json={"name": word, "title": "Before", "owner_org": org["id"], "notes": "Cache test.",
                                  "contact_name": "Open Data Team", "personal_data": "none",
                                  "contact_email": "opendata@westsuffolk.gov.uk", "update_frequency": "annual"})
    assert created.status_code == 200, created.text[:500]
    time.sleep(read_cache.SETTLING_SECONDS + 0.5)
    first, second = show(portal_url, word), show(portal_url, word)
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert kept_soon(f"id={word}"), "the anonymous answer is kept"
    edited = requests.post(f"{portal_url}/api/3/action/package_patch", headers=auth, timeout=60,
                           json={"id": word, "title": "After"})
    assert edited.status_code == 200
    assert show(portal_url, word).json()["result"]["title"] == "After"
    withdrawn = requests.post(f"{portal_url}/api/3/action/package_patch", headers=auth, timeout=60,
                              json={"id": word, "private": True})
    assert withdrawn.status_code == 200
    time.sleep(read_cache.SETTLING_SECONDS + 0.5)
    before = set(cached_keys(f"id={word}"))
    assert show(portal_url, word).status_code == 403
    assert show(portal_url, word).status_code == 403
    assert set(cached_keys(f"id={word}")) == before, "a refusal is never kept"


def test_answers_are_kept_as_sent_for_each_encoding(portal_url):
    time.sleep(read_cache.SETTLING_SECONDS + 0.5)
    url = f"{portal_url}/api/3/action/package_search?q=*:*&rows=20&ext_encoding_test={secrets.token_hex(4)}"

    def raw(encoding: str) -> requests.Response:
        response = requests.get(url, headers={"Accept-Encoding": encoding}, timeout=60, stream=True)
        response.body = response.raw.read(decode_content=False)
        return response

    made, kept = raw("br"), raw("br")
    assert made.headers["Content-Encoding"] == kept.headers["Content-Encoding"] == "br"
    assert made.body == kept.body
    plain = raw("identity")
    assert "Content-Encoding" not in plain.headers
    assert json.loads(brotli.decompress(kept.body)) == json.loads(plain.body)
    assert kept.headers["Content-Type"] == plain.headers["Content-Type"]
    assert "Accept-Encoding" in kept.headers["Vary"]
