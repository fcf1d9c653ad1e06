"""Flask blueprints of the extension (registered through tk.blanket.blueprints)."""
from __future__ import annotations

from .views_personal_data import personal_data_blueprint
from .views_schemas import schemas_blueprint
from .views_transparency import transparency_blueprint
from .views_validation import validation_blueprint

__all__ = ["schemas_blueprint", "transparency_blueprint", "validation_blueprint", "personal_data_blueprint"]
