"""The map: a canvas over gridwatch.layers, fed from the store and kept live by the change feed."""

from gridwatch.ui.map.widget import MapWidget

__all__ = ["MapWidget"]
