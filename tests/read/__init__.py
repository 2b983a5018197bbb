"""Unit tests of graph.read, one module beside each, calling it directly."""
