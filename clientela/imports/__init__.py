"""CSV import and export of customers and orders: an import is all or nothing, every bad
row reported with its line, column and reason.

- `models`: ImportJob and its status changes; `services`: import_create, import_execute,
  import_run_file; `tasks`: the worker's task and `import_start` (create and queue), what
  the web and the API call; `selectors`: reads of jobs; `policy`: who may import and export.
- `pipeline`: one import, validation and writing, all or nothing. Validation: `passes`,
  `reader`, `schema` (the accepted columns), `values`; `feed` runs it beside the writing.
  Writing: `customer_writer`, `order_writer`, `bulk`; `db`: what differs per database.
- `exports`: the CSV export, in the columns the import reads back (`customers_export`,
  `orders_export`: what the web and the API call).
- `management/commands`: `clientela import` and `clientela export`.
"""
