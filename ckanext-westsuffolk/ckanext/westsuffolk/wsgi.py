"""WSGI entry point for gunicorn: `gunicorn ckanext.westsuffolk.wsgi:application` with CKAN_INI set."""
import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_ini = os.environ["CKAN_INI"]
fileConfig(_ini, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(_ini).get_config())
