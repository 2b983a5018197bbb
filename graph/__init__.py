"""graph: a GraphQL content API for editorial blog relays."""
