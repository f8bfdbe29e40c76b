"""The inbox's tables: conversations and their messages, and the clock that times our answers."""
