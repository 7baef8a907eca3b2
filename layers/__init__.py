"""Map layers: a data snapshot rendered into a QImage off the GUI thread, and identify."""
