"""The demo's field: the API served on 127.0.0.1 and phones that use it (`gridwatch demo`).

`DemoField.start` serves the field API over the demo's store on a free port of 127.0.0.1, in a thread of
the demo's process, with a citizen app's key and the demo's shared password (an SQLite store has no
passwords; db/field.py `password_sign_in`). `FieldSimulation` then plays the people in the street as
their phones would: grid workers sign in, clock on once a day, report with a photo, verify on site with a
photo and check a department's work with the after-photo; a citizen app reports through Open311 with a
photo; department crews accept and feed back with the after-photo. Everything goes over HTTP as those
people, so the desk sees the loop close through the same door a real phone uses. The desk's own steps
(register, dispatch, send to check, close) stay with `DemoSimulation`, each taken by a desk person whose
role takes it (a shift leader registers, a dispatcher dispatches).

The store is read only to choose whose phone wakes up (`reads.field.waiting_field_work`): a real phone
would be woken by its own person. A tick makes a handful of requests, so the demo stays light.
"""

from __future__ import annotations

import random
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import requests
import uvicorn

from gridwatch.api.app import SERVE_OPTIONS, create_app
from gridwatch.api.service import Service
from gridwatch.db import field as bookkeeping
from gridwatch.db.demo_city.ratings import RATED_SHARE, pick_rating
from gridwatch.db.errors import InvalidInput
from gridwatch.db.reads import field as field_reads
from gridwatch.db.reads.people import active_people
from gridwatch.db.store import Store

DEMO_PASSWORD = "demo"
"""The demo's one password: any active person of the demo's SQLite store signs in with it (README)."""
CITIZEN_APP = "demo citizen app"
DESK_STEPS = {
    "reported": "send_verify",
    "verifying": "register",
    "registered": "dispatch",
    "handled": "send_check",
    "checked": "close",
}
"""The steps `DemoSimulation` (the desk) still takes when the field is simulated through the API; accept,
feedback and the check are the field's."""
DESK_DIRECT = frozenset({"grid_worker"})
"""A grid worker's report is registered directly (docs/DOMAIN.md); a citizen's is verified first."""
DESK_SOURCES = ("hotline", "video", "sensor")
"""Sources `DemoSimulation` still reports from; grid workers and citizens report through the API."""
CATEGORIES = ("06010", "06012", "06036", "06042", "07001", "01001", "03005", "09001")
REPORT_NOTES = (
    "路边暴露垃圾",
    "道路不洁",
    "乱堆杂物",
    "垃圾满溢",
    "小广告",
    "井盖破损",
    "垃圾箱损坏",
    "游商占道",
)


def scene(*, fixed: bool, seed: int = 0) -> bytes:
    """A small street photo (a road, a kerb, and a heap on it unless `fixed`) as JPEG, ~20 KB."""
    rng = np.random.default_rng(seed)
    image: np.ndarray = np.zeros((360, 480, 3), np.uint8)
    image[:140] = (200, 170, 120)  # sky (BGR)
    image[140:] = (90, 90, 90)  # road
    image[140:170] = (160, 160, 160)  # kerb
    image = cv2.add(image, rng.integers(0, 20, image.shape, dtype=np.uint8))
    if not fixed:
        cv2.ellipse(image, (240, 250), (90, 40), 0, 0, 360, (40, 90, 150), -1)
        cv2.rectangle(image, (200, 215), (250, 245), (30, 160, 200), -1)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 75])
    if not ok:  # pragma: no cover - OpenCV encodes a plain array
        raise RuntimeError("could not encode the demo photo")
    return bytes(data)


@dataclass
class FieldTick:
    """What one tick did, by HTTP: (case number, source) reported, (case number, what) done."""

    reported: list[tuple[str, str]] = field(default_factory=list)
    done: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    clocked: list[tuple[str, str]] = field(default_factory=list)  # (username, status) of a clock-on
    rated: list[tuple[str, str]] = field(default_factory=list)  # (case number, rating) by the citizen app


