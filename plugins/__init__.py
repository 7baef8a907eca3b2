"""Device drivers, detectors and intake adapters, registered as entry points."""
