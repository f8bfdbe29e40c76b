"""Conversations with clients on every channel, and the "waiting for us" clock over them."""
