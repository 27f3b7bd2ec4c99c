"""unspin: find machine-spun text and restore the original wording.

Offsets in findings: ``start``/``end`` are UTF-8 byte offsets (as in every unspin output),
``start_char``/``end_char`` are code-point offsets for slicing a ``str``; all half-open.
"""

from ._unspin import Scanner, __version__, check, restore

__all__ = ["Scanner", "check", "restore", "__version__"]
