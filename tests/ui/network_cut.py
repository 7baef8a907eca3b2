"""A TCP link on loopback between a desk and PostgreSQL that can be cut the way a network fails without
refusing: packets dropped, nobody answering.

`Link` relays every connection to the server until `cut()`. Cut, the connections it was relaying end (a
router that lost the route drops them: the desk's idle pooled connections are seen closed at checkout, as
db/engine.py does, so they cannot hide the outage) and every new connection is accepted and then never
answered: the client waits out its connect timeout, as it would for a SYN dropped on the way. `restore()`
relays again, including the connections still waiting (their client retries, as TCP would).

Each connection is an `Attempt`, counted here, at the link, with the application_name of its startup packet
(URLs with sslmode=disable and gssencmode=disable send it first): the desk's own connections say
"gridwatch", its probe "gridwatch probe". A count taken here cannot be fooled by a flag in the code.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

STARTUP_WAIT_S = 2.0
"""How long a new connection's startup packet may take to arrive (it follows the TCP handshake at once)."""


@dataclass
class Attempt:
    """One connection the link accepted: when (time.monotonic()), whose (application_name), and whether it
    arrived while the link was cut."""

    at: float
    application: str
    while_cut: bool
    ended: threading.Event = field(default_factory=threading.Event)


def startup_application(packet: bytes) -> str:
    """The application_name of a PostgreSQL startup packet ("" when it names none or is no startup)."""
    if len(packet) < 8 or struct.unpack("!I", packet[4:8])[0] != 196608:  # protocol 3.0
        return ""
    words = packet[8:].split(b"\0")
    settings = dict(zip(words[0::2], words[1::2], strict=False))
    return settings.get(b"application_name", b"").decode("utf-8", "replace")


class Link:
    """127.0.0.1:`port` → `upstream`, relayed until cut; see the module's docstring."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._closed = threading.Event()
        self._generation = 0  # moves at each cut: a relay of an earlier generation ends
        self._relaying = 0  # connections being relayed now
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.port: int = self._server.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name="link-accept", daemon=True)
        self._acceptor.start()

    # --- the test's side ------------------------------------------------------------------------------------

    def cut(self) -> None:
        """Cut; on return every connection that was relayed has ended (its client has seen it close)."""
        with self._lock:
            self._generation += 1
            self._cut.set()
        ended = time.monotonic() + 5
        while self._relaying and time.monotonic() < ended:
            time.sleep(0.01)
        assert not self._relaying, "a relayed connection did not end at the cut"

    def restore(self) -> None:
        with self._lock:
            self._cut.clear()

    def count(self, application: str, since: float = 0.0) -> int:
        """Connections `application` opened at or after `since` (time.monotonic())."""
        with self._lock:
            return sum(1 for a in self.attempts if a.application == application and a.at >= since)

    def close(self) -> None:
        self._closed.set()
        self._acceptor.join(5)
        self._server.close()

    # --- the link -------------------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), name="link-conn", daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            first = _startup_packet(client)
            with self._lock:
                attempt = Attempt(time.monotonic(), startup_application(first), self._cut.is_set())
                self.attempts.append(attempt)
            try:
                while True:  # while cut nobody answers; the client may give up meanwhile
                    with self._lock:
                        if not self._cut.is_set():
                            generation = self._generation
                            self._relaying += 1
                            break
                    if self._closed.is_set() or _hung_up(client, 0.05):
                        return
                try:
                    with socket.create_connection(self.upstream, timeout=5) as server:
                        server.settimeout(None)
                        if first:
                            server.sendall(first)
                        self._relay(client, server, generation)
                finally:
                    with self._lock:
                        self._relaying -= 1
                    client.close()  # before the count says so: `cut` returns once the client can see it
            finally:
                attempt.ended.set()

    def _relay(self, client: socket.socket, server: socket.socket, generation: int) -> None:
        ends = {client: server, server: client}
        while not self._closed.is_set():
            with self._lock:
                if self._generation != generation:
                    return  # cut: this connection is lost with the route
            readable, _, _ = select.select(list(ends), [], [], 0.05)
            for source in readable:
                try:
                    data = source.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                with self._lock:
                    if self._generation != generation:
                        return  # cut while reading: dropped, as the network drops it
                ends[source].sendall(data)


def _startup_packet(client: socket.socket) -> bytes:
    """The client's first message, whole (its length leads it), or what arrived within STARTUP_WAIT_S."""
    client.settimeout(STARTUP_WAIT_S)
    data = b""
    try:
        while len(data) < 4 or len(data) < struct.unpack("!I", data[:4])[0]:
            chunk = client.recv(4096)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass
    client.settimeout(None)
    return data


def _hung_up(client: socket.socket, wait: float) -> bool:
    """Whether the client closed its end (it gave up waiting); whatever else it sends is dropped."""
    readable, _, _ = select.select([client], [], [], wait)
    if not readable:
        return False
    try:
        return client.recv(65536) == b""
    except OSError:
        return True
