"""Machines die: a jobs worker killed in the middle of a check (SIGKILL, as the kernel's out-of-memory
killer or a lost machine does) leaves its job neither lost nor "pending" for ever. The next worker finds
the abandoned job (rq's registry clean-up, once the dead worker's 90-second heartbeat has lapsed), runs it
again while tries are left, and after the last one the resource's check says it did not finish.

Real `ckan jobs worker` processes on the real Redis; the file is linked from a local server that stalls
mid-download, so the worker is always killed mid-job."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from ckan.tests import factories, helpers

from tests.conftest import REPO
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

BODY = (REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv").read_bytes()
HEARTBEAT_LAPSED = 600  # seconds ahead: the registry clean-up a later worker runs, without the wait


class StallingServer:
    """Serves the spend example; while `stall` is set, sends half of it and hangs (a job in progress)."""

    def __init__(self) -> None:
        self.stall = threading.Event()
        self.requested = threading.Event()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requested.set()
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                if server.stall.is_set():
                    self.wfile.write(BODY[: len(BODY) // 2])
                    self.wfile.flush()
                    server.release.wait(120)
                    return
                self.wfile.write(BODY)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/spend.csv"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = StallingServer()
    yield running
    running.close()


@pytest.fixture
def worker_ini(pytestconfig, tmp_path) -> Path:
    """The test configuration, plus 127.0.0.1 as a trusted host (the stalling server) for the workers."""
    ini = tmp_path / "worker.ini"
    ini.write_text(f"[app:main]\nuse = config:{Path(pytestconfig.getoption('ckan_ini')).resolve()}\n"
                   "ckanext.westsuffolk.fetch.allowed_hosts = 127.0.0.1/32\n")
    return ini


def ckan(ini: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).with_name("ckan")), "-c", str(ini), *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)


def kill_worker_mid_job(ini: Path, server: StallingServer) -> None:
    server.requested.clear()
    server.stall.set()
    worker = ckan(ini, "jobs", "worker")
    try:
        assert server.requested.wait(120), "the worker never started the check"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and the work-horse it forked, mid-download
        worker.wait(30)


def clean_up_abandoned_jobs() -> None:
    """What a later worker's start-up (or maintenance pass) does once the dead worker's heartbeat lapsed."""
    from ckan.lib.jobs import get_queue

    get_queue().started_job_registry.cleanup(time.time() + HEARTBEAT_LAPSED)


def status(resource_id: str) -> dict:
    return helpers.call_action("westsuffolk_resource_validation_show", id=resource_id)


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckanext.westsuffolk.fetch.allowed_hosts", "127.0.0.1/32")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_redis")
class TestAWorkerKilledMidJob:
    def linked_file(self, server) -> dict:
        officer = factories.User()
        org = factories.Organization(users=[{"name": officer["name"], "capacity": "editor"}])
        dataset = factories.Dataset(owner_org=org["id"], **COUNCIL_FIELDS)
        resource = helpers.call_action("resource_create", context={"user": officer["name"]}, name="Linked spend",
                                       package_id=dataset["id"], url=server.url, format="CSV",
                                       schema="spend-over-500@1.0.0")
        assert status(resource["id"])["status"] == "pending"  # queued for the worker
        return resource

    def test_the_job_is_run_again_by_the_next_worker(self, server, worker_ini):
        resource = self.linked_file(server)
        kill_worker_mid_job(worker_ini, server)
        assert status(resource["id"])["status"] == "pending"
        clean_up_abandoned_jobs()
        server.stall.clear()
        burst = ckan(worker_ini, "jobs", "worker", "--burst")
        assert burst.wait(180) == 0
        record = status(resource["id"])
        assert (record["status"], record["row_count"]) == ("success", 8)

    def test_after_the_last_try_the_check_says_it_did_not_finish(self, server, worker_ini):
        from ckanext.westsuffolk.validation.jobs import RETRIES

        resource = self.linked_file(server)
        for _ in range(RETRIES + 1):
            kill_worker_mid_job(worker_ini, server)
            assert status(resource["id"])["status"] == "pending"
            clean_up_abandoned_jobs()
        record = status(resource["id"])
        assert record["status"] == "error"
        assert "stopped before it finished" in record["issues"][0]["message"]
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["validation_status"] == "error" and shown["datastore_load_status"] == "not-loaded"
        dataset = helpers.call_action("package_search", q=f"id:{resource['package_id']}")["results"][0]
        assert dataset["resources"][0]["validation_status"] == "error"  # listings (from the index) say so too
        from ckan.lib.jobs import get_queue

        assert len(get_queue()) == 0  # nothing left queued to run for ever
