"""How the demo's reporters rate closed cases (满意 / 基本满意 / 不满意, docs/DOMAIN.md "Satisfaction"):
shares and comments that the seeded history (`writer`) and the live citizen app (app/api/demo_field.py)
both draw from, so the demo's 满意率 reads the same before and after it has run a while."""

from __future__ import annotations

RATED_SOURCES = frozenset({"citizen", "hotline"})
"""Whose reporters rate a closed case: the citizen app, the hotline's callback. The desk records both (the
demo's reporter of them is an acceptor, the citizen app's key person), so the rater is the reporter."""
RATED_SHARE = 0.7
"""Of those closed cases, how many the reporter rates; the rest never answer the callback."""
RATING_SHARES = {"satisfied": 0.72, "basically": 0.2, "dissatisfied": 0.08}
COMMENTS: dict[str, tuple[str | None, ...]] = {
    "satisfied": ("处理及时，谢谢", "很快就修好了", "工作人员态度好", None, None),
    "basically": ("处理了，但时间有点长", "基本解决，希望以后多巡查", None),
    "dissatisfied": ("过了几天又出现了", "处理太慢", "问题没有彻底解决"),
}


def pick_rating(which: float, pick: float) -> tuple[str, str | None]:
    """The rating and comment for two uniform draws in [0, 1): RATING_SHARES, then one of its COMMENTS."""
    total, running = sum(RATING_SHARES.values()), 0.0
    kinds = list(RATING_SHARES)
    rating = kinds[-1]  # what float rounding leaves above the last sum
    for kind in kinds:
        running += RATING_SHARES[kind] / total
        if which < running:
            rating = kind
            break
    comments = COMMENTS[rating]
    return rating, comments[min(int(pick * len(comments)), len(comments) - 1)]
