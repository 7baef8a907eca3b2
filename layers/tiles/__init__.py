"""Basemap tiles: sources (XYZ over HTTP, MBTiles, PMTiles), an on-disk cache, and a non-blocking store.

The basemap renderer asks `TileStore.image()` for the tiles `tiles_for_extent()` lists and draws each
with `tile_transform()`, which also places GCJ-02 tiles where they belong on the WGS-84 map.
"""
