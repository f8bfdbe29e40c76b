"""CSV import and export of customers and orders: an import is all or nothing, every bad
row reported with its line, column and reason.

- `models`: ImportJob and its status changes; `services`: import_create, import_execute,
  import_run_file; `tasks`: the worker's task and `import_start` (create and queue), what
  the web and the API call; `selectors`: reads of jobs; `policy`: who may import and export.
- `pipeline`: one import, validation and writing, all or nothing. Validation: `passes`,
  `encodings` (UTF-8, Windows-1250 or ISO-8859-2, detected), `reader` (the CSV records,
  a broken quote an error of its line), `formats` (the layouts recognised by the header:
  ours in `columns`, Shopify's, WooCommerce's and PrestaShop's), `schema` and `cells` (a
  row's values), `values`; `feed` runs it beside the writing. Writing: `customer_writer`,
  `order_writer`, `consents` (the files' marketing answers), `bulk`; `db`: what differs
  per database. A job is run under a lease; `services.import_recover` (every minute, by the
  clock) runs again or fails the jobs of dead workers.
- `exports`: the CSV export, in the columns the import reads back (`customers_export`,
  `orders_export`: what the web and the API call), plain or for Excel in Romania.
- `management/commands`: `clientela import` and `clientela export`.
"""
