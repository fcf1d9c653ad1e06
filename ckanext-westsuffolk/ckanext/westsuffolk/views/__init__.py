"""The extension's pages (Flask blueprints, registered through tk.blanket.blueprints)."""
from __future__ import annotations

from ..http_security import security_blueprint  # no pages: headers on every response
from .api_guide import api_guide_blueprint
from .personal_data import personal_data_blueprint
from .schemas import schemas_blueprint
from .transparency import transparency_blueprint
from .validation import validation_blueprint

__all__ = ["api_guide_blueprint", "personal_data_blueprint", "schemas_blueprint", "security_blueprint",
           "transparency_blueprint",
           "validation_blueprint"]
