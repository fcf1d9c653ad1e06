"""Download a file from an address an officer typed, without letting that address reach the council's
own network: every server-side download (link validation, DataStore loading, publish-job extracts)
goes through `fetch`.

- http and https only; no user name or password in the address.
- The host name is resolved once per hop and every address it resolves to must be public (not loopback,
  private, shared, link-local, multicast, reserved or unspecified, IPv4 inside IPv6 included); the
  connection is then made to that checked address (the Host header and TLS name stay the host name),
  so a second DNS answer cannot swap in an internal address. Redirects are followed by hand, each hop
  checked the same way.
- A size limit (Content-Length and bytes actually received, after decompression) and a time limit for
  the whole download.
- `FetchPolicy.allowed_hosts` lets the council reach intranet hosts it trusts: a host name
  ("files.westsuffolk.local", or "*.westsuffolk.local") may then resolve to private addresses (never to
  loopback, link-local or the like); a network ("10.20.0.0/16", "127.0.0.1/32") allows those addresses
  outright.

A refusal or failure raises `FetchError` (a ValueError): `str(error)` is safe to show an officer and never
holds the underlying network error, which is in `error.detail` for the log.
"""
from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "WestSuffolkOpenData/1.0 (+https://www.westsuffolk.gov.uk)"
REDIRECTS = (301, 302, 303, 307, 308)
# Addresses hidden inside IPv6 ones: NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits
NAT64 = ipaddress.ip_network("64:ff9b::/96")

NOT_ALLOWED = "This address is not allowed: the portal only downloads files from public web addresses."
ASK_TO_ALLOW = "Upload the file instead, or ask the portal's administrators to allow this intranet address."
CHECK_LINK = "Check the link works without logging in, or upload the file instead."


class FetchError(ValueError):
    """A download that did not happen. `message` (what happened) and `fix` (what to do) are for officers;
    `detail` is for the log only."""

    fix = CHECK_LINK

    def __init__(self, message: str, detail: str = ""):
        super().__init__(f"{message} {self.fix}")
        self.message = message
        self.detail = detail or message


class AddressNotAllowed(FetchError):
    """The address (scheme, host, or what the host resolves to) is one the portal must not reach."""

    fix = ASK_TO_ALLOW


class TooLarge(FetchError):
    fix = "Upload a smaller file, or split it into several."


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT_SECONDS  # seconds for the whole download, redirects included
    allowed_hosts: tuple[str, ...] = ()  # host names, "*.suffix" and networks the council trusts
    max_redirects: int = MAX_REDIRECTS
    _networks: tuple[Network, ...] = field(init=False, repr=False, compare=False)
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        networks, names = [], []
        for text in self.allowed_hosts:
            entry = text.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.append(entry)
        object.__setattr__(self, "_networks", tuple(networks))
        object.__setattr__(self, "_names", tuple(names))

    @classmethod
    def from_settings(cls, allowed_hosts: str | Iterable[str] = "", max_bytes: int | None = None,
                      timeout: float | None = None) -> FetchPolicy:
        """A policy from configuration text: hosts separated by spaces, commas or new lines."""
        if isinstance(allowed_hosts, str):
            allowed_hosts = allowed_hosts.replace(",", " ").split()
        return cls(max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
                   timeout=timeout or DEFAULT_TIMEOUT_SECONDS,
                   allowed_hosts=tuple(allowed_hosts))

    def trusts_name(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == name or (name.startswith("*.") and host.endswith(name[1:])) for name in self._names)

    def allows(self, host: str, address: Address) -> bool:
        """Whether a connection to `address` (which `host` resolved to) may be made."""
        address = _embedded(address)
        if any(address in network for network in self._networks):
            return True
        if is_public(address):
            return True
        # a trusted intranet name may reach the private ranges, never loopback, link-local and the like
        return self.trusts_name(host) and _is_intranet(address)


@dataclass
class Fetched:
    url: str  # the final address, after redirects
    content_type: str
    size: int


def is_public(address: Address) -> bool:
    """A globally routable unicast address (IPv4 inside IPv6 judged by its IPv4 part)."""
    address = _embedded(address)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_loopback
                                      or address.is_link_local or address.is_private or address.is_unspecified)


def _is_intranet(address: Address) -> bool:
    """Private and shared (carrier-grade NAT) ranges: where a council's own servers live."""
    if address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified:
        return False
    shared = ipaddress.ip_network("100.64.0.0/10")
    return address.is_private or (address.version == 4 and address in shared)


