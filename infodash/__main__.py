"""``python -m infodash``."""

import sys

from infodash.cli import main

sys.exit(main())
