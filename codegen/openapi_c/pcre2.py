"""PCRE2 (libpcre2-8, the library the runtime links) at generation time, through ctypes: a pattern's rewrite is
compiled exactly as runtime/valid/rt_valid_pattern.c compiles it, so one that would not compile is refused when the
spec is built, and a parameter's default is matched by the engine that will judge requests.

The compile options and the match limit are read from runtime/valid/rt_valid_pattern.h, where they are defined
once (the C side checks its value against PCRE2's own names).
"""

import ctypes
import ctypes.util
import re

from .paths import RT_VALID_PATTERN_H
from .refusals import SpecError

DEFINE = r"^#define %s (0x[0-9a-fA-F]+|[0-9]+)u\b"
_lib = None
_settings = None


def settings(header=RT_VALID_PATTERN_H):
    """(compile options, match limit) as the runtime's header defines them."""
    global _settings
    if _settings is None:
        try:
            with open(header, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise SpecError("cannot read the pattern settings from %s: %s" % (header, e))
        values = []
        for name in ("RT_VALID_PATTERN_OPTIONS", "RT_VALID_PATTERN_MATCH_LIMIT"):
            found = re.findall(DEFINE % name, text, re.M)
            if len(found) != 1:
                raise SpecError("cannot read %s from %s: expected one '#define %s <number>u'" % (name, header, name))
            values.append(int(found[0], 0))
        _settings = tuple(values)
    return _settings


def lib():
    global _lib
    if _lib is None:
        name = ctypes.util.find_library("pcre2-8") or "libpcre2-8.so.0"
        try:
            _lib = ctypes.CDLL(name)
        except OSError as e:
            raise SpecError("patterns need PCRE2 (Debian: libpcre2-dev): cannot load %s: %s" % (name, e))
        _lib.pcre2_compile_8.restype = ctypes.c_void_p
        _lib.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                         ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t),
                                         ctypes.c_void_p]
        _lib.pcre2_code_free_8.argtypes = [ctypes.c_void_p]
        _lib.pcre2_get_error_message_8.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
        _lib.pcre2_match_data_create_8.restype = ctypes.c_void_p
        _lib.pcre2_match_data_create_8.argtypes = [ctypes.c_uint32, ctypes.c_void_p]
        _lib.pcre2_match_data_free_8.argtypes = [ctypes.c_void_p]
        _lib.pcre2_match_context_create_8.restype = ctypes.c_void_p
        _lib.pcre2_match_context_create_8.argtypes = [ctypes.c_void_p]
        _lib.pcre2_match_context_free_8.argtypes = [ctypes.c_void_p]
        _lib.pcre2_set_match_limit_8.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        _lib.pcre2_match_8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                                       ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
    return _lib


def run(regex, text=None):
    """Compile regex as the runtime does: (None, whether it matches text somewhere; None without text) or
    (why it does not compile, None)."""
    pcre, (options, limit) = lib(), settings()
    source = regex.encode("utf-8")
    err, offset = ctypes.c_int(), ctypes.c_size_t()
    code = pcre.pcre2_compile_8(source, len(source), options, ctypes.byref(err), ctypes.byref(offset), None)
    if not code:
        msg = ctypes.create_string_buffer(256)
        pcre.pcre2_get_error_message_8(err.value, msg, len(msg))
        return "%s (at offset %d of %r)" % (msg.value.decode("utf-8", "replace"), offset.value, regex), None
    if text is None:
        pcre.pcre2_code_free_8(code)
        return None, None
    subject = text.encode("utf-8", "surrogatepass")
    data, context = pcre.pcre2_match_data_create_8(1, None), pcre.pcre2_match_context_create_8(None)
    try:
        pcre.pcre2_set_match_limit_8(context, limit)
        return None, pcre.pcre2_match_8(code, subject, len(subject), 0, 0, data, context) >= 0
    finally:
        pcre.pcre2_match_context_free_8(context)
        pcre.pcre2_match_data_free_8(data)
        pcre.pcre2_code_free_8(code)
