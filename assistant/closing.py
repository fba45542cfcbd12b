"""The one way footstretch's resources become context managers."""

from __future__ import annotations

from typing import Self


class Closing:
    """Mixin for a resource with an idempotent `close()`: `with` closes it on the way out."""

    def close(self) -> None:
        """Release the resource; safe to call more than once."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        """Use as a context manager that closes on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close, whatever happened inside the `with`."""
        self.close()
