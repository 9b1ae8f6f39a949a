/*
 * rt_db_result — what a callback reads from a result: its status, and its
 * values by type, the same way on both backends (see rt_db.h, "results").
 *
 * A backend describes each value (struct rt_db_cell, rt_db_internal.h):
 * what it is (an integer, text, a timestamp...) and its content.  This file
 * alone decides which accessor may read which kind, and turns every
 * timestamp into RFC 3339 UTC with milliseconds; the backends never format
 * values for handlers.
 */
#include "rt_db_internal.h"
#include "rt_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_OFFSET_SECONDS (24 * 3600) /* a zone offset is below a day */

/* --- status and shape --- */

enum rt_db_status rt_db_result_status(const struct rt_db_result *result)
{
    return result->status;
}

const char *rt_db_result_error(const struct rt_db_result *result)
{
    return result->error != NULL ? result->error : "";
}

int rt_db_result_rows(const struct rt_db_result *result)
{
    return result->status == RT_DB_OK ? result->rows : 0;
}

int rt_db_result_cols(const struct rt_db_result *result)
{
    return result->status == RT_DB_OK ? result->cols : 0;
}

/*
 * Have the backend describe the value at (@row, @col) into @cell.
 * @return RT_DB_VALUE_OK, RT_DB_VALUE_NULL or RT_DB_VALUE_NO_CELL.
 */
static int get_cell(const struct rt_db_result *result, int row, int col, struct rt_db_cell *cell)
{
    memset(cell, 0, sizeof(*cell));
    if (result->status != RT_DB_OK || result->cell == NULL || row < 0 || col < 0 || row >= result->rows ||
        col >= result->cols)
        return RT_DB_VALUE_NO_CELL;
    result->cell(result, row, col, cell);
    return cell->kind == RT_DB_KIND_NULL ? RT_DB_VALUE_NULL : RT_DB_VALUE_OK;
}

/* --- numbers --- */

