"""`python -m graph` is the `graph` command."""

from graph.cli import main

main()
