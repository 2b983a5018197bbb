"""Feeds (Atom, RSS, JSON Feed) and sitemaps of published posts, served over plain HTTP."""