int rt_db_parse_int64(const char *text, int64_t *out)
{
    const char *digits = text != NULL && (text[0] == '-' || text[0] == '+') ? text + 1 : text;
    char *end = NULL;
    long long v;

    if (digits == NULL || digits[0] < '0' || digits[0] > '9')
        return -1;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno == ERANGE)
        return -1;
    if (*end == '.') {
        for (end++; *end == '0'; end++)
            ;
    }
    if (*end != '\0')
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* Parse the whole of @text as a double.  0, or -1. */
static int parse_double(const char *text, double *out)
{
    char *end = NULL;
    double v;

    if (text == NULL || text[0] == '\0')
        return -1;
    v = strtod(text, &end);
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

bool rt_db_result_is_null(const struct rt_db_result *result, int row, int col)
{
    struct rt_db_cell cell;

    return get_cell(result, row, col, &cell) != RT_DB_VALUE_OK;
}

int rt_db_result_int64(const struct rt_db_result *result, int row, int col, int64_t *out)
{
    struct rt_db_cell cell;
    int rc = get_cell(result, row, col, &cell);

    if (rc != RT_DB_VALUE_OK)
        return rc;
    if (cell.kind == RT_DB_KIND_INT) {
        *out = cell.i;
        return RT_DB_VALUE_OK;
    }
    if (cell.kind == RT_DB_KIND_NUMERIC && rt_db_parse_int64(cell.text, out) == 0)
        return RT_DB_VALUE_OK;
    return RT_DB_VALUE_WRONG_TYPE;
}

int rt_db_result_double(const struct rt_db_result *result, int row, int col, double *out)
{
    struct rt_db_cell cell;
    int rc = get_cell(result, row, col, &cell);

    if (rc != RT_DB_VALUE_OK)
        return rc;
    switch (cell.kind) {
    case RT_DB_KIND_FLOAT:
        *out = cell.f;
        return RT_DB_VALUE_OK;
    case RT_DB_KIND_INT:
        *out = (double)cell.i;
        return RT_DB_VALUE_OK;
    case RT_DB_KIND_NUMERIC:
        return parse_double(cell.text, out) == 0 ? RT_DB_VALUE_OK : RT_DB_VALUE_WRONG_TYPE;
    default:
        return RT_DB_VALUE_WRONG_TYPE;
    }
}

int rt_db_result_bool(const struct rt_db_result *result, int row, int col, bool *out)
{
    struct rt_db_cell cell;
    int rc = get_cell(result, row, col, &cell);

    if (rc != RT_DB_VALUE_OK)
        return rc;
    if ((cell.kind != RT_DB_KIND_BOOL && cell.kind != RT_DB_KIND_INT) || (cell.i != 0 && cell.i != 1))
        return RT_DB_VALUE_WRONG_TYPE;
    *out = cell.i == 1;
    return RT_DB_VALUE_OK;
}

/* --- text --- */

int rt_db_result_text(const struct rt_db_result *result, int row, int col, const char **out)
{
    struct rt_db_cell cell;
    int rc = get_cell(result, row, col, &cell);

    *out = NULL;
    if (rc != RT_DB_VALUE_OK)
        return rc;
    if ((cell.kind != RT_DB_KIND_TEXT && cell.kind != RT_DB_KIND_OTHER) || cell.text == NULL)
        return RT_DB_VALUE_WRONG_TYPE;
    *out = cell.text;
    return RT_DB_VALUE_OK;
}

/* --- timestamps --- */

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Read exactly @n digits at *@p into @out and move past them.  0, or -1. */
static int read_digits(const char **p, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        char ch = (*p)[i];

        if (ch < '0' || ch > '9')
            return -1;
        v = v * 10 + (ch - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* After a '.': one or more digits, of which the first three are milliseconds (the rest are dropped). */
static int read_fraction(const char **p, int *ms)
{
    int n = 0;

    *ms = 0;
    for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
        if (n < 3)
            *ms = *ms * 10 + (**p - '0');
    }
    for (; n < 3 && n > 0; n++)
        *ms *= 10;
    return n > 0 ? 0 : -1;
}

/*
 * The zone at *@p, as seconds east of UTC: nothing (UTC), "Z", or
 * +HH, +HH:MM, +HHMM, +HH:MM:SS (PostgreSQL writes seconds for old local
 * mean times) and the same with '-'.  0, or -1.
 */
static int read_zone(const char **p, int *seconds)
{
    int sign, hh, mm = 0, ss = 0;

    *seconds = 0;
    if (**p == '\0')
        return 0;
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return -1;
    sign = **p == '-' ? -1 : 1;
    (*p)++;
    if (read_digits(p, 2, &hh) < 0)
        return -1;
    if (**p == ':') {
        (*p)++;
        if (read_digits(p, 2, &mm) < 0)
            return -1;
    } else if (**p >= '0' && **p <= '9' && read_digits(p, 2, &mm) < 0) {
        return -1;
    }
    if (**p == ':') {
        (*p)++;
        if (read_digits(p, 2, &ss) < 0)
            return -1;
    }
    if (mm > 59 || ss > 59)
        return -1;
    *seconds = sign * (hh * 3600 + mm * 60 + ss);
    return *seconds > -MAX_OFFSET_SECONDS && *seconds < MAX_OFFSET_SECONDS ? 0 : -1;
}

/*
 * Parse a whole timestamp: YYYY-MM-DD, 'T' or ' ', HH:MM[:SS[.fraction]],
 * then a zone (none means UTC).  That is RFC 3339, PostgreSQL's ISO output
 * and SQLite's date and time text.  @return 0 with milliseconds since the
 * Unix epoch (UTC) in @ms, or -1.
 */
static int parse_timestamp(const char *text, int64_t *ms)
{
    const char *p = text;
    int y, mo, d, h, mi, s = 0, frac = 0, zone;

    if (read_digits(&p, 4, &y) < 0 || *p++ != '-' || read_digits(&p, 2, &mo) < 0 || *p++ != '-' ||
        read_digits(&p, 2, &d) < 0)
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (read_digits(&p, 2, &h) < 0 || *p++ != ':' || read_digits(&p, 2, &mi) < 0)
        return -1;
    if (*p == ':') {
        p++;
        if (read_digits(&p, 2, &s) < 0)
            return -1;
        if (*p == '.') {
            p++;
            if (read_fraction(&p, &frac) < 0)
                return -1;
        }
    }
    if (read_zone(&p, &zone) < 0 || *p != '\0')
        return -1;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return -1;
    {
        struct tm tm = {
            .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s};

        *ms = ((int64_t)timegm(&tm) - zone) * 1000 + frac; /* timegm: the date is valid (checked above) */
    }
    return 0;
}

int rt_db_result_timestamp(const struct rt_db_result *result, int row, int col,
                           char out[static RT_DB_TIMESTAMP_SIZE])
{
    struct rt_db_cell cell;
    int rc = get_cell(result, row, col, &cell);
    int64_t ms;

    out[0] = '\0';
    if (rc != RT_DB_VALUE_OK)
        return rc;
    if ((cell.kind != RT_DB_KIND_TIMESTAMP && cell.kind != RT_DB_KIND_TEXT) || cell.text == NULL ||
        parse_timestamp(cell.text, &ms) < 0 ||
        rt_time_format_rfc3339_ms(ms, out, RT_DB_TIMESTAMP_SIZE) == NULL) {
        out[0] = '\0';
        return RT_DB_VALUE_WRONG_TYPE;
    }
    return RT_DB_VALUE_OK;
}
