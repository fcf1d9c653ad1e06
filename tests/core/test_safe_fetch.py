"""Safe fetching: internal addresses refused after DNS and on every redirect, the checked address is the
one connected to, size and time limits, the council's allow-list, and messages that never leak the
network's own error text. Real local HTTP servers; no internet needed (refusals happen before connecting)."""
from __future__ import annotations

import contextlib
import gzip
import io
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from westsuffolk_core import safe_fetch
from westsuffolk_core.safe_fetch import AddressNotAllowed, FetchError, FetchPolicy, TooLarge

LOCAL = FetchPolicy(allowed_hosts=("127.0.0.1/32",), max_bytes=1024 * 1024, timeout=5)


class Server:
    """A local HTTP server whose routes are set per test: path -> (status, headers, body or callable)."""

    def __init__(self, host="127.0.0.1", port=0):
        self.routes: dict[str, tuple] = {}
        self.hits: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.hits.append((self.path, self.headers.get("Host", "")))
                status, headers, body = server.routes.get(self.path, (404, {}, b"secret internal page"))
                if callable(body):
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the fetcher hung up
                        body(self.wfile)
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path="/", host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def resolver(monkeypatch):
    """Test host names: {name: [answer per call...]} (the last answer repeats; an answer is an address or a
    tuple of them); other names resolve as usual."""
    answers: dict[str, list[str]] = {}
    calls: dict[str, int] = {}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            calls[host] = calls.get(host, 0) + 1
            queue = answers[host]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            return [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (address, port or 80)) for address in ((answer,) if isinstance(answer, str) else answer)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers, calls


# --- refused before any connection --------------------------------------------------------------------------

INTERNAL = [
    "http://127.0.0.1:8983/solr/ckan/select?q=private:true&fl=title,notes&wt=csv",
    "http://localhost:5432/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/router",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",  # reserved
    "http://100.64.0.1/",  # shared (carrier-grade NAT)
    "http://255.255.255.255/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",  # 127.0.0.1 in hex shorthand
    "http://127.1/",
    "https://127.0.0.1/",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused(url):
    with pytest.raises(AddressNotAllowed) as refused:
        safe_fetch.fetch_bytes(url)
    assert str(refused.value).startswith("This address is not allowed")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x.csv", "gopher://127.0.0.1:6379/_INFO",
                                 "dict://127.0.0.1:6379/info", "javascript:alert(1)", "//example.org/x.csv",
                                 "x.csv", "http:///nohost"])
def test_only_http_and_https_addresses(url):
    with pytest.raises(AddressNotAllowed, match="not allowed"):
        safe_fetch.fetch_bytes(url)


def test_a_user_name_and_password_in_the_link_are_refused():
    with pytest.raises(AddressNotAllowed, match="user name or password"):
        safe_fetch.fetch_bytes("http://admin:secret@example.org/x.csv")


def test_a_name_resolving_to_one_public_and_one_internal_address_is_refused(resolver):
    answers, _ = resolver
    answers["mixed.test"] = [("93.184.215.14", "127.0.0.1")]
    with pytest.raises(AddressNotAllowed):
        safe_fetch.check_url("http://mixed.test/x.csv")


def test_a_name_resolving_to_an_internal_address_is_refused(resolver):
    answers, _ = resolver
    answers["solr.attacker.test"] = ["127.0.0.1"]
    with pytest.raises(AddressNotAllowed):
        safe_fetch.fetch_bytes("http://solr.attacker.test:8983/solr/ckan/select?q=*:*")


# --- what is fetched ----------------------------------------------------------------------------------------

def test_an_allowed_address_is_fetched_into_a_file(server, tmp_path):
    server.routes["/spend.csv"] = (200, {"Content-Type": "text/csv"}, b"a,b\n1,2\n")
    fetched = safe_fetch.fetch_to_path(server.url("/spend.csv"), tmp_path / "x.csv", LOCAL)
    assert (tmp_path / "x.csv").read_bytes() == b"a,b\n1,2\n"
    assert (fetched.size, fetched.content_type) == (8, "text/csv")


