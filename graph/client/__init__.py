"""The editors' terminal clients: push posts, import and export relays, run GraphQL files."""
