"""A test camera: GStreamer's RTSP server serving H.264 from videotestsrc on 127.0.0.1.

Runs under Debian's /usr/bin/python3 (python3-gi), not the venv:  rtsp_camera.py PORT [PATTERN]
The picture is SMPTE colour bars scrolling sideways, so both the pattern and its motion can be checked.
"""

import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PIPELINE = (
    "( videotestsrc is-live=true pattern={pattern} horizontal-speed=4 "
    "! video/x-raw,width=640,height=360,framerate=25/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=800 "
    "! rtph264pay name=pay0 pt=96 config-interval=1 )"
)


def main() -> None:
    port, pattern = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "smpte"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(PIPELINE.format(pattern=pattern))
    factory.set_shared(True)
    server.get_mount_points().add_factory("/cam", factory)
    server.attach(None)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
