"""Rewards: the compensation catalogue, the budget sized by the customer's value, manager
approval above it, the ledger of everything given, and gift certificates.

A compensation may answer a complaint case: `Compensation.case_ref` holds the case's id or
any free-text reference until the `care` app exists; care will then link its cases here.
"""
