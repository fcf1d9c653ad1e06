"""Typed readers for the extension's settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from westsuffolk_core.safe_fetch import FetchPolicy


def site_url() -> str:
    return tk.config["ckan.site_url"].rstrip("/")


def site_title() -> str:
    return tk.config["ckanext.westsuffolk.site_title"]


def organisation_gss_code() -> str:
    return tk.config["ckanext.westsuffolk.organisation_gss_code"]


def validation_sync_max_bytes() -> int:
    return tk.config["ckanext.westsuffolk.validation.sync_max_bytes"]


def block_public_on_failure() -> bool:
    return tk.config["ckanext.westsuffolk.validation.block_public_on_failure"]


def compress_responses() -> bool:
    return tk.config["ckanext.westsuffolk.compress_responses"]


def validation_max_issues() -> int:
    return tk.config["ckanext.westsuffolk.validation.max_issues"]


def foi_name() -> str:
    return tk.config["ckanext.westsuffolk.foi_name"]


def foi_email() -> str:
    return tk.config["ckanext.westsuffolk.foi_email"]


def foi_web() -> str:
    return tk.config["ckanext.westsuffolk.foi_web"]


def link_timeout() -> int:
    return tk.config["ckanext.westsuffolk.validation.link_timeout"]


def fetch_policy() -> FetchPolicy:
    """How the portal downloads linked files: public addresses only (plus the trusted intranet hosts),
    within the resource size limit and the time limit."""
    return FetchPolicy.from_settings(tk.config["ckanext.westsuffolk.fetch.allowed_hosts"] or (),
                                     max_bytes=tk.config["ckan.max_resource_size"] * 1024 * 1024,
                                     timeout=link_timeout())
