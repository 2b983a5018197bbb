"""The relay newsletter: double opt-in subscriptions and one mail per published post."""
