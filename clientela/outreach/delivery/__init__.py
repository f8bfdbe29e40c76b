"""Delivery: claim outbox rows with a lease, send them over SMTP, learn from replies and bounces."""
