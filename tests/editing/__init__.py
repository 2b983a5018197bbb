"""Unit tests of graph.editing, one module beside each, calling it directly."""
