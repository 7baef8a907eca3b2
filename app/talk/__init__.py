"""Push-to-talk in the desktop app: the microphone and the hold-to-talk button."""
