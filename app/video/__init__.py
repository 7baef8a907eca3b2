"""Live video panes: one widget, two players (OpenCV/FFmpeg frames, or libvlc in a native window)."""
