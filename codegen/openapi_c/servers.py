"""Servers: the path the routes are mounted under (API_BASE_PATH), from the document's first server URL.

The URL may be absolute (https://host/api/v1) or a relative reference starting with '/' (/api/v1); its
{variables} are replaced by their defaults.  Only the path counts: the runtime serves the operations, /docs and
/openapi.json under it (runtime/server/rt_base_path.h), and the BASE_PATH setting overrides it at run time.
What cannot be resolved to a path the runtime can match byte for byte is refused with its JSON pointer: an
undefined variable, a default outside its enum, a relative URL not starting with '/', a path with a
percent-escape, a query, a fragment, an empty, '.' or '..' segment.

`servers` on a path item or an operation must resolve to the same path as the document's: one process serves
one base path (a different one is refused, naming it).  An empty or absent list means the root.
"""

import re
from urllib.parse import urlsplit

from .document import pointer
from .names import c_string
from .refusals import SpecError

VARIABLE = re.compile(r"\{([^{}]*)\}")
PLAIN = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")


def server_path(servers, at):
    """The normal base path ("" for the root, else "/a/b") of the first server of the list at pointer at."""
    if not servers:
        return ""
    server, here = servers[0], pointer(at, 0)
    url = server.get("url")
    if not isinstance(url, str):
        raise SpecError("%s/url: a server URL must be a string" % here)
    variables = server.get("variables") or {}

    def substitute(m):
        name = m.group(1)
        var = variables.get(name)
        if not isinstance(var, dict) or not isinstance(var.get("default"), str):
            raise SpecError("%s/url: server variable {%s} has no default under variables: the base path cannot "
                            "be resolved" % (here, name))
        enum = var.get("enum")
        if enum is not None and var["default"] not in enum:
            raise SpecError("%s/variables/%s/default: the default %r is not in its enum"
                            % (here, name, var["default"]))
        return var["default"]
    resolved = VARIABLE.sub(substitute, url)
    parts = urlsplit(resolved)
    if parts.query or parts.fragment or "?" in resolved or "#" in resolved:
        raise SpecError("%s/url: server URL %r has a query or fragment: not a base path" % (here, url))
    path = parts.path
    if not parts.scheme and not parts.netloc and path and not path.startswith("/"):
        raise SpecError("%s/url: relative server URL %r does not start with '/': the base path cannot be "
                        "resolved" % (here, url))
    if not PLAIN.fullmatch(path):
        raise SpecError("%s/url: server URL path %r has characters a base path cannot have (percent-escapes, "
                        "spaces...)" % (here, path))
    path = path.rstrip("/")
    if any(seg in ("", ".", "..") for seg in path.split("/")[1:]):
        raise SpecError("%s/url: server URL path %r has an empty, '.' or '..' segment" % (here, path))
    return path


def build_servers(ctx):
    """ctx.base_path(_c) from the document's servers; refuse path item and operation servers that differ."""
    spec = ctx.spec
    ctx.base_path = server_path(spec.get("servers"), "#/servers")
    ctx.base_path_c = c_string(ctx.base_path)
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict) or str(path).startswith("x-"):
            continue
        at = pointer("#/paths", path)
        candidates = [(item, at)] + [(op, pointer(at, m)) for m, op in item.items()
                                     if isinstance(op, dict) and m in METHODS]
        for node, where in candidates:
            if "servers" in node and node["servers"]:
                own = server_path(node["servers"], where + "/servers")
                if own != ctx.base_path:
                    raise SpecError("%s/servers: the base path %r differs from the document's %r: one server "
                                    "serves one base path (mount this operation in another service)"
                                    % (where, own or "/", ctx.base_path or "/"))


METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
