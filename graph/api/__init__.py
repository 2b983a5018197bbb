"""The GraphQL edge: types, resolvers, loaders and the schema. No ORM queries here."""
