"""Who is reading, and which posts that lets them see: the one visibility rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    """What the caller may read; anonymous callers see published posts only."""

    drafts: bool = False

    def visible_posts(self, alias: str = "p") -> str:
        """A SQL condition restricting `alias` (a post) to what this caller may see."""
        if self.drafts:
            return "1 = 1"
        return f"{alias}.status = 'published'"


ANONYMOUS = Access()
