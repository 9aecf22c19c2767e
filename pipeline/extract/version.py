"""The extractor's version for caches: the exnet version plus a digest of the code.

Cached extraction results are keyed by (repo, SHA, extractor version). The package
version alone would let a changed extractor reuse stale results during development, so
the digest of the extractor's own sources and of the record format is part of it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from exnet import __version__


@cache
def extractor_version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    # the extractor's modules and handlers, the record format, and the layer-type table
    # its vocabulary derives from
    for path in sorted(here.rglob("*.py")) + [here.parent / "records.py",
                                              here.parent / "layertypes.py"]:
        digest.update(path.relative_to(here.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
