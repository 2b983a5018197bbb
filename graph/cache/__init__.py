"""The response cache for anonymous queries: tags, the store, invalidation, persisted queries."""
