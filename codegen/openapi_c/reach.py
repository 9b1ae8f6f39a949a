"""Which tables reach what: the property defaults a request's JSON value takes (rt_valid_schema_fill_defaults) and
the writeOnly members a response's leaves out (rt_valid_schema_without_write_only), over the edges jsonschema.py
records between the tables it builds (ctx.table_edges, ctx.table_roots)."""

from .refusals import SpecError

# Keywords whose subschemas rt_valid_schema_fill_defaults() does not walk (a test, or not one value's member)
UNWALKED = {"not", "if", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties"}


def check_json_defaults(ctx):
    """Refuse a property's default in a table a request's value reaches only through keywords whose subschemas
    the runtime does not walk to fill defaults in (UNWALKED): nothing would fill it in.  Where the walk reaches
    (properties, items, $ref, allOf, anyOf/oneOf, then/else...) a request's value takes it; a response's
    describes, and a table only responses reach is left as JSON Schema's annotation."""
    roots = [w for w in ctx.table_roots if w in ctx.request_schemas]
    walked, reached = set(roots), set(roots)
    for seen, follow in ((walked, lambda src, sub: (src, sub) not in ctx.table_unwalked), (reached, None)):
        todo = list(seen)
        while todo:
            src = todo.pop()
            for sub in ctx.table_edges.get(src, ()):
                if sub not in seen and (follow is None or follow(src, sub)):
                    seen.add(sub)
                    todo.append(sub)
    for where, at in ctx.json_defaults:
        if where in reached and where not in walked:
            raise SpecError("%s/default: a default inside a subschema of %s, which applies to a value only as a "
                            "test (or to names, not members), is never filled in where a request's value reaches "
                            "it: the handler would get the value as sent; move it or drop it"
                            % (at, ", ".join(sorted(UNWALKED))))


def mark_reach(ctx):
    """ctx.write_only_reach (ctx.default_reach): the tables from which a writeOnly table (one with a property
    default) is reachable, which a response's (request's) value is walked through to leave such members out
    (fill defaults in): has_write_only (has_default); other tables are not entered."""
    back = {}
    for src, subs in ctx.table_edges.items():
        for sub in subs:
            back.setdefault(sub, set()).add(src)
    for start, attr in ((ctx.write_only_tables, "write_only_reach"),
                        ({w for w, _ in ctx.json_defaults}, "default_reach")):
        todo = list(start)
        reach = set(todo)
        while todo:
            for src in back.get(todo.pop(), ()):
                if src not in reach:
                    reach.add(src)
                    todo.append(src)
        setattr(ctx, attr, reach)
