"""IoT sensors over MQTT (issue 12): the headless service, and the demo's simulated monitors
(docs/SENSORS.md)."""
