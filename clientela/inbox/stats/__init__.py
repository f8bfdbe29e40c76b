"""Pure code of the waiting clock: business time, holidays and percentiles. No Django."""
