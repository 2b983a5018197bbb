"""Webhooks to frontends: endpoints, signed deliveries (Standard Webhooks), retries."""
