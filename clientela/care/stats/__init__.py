"""Pure code of the care app: no Django."""
