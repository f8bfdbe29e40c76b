"""Every write of the care app: cases and their steps (cases.py), the client's rating
(rating.py), messages to the client (messages.py) and the settings (settings.py)."""
