"""The demo city: a generated 思明区 district with people, devices and 90 days of cases, from one seed.

`seed_demo(store, cases=3000, seed=1)` writes it; the same seed always gives the same district.
"""

from gridwatch.db.demo_city.seed import DemoSummary, StoreNotEmpty, has_territory, seed_demo, table_counts

__all__ = ["DemoSummary", "StoreNotEmpty", "has_territory", "seed_demo", "table_counts"]