class FieldSimulation:
    """The demo's phones: grid workers, a citizen app and department crews, over HTTP as themselves."""

    def __init__(
        self,
        base: str,
        store: Store,
        *,
        password: str = DEMO_PASSWORD,
        app_key: str | None = None,
        seed: int | None = None,
        report_chance: float = 0.3,
        citizen_chance: float = 0.2,
        clock_chance: float = 0.2,
        tasks_per_tick: int = 2,
        timeout: float = 10.0,
    ) -> None:
        self.base = base.rstrip("/")
        self.store = store
        self.password = password
        self.app_key = app_key
        self.rng = random.Random(seed)
        self.report_chance = report_chance
        self.citizen_chance = citizen_chance
        self.clock_chance = clock_chance
        self.clocked_on: set[tuple[str, str]] = set()  # (username, the day's date): once a day
        self.citizen_cases: list[str] = []  # the citizen app's reports not closed yet: rated once closed
        self.tasks_per_tick = tasks_per_tick
        self.timeout = timeout
        self.http = requests.Session()
        self.tokens: dict[str, str] = {}
        self.patrollers = field_reads.patrollers(store)
        self.before = scene(fixed=False)
        self.after = scene(fixed=True)
        self.verified = scene(fixed=False, seed=1)  # the worker's own photo on site
        self.checked = scene(fixed=True, seed=2)

    def close(self) -> None:
        self.http.close()

    # --- one phone's calls ----------------------------------------------------------------------------

    def _token(self, username: str) -> str:
        if username not in self.tokens:
            answer = self.http.post(
                self.base + "/api/v1/sign-in",
                json={"username": username, "password": self.password},
                timeout=self.timeout,
            )
            answer.raise_for_status()
            self.tokens[username] = answer.json()["token"]
        return self.tokens[username]

    def _call(self, username: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One call as `username`; a token that stopped working is dropped and signed in again once."""
        for _ in range(2):
            headers = {"Authorization": f"Bearer {self._token(username)}", **kwargs.pop("headers", {})}
            answer = self.http.request(
                method, self.base + path, headers=headers, timeout=self.timeout, **kwargs
            )
            if answer.status_code != 401:
                return answer
            self.tokens.pop(username, None)
        return answer

    def worker_report(self) -> tuple[str, str] | None:
        """A grid worker reports what they found near their grid's spot, with a photo."""
        if not self.patrollers:
            return None
        walker = self.rng.choice(self.patrollers)
        pick = self.rng.randrange(len(CATEGORIES))
        answer = self._call(
            walker.username,
            "POST",
            "/api/v1/reports",
            data={
                "category": CATEGORIES[pick],
                "lon": f"{walker.lon + self.rng.uniform(-0.0004, 0.0004):.6f}",
                "lat": f"{walker.lat + self.rng.uniform(-0.0004, 0.0004):.6f}",
                "description": f"{REPORT_NOTES[pick]}（网格员上报）",
            },
            files=[("photos", ("scene.jpg", self.before, "image/jpeg"))],
            headers={"Idempotency-Key": secrets.token_hex(8)},
        )
        return (answer.json()["case_no"], "grid_worker") if answer.status_code == 201 else None

    def citizen_report(self) -> tuple[str, str] | None:
        """A resident reports through the citizen app (Open311), with a photo."""
        if not self.app_key or not self.patrollers:
            return None
        spot = self.rng.choice(self.patrollers)
        pick = self.rng.randrange(len(CATEGORIES))
        answer = self.http.post(
            self.base + "/open311/v2/requests.json",
            data={
                "api_key": self.app_key,
                "service_code": CATEGORIES[pick],
                "lat": f"{spot.lat + self.rng.uniform(-0.0006, 0.0006):.6f}",
                "long": f"{spot.lon + self.rng.uniform(-0.0006, 0.0006):.6f}",
                "description": f"{REPORT_NOTES[pick]}（市民随手拍）",
            },
            files=[("media", ("photo.jpg", self.before, "image/jpeg"))],
            timeout=self.timeout,
        )
        if answer.status_code != 201:
            return None
        case_no = str(answer.json()[0]["service_request_id"])
        self.citizen_cases.append(case_no)
        return case_no, "citizen"

    def rate_closed(self, at_most: int = 3) -> list[tuple[str, str]]:
        """The citizen app asks after its oldest open reports (Open311 `GET requests/{id}`); a closed one
        its reporter rates, as often and as kindly as the seeded history's (`demo_city.ratings`), through
        the rating extension, or lets go unanswered. Either way it is not asked after again."""
        out: list[tuple[str, str]] = []
        if not self.app_key:
            return out
        for case_no in self.citizen_cases[:at_most]:
            asked = self.http.get(
                f"{self.base}/open311/v2/requests/{case_no}.json",
                params={"api_key": self.app_key},
                timeout=self.timeout,
            )
            if asked.status_code != 200 or asked.json()[0]["status"] != "closed":
                continue
            self.citizen_cases.remove(case_no)
            if self.rng.random() >= RATED_SHARE:
                continue
            rating, comment = pick_rating(self.rng.random(), self.rng.random())
            answer = self.http.post(
                f"{self.base}/open311/v2/requests/{case_no}/rating.json",
                data={"api_key": self.app_key, "rating": rating, **({"comment": comment} if comment else {})},
                timeout=self.timeout,
            )
            if answer.status_code == 201:
                out.append((case_no, rating))
        return out

    def clock_on(self) -> tuple[str, str] | None:
        """A grid worker who has not yet today clocks on at their grid's spot (打卡, inside the geofence);
        the desk's attendance then has their day (normal or late)."""
        today = time.strftime("%Y-%m-%d")
        waiting = [p for p in self.patrollers if (p.username, today) not in self.clocked_on]
        if not waiting:
            return None
        walker = self.rng.choice(waiting)
        answer = self._call(
            walker.username, "POST", "/api/v1/clock/on", json={"lon": walker.lon, "lat": walker.lat}
        )
        if answer.status_code != 200:
            return None
        self.clocked_on.add((walker.username, today))
        return walker.username, str(answer.json()["status"])

    def work(self, task: field_reads.FieldWork) -> tuple[str, str] | None:
        """The person opens their tasks and does this one: verify with a photo, check with the after-photo,
        accept, or feed back with the after-photo. None if it is not theirs any more or was refused."""
        tasks = self._call(task.username, "GET", "/api/v1/tasks")
        if tasks.status_code != 200 or task.case_no not in {t["case_no"] for t in tasks.json()}:
            return None
        path = f"/api/v1/cases/{task.case_no}"
        if task.kind == "verify":
            answer = self._call(
                task.username,
                "POST",
                path + "/photos",
                data={"kind": "before"},
                files=[("photos", ("verify.jpg", self.verified, "image/jpeg"))],
            )
            what = "verify_photo"
        elif task.kind == "check":
            answer = self._call(
                task.username,
                "POST",
                path + "/actions/check_pass",
                data={"note": "现场核查：已处置"},
                files=[("photos", ("check.jpg", self.checked, "image/jpeg"))],
            )
            what = "check_pass"
        elif task.state == "dispatched":
            answer = self._call(task.username, "POST", path + "/actions/accept")
            what = "accept"
        elif task.state == "handling":
            answer = self._call(
                task.username,
                "POST",
                path + "/actions/feedback",
                data={"note": "已处置完毕"},
                files=[("photos", ("after.jpg", self.after, "image/jpeg"))],
            )
            what = "feedback"
        else:  # suspended: the crew waits for the dispatcher
            return None
        return (task.case_no, what) if answer.status_code in (200, 201) else None

    # --- the loop -------------------------------------------------------------------------------------

    def tick(self) -> FieldTick:
        out = FieldTick()
        if self.rng.random() < self.report_chance and (made := self.worker_report()):
            out.reported.append(made)
        if self.rng.random() < self.citizen_chance and (made := self.citizen_report()):
            out.reported.append(made)
        if self.rng.random() < self.clock_chance and (clocked := self.clock_on()):
            out.clocked.append(clocked)
        out.rated += self.rate_closed()
        for task in field_reads.waiting_field_work(self.store, self.tasks_per_tick):
            done = self.work(task)
            if done is None:
                out.refused.append(task.case_no)
            else:
                out.done.append(done)
        return out

    def run(self, stop: threading.Event, interval: float = 3.0) -> None:
        """Tick until `stop` is set; a failed tick (the service busy, a network error) is skipped."""
        while not stop.wait(interval):
            try:
                self.tick()
            except (requests.RequestException, ValueError, KeyError):
                continue


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class DemoField:
    """The demo's field API (uvicorn on 127.0.0.1, a free port) and its simulated phones, in threads."""

    def __init__(self, url: str, *, simulate: bool = True, host: str = "127.0.0.1", port: int = 0) -> None:
        self.store = Store(url)
        self.host = host
        self.port = port or free_port(host)
        self.simulate = simulate
        self.stop = threading.Event()
        self.app_key = self._citizen_key()
        workers = field_reads.patrollers(self.store)
        self.example_worker = workers[0].username if workers else "admin"
        app = create_app(Service(self.store, demo_password=DEMO_PASSWORD))
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=self.port, **SERVE_OPTIONS))
        self.threads: list[threading.Thread] = []
        self.simulation: FieldSimulation | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _citizen_key(self) -> str | None:
        """A fresh key for the demo's citizen app (keys are kept hashed, so each demo run makes one),
        reporting in the name of the demo's first acceptor (None, no citizen app, without one)."""
        keeper = bookkeeping.keeper(self.store)
        people = [p.username for p in active_people(self.store) if "acceptor" in p.roles]
        if not people:
            return None
        try:
            return bookkeeping.add_api_key(keeper, CITIZEN_APP, people[0])
        except InvalidInput:
            bookkeeping.revoke_api_key(keeper, CITIZEN_APP)
            return bookkeeping.add_api_key(keeper, CITIZEN_APP, people[0])

    def start(self, timeout: float = 10.0) -> DemoField:
        serving = threading.Thread(target=self.server.run, name="demo-field-api", daemon=True)
        serving.start()
        self.threads.append(serving)
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not serving.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The demo's field API did not start on {self.base}.")
            time.sleep(0.05)
        if self.simulate:
            self.simulation = FieldSimulation(self.base, self.store, app_key=self.app_key)
            phones = threading.Thread(
                target=self.simulation.run, args=(self.stop,), name="demo-field-phones", daemon=True
            )
            phones.start()
            self.threads.append(phones)
        return self

    def close(self) -> None:
        self.stop.set()
        self.server.should_exit = True
        for thread in self.threads:
            thread.join(5)
        if self.simulation is not None:
            self.simulation.close()
        self.store.dispose()
