"""The Qt layer: widgets and windows; no file-format logic lives here.

The core modules that the window's first frame uses are imported here, before any module of
this package imports PySide6. PySide6's import hook reads the source of every module imported
after PySide6 itself (it looks for the word "PySide6", for its ``__feature__`` switching):
about 40 of these modules and the standard library's modules under them, ~20 ms of a start
from source. Imported first, they are loaded exactly as before, without that reading.
``tests/ui/test_startup.py`` holds that they come first.
"""

from ..core import (  # noqa: F401 - imported for their order, see above
    entry,
    folders,
    journal,
    patch,
    related,
    resources,
    schema,
    session,
    site,
    slugs,
    spelling,
    storage,
    validate,
)
from ..core.yaml import scan  # noqa: F401 - through the package's face: loads the scanner now
