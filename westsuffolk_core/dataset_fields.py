"""Names of council dataset fields that code reads or writes (the dataset schema itself is
ckanext/westsuffolk/schemas/dataset.yaml; the publish jobs fill these fields from the register)."""
from __future__ import annotations

ASSET_ID_FIELD = "asset_register_id"  # the Information Asset Register row a dataset publishes
CATEGORY_FIELD = "transparency_code_category"  # the Transparency Code table (a schema name) it meets
RELEASE_NOTE_FIELD = "release_note"  # resource: what changed when its file was last replaced, in plain English
RELEASE_DIFF_FIELD = "release_diff"  # resource: the row-level diff behind the note (JSON, by primary key)
REGISTER_DATASET = "information-asset-register"  # the published register's dataset (what the council holds)
REGISTER_TABLE_SCHEMA = "information-assets"  # the published register's table schema
