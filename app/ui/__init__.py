"""The Qt application: main window, workspaces, docks and widgets."""
