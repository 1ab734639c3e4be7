"""Entry point of the frozen app (PyInstaller)."""

import multiprocessing
import sys

from qteditor.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the collection index reads files on worker processes
    sys.exit(main())
