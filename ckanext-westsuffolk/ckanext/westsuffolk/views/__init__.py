"""The extension's pages (Flask blueprints, registered through tk.blanket.blueprints)."""
from __future__ import annotations

from ..http_security import security_blueprint  # no pages: headers on every response
from .api_guide import api_guide_blueprint
from .personal_data import personal_data_blueprint
from .quality import quality_blueprint
from .register import register_blueprint
from .schemas import schemas_blueprint
from .transparency import transparency_blueprint
from .validation import validation_blueprint
from .wards import wards_blueprint

__all__ = [
    "api_guide_blueprint",
    "personal_data_blueprint",
    "quality_blueprint",
    "register_blueprint",
    "schemas_blueprint",
    "security_blueprint",
    "transparency_blueprint",
    "validation_blueprint",
    "wards_blueprint",
]
