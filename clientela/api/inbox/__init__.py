"""The inbox through the API."""
