"""The intermediate representation: the classes the build stages fill in and the templates read.

Templates never look at the raw spec, only at these objects (and Param, in params.py).  Attributes ending in
_c are ready-made C literals (c_string); c_name is a C identifier.
"""

from .cnames import Names
from .loader import resolve
from .names import c_comment, c_string, field_name
from .regex import pcre2_regex


class Ctx:
    """Everything collected from the spec, handed to the templates as ctx."""

    def __init__(self, spec, spec_name):
        self.spec = spec
        self.spec_name = spec_name
        self.models = []          # Model, in spec order (components first, then inline ones as met)
        self.models_by_key = {}   # "#/components/schemas/X" or inline name -> Model
        self.rules = []           # Rule for rules in api_models.c
        self.op_rules = []        # Rule for rules in api_ops.c
        self.patterns = []        # Pattern in api_models.c
        self.op_patterns = []     # Pattern in api_ops.c
        self.enums = []           # (macro, value) constants for string enums
        self.schema_tables = {}   # JSON pointer -> C name of its struct rt_valid_schema (jsonschema.py)
        self.schema_decls = []    # their forward declarations
        self.schema_defs = []     # their definitions (and the arrays they point to)
        self.schema_ids = {}      # absolute $id -> (schema, JSON pointer)
        self.abs_refs = {}        # JSON pointer of a $ref under a $id -> the $ref made absolute
        self.body_schemas = []    # (C name, JSON pointer) of the exported tables of bodies kept as JSON values
        self.union_decls = []     # (what, C declarations) of request bodies that are tagged unions
        self.body_rules = []      # (exported name, rule) of those bodies' rules
        self.allof_access = {}    # JSON pointer of an allOf branch -> {"readOnly"/"writeOnly": names of its siblings'}
        self.write_only_tables = set()  # JSON pointers of the tables with write_only (jsonschema.py)
        self.write_only_reach = set()   # ... and of those that reach one (reach.mark_reach): has_write_only
        self.schema_stack = []    # (JSON pointer, reached in place) of the tables being built (jsonschema.py)
        self.table_roots = set()  # JSON pointers of the tables built for a value (not as a subschema)
        self.table_edges = {}     # JSON pointer of a table -> those of the tables it points to
        self.json_defaults = []   # (table's JSON pointer, property's) of property defaults in tables (jsonschema.py)
        self.table_unwalked = set()  # (table, subschema table) edges the defaults' walk does not follow (UNWALKED)
        self.default_reach = set()   # the tables that reach a property default (mark_reach): has_default
        self.request_schemas = set()  # JSON pointers of the schemas a request reaches (document.py)
        self.needs_busy = set()   # the schemas needs_schema() is deciding (cycles)
        self.ref_busy = set()     # the $ref schemas.ref_rule() is following (cycles)
        self.lax = False          # pydantic's lax conversions in JSON bodies (gen.py --lax)
        self.ops = []             # Operation, in spec order
        self.names = Names()      # the file-scope C names made so far (cnames.py)
        # set by build.build() once the operations are known
        self.routes = []          # Operation, in matching order (literal segments first)
        self.title_c = self.version_c = None
        self.base_path = self.base_path_c = None  # servers.py: "" or "/a/b", and as a C literal
        self.abi = None           # RT_CODEGEN_ABI (build.codegen_abi)
        self.spec_json_lines = []  # the spec as JSON, C literal lines for api_spec.c

    def resolve(self, ref):
        return resolve(self.spec, ref)


class Pattern:
    """One struct rt_valid_pattern: a schema's pattern (ECMA-262) and its PCRE2 spelling (regex.py)."""

    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.regex = pcre2_regex(source)
        self.source_c = c_string(source)
        self.regex_c = c_string(self.regex)


class Rule:
    """One struct rt_valid_rule."""

    def __init__(self, name):
        self.name = name
        self.kind = "RT_VALID_ANY"
        self.nullable = False
        self.members = []      # (member, C initializer) in struct order
        self.summary = []      # words for comments: "0 <= x <= 60", "format email"
        self.model = None      # Model for objects
        self.items = None      # Rule for arrays
        self.enum_name = None
        self.enum_raw = None   # the enum's values as in the spec
        self.enum_values = None  # ... as C literals
        self.pattern = None
        self.default = None
        self.branches = None   # Rule of each branch, for a tagged union (unions.py)
        self.aux = []          # C definitions the rule points to, printed just before it

    @property
    def c_init(self):
        return self.members


class Field:
    """One property of a Model: a member of its C struct."""

    def __init__(self, name, rule, required, c_name=None):
        self.name = name
        self.c_name = c_name or field_name(name)
        self.name_c = c_string(name)
        self.rule = rule
        self.required = required
        self.has_flag = False
        self.null_flag = False   # optional and may be null: bool <c_name>_null tells null from absence
        self.read_only = False   # readOnly: refused from requests (422), not required there
        self.write_only = False  # writeOnly: never written into responses
        self.default_json = None  # C literal of the default as JSON, applied when a request leaves it out
        self.empty_default = False  # default [] or {} on an array or map: absent already reads as empty
        self.c_decl = None
        self.entry_decl = None  # a map's entry struct (key and value), declared after the models
        self.union_decl = None  # a tagged union's enum and struct, declared before the models
        self.comment = None


class Model:
    """An object schema: struct api_<c_name> and its rt_valid_model table."""

    def __init__(self, schema_name, c_name, description):
        self.schema_name = schema_name
        self.c_name = c_name
        self.schema_name_c = c_string(schema_name)
        self.description = c_comment(description) if description else None
        self.fields = []
        self.is_http_error = False
        self.where = None           # the JSON pointer of the schema (for messages)
        self.closed = False         # additionalProperties: false (rt_valid_model.closed)


class Response:
    """One response of an operation: a status code, "default" or a range such as "4XX" (responses.py adds the
    reply helper's name, its status range and its headers)."""

    def __init__(self, status, model, any_json, detail):
        self.status = status
        self.model = model          # Model, or None
        self.any_json = any_json    # body is {} / not an object schema: struct json_object *
        self.detail = detail        # HTTPError-shaped: also a _detail variant
        self.media = []             # respmedia.ResponseMedia of each declared media type (responses.py)
        self.schema = None          # any_json with a schema: the C name of its exported JSON Schema table
        self.schema_where = None    # ... and its JSON pointer (its key in ctx.schema_tables)


class Operation:
    """One operation (path + method).  operations.py sets its attributes, client.py adds the client's."""

    body_multipart = False  # the body (op.body, a Model) is multipart/form-data (multipart.py)
