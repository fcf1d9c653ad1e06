"""Thin shim (metadata, dependencies and entry points are in pyproject.toml): where the packages live.
One distribution: the CKAN extension, the CKAN-free core, the publish jobs and the table schemas."""
from setuptools import find_namespace_packages, setup

setup(
    package_dir={
        "": "ckanext-westsuffolk",
        "westsuffolk_core": "westsuffolk_core",
        "publish_jobs": "publish_jobs",
        "westsuffolk_schemas": "schemas",
    },
    packages=find_namespace_packages("ckanext-westsuffolk", include=["ckanext.westsuffolk*"])
    + find_namespace_packages(".", include=["westsuffolk_core*", "publish_jobs*"], exclude=["publish_jobs.demo*"])
    + ["westsuffolk_schemas"],
    package_data={
        "ckanext.westsuffolk": [
            "*.yaml", "schemas/*.yaml", "templates/**/*", "assets/**/*",
            "migration/*/alembic.ini", "migration/*/script.py.mako", "i18n/*/LC_MESSAGES/*",
        ],
        "westsuffolk_core": ["data/*.csv"],
        "westsuffolk_schemas": ["*.json", "versions/*/*.json", "examples/*/*"],
    },
)
