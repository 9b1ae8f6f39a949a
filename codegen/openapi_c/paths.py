"""Where things are: the repository, the templates, and gen.py's default spec and output directory."""

import os

PACKAGE = os.path.dirname(os.path.abspath(__file__))
CODEGEN = os.path.dirname(PACKAGE)
REPO = os.path.dirname(CODEGEN)
TEMPLATES = os.path.join(CODEGEN, "templates")
DEFAULT_SPEC = os.path.join(REPO, "openapi.yaml")
DEFAULT_OUT = os.path.join(REPO, "generated")
# RT_CODEGEN_ABI, the version of the runtime tables generated code fills, is defined here alone (build.py reads it)
RT_VALID_H = os.path.join(REPO, "runtime", "valid", "rt_valid.h")
# RT_VALID_PATTERN_OPTIONS and RT_VALID_PATTERN_MATCH_LIMIT: how the runtime compiles and runs patterns (pcre2.py)
RT_VALID_PATTERN_H = os.path.join(REPO, "runtime", "valid", "rt_valid_pattern.h")
