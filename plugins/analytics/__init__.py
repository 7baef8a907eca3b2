"""The video-analytics service: workers that hold cameras through leases in the store, decode each held
camera's stream at a few frames a second, run its zones' detectors and turn detections into pending cases
(docs/ANALYTICS.md). `gridwatch serve analytics` runs it; the demo runs one lightly in-process."""
