"""The portal client's retry and stop rules, against a small local HTTP server that misbehaves on purpose.

(Integration, not unit: ckanapi imports CKAN's error classes when CKAN is installed.)
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from publish_jobs.portal import AuthFailed, NotOnPortal, Portal, PortalDown, PortalRefused


class Script:
    """The answers the server gives, in order (the last one repeats)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def next(self):
        self.calls += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def ok(result):
    return 200, {"success": True, "result": result}


def error(status, kind, message="x"):
    return status, {"success": False, "error": {"__type": kind, "message": message}}


@pytest.fixture
def server():
    script = Script(ok(None))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body = script.next()
            payload = json.dumps(body).encode() if body is not None else b"<html>Bad gateway</html>"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, script
    httpd.shutdown()


def portal_for(httpd, attempts=3):
    return Portal(f"http://127.0.0.1:{httpd.server_address[1]}", "token", attempts=attempts, wait_multiplier=0.01)


def test_5xx_is_retried_then_succeeds(server):
    httpd, script = server
    script.answers[:] = [(502, None), (503, None), ok({"name": "x"})]
    assert portal_for(httpd).read("package_show", id="x") == {"name": "x"}
    assert script.calls == 3


def test_still_down_after_every_retry_stops_the_run(server):
    httpd, script = server
    script.answers[:] = [(500, None)]
    with pytest.raises(PortalDown, match="not answering"):
        portal_for(httpd).read("package_show", id="x")
    assert script.calls == 3


def test_connection_refused_stops_the_run_after_retries():
    portal = Portal("http://127.0.0.1:9", "token", attempts=2, wait_multiplier=0.01)
    with pytest.raises(PortalDown):
        portal.read("status_show")


@pytest.mark.parametrize("answer", [error(403, "Authorization Error"), (401, None)])
def test_refused_token_stops_at_once_without_retry(server, answer):
    httpd, script = server
    script.answers[:] = [answer]
    with pytest.raises(AuthFailed, match="refused our API token"):
        portal_for(httpd).write("package_create", name="x")
    assert script.calls == 1


def test_not_found_and_validation_errors_are_not_retried(server):
    httpd, script = server
    script.answers[:] = [error(404, "Not Found Error"), error(409, "Validation Error")]
    portal = portal_for(httpd)
    with pytest.raises(NotOnPortal):
        portal.read("package_show", id="x")
    with pytest.raises(PortalRefused):
        portal.write("package_create", name="x")
    assert script.calls == 2 and portal.writes == 1


def test_upload_is_sent_whole_on_every_attempt(server):
    httpd, script = server
    script.answers[:] = [(503, None), ok({"id": "r"})]
    seen = []
    result = portal_for(httpd).write("resource_create", package_id="p", upload=("a.csv", b"a,b\n1,2\n",
                                                                                   lambda: seen.append(1)))
    assert result == {"id": "r"} and len(seen) == 2
