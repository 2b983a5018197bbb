"""Editorial writes: the rules for changing content, with no knowledge of GraphQL or HTTP."""
