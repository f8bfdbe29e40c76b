"""Pure statistics of outreach (holdout draws, uplift intervals): no Django, no database."""
