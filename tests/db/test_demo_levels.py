"""The demo's centers (docs/LEVELS.md): a district center, street centers and a community center, with a
case that went down the chain (seed 004) and one escalated up it (seed 002), each end to end with its
trail, the evaluation counting it for the center that held it, and the closing shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridwatch.db.demo_city.seed import seed_demo
from gridwatch.db.metrics import compute
from gridwatch.db.reads import levels as reads
from gridwatch.db.store import Store

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday, 17:00 in Xiamen


def test_the_demo_has_centers_and_cases_travelling_them(store: Store) -> None:
    summary = seed_demo(store, cases=20, seed=3, now=NOW, levels=True)
    demo = summary.levels
    assert demo is not None
    assert [c.level for c in reads.centers(store)] == [
        "top",
        "district",
        "street",
        "community",
        "street",
        "street",
    ]
    assert summary.counts["cases"] == 23
    down = reads.hops(store, demo.down_chain)
    assert [(h.action, h.from_center, h.to_center) for h in down] == [
        ("dispatch_down", None, demo.centers[0]),
        ("dispatch_down", demo.centers[0], demo.centers[1]),
        ("dispatch_down", demo.centers[1], demo.centers[4]),
    ]
    assert len({h.deadline for h in down}) == 1  # the clock of the first dispatch, carried down
    up = reads.hops(store, demo.up_chain)
    assert [(h.action, h.to_center) for h in up] == [
        ("escalate", demo.centers[4]),
        ("escalate", demo.centers[1]),
        ("escalate", demo.centers[0]),
    ]
    assert all(h.reason for h in up)
    waiting = reads.holding(store, demo.waiting)
    assert waiting.escalated and waiting.holder.code == demo.centers[4]
    day = (NOW + timedelta(hours=8)).date()
    shares = {s.level: s.closed for s in reads.closing_shares(store, day, day)}
    assert (shares["community"], shares["district"]) == (1, 1)
    with store.session() as s:
        rows = {r.key: r for r in compute(s, day, day, "center")}
    assert rows[demo.centers[4]].closed == 1 and rows[demo.centers[0]].closed == 1
