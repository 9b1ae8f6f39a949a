/*
 * rt_valid_format_ip — the IP formats: addresses (ipv4: a dotted quad, no
 * leading zeros; ipv6: RFC 4291's text forms, no zone), and pydantic's
 * networks and interfaces (ipv4network, ipv6network, ipv4interface,
 * ipv6interface) and either-family types (ipvanyaddress, ipvanynetwork,
 * ipvanyinterface), read as Python's ipaddress module reads them, which
 * is what pydantic calls: "address", "address/prefix" (decimal, leading
 * zeros allowed), and for IPv4 "address/netmask" or "address/hostmask" in
 * dotted form; a network may not have host bits set, an interface may.
 * Addresses are parsed by inet_pton(), which refuses what the formats
 * refuse (a leading zero, a zone, a fifth hex digit).
 */
#include "rt_valid_format.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

bool rt_valid_format_ip_parse(int family, const char *s, size_t len, unsigned char *bin)
{
    const char *allowed = family == AF_INET ? "0123456789." : "0123456789abcdefABCDEF:.";
    unsigned char scratch[16];
    char buf[64];
    size_t i;

    if (len == 0 || len >= sizeof(buf))
        return false;
    for (i = 0; i < len; i++)
        if (s[i] == '\0' || strchr(allowed, s[i]) == NULL)
            return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return inet_pton(family, buf, bin != NULL ? bin : scratch) == 1;
}

/* The prefix length of an IPv4 mask: contiguous ones then zeros (a
 * netmask); else, inverted (a hostmask); -1 if neither (ipaddress's
 * _prefix_from_ip_string). */
static int mask_prefix(uint32_t mask)
{
    for (int pass = 0; pass < 2; pass++, mask = ~mask) {
        int zeros = 0;

        while (zeros < 32 && (mask & (UINT32_C(1) << zeros)) == 0)
            zeros++;
        if (zeros == 32 || (mask >> zeros) == (UINT32_C(0xffffffff) >> zeros))
            return 32 - zeros;
    }
    return -1;
}

/* The prefix after the '/': decimal digits up to the family's width, or
 * (IPv4) a netmask or hostmask; -1 if it is neither. */
static int prefix_parse(int family, const char *s, size_t len)
{
    int bits = family == AF_INET ? 32 : 128, value = 0;
    unsigned char mask[4];
    size_t i = 0;

    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (len > 0 && i == len) {
        for (i = 0; i < len; i++) {
            value = value * 10 + (s[i] - '0');
            if (value > bits)
                return -1;
        }
        return value;
    }
    if (family != AF_INET || !rt_valid_format_ip_parse(AF_INET, s, len, mask))
        return -1;
    return mask_prefix((uint32_t)mask[0] << 24 | (uint32_t)mask[1] << 16 | (uint32_t)mask[2] << 8 | mask[3]);
}

/* A network (@p strict: no host bits set) or an interface of @p family. */
static bool network_ok(int family, const char *s, size_t len, bool strict)
{
    const char *slash = memchr(s, '/', len);
    size_t addr_len = slash != NULL ? (size_t)(slash - s) : len;
    int bits = family == AF_INET ? 32 : 128, prefix = bits;
    unsigned char addr[16];

    if (!rt_valid_format_ip_parse(family, s, addr_len, addr))
        return false;
    if (slash != NULL && (prefix = prefix_parse(family, slash + 1, len - addr_len - 1)) < 0)
        return false;
    for (int i = prefix; strict && i < bits; i++)
        if (addr[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

/* Whether the value is valid for an IP format, and pydantic's error for it. */
static bool ip_ok(enum rt_valid_format format, const char *s, size_t len, const char **type, const char **msg)
{
    switch (format) {
    case RT_VALID_FORMAT_IPV4:
        *type = "ip_v4_address", *msg = "Input is not a valid IPv4 address";
        return rt_valid_format_ip_parse(AF_INET, s, len, NULL);
    case RT_VALID_FORMAT_IPV6:
        *type = "ip_v6_address", *msg = "Input is not a valid IPv6 address";
        return rt_valid_format_ip_parse(AF_INET6, s, len, NULL);
    case RT_VALID_FORMAT_IPVANYADDRESS:
        *type = "ip_any_address", *msg = "value is not a valid IPv4 or IPv6 address";
        return rt_valid_format_ip_parse(AF_INET, s, len, NULL) ||
               rt_valid_format_ip_parse(AF_INET6, s, len, NULL);
    case RT_VALID_FORMAT_IPV4NETWORK:
        *type = "ip_v4_network", *msg = "Input is not a valid IPv4 network";
        return network_ok(AF_INET, s, len, true);
    case RT_VALID_FORMAT_IPV6NETWORK:
        *type = "ip_v6_network", *msg = "Input is not a valid IPv6 network";
        return network_ok(AF_INET6, s, len, true);
    case RT_VALID_FORMAT_IPVANYNETWORK:
        *type = "ip_any_network", *msg = "value is not a valid IPv4 or IPv6 network";
        return network_ok(AF_INET, s, len, true) || network_ok(AF_INET6, s, len, true);
    case RT_VALID_FORMAT_IPV4INTERFACE:
        *type = "ip_v4_interface", *msg = "Input is not a valid IPv4 interface";
        return network_ok(AF_INET, s, len, false);
    case RT_VALID_FORMAT_IPV6INTERFACE:
        *type = "ip_v6_interface", *msg = "Input is not a valid IPv6 interface";
        return network_ok(AF_INET6, s, len, false);
    case RT_VALID_FORMAT_IPVANYINTERFACE:
        *type = "ip_any_interface", *msg = "value is not a valid IPv4 or IPv6 interface";
        return network_ok(AF_INET, s, len, false) || network_ok(AF_INET6, s, len, false);
    default:
        return true;
    }
}

int rt_valid_format_ip_check(enum rt_valid_format format, const char *s, size_t len,
                             struct json_object *input, struct rt_valid_errors *errs,
                             const struct rt_valid_loc *loc)
{
    const char *type = NULL, *msg = NULL;

    if (ip_ok(format, s, len, &type, &msg))
        return 0;
    rt_valid_error_ref(errs, loc, type, msg, input);
    return -1;
}
