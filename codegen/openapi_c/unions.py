"""Tagged unions: a oneOf/anyOf whose branches are all object models -> one rule of kind RT_VALID_UNION.

In C the value is struct api_<model>_<field> { enum ..._kind kind; union { struct api_<branch> *<branch>; ...}
value; }: the enum names the branch that matched (0: none), the union holds that branch's struct.  With a
discriminator, its propertyName's value picks the branch (mapping values, or the branch's schema name);
without, rt_valid_union tries the branches (oneOf: exactly one must match).  jsonschema.tagged_branches() says
which unions qualify; the others are JSON values validated by rt_valid_schema.
"""

from .cnames import claim_union
from .names import c_string, snake
from .refusals import SpecError


def union_rule(ctx, rule, schema, key, where, inline_name, for_ops):
    """Fill rule (named, not yet listed) as the tagged union of schema[key] (at where)."""
    from .schemas import build_rule
    alts = schema[key]
    rule.kind = "RT_VALID_UNION"
    rule.branches = []
    for i, alt in enumerate(alts):
        at = "%s/%s/%d" % (where, key, i)
        b = build_rule(ctx, alt, "%s_b%d" % (rule.name, i + 1), at, "%sOption%d" % (inline_name, i + 1), for_ops,
                       nested=True)
        if b.kind != "RT_VALID_OBJECT":
            raise SpecError("%s: a branch of a tagged union must be an object schema" % at)
        if any(o.model is b.model for o in rule.branches):
            raise SpecError("%s: the schema %s is twice among the branches" % (at, b.model.schema_name))
        rule.branches.append(b)
    rule.members.append(("kind", rule.kind))
    rule.aux.append("static const struct rt_valid_rule *const %s_branches[] = {%s};"
                    % (rule.name, ", ".join("&" + b.name for b in rule.branches)))
    rule.members.append(("branches", rule.name + "_branches"))
    rule.members.append(("n_branches", str(len(rule.branches))))
    if key == "oneOf":
        rule.members.append(("one_of", "true"))
    rule.summary.append("%s: %s" % (key, ", ".join(b.model.schema_name for b in rule.branches)))
    if "discriminator" in schema:
        discriminator(ctx, rule, schema, alts, where)


def mapped_ref(value):
    """A discriminator mapping's value as a $ref: OpenAPI lets it be a schema name ("Dog") as well as a reference
    ("#/components/schemas/Dog"); a value without '/' or '#' is a name."""
    if isinstance(value, str) and "/" not in value and "#" not in value:
        return "#/components/schemas/" + value
    return value


def discriminator_tags(schema, alts, where):
    """(propertyName, [(tag, branch index)]) of the discriminator of schema (at where), whose oneOf/anyOf is
    alts: the mapping's values, then the schema name of each $ref branch the mapping does not name."""
    d = schema["discriminator"]
    at = where + "/discriminator"
    if not isinstance(d, dict) or not isinstance(d.get("propertyName"), str):
        raise SpecError("%s: a discriminator needs a propertyName" % at)
    mapping = {tag: mapped_ref(ref) for tag, ref in (d.get("mapping") or {}).items()}
    refs = [a.get("$ref") if isinstance(a, dict) else None for a in alts]
    tags = []
    for tag, ref in mapping.items():
        if ref not in refs:
            raise SpecError("%s/mapping/%s: %r is not one of the branches ($ref)" % (at, tag, ref))
        tags.append((str(tag), refs.index(ref)))
    key = "oneOf" if "oneOf" in schema else "anyOf"
    for i, ref in enumerate(refs):
        if ref is None:
            if any(b == i for _, b in tags):
                continue
            tag = inline_tag(alts[i], d["propertyName"])
            if tag is None:
                raise SpecError("%s/%s/%d: an inline branch needs a discriminator mapping naming it, or its own "
                                "value of %r (a const or a one-value enum, in its properties or an allOf member "
                                "of it, as utoipa writes `#[serde(tag = ...)]`)" % (where, key, i,
                                                                                    d["propertyName"]))
            if any(t == tag for t, _ in tags):
                raise SpecError("%s/%s/%d: its discriminator value %r is another branch's too" % (where, key, i,
                                                                                                  tag))
            tags.append((tag, i))
        elif ref not in mapping.values():
            tags.append((ref.rsplit("/", 1)[-1], i))  # the implicit tag: the schema's name
    return d["propertyName"], tags


def inline_tag(branch, name, depth=0):
    """The one string value an inline branch gives property name (a `const`, or an `enum` of one), in its own
    properties or those of an inline allOf member; None if it gives none or several."""
    if not isinstance(branch, dict) or depth > 8:
        return None
    prop = (branch.get("properties") or {}).get(name)
    if isinstance(prop, dict):
        values = [prop["const"]] if "const" in prop else prop.get("enum")
        if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
            return values[0]
    found = {inline_tag(member, name, depth + 1) for member in branch.get("allOf") or []} - {None}
    return found.pop() if len(found) == 1 else None


def discriminator(ctx, rule, schema, alts, where):
    d = schema["discriminator"]
    tags = discriminator_tags(schema, alts, where)[1]
    rule.aux.append("static const struct rt_valid_tag %s_tags[] = {%s};" % (
        rule.name, ", ".join("{%s, %d}" % (c_string(t), b) for t, b in tags)))
    rule.members += [("discriminator", c_string(d["propertyName"])), ("tags", rule.name + "_tags"),
                     ("n_tags", str(len(tags)))]
    rule.summary.append("discriminator " + d["propertyName"])


def union_field(model, f):
    """The C declarations of field f of model, a tagged union (f.rule): its kind enum and struct."""
    f.union_decl = union_decl(f.rule, "api_%s_%s" % (model.c_name, f.c_name))
    f.c_decl = "struct api_%s_%s %s;" % (model.c_name, f.c_name, f.c_name)


def union_decl(rule, base):
    """The kind enum and the struct (named base) of the tagged union rule; sets its value_offset."""
    macro = base.upper()
    members = [snake(b.model.schema_name) for b in rule.branches]
    kinds = ["%s_NONE = 0" % macro] + ["%s_%s" % (macro, m.upper()) for m in members]
    rule.members.append(("value_offset", "offsetof(struct %s, value)" % base))
    return "enum %s_kind { %s };\nstruct %s {\n    enum %s_kind kind; /* which branch matched */\n    " \
           "union {\n%s    } value;\n};" % (base, ", ".join(kinds), base, base,
                                         "".join("        struct api_%s *%s;\n" % (b.model.c_name, m)
                                                 for b, m in zip(rule.branches, members)))


def body_union(ctx, op, target, at, inline_name):
    """op's request body, a tagged union: struct api_<op>_body, validated with rule_<op>_body (exported as
    api_<op>__body_rule for api_ops.c)."""
    from .model import Rule
    from .schemas import add_rule
    key = "oneOf" if "oneOf" in target else "anyOf"
    rule = Rule("rule_%s_body" % op.c_name)
    union_rule(ctx, rule, target, key, at, inline_name, False)
    if ctx.lax:
        rule.members.append(("lax", "true"))
    add_rule(ctx, rule, False, at)
    base = "api_%s_body" % op.c_name
    ctx.union_decls.append(("the request body of %s" % op.id, union_decl(rule, base)))
    claim_union(ctx, base, rule, at, "the request body of %s" % op.id)
    op.body_union = "api_%s__body_rule" % op.c_name
    ctx.body_rules.append((op.body_union, rule.name))
