"""The talk arbiter and the wall state live in the shared store, on both backends."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from gridwatch.db import talk, wall
from gridwatch.db.errors import InvalidInput, NotFound
from gridwatch.db.models import Device, Person, PersonRole, TalkRecord
from gridwatch.db.store import Store, utcnow
from tests.cli.test_cases_cli import url_of


@pytest.fixture
def devices(store: Store, staff: dict[str, str]) -> None:
    now = utcnow()
    with store.session() as s:
        for n, (code, kind, group) in enumerate(
            (
                ("S1", "loudspeaker", "中山路"),
                ("S2", "loudspeaker", "中山路"),
                ("S3", "loudspeaker", None),
                ("C1", "camera", None),
                ("C2", "camera", None),
            )
        ):
            s.add(
                Device(
                    code=code,
                    kind=kind,
                    name=f"设备{code}",
                    lon=118.09,
                    lat=24.47,
                    address=f"127.0.0.1:{40000 + n}",
                    protocol="rtp-pcma" if code == "S3" else "rtp-pcmu",
                    priority_group=group,
                    updated_at=now,
                )
            )
        s.add(
            Person(
                username="leader2", name="Leader Two", updated_at=now, roles=[PersonRole(role="shift_leader")]
            )
        )


def test_one_talker_per_speaker_and_higher_roles_take_over(store: Store, devices: None) -> None:
    first = talk.acquire(store, "dispatcher", ["S1", "S2"])
    with pytest.raises(talk.SpeakerBusy, match="Dispatcher"):
        talk.acquire(store, "worker", ["S2"])  # a grid worker cannot interrupt a dispatcher
    boss = talk.acquire(store, "leader", ["S2"])  # a shift leader can
    assert boss.preempted == ("Dispatcher",)
    assert not talk.still_held(store, first)  # the dispatcher's client learns it lost the call
    with pytest.raises(talk.SpeakerBusy, match="Leader"):
        talk.acquire(store, "leader2", ["S2"])  # equal rank waits
    talk.release(store, boss)
    assert talk.acquire(store, "worker", ["S2"]).preempted == ()


def test_an_abandoned_lock_expires(store: Store, devices: None) -> None:
    talk.acquire(store, "leader", ["S1"], now=utcnow() - talk.LOCK_TTL - timedelta(seconds=1))
    assert talk.acquire(store, "worker", ["S1"]).preempted == ()


def test_unknown_speaker_and_the_record(store: Store, devices: None) -> None:
    with pytest.raises(NotFound, match="S9"):
        talk.acquire(store, "leader", ["S1", "S9"])
    now = utcnow()
    talk.record(
        store,
        "leader",
        started_at=now,
        ended_at=now + timedelta(seconds=3),
        codec="pcmu",
        kind="tts",
        text="请不要占道经营",
        audio=b"\xff" * 24000,
        targets={"speakers": ["S1"]},
    )
    with store.session() as s:
        row = s.query(TalkRecord).one()
        assert row.text == "请不要占道经营" and len(row.audio or b"") == 24000 and row.person_id is not None


def test_speakers_are_looked_up_by_code_and_by_group(store: Store, devices: None) -> None:
    by_code = talk.speakers(store, ["S3", "S1"])
    assert [(s.code, s.address, s.codec) for s in by_code] == [
        ("S3", "127.0.0.1:40002", "pcma"),
        ("S1", "127.0.0.1:40000", "pcmu"),
    ]
    assert [s.code for s in talk.speakers(store, group="中山路")] == ["S1", "S2"]
    assert [s.code for s in talk.speakers(store, ["S3"], group="中山路")] == ["S3", "S1", "S2"]
    assert [s.code for s in talk.speakers(store)] == ["S1", "S2", "S3"]  # cameras are not speakers
    with pytest.raises(NotFound, match="C1"):
        talk.speakers(store, ["C1"])
    with pytest.raises(NotFound, match="思明路"):
        talk.speakers(store, group="思明路")


def test_a_group_is_one_call_with_one_codec(store: Store, devices: None) -> None:
    grant = talk.acquire(store, "dispatcher", [], group="中山路")
    assert grant.codes == ("S1", "S2") and grant.codec == "pcmu"
    assert grant.targets == {"speakers": ["S1", "S2"], "addresses": ["127.0.0.1:40000", "127.0.0.1:40001"]}
    with pytest.raises(talk.SpeakerBusy, match="Dispatcher"):
        talk.acquire(store, "worker", ["S2", "S3"])  # all or nothing: S3 stays free
    mixed = talk.acquire(store, "worker", ["S3"])
    assert mixed.codec == "pcma"
    assert talk.call_codec(["pcma", "pcmu"]) == "pcmu"  # speakers that disagree get µ-law
    with pytest.raises(InvalidInput, match="Choose a loudspeaker"):
        talk.acquire(store, "dispatcher", [])


def test_the_loser_learns_who_took_over_and_the_record_says_so(store: Store, devices: None) -> None:
    first = talk.acquire(store, "dispatcher", ["S1", "S2"])
    assert talk.lost_to(store, first) is None
    boss = talk.acquire(store, "leader", ["S2"])
    taker = talk.lost_to(store, first)
    assert taker is not None and taker.name == "Leader"
    talk.release(store, boss)
    assert talk.lost_to(store, first) == talk.Takeover(None, "another user")  # S2 is gone, taker finished
    now = utcnow()
    talk.record(
        store,
        "dispatcher",
        started_at=now - timedelta(seconds=2),
        ended_at=now,
        targets=first.targets,
        codec=first.codec,
        kind="microphone",
        audio=b"\xff" * 16000,
        preempted_by=taker.person_id,
    )
    with store.session() as s:
        row = s.query(TalkRecord).one()
        leader = s.query(Person).filter_by(username="leader").one()
        assert row.preempted_by_id == leader.id and row.targets["speakers"] == ["S1", "S2"]


def test_wall_layouts_are_validated_and_versioned(store: Store, devices: None) -> None:
    layout = {"screens": [{"tiles": 4, "cameras": ["C1", None, "C2"]}, {"tiles": 1, "cameras": ["C2"]}]}
    wall.save_preset(store, "早高峰", layout)
    assert wall.show(store, "main", layout, actor="dispatcher", preset="早高峰") == 1
    assert wall.show(store, "main", {"screens": [{"tiles": 1, "cameras": ["C1"]}]}, actor="dispatcher") == 2
    state = wall.current(store, "main")
    assert state is not None and state["version"] == 2 and state["preset"] is None
    wall.save_preset(store, "巡查", layout, tours={"1/2": {"group": ["C1", "C2"], "every_s": 10}})
    assert wall.show(store, "main", layout, actor="dispatcher", preset="巡查", alarm_tile="2/1") == 3
    state = wall.current(store, "main")
    assert state is not None and state["alarm_tile"] == "2/1" and state["tours"]["1/2"]["every_s"] == 10
    with pytest.raises(InvalidInput, match="not on this wall"):
        wall.show(store, "main", layout, actor="dispatcher", alarm_tile="3/1")
    with pytest.raises(InvalidInput, match="choose 1, 4, 9 or 16"):
        wall.show(store, "main", {"screens": [{"tiles": 6, "cameras": []}]}, actor="dispatcher")
    with pytest.raises(InvalidInput, match="no camera with code C9"):
        wall.save_preset(store, "x", {"screens": [{"tiles": 4, "cameras": ["C9"]}]})


def test_two_desks_taking_a_free_speaker_at_once_one_wins_and_the_other_is_told_who(
    store: Store, devices: None
) -> None:
    """Two store handles (two desks) of equal rank, held at a barrier until both have looked at the free
    speaker's lock: the database decides, and the loser hears who holds it, not a traceback."""
    desks = {"leader": Store(url_of(store)), "leader2": Store(url_of(store))}
    looked = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    waited: set[int] = set()

    def hold(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        """Both desks have looked and found the speaker free before either writes (first try only)."""
        first_write = statement.lstrip().upper().startswith("DELETE FROM SPEAKER_LOCKS")
        if first_write and threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            looked.wait(timeout=30)

    for desk in desks.values():
        event.listen(desk.engine, "before_cursor_execute", hold)

    def take(username: str) -> None:
        try:
            talk.acquire(desks[username], username, ["S3"])
            outcomes[username] = "granted"
        except talk.SpeakerBusy as busy:
            outcomes[username] = f"busy: {busy.holder}"
        except Exception as exc:  # a traceback must fail the test by name
            outcomes[username] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=take, args=(u,)) for u in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    names = {"leader": "Leader", "leader2": "Leader Two"}
    assert sorted(outcomes.values())[-1] == "granted", outcomes
    winner = next(u for u, o in outcomes.items() if o == "granted")
    loser = next(u for u in desks if u != winner)
    assert outcomes[loser] == f"busy: {names[winner]}"
    for desk in desks.values():
        desk.dispose()
