"""Every checked table in the DataStore: after a file passes its check, its rows are loaded with column
types from its table schema (inferred when it has none). The rows are prepared by
westsuffolk_core.datastore_tables; `tables` writes them with PostgreSQL COPY in one transaction (a
reload is never seen half-done, a failing file never replaces a good table); `load` runs it for a
resource and records its status and progress in the validation record (validation/store.py)."""
