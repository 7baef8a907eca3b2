"""The demo city: a generated 思明区 district with people, devices and 90 days of cases, from one seed.

`seed_demo(store, cases=3000, seed=1)` writes it; the same seed always gives the same district.
"""

from gridwatch.db.demo_city.seed import DemoSummary, StoreNotEmpty, seed_demo

__all__ = ["DemoSummary", "StoreNotEmpty", "seed_demo"]
