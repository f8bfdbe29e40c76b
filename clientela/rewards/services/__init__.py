"""Writes of rewards: the catalogue, compensations, certificates and their redemption."""
