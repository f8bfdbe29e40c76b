"""Lifetime forwarding addresses for regular customers: aliases on the shop's domain whose
mail is passed on, as it came, to the customer's own mailbox (SMTP service in `inbound`)."""
