"""The IP formats of runtime/valid/rt_valid_format_ip.c in Python, one function here per function there (see
formats.py): addresses through the C library's inet_pton, as in the runtime, loaded with ctypes."""

import ctypes
import ctypes.util
import socket

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
libc.inet_pton.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

# --- addresses, networks, interfaces (rt_valid_format_ip.c) ---

V4, V6 = socket.AF_INET, socket.AF_INET6
ADDRESS_CHARS = {V4: b"0123456789.", V6: b"0123456789abcdefABCDEF:."}


def ip_bytes(family, b):
    """rt_valid_format_ip_parse(): inet_pton on bytes b made of the family's address characters only; the
    address's bytes, or None."""
    if not b or len(b) >= 64 or any(c not in ADDRESS_CHARS[family] for c in b):
        return None
    out = ctypes.create_string_buffer(16)
    return out.raw[:4 if family == V4 else 16] if libc.inet_pton(family, b, out) == 1 else None


def mask_prefix(mask):
    """rt_valid_format_ip.c's mask_prefix(): a netmask's prefix, else an inverted one's (a hostmask), else -1."""
    for m in (mask, mask ^ 0xFFFFFFFF):
        zeros = 0
        while zeros < 32 and not m & (1 << zeros):
            zeros += 1
        if zeros == 32 or m >> zeros == 0xFFFFFFFF >> zeros:
            return 32 - zeros
    return -1


def prefix_parse(family, b):
    """rt_valid_format_ip.c's prefix_parse(): decimal digits up to the width, or (IPv4) a net- or hostmask; -1."""
    bits = 32 if family == V4 else 128
    if b and all(0x30 <= c <= 0x39 for c in b):
        value = int(b)
        return value if value <= bits else -1
    mask = ip_bytes(V4, b) if family == V4 else None
    return -1 if mask is None else mask_prefix(int.from_bytes(mask, "big"))


def network_ok(family, b, strict):
    """rt_valid_format_ip.c's network_ok(): address[/prefix]; strict (a network): no host bits set."""
    addr_text, slash, prefix_text = b.partition(b"/")
    addr, bits = ip_bytes(family, addr_text), 32 if family == V4 else 128
    prefix = prefix_parse(family, prefix_text) if slash else bits
    if addr is None or prefix < 0:
        return False
    return not strict or int.from_bytes(addr, "big") & ((1 << (bits - prefix)) - 1) == 0


def ip_ok(families, kind, b):
    """rt_valid_format_ip.c's family_ok() for each family, IPv4 first: kind "address", "network" or
    "interface"."""
    return any(ip_bytes(f, b) is not None if kind == "address" else network_ok(f, b, kind == "network")
               for f in families)


# The IP formats, as rt_valid_format_ip.c's table: format -> (families, kind, pydantic's message)
IP_FORMATS = {
    "ipv4": ((V4,), "address", "Input is not a valid IPv4 address"),
    "ipv6": ((V6,), "address", "Input is not a valid IPv6 address"),
    "ipvanyaddress": ((V4, V6), "address", "value is not a valid IPv4 or IPv6 address"),
    "ipv4network": ((V4,), "network", "Input is not a valid IPv4 network"),
    "ipv6network": ((V6,), "network", "Input is not a valid IPv6 network"),
    "ipvanynetwork": ((V4, V6), "network", "value is not a valid IPv4 or IPv6 network"),
    "ipv4interface": ((V4,), "interface", "Input is not a valid IPv4 interface"),
    "ipv6interface": ((V6,), "interface", "Input is not a valid IPv6 interface"),
    "ipvanyinterface": ((V4, V6), "interface", "value is not a valid IPv4 or IPv6 interface"),
}
