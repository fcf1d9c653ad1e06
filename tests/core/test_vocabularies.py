"""Controlled lists the dataset form offers: the LGA esd functions and services data.gov.uk reads."""
from westsuffolk_core import vocabularies


def test_esd_lists_are_uris_with_labels():
    functions, services = vocabularies.esd_functions(), vocabularies.esd_services()
    assert len(functions) > 100 and len(services) > 1000
    assert functions["http://id.esd.org.uk/function/22"] == "Youth offending"
    assert services["http://id.esd.org.uk/service/1512"] == "Abandoned bicycles"
    assert all(uri.startswith(vocabularies.ESD_SERVICE) and label for uri, label in services.items())
