"""exnet: mine deep-learning projects on GitHub into a browsable gallery of examples.

The pipeline runs discover -> fetch -> extract -> aggregate -> render; each stage is a
module or sub-package of this package named after it, and records (see `exnet.records`)
are the only coupling between stages.
"""

from __future__ import annotations

__version__ = "0.1.0"
