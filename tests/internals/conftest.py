"""The behaviour tests' fixtures and helpers apply here too."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import *  # noqa: E402,F401,F403
