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

/* Each IP format: the families it takes (IPv4 tried first, as pydantic's
 * IPvAny* types do), what it reads, and pydantic's error. */
enum ip_kind { IP_ADDRESS, IP_NETWORK, IP_INTERFACE };

static const struct ip_format {
    enum rt_valid_format format;
    bool v4, v6;
    enum ip_kind kind;
    const char *type, *msg;
} ip_formats[] = {
    {RT_VALID_FORMAT_IPV4, true, false, IP_ADDRESS, "ip_v4_address", "Input is not a valid IPv4 address"},
    {RT_VALID_FORMAT_IPV6, false, true, IP_ADDRESS, "ip_v6_address", "Input is not a valid IPv6 address"},
    {RT_VALID_FORMAT_IPVANYADDRESS, true, true, IP_ADDRESS, "ip_any_address",
     "value is not a valid IPv4 or IPv6 address"},
    {RT_VALID_FORMAT_IPV4NETWORK, true, false, IP_NETWORK, "ip_v4_network",
     "Input is not a valid IPv4 network"},
    {RT_VALID_FORMAT_IPV6NETWORK, false, true, IP_NETWORK, "ip_v6_network",
     "Input is not a valid IPv6 network"},
    {RT_VALID_FORMAT_IPVANYNETWORK, true, true, IP_NETWORK, "ip_any_network",
     "value is not a valid IPv4 or IPv6 network"},
    {RT_VALID_FORMAT_IPV4INTERFACE, true, false, IP_INTERFACE, "ip_v4_interface",
     "Input is not a valid IPv4 interface"},
    {RT_VALID_FORMAT_IPV6INTERFACE, false, true, IP_INTERFACE, "ip_v6_interface",
     "Input is not a valid IPv6 interface"},
    {RT_VALID_FORMAT_IPVANYINTERFACE, true, true, IP_INTERFACE, "ip_any_interface",
     "value is not a valid IPv4 or IPv6 interface"},
};

/* Whether the value is one of @p f's, in @p family. */
static bool family_ok(const struct ip_format *f, int family, const char *s, size_t len)
{
    if (f->kind == IP_ADDRESS)
        return rt_valid_format_ip_parse(family, s, len, NULL);
    return network_ok(family, s, len, f->kind == IP_NETWORK);
}

int rt_valid_format_ip_check(enum rt_valid_format format, const char *s, size_t len,
                             struct json_object *input, struct rt_valid_errors *errs,
                             const struct rt_valid_loc *loc)
{
    for (size_t i = 0; i < sizeof(ip_formats) / sizeof(ip_formats[0]); i++) {
        const struct ip_format *f = &ip_formats[i];

        if (f->format != format)
            continue;
        if ((f->v4 && family_ok(f, AF_INET, s, len)) || (f->v6 && family_ok(f, AF_INET6, s, len)))
            return 0;
        rt_valid_error_ref(errs, loc, f->type, f->msg, input);
        return -1;
    }
    return 0; /* not an IP format: nothing to check here */
}
