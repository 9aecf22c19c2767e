"""The hostile-input suite shares the helpers of tests/ (real git repositories)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
