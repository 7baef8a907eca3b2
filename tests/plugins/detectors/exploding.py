"""A detector plugin that raises, registered through a real entry point by the tests (test_plugin_failure)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from gridwatch.plugins.detectors import Detector, DetectorConfig, Finding, Frame, Zone


class ExplodingConfig(DetectorConfig):
    explode_at_s: float = Field(3.0, description="raise in feed from this time on")
    explode_on_start: bool = False


class ExplodingDetector(Detector):
    type_key = "exploding"
    default_category = "09006"
    Config: ClassVar[type[DetectorConfig]] = ExplodingConfig

    def __init__(self, zone: Zone, config: DetectorConfig, fps: float) -> None:
        super().__init__(zone, config, fps)
        assert isinstance(config, ExplodingConfig)
        if config.explode_on_start:
            raise RuntimeError("cannot load my weights")
        self.cfg = config
        self.fed = 0

    def feed(self, frame: Frame) -> list[Finding]:
        self.fed += 1
        if frame.t_s >= self.cfg.explode_at_s:
            raise RuntimeError("boom")
        return []
