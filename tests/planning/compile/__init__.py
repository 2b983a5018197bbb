"""Unit tests of graph.planning.compile; a package so that its test modules import apart from
tests/planning's own of the same name (test_pages, test_relations)."""
