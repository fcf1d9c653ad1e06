"""One distribution: the `westsuffolk` CKAN plugin, the table schemas and the publish tool."""
from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-westsuffolk",
    version="0.1.0",
    description="West Suffolk Council open data and transparency portal",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir={
        "": "ckanext-westsuffolk",
        "publish_jobs": "publish_jobs",
        "westsuffolk_schemas": "schemas",
    },
    packages=find_namespace_packages("ckanext-westsuffolk", include=["ckanext.westsuffolk*"])
    + find_namespace_packages(".", include=["publish_jobs*"], exclude=["publish_jobs.demo*"])
    + ["westsuffolk_schemas"],
    include_package_data=True,
    package_data={
        "ckanext.westsuffolk": [
            "*.yaml", "schemas/*.yaml", "templates/**/*", "assets/**/*", "public/**/*", "i18n/**/*",
            "migration/*/alembic.ini", "migration/*/script.py.mako",
        ],
        "westsuffolk_schemas": ["*.json", "versions/*/*.json", "examples/*/*"],
    },
    install_requires=[
        # Exact pins live in requirements.txt (installed first by scripts/setup-venv.sh).
        "ckanext-scheming==3.1.0",
        "ckanext-dcat==2.4.4",
        "ckanapi==4.11",
        "frictionless[excel]==5.21.0",
        "openpyxl==3.1.5",
        "rich==14.2.0",
        "tenacity==9.1.2",
        "PyYAML==6.0.3",
        "requests==2.34.2",
    ],
    entry_points={
        "ckan.plugins": ["westsuffolk = ckanext.westsuffolk.plugin:WestSuffolkPlugin"],
        "ckan.rdf.profiles": ["westsuffolk = ckanext.westsuffolk.dcat:WestSuffolkDCATProfile"],
        "console_scripts": ["westsuffolk-publish = publish_jobs.cli:main"],
    },
)
