"""The Qt layer: widgets and windows; no file-format logic lives here."""
