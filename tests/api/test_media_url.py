"""Open311's media_url: the photo is fetched and attached; a bad address is Open311's 400 and saves nothing.
A real HTTP server on 127.0.0.1 plays the citizen's photo host; loopback is refused unless allowed."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from gridwatch.api.media import MediaPolicy
from gridwatch.api.service import Service
from gridwatch.db import field as bookkeeping
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.reads import field as reads
from tests.api.conftest import Field, Served
from tests.api.test_field_api import jpeg


class Host(BaseHTTPRequestHandler):
    """The photo host: a photo, a redirect to it, and every way a fetch should be refused."""

    photo = b""
    patience = 10.0
    """Seconds the slow host waits for the client to give up (the test's policy allows 1 s)."""
    slow: queue.Queue[tuple[str, int]] = queue.Queue()
    """What the slow host did with each fetch: ("hung up", bytes sent) or ("sent", the whole photo)."""
    trickled: queue.Queue[str] = queue.Queue()
    """What the trickling host saw: "hung up" or "sent" (its whole header, a byte every 0.2 s)."""

    def log_message(self, *_args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", headers.pop("length", str(len(body))))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/photo.jpg":
            self._send(200, self.photo, "image/jpeg")
        elif self.path == "/redirect":
            self._send(302, b"", "text/plain", Location="/photo.jpg")
        elif self.path == "/to-file":
            self._send(302, b"", "text/plain", Location="file:///etc/passwd")
        elif self.path == "/loop":
            self._send(302, b"", "text/plain", Location="/loop")
        elif self.path == "/page.html":
            self._send(200, b"<html>not a photo</html>", "text/html")
        elif self.path == "/fake.jpg":
            self._send(200, b"MZ\x90\x00" + b"\x00" * 300, "image/jpeg")
        elif self.path == "/huge.jpg":
            self._send(200, self.photo, "image/jpeg", length=str(50 * 2**20))
        elif self.path == "/endless.jpg":  # no Content-Length: counted as it arrives
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            try:
                self.wfile.write(self.photo)
                for _ in range(400):
                    self.wfile.write(b"\x00" * 65536)
            except OSError:
                pass
        elif self.path == "/slow.jpg":  # 100 bytes of the photo, then nothing until the client hangs up
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(self.photo)))
            self.end_headers()
            self.wfile.write(self.photo[:100])
            self.wfile.flush()
            self.connection.settimeout(self.patience)
            try:
                hung_up = self.connection.recv(1) == b""  # the client closed its end
            except ConnectionError:  # closed with our bytes unread: a reset
                hung_up = True
            except TimeoutError:
                hung_up = False
            if hung_up:
                self.slow.put(("hung up", 100))
            else:  # a client that waits this long gets the rest of the photo
                self.wfile.write(self.photo[100:])
                self.slow.put(("sent", len(self.photo)))
        elif self.path == "/trickle.jpg":  # a byte of a long header every 0.2 s: each read is quick
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
            try:
                for _ in range(int(self.patience / 0.2)):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.2)
                self.trickled.put("sent")
            except OSError:  # the client shut its end
                self.trickled.put("hung up")
        else:
            self._send(404, b"no", "text/plain")


@pytest.fixture
def host() -> Iterator[str]:
    Host.photo = jpeg()
    Host.slow = queue.Queue()
    Host.trickled = queue.Queue()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def post(base: str, key: str, media_url: str) -> requests.Response:
    return requests.post(
        base + "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "06010",
            "lat": 24.465,
            "long": 118.105,
            "media_url": media_url,
        },
        timeout=30,
    )


