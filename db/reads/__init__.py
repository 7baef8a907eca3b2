"""The store's read API: what the desktop, the wall and the CLI show, as plain frozen rows.

Every reader takes a `Store` and runs in one `Store.session()`, so whatever limits the connection's
database role carries (row-level security on PostgreSQL) applies to every read alike; none hands out a
table row or a session. Bulk map data comes as numpy columns. One module per thing read:

| module | holds |
|---|---|
| `case_lists` | the queue's and `cases list`'s filtered, ordered pages (by key, not OFFSET, where it can) |
| `cases` | one case in full (names, events with actors, attachments, allowed actions); briefs of a few |
| `nearby` | possible duplicates of a case and the devices nearest it |
| `map` | the map layers' columns: org areas, open cases with their light moments, density, devices, fixes |
| `people` | active people with their roles, and the actions a desk offers a person |
| `reference` | the site rules, and the departments, categories and areas dialogs and filters list |
| `devices` | one camera or loudspeaker for a pane or the talk panel, the wall's cameras and presets |
| `evaluation` | a period's 考评: metrics per grouping and total, scores, grid workers, days; `drill` |
| `review` | the review station's queue: checked cases awaiting 结案 and requests awaiting a decision |
"""
