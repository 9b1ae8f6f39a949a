"""The spec under test, loaded as codegen loads it (tools/async_demo_contract.py and its tests).

A file goes through codegen's own loader (codegen/openapi_c/loader.py): YAML read as 1.2 (dates stay strings,
only true/false are booleans) and a spec split over several files bundled into one document (bundle.py), so
`$ref: './schemas/user.yaml#/User'` is tested exactly as the generator built it.  A URL (a server's own
/openapi.json) is fetched and read with the same YAML loader; it is one document, since codegen reads other
files only beside a spec on disk.

Then, as codegen does, a reference that is neither into the document nor to a `$id` of one of its schemas (nor
to JSON Schema 2020-12's meta-schema, which codegen bundles and python3-jsonschema knows) is refused: remote
references are never fetched (the validator would otherwise fetch them while judging answers).
"""

import os
import sys
import types
import urllib.parse
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen"))
from openapi_c import metaschema  # noqa: E402
from openapi_c.bundle import references  # noqa: E402
from openapi_c.refs import collect_ids  # noqa: E402
from openapi_c.loader import SpecLoader, load_spec_files  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402

# What load_spec() raises for a spec that cannot be loaded (the tool's exit status 2).
LOAD_ERRORS = (OSError, ValueError, yaml.YAMLError, SpecError)


def outside_refs(spec):
    """[(JSON pointer, $ref)] of the references of spec that point outside it (see the module's docstring)."""
    ids = types.SimpleNamespace(spec=spec, schema_ids={}, abs_refs={})
    collect_ids(ids)  # codegen's: every schema $id, and the $ref under one made absolute
    out = []
    for at, ref in references(spec):  # codegen's bundling walk: the same keys are references, the same are data
        base = ids.abs_refs.get(at, ref).partition("#")[0]
        if base and base not in ids.schema_ids and base != metaschema.ROOT:
            out.append((at, ref))
    return out


def load_spec(where):
    """The OpenAPI document at where (a file or an http(s) URL), bundled as codegen bundles it.  Raises one of
    LOAD_ERRORS (SpecError for a document codegen's loader refuses, or a remote reference)."""
    if where.startswith(("http://", "https://")):
        with urllib.request.urlopen(where, timeout=30) as r:
            spec = yaml.load(r.read().decode("utf-8"), Loader=SpecLoader)
        if not isinstance(spec, dict) or "paths" not in spec:
            raise SpecError("%s: not an OpenAPI document (no 'paths')" % where)
    else:
        spec = load_spec_files(where)[0]
    outside = outside_refs(spec)
    if outside:
        at, ref = outside[0]
        raise SpecError("%s/$ref: %r points outside the document: only local $ref, $id of this document and "
                        ".yaml/.yml/.json files beside a spec file are read, as codegen reads them (remote "
                        "references are not fetched: save the file beside the spec)%s"
                        % (at, ref, " (and %d more)" % (len(outside) - 1) if len(outside) > 1 else ""))
    return spec


def spec_base_path(spec):
    """The path of the spec's first server URL (its variables at their defaults), without a trailing slash."""
    servers = spec.get("servers") or [{"url": "/"}]
    first = servers[0] if isinstance(servers[0], dict) else {}
    url = str(first.get("url", "/"))
    for name, var in (first.get("variables") or {}).items():
        url = url.replace("{%s}" % name, str(var.get("default", "")))
    return urllib.parse.urlsplit(url).path.rstrip("/")
