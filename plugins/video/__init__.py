"""Qt-free video helpers: the demo's generated camera streams."""
