"""CSV import and export of customers and orders, their jobs, tasks and commands."""
