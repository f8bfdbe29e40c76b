"""The inbox pages: conversations, and the waiting clock (who is waiting, response times)."""
