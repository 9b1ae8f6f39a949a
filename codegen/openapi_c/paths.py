"""Where things are: the repository, the templates, and gen.py's default spec and output directory."""

import os

PACKAGE = os.path.dirname(os.path.abspath(__file__))
CODEGEN = os.path.dirname(PACKAGE)
REPO = os.path.dirname(CODEGEN)
TEMPLATES = os.path.join(CODEGEN, "templates")
DEFAULT_SPEC = os.path.join(REPO, "openapi.yaml")
DEFAULT_OUT = os.path.join(REPO, "generated")
