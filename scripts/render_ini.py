"""Render docker/ckan.ini.template from the environment; a missing variable is an error."""
import os
import string
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "docker" / "ckan.ini.template"


def main(out: str) -> int:
    try:
        text = string.Template(TEMPLATE.read_text()).substitute(os.environ)
    except KeyError as missing:
        sys.exit(f"render_ini: environment variable {missing} is not set")
    Path(out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
