"""Ward pages and the comparison of wards: which ward-level tables there are (sources), their figures
added up in the DataStore (figures), wards side by side (comparison), as CSV (export) and as text for
the pages (display). The pages are views/wards.py; the action is westsuffolk_ward_compare."""
