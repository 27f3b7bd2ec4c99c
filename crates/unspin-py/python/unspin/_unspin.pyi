from os import PathLike
from typing import Any, List, Optional, Sequence, TypedDict, Union, final

__version__: str

_Path = Union[str, PathLike[str]]

class Finding(TypedDict):
    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    suggestion: str
    alternatives: List[str]
    confidence: float
    rule: str
    message: str

class Report(TypedDict):
    score: float
    verdict: str  # "spun" | "uncertain" | "clean"
    words: int
    findings: List[Finding]

@final
class Scanner:
    """A configured engine; build once, reuse for every batch (it is thread-safe)."""

    def __new__(
        cls,
        *,
        rules: Optional[Sequence[_Path]] = ...,
        model: Optional[_Path] = ...,
        fast: bool = ...,
        min_confidence: Optional[float] = ...,
        threads: Optional[int] = ...,
    ) -> "Scanner": ...
    def check(self, text: str) -> Report: ...
    def restore(self, text: str) -> str: ...
    def check_batch(self, texts: Sequence[str]) -> List[Report]: ...
    def restore_batch(self, texts: Sequence[str]) -> List[str]: ...
    def score_batch(self, texts: Sequence[str]) -> List[float]:
        """Document scores, computed in parallel with the GIL released."""
    def score_arrow(self, array: Any) -> List[Optional[float]]:
        """Scores of an Arrow string array (pyarrow.Array/ChunkedArray or any object with
        ``__arrow_c_array__``), read in place; nulls give None."""

def check(
    text: str,
    *,
    rules: Optional[Sequence[_Path]] = ...,
    model: Optional[_Path] = ...,
    fast: bool = ...,
    min_confidence: Optional[float] = ...,
) -> Report: ...
def restore(
    text: str,
    *,
    rules: Optional[Sequence[_Path]] = ...,
    model: Optional[_Path] = ...,
    fast: bool = ...,
    min_confidence: Optional[float] = ...,
) -> str: ...
