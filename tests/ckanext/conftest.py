"""The extension's tests run on the real CKAN, PostgreSQL, Solr and Redis; the live-portal fixtures
are shared with tests/integration."""
from tests.integration.conftest import portal_url, sysadmin_token  # noqa: F401
