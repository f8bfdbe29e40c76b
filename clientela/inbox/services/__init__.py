"""Writes of the inbox: messages in (`receive`), replies, notes, assignment and statuses
(`conversations`), and where mail comes from (`setup`)."""
