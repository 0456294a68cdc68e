"""`python -m arenax` runs the `arenax` command."""

import sys

from arenax.cli import main

sys.exit(main())
