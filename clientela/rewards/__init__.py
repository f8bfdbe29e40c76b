"""Rewards: the compensation catalogue, the budget sized by the customer's value, manager
approval above it, the ledger of everything given, and gift certificates.

A compensation may answer a complaint case (`Compensation.case`, of the same customer).
Rewards sits above care, so it reads cases; care never imports rewards: the case page gets
its compensation panel from the web layer (`web.nav.CASE_PANELS`).
"""