def test_a_media_url_is_fetched_and_attached(served: Field, host: str) -> None:
    key = bookkeeping.add_api_key(served.service.keeper, "随手拍", served.users["app"])
    allowed = Service(served.service.store, media=MediaPolicy.allowing(["127.0.0.1/32"]))
    with Served(allowed) as base:
        for path in ("/photo.jpg", "/redirect"):
            answer = post(base, key, host + path)
            assert answer.status_code == 201, answer.text
            case_no = answer.json()[0]["service_request_id"]
            found = case_reads.by_number(served.owner, case_no)
            assert found.case.source == "citizen"
            assert [(a.kind, a.filename, a.mime, a.size) for a in found.attachments] == [
                ("before", "photo.jpg", "image/jpeg", len(jpeg()))
            ]
            full = case_reads.by_id(served.owner, found.case.id, data_of=("before",))
            assert full is not None and full.attachments[0].data == jpeg()


def test_a_bad_media_url_is_open311s_400_and_saves_nothing(served: Field, host: str) -> None:
    key = bookkeeping.add_api_key(served.service.keeper, "随手拍", served.users["app"])
    # Loopback is refused by default: the served fixture's service allows nothing but public addresses.
    refused = post(served.base, key, host + "/photo.jpg")
    assert refused.status_code == 400
    assert refused.json() == [
        {
            "code": 400,
            "description": "media_url: '127.0.0.1' is a loopback, private or reserved address (127.0.0.1); "
            "give a public http(s) address of the photo.",
        }
    ]
    for private in ("http://10.0.0.7/a.jpg", "http://169.254.169.254/latest/meta-data", "http://[::1]/a.jpg"):
        assert "loopback, private or reserved" in post(served.base, key, private).json()[0]["description"]
    policy = MediaPolicy.allowing(["127.0.0.1/32"], max_bytes=2 * 2**20, timeout=1.0)
    with Served(Service(served.service.store, media=policy)) as base:
        expected = {
            "file:///etc/passwd": "media_url: only http and https addresses are fetched, not 'file:'.",
            "gopher://127.0.0.1/x": "media_url: only http and https addresses are fetched, not 'gopher:'.",
            host + "/to-file": "media_url: only http and https addresses are fetched, not 'file:'.",
            host + "/loop": "media_url: more than 3 redirects.",
            host + "/page.html": "media_url: the address is not a photo (Content-Type 'text/html').",
            host
            + "/fake.jpg": "media_url: the file at the address is not a photo (judged from its content).",
            host + "/huge.jpg": "media_url: the photo is over 2 MB.",
            host + "/endless.jpg": "media_url: the photo is over 2 MB.",
            host + "/missing.jpg": "media_url: the host answered 404, not the photo.",
            "http://no-such-host.invalid/a.jpg": "media_url: the host 'no-such-host.invalid' is not found.",
            "http://127.0.0.1:99999/a.jpg": "media_url: the address's port is not a number from 1 to 65535.",
        }
        for url, line in expected.items():
            answer = post(base, key, url)
            assert (answer.status_code, answer.json()) == (400, [{"code": 400, "description": line}]), url
        slow = post(base, key, host + "/slow.jpg")
        assert (slow.status_code, slow.json()) == (
            400,
            [{"code": 400, "description": "media_url: the photo did not arrive within 1 s."}],
        )
        # The fetch was given up: the host saw the connection closed with 100 of the photo's bytes sent.
        assert Host.slow.get(timeout=30) == ("hung up", 100)
        # A host that trickles its header, each read within the read timeout, is cut off at 1 s all the
        # same: the fetch's sockets are shut when its time is up (without that, it waits the 10 s out).
        trickle = post(base, key, host + "/trickle.jpg")
        assert (trickle.status_code, trickle.json()) == (
            400,
            [{"code": 400, "description": "media_url: the photo did not arrive within 1 s."}],
        )
        assert Host.trickled.get(timeout=30) == "hung up"
        xml = requests.post(
            base + "/open311/v2/requests.xml",
            data={
                "api_key": key,
                "service_code": "06010",
                "lat": 24.465,
                "long": 118.105,
                "media_url": "ftp://x",
            },
            timeout=10,
        )
        assert xml.status_code == 400 and b"<description>media_url: only http and https" in xml.content
    assert reads.requests(served.owner) == []
