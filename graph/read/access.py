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

    def listed_posts(self, alias: str = "p") -> str:
        """What a list shows when no status is asked for: archived posts only on request."""
        if self.drafts:
            return f"{alias}.status <> 'archived'"
        return self.visible_posts(alias)

    def sort_time(self, alias: str = "p") -> str:
        """The time lists order by: publication, or for unpublished posts when due or made."""
        if self.drafts:
            return f"COALESCE({alias}.published_at, {alias}.publish_at, {alias}.created_at)"
        # Every visible post is published, and this form lets PostgreSQL use the index.
        return f"{alias}.published_at"


ANONYMOUS = Access()
EDITOR = Access(drafts=True)