def test_the_checked_address_is_the_one_connected_to(resolver):
    """DNS rebinding: the name answers 127.0.0.1 (allowed here) when checked and 127.0.0.2 (internal) after.
    The download must come from the first; a second lookup at connect time would reach the second."""
    public = Server("127.0.0.1")
    internal = Server("127.0.0.2", public.port)
    try:
        public.routes["/x.csv"] = (200, {}, b"public file")
        internal.routes["/x.csv"] = (200, {}, b"INTERNAL SECRET")
        answers, calls = resolver
        answers["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
        data = safe_fetch.fetch_bytes(f"http://rebind.test:{public.port}/x.csv", LOCAL)
        assert data == b"public file"
        assert calls["rebind.test"] == 1
        assert public.hits == [("/x.csv", f"rebind.test:{public.port}")]  # Host header: the name, not the address
        assert internal.hits == []
    finally:
        public.close()
        internal.close()


def test_every_redirect_is_checked(server):
    server.routes["/to-solr"] = (302, {"Location": "http://127.0.0.2:8983/solr/ckan/select?q=*:*"}, b"")
    server.routes["/to-metadata"] = (301, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    server.routes["/to-file"] = (307, {"Location": "file:///etc/passwd"}, b"")
    for path in ("/to-solr", "/to-metadata", "/to-file"):
        with pytest.raises(AddressNotAllowed, match="not allowed"):
            safe_fetch.fetch_bytes(server.url(path), LOCAL)


def test_allowed_redirects_are_followed_and_loops_stopped(server):
    server.routes["/old.csv"] = (301, {"Location": "/new.csv"}, b"")
    server.routes["/new.csv"] = (200, {}, b"moved")
    server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    assert safe_fetch.fetch_bytes(server.url("/old.csv"), LOCAL) == b"moved"
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        safe_fetch.fetch_bytes(server.url("/loop"), LOCAL)


def test_an_error_status_is_said_without_the_page_it_sent(server):
    with pytest.raises(FetchError) as failed:
        safe_fetch.fetch_bytes(server.url("/missing.csv"), LOCAL)
    assert "HTTP 404" in str(failed.value)
    assert "secret" not in str(failed.value)


def test_connection_errors_do_not_map_internal_ports():
    with socket.socket() as probe:  # a free port: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as failed:
        safe_fetch.fetch_bytes(f"http://127.0.0.1:{port}/x.csv", LOCAL)
    message = str(failed.value)
    assert message.startswith("The portal could not connect to the address.")
    assert "Errno" not in message and "refused" not in message.lower() and str(port) not in message
    assert "refused" in failed.value.detail.lower()  # the log gets the real cause


# --- limits -------------------------------------------------------------------------------------------------

def test_a_file_over_the_limit_is_refused_by_its_length(server):
    server.routes["/big.csv"] = (200, {}, b"x" * (1024 * 1024 + 1))
    with pytest.raises(TooLarge, match="larger than the portal's limit of 1 MB"):
        safe_fetch.fetch_bytes(server.url("/big.csv"), LOCAL)


def test_a_file_over_the_limit_is_stopped_without_a_length(server):
    def endless(out):
        for _ in range(64):
            block = b"y" * 65536
            out.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
        out.write(b"0\r\n\r\n")

    server.routes["/stream"] = (200, {"Transfer-Encoding": "chunked"}, endless)
    with pytest.raises(TooLarge):
        safe_fetch.fetch_bytes(server.url("/stream"), LOCAL)


def test_a_compressed_bomb_stops_at_the_limit(server):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 300 * 1024
    server.routes["/bomb.csv"] = (200, {"Content-Encoding": "gzip"}, bomb)
    started = time.monotonic()
    with pytest.raises(TooLarge):
        safe_fetch.fetch_bytes(server.url("/bomb.csv"), LOCAL)
    assert time.monotonic() - started < 5


def test_compressed_files_are_read(server):
    server.routes["/gz.csv"] = (200, {"Content-Encoding": "gzip"}, gzip.compress(b"a,b\n1,2\n"))
    assert safe_fetch.fetch_bytes(server.url("/gz.csv"), LOCAL) == b"a,b\n1,2\n"


def test_a_slow_server_is_stopped_at_the_time_limit(server):
    def trickle(out):
        for _ in range(100):
            out.write(b"1")
            out.flush()
            time.sleep(0.2)

    server.routes["/slow.csv"] = (200, {"Content-Length": "100"}, trickle)
    policy = FetchPolicy(allowed_hosts=("127.0.0.1",), timeout=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not send the file in time"):
        safe_fetch.fetch_bytes(server.url("/slow.csv"), policy)
    assert time.monotonic() - started < 3


# --- the council's allow-list -------------------------------------------------------------------------------

def test_a_trusted_intranet_name_may_reach_private_addresses_only(resolver):
    answers, _ = resolver
    policy = FetchPolicy.from_settings("files.westsuffolk.local, *.intranet.test")
    answers.update({"files.westsuffolk.local": ["10.20.1.5"], "share.intranet.test": ["192.168.7.7"],
                    "evil.intranet.test": ["169.254.169.254"], "loop.intranet.test": ["127.0.0.1"],
                    "other.test": ["10.20.1.5"]})
    assert [str(a) for a in safe_fetch.check_url("http://files.westsuffolk.local/x.csv", policy)] == ["10.20.1.5"]
    assert safe_fetch.check_url("https://share.intranet.test/x.csv", policy)
    for refused in ("http://evil.intranet.test/", "http://loop.intranet.test/", "http://other.test/"):
        with pytest.raises(AddressNotAllowed):
            safe_fetch.check_url(refused, policy)


def test_a_trusted_network_allows_its_addresses():
    policy = FetchPolicy.from_settings("10.20.0.0/16")
    assert safe_fetch.check_url("http://10.20.3.4/x.csv", policy)
    with pytest.raises(AddressNotAllowed):
        safe_fetch.check_url("http://10.21.0.1/x.csv", policy)


def test_public_addresses_pass_the_check():
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"):
        assert safe_fetch.is_public(ipaddress.ip_address(address))


def test_fetch_writes_nothing_when_refused():
    out = io.BytesIO()
    with pytest.raises(AddressNotAllowed):
        safe_fetch.fetch("http://127.0.0.1:6379/", out)
    assert out.getvalue() == b""
