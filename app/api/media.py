"""Open311's `media_url`: the service fetches the citizen's photo and attaches it to the case.

A URL from the internet makes the service a client of whatever it names, so the fetch is held tight
(server-side request forgery): http or https only; the host's every address must be public (loopback,
private, link-local, shared, multicast and reserved ranges are refused unless an operator allows a
network, e.g. a site's own media server); the connection goes to the address that was checked (no
second lookup a DNS answer could change); at most `MAX_REDIRECTS` redirects, each checked the same way;
`MAX_MEDIA_BYTES` at most, `MEDIA_TIMEOUT` seconds in all (its sockets are shut then, however slowly the
host trickles); and the answer must say it is an image and its
bytes must be one (db/validation.py judges them, as for an upload). Any refusal is one line naming
`media_url`, which Open311 answers in its own error format (400).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError, ReadTimeoutError

from gridwatch.db.errors import InvalidInput
from gridwatch.db.store import NewAttachment
from gridwatch.db.validation import MAX_ATTACHMENT_BYTES, sniff

MAX_MEDIA_BYTES = MAX_ATTACHMENT_BYTES
"""A fetched photo is held to the same 20 MB as an uploaded one."""
MEDIA_TIMEOUT = 10.0
"""Seconds for the whole fetch (connect, redirects, body): a slow host does not hold a worker longer."""
MAX_REDIRECTS = 3
FETCHERS = 16
"""Photos fetched at once by one service process, on threads of their own: a slow photo host holds none
of the threads that serve the store (app/api/service.py POOL)."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class MediaPolicy:
    """Where `media_url` may point: public addresses, and these networks besides (operator's choice)."""

    allow: tuple[Network, ...] = ()
    max_bytes: int = MAX_MEDIA_BYTES
    timeout: float = MEDIA_TIMEOUT

    @classmethod
    def allowing(cls, networks: Sequence[str], **kwargs: float) -> MediaPolicy:
        return cls(tuple(ipaddress.ip_network(n, strict=False) for n in networks), **kwargs)  # type: ignore[arg-type]

    def permits(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if any(address in network for network in self.allow):
            return True
        return address.is_global and not address.is_multicast


def refuse(line: str) -> InvalidInput:
    return InvalidInput(f"media_url: {line}")


def _late(policy: MediaPolicy) -> InvalidInput:
    """The fetch's time is up, however it ran out: the citizen's app is told so, not an exception's name."""
    return refuse(f"the photo did not arrive within {policy.timeout:g} s.")


class Watch:
    """The sockets of one fetch, shut when its time is up. A socket timeout bounds each read, not the
    fetch: a host that trickles a byte now and then (headers or photo) would hold the worker thread, one
    of the few the service has (app/api/service.py POOL), for as long as it liked."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Watch:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the blocked read returns at once, with no more bytes
            sock.shutdown(socket.SHUT_RDWR)

    def connection(self, base: type[HTTPConnection]) -> type[HTTPConnection]:
        """`base` whose every connection is watched."""
        watch = self

        class Watched(base):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                watch.add(self.sock)

        return Watched


def _address(host: str, port: int, policy: MediaPolicy) -> str:
    """The host's first address, once every address it has is permitted."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise refuse(f"the host '{host[:100]}' is not found.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    for address in addresses:
        if not policy.permits(address):
            raise refuse(
                f"'{host[:100]}' is a loopback, private or reserved address ({address}); "
                "give a public http(s) address of the photo."
            )
    return str(addresses[0])


def fetch(url: str, policy: MediaPolicy) -> NewAttachment:
    """The photo at `url` as a case attachment (kind `before`), or InvalidInput saying why not."""
    with Watch(policy.timeout) as watch:
        try:
            found = _fetch(url, policy, watch)
        except (HTTPError, OSError, InvalidInput) as exc:
            if watch.expired:  # whatever the cut-off answer looked like (no Content-Type, a short photo)
                raise _late(policy) from None
            if isinstance(exc, InvalidInput):
                raise
            raise refuse(f"the photo could not be fetched ({type(exc).__name__}).") from None
        if watch.expired:
            raise _late(policy)
        return found


def _fetch(url: str, policy: MediaPolicy, watch: Watch) -> NewAttachment:
    deadline = time.monotonic() + policy.timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https"):
            raise refuse(f"only http and https addresses are fetched, not '{parts.scheme[:20]}:'.")
        if not parts.hostname:
            raise refuse("the address has no host.")
        if parts.username or parts.password:
            raise refuse("an address with a user name or password is not fetched.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise refuse("the address's port is not a number from 1 to 65535.") from None
        address = _address(parts.hostname, port, policy)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _late(policy)
        timeout = urllib3.Timeout(connect=min(left, 5.0), read=left)
        pool: urllib3.HTTPConnectionPool
        if parts.scheme == "https":  # to the checked address, with the name for TLS (SNI and certificate)
            pool = urllib3.HTTPSConnectionPool(
                address, port, timeout=timeout, server_hostname=parts.hostname, assert_hostname=parts.hostname
            )
            pool.ConnectionCls = watch.connection(HTTPSConnection)  # type: ignore[assignment]
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout)
            pool.ConnectionCls = watch.connection(HTTPConnection)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            answer = pool.urlopen(
                "GET",
                path,
                headers={
                    "Host": parts.netloc.rpartition("@")[2],
                    "User-Agent": "gridwatch-open311",
                    "Accept-Encoding": "identity",
                },
                redirect=False,
                retries=False,
                preload_content=False,
            )
        except ReadTimeoutError:  # the read timeout is what was left of the whole fetch's time
            raise _late(policy) from None
        try:
            if answer.status in (301, 302, 303, 307, 308):
                target = answer.headers.get("Location")
                if not target:
                    raise refuse(f"the host answered {answer.status} without a Location.")
                url = urljoin(url, target)
                continue
            if answer.status != 200:
                raise refuse(f"the host answered {answer.status}, not the photo.")
            claimed = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if not claimed.startswith("image/"):
                raise refuse(f"the address is not a photo (Content-Type '{claimed[:60] or 'none'}').")
            declared = answer.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > policy.max_bytes:
                raise refuse(f"the photo is over {policy.max_bytes // 2**20} MB.")
            data = _read(answer, policy, deadline)
        finally:
            answer.release_conn()
            pool.close()
        name = unquote(PurePosixPath(parts.path).name) or "media"
        try:
            kind = sniff(data, name)
        except InvalidInput:
            raise refuse("the file at the address is not a photo (judged from its content).") from None
        if not kind.mime.startswith("image/"):
            raise refuse(f"the file at the address is {kind.mime}, not a photo.")
        return NewAttachment(name, data, "before", kind.mime)
    raise refuse(f"more than {MAX_REDIRECTS} redirects.")


def _read(answer: urllib3.BaseHTTPResponse, policy: MediaPolicy, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in answer.stream(64 * 1024, decode_content=False):  # no gzip bomb: bytes as sent
            size += len(chunk)
            if size > policy.max_bytes:
                raise refuse(f"the photo is over {policy.max_bytes // 2**20} MB.")
            if time.monotonic() > deadline:
                raise _late(policy)
            chunks.append(chunk)
    except ReadTimeoutError:
        raise _late(policy) from None
    return b"".join(chunks)
