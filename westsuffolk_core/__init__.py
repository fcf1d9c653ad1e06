"""The CKAN-free core of the West Suffolk open data portal, shared by the CKAN extension
(ckanext.westsuffolk) and the publish jobs (publish_jobs): the table-schema registry, the validation
engine, the personal-data detectors and their one allow-list, vocabularies and wards, status values,
the schema-URL builder and spreadsheet reading. It imports neither `ckan` nor `ckanext`
(tests/core/test_import_rules.py checks)."""