def _embedded(address: Address) -> Address:
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def fetch(url: str, destination: BinaryIO, policy: FetchPolicy | None = None) -> Fetched:
    """Download `url` into the open binary file `destination`, following redirects, within the policy."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout
    for _ in range(policy.max_redirects + 1):
        response, pool = _request(url, policy, deadline)
        try:
            if response.status in REDIRECTS and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchError(f"The address answered HTTP {response.status}, not the file.",
                                 f"{url}: HTTP {response.status}")
            size = _copy_body(response, destination, policy, deadline)
            return Fetched(url=url, content_type=response.headers.get("Content-Type", ""), size=size)
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(f"The address redirects more than {policy.max_redirects} times.",
                     f"too many redirects, last {url}")


def fetch_bytes(url: str, policy: FetchPolicy | None = None) -> bytes:
    import io

    buffer = io.BytesIO()
    fetch(url, buffer, policy)
    return buffer.getvalue()


def fetch_to_path(url: str, path: str | Path, policy: FetchPolicy | None = None) -> Fetched:
    with open(path, "wb") as handle:
        return fetch(url, handle, policy)


def check_url(url: str, policy: FetchPolicy | None = None) -> list[Address]:
    """The checked addresses `url` may be fetched from (raises AddressNotAllowed); no request is made."""
    policy = policy or FetchPolicy()
    host, port, _ = _parts(url)
    return _addresses(host, port, policy)


def _parts(url: str) -> tuple[str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise AddressNotAllowed(NOT_ALLOWED, f"unparsable address {url!r}") from None
    if parts.scheme not in ("http", "https"):
        raise AddressNotAllowed("This address is not allowed: a link must start with http:// or https://.",
                                f"scheme {parts.scheme!r}")
    if parts.username is not None or parts.password is not None:
        raise AddressNotAllowed("This address is not allowed: a link must not hold a user name or password.",
                                "userinfo in url")
    if not parts.hostname:
        raise AddressNotAllowed(NOT_ALLOWED, f"no host in {url!r}")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80), parts.scheme


def _addresses(host: str, port: int, policy: FetchPolicy) -> list[Address]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise FetchError(f"The portal could not find the server {host}.",
                             f"resolving {host}: {error}") from None
        found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    # every address must be allowed: a name answering with one public and one internal address is refused
    refused = [address for address in found if not policy.allows(host, address)]
    if refused or not found:
        raise AddressNotAllowed(NOT_ALLOWED, f"{host} resolves to {', '.join(map(str, found))}")
    return found


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("The address did not send the file in time.", f"{url}: time limit")
    return left


def _request(url: str, policy: FetchPolicy, deadline: float):
    host, port, scheme = _parts(url)
    address = _addresses(host, port, policy)[0]
    parts = urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header += f":{parts.port}"
    left = _remaining(deadline, url)
    timeout = urllib3.Timeout(connect=min(10.0, left), read=min(30.0, left))
    if scheme == "https":
        tls_name = None if _is_literal(host) else host
        pool = urllib3.HTTPSConnectionPool(str(address), port, timeout=timeout, retries=False, maxsize=1,
                                           cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
                                           server_hostname=tls_name, assert_hostname=host)
    else:
        pool = urllib3.HTTPConnectionPool(str(address), port, timeout=timeout, retries=False, maxsize=1)
    headers = {"Host": host_header, "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
               "Accept": "*/*"}
    try:
        response = pool.urlopen("GET", target, headers=headers, redirect=False, preload_content=False,
                                decode_content=False, assert_same_host=False, retries=False)
    except urllib3.exceptions.HTTPError as error:
        pool.close()
        if isinstance(error, urllib3.exceptions.TimeoutError) and not isinstance(
                error, urllib3.exceptions.NewConnectionError):  # (a refused connection is a TimeoutError too)
            raise FetchError("The address did not answer in time.", f"{url}: {error}") from None
        if isinstance(error, urllib3.exceptions.SSLError):
            raise FetchError("The address's secure connection (https) could not be checked.",
                             f"{url}: {error}") from None
        raise FetchError("The portal could not connect to the address.", f"{url}: {error}") from None
    return response, pool


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _copy_body(response, destination: BinaryIO, policy: FetchPolicy, deadline: float) -> int:
    too_large = TooLarge(f"The linked file is larger than the portal's limit of "
                         f"{policy.max_bytes / 1048576:.0f} MB.",
                         "size limit")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > policy.max_bytes and not response.headers.get("Content-Encoding"):
        raise too_large
    decoder = _decoder(response.headers.get("Content-Encoding", ""))
    received = 0
    try:
        while True:
            _remaining(deadline, "download")
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            for piece in decoder(chunk, policy.max_bytes - received + 1):
                received += len(piece)
                if received > policy.max_bytes:
                    raise too_large
                destination.write(piece)
    except urllib3.exceptions.HTTPError as error:
        raise FetchError("The download stopped before the end of the file.", str(error)) from None
    except zlib.error as error:
        raise FetchError("The address sent a damaged compressed file.", str(error)) from None
    return received


def _decoder(encoding: str):
    """A function (compressed chunk, most bytes wanted) -> decoded pieces, never more than asked for
    at a time: a small compressed body that expands to gigabytes is stopped at the size limit."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return lambda chunk, _wanted: [chunk]
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"The address sent the file compressed as {encoding[:20]!r}, which the portal cannot "
                         f"read.", f"content-encoding {encoding}")
    inflater = zlib.decompressobj(47 if "gzip" in encoding else 15)  # 47: gzip or zlib header

    def decode(chunk: bytes, wanted: int):
        pieces = []
        data = chunk
        while True:
            piece = inflater.decompress(data, min(CHUNK, max(wanted, 1)))
            if piece:
                pieces.append(piece)
                wanted -= len(piece)
                if wanted <= 0:
                    return pieces
            data = inflater.unconsumed_tail
            if not data:
                return pieces

    return decode
