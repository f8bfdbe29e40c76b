"""Writes of the inbox: messages in (`receive`), replies, notes, assignment and statuses
(`conversations`), where mail comes from (`setup`), and the waiting clock (`clock`)."""
