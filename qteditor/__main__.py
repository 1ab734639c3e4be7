import sys

from qteditor.cli import main

sys.exit(main())
