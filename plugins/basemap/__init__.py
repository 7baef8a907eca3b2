"""Offline basemaps: the demo district's generated map, rendered to MBTiles (docs/BASEMAP.md)."""
