"""Outreach writes: one module per subject (campaigns, lists, letters, templates, automations,
the thank-you and win-back decisions). Web, API, tasks and the clock all call these."""
