"""CSV import of customers and orders: all or nothing, every bad row reported.

The public entry points are in `service`: `import_start`, `import_execute`, `import_run_file`.
The accepted columns are listed in `schema`.
"""
