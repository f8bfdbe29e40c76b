"""Every write of the inbox, one module per part (conversations, the waiting clock, ...)."""
