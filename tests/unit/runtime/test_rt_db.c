/*
 * Unit tests for runtime/db/rt_db.c and rt_db_result.c, the database front
 * end: which backend a DATABASE_URL names, that its password never shows
 * in what may be logged, and which typed accessor reads which value (on a
 * result made up here, without a backend), timestamps above all.
 * Includes the .c files to reach their static helpers.
 */
#include "../../../runtime/db/rt_db.c"
#include "../../../runtime/db/rt_db_result.c"
#include "test.h"

static int str_is(char *got, const char *want)
{
    int ok = got != NULL && strcmp(got, want) == 0;

    if (!ok)
        printf("# got '%s', want '%s'\n", got ? got : "(null)", want);
    free(got);
    return ok;
}

static void test_sqlite_urls(void)
{
    char *t;

    CHECK(str_is(sqlite_target("sqlite:///data/app.db"), "data/app.db"));
    CHECK(str_is(sqlite_target("sqlite:////var/lib/app.db"), "/var/lib/app.db"));
    CHECK(str_is(sqlite_target("sqlite::memory:"), ":memory:"));
    CHECK((t = sqlite_target("sqlite:///")) == NULL);
    CHECK((t = sqlite_target("sqlite://relative.db")) == NULL);
    CHECK((t = sqlite_target("sqlite:///x.db?mode=ro")) == NULL);
}

static void test_redaction(void)
{
    CHECK(str_is(redact_uri("postgresql://app:s3cret@db.local:5432/app"),
                 "postgresql://app:***@db.local:5432/app"));
    CHECK(str_is(redact_uri("postgres://app@db/app"), "postgres://app@db/app"));
    CHECK(str_is(redact_uri("postgresql://app:@db/app"), "postgresql://app:***@db/app"));
    CHECK(str_is(redact_uri("postgresql://db/app?sslmode=require&password=s3cret&x=1"),
                 "postgresql://db/app?sslmode=require&password=***&x=1"));
    CHECK(str_is(redact_keyvalue("host=db password=s3cret dbname=app"), "host=db password=*** dbname=app"));
    CHECK(str_is(redact_keyvalue("password = 'a b\\' c' host=db"), "password=*** host=db"));
    CHECK(str_is(redact_keyvalue("host=db user=passwordless"), "host=db user=passwordless"));
}

static void test_open_errors_hide_the_password(void)
{
    struct rt_db_settings settings = {.pool_size = 1, .acquire_timeout_ms = 100, .connect_timeout_ms = 2000};
    char err[512] = "";

    settings.url = "mysql://root:s3cret@localhost/app";
    CHECK(rt_db_open(&settings, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "DATABASE_URL") != NULL);
    CHECK(strstr(err, "s3cret") == NULL);

    /* Nothing listens on port 1: the connection is refused at once. */
    settings.url = "postgresql://app:s3cret@127.0.0.1:1/app";
    err[0] = '\0';
    CHECK(rt_db_open(&settings, err, sizeof(err)) == NULL);
    CHECK(err[0] != '\0');
    CHECK(strstr(err, "s3cret") == NULL);
    printf("# %s\n", err);

    settings.url = "sqlite:///";
    CHECK(rt_db_open(&settings, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "sqlite:///relative/path.db") != NULL);
}

/* --- typed values --- */

/* @text through parse_timestamp() and rt_time_format_rfc3339_ms(); "" if either refuses it. */
static const char *timestamp(const char *text)
{
    static char out[RT_DB_TIMESTAMP_SIZE];
    int64_t ms;

    if (parse_timestamp(text, &ms) < 0 || rt_time_format_rfc3339_ms(ms, out, sizeof(out)) == NULL)
        out[0] = '\0';
    return out;
}

static int ts_is(const char *text, const char *want)
{
    const char *got = timestamp(text);
    int ok = strcmp(got, want) == 0;

    if (!ok)
        printf("# '%s' gave '%s', want '%s'\n", text, got, want);
    return ok;
}

static void test_timestamps(void)
{
    /* RFC 3339 (ours, and SQLite's text), PostgreSQL's ISO output in any zone, SQLite's own text */
    CHECK(ts_is("2026-11-23T22:36:00.123Z", "2026-11-23T22:36:00.123Z"));
    CHECK(ts_is("2026-11-23t22:36:00.123z", "2026-11-23T22:36:00.123Z"));
    CHECK(ts_is("2026-11-23 22:36:00.123+00", "2026-11-23T22:36:00.123Z"));
    CHECK(ts_is("2026-11-23 22:36:00+00", "2026-11-23T22:36:00.000Z"));
    CHECK(ts_is("2026-11-23 22:36:00.1-03", "2026-11-24T01:36:00.100Z"));
    CHECK(ts_is("2026-11-23 22:36:00+05:30", "2026-11-23T17:06:00.000Z"));
    CHECK(ts_is("2026-11-23T22:36:00.5+0530", "2026-11-23T17:06:00.500Z"));
    CHECK(ts_is("1850-01-01 00:00:00+00:53:28", "1849-12-31T23:06:32.000Z"));
    CHECK(ts_is("2026-11-23 22:36:00.123999+00", "2026-11-23T22:36:00.123Z")); /* truncated, not rounded */
    CHECK(ts_is("2026-11-23 22:36:00.12", "2026-11-23T22:36:00.120Z"));        /* no zone: UTC */
    CHECK(ts_is("2026-11-23 22:36", "2026-11-23T22:36:00.000Z"));
    CHECK(ts_is("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z"));
    CHECK(ts_is("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"));
    CHECK(ts_is("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"));
    CHECK(ts_is("2024-02-29 12:00:00", "2024-02-29T12:00:00.000Z"));
    CHECK(ts_is("2000-02-29 12:00:00", "2000-02-29T12:00:00.000Z"));
    CHECK(ts_is("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"));
    CHECK(ts_is("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"));
    /* refused: not a timestamp, not a valid one, or outside years 1..9999 once in UTC */
    CHECK(ts_is("2023-02-29 12:00:00", ""));
    CHECK(ts_is("1900-02-29 12:00:00", ""));
    CHECK(ts_is("2026-13-01 00:00:00", ""));
    CHECK(ts_is("2026-11-31 00:00:00", ""));
    CHECK(ts_is("2026-11-23 24:00:00", ""));
    CHECK(ts_is("2026-11-23 22:60:00", ""));
    CHECK(ts_is("2026-11-23 22:36:60", ""));
    CHECK(ts_is("2026-11-23", ""));
    CHECK(ts_is("2026-11-23 22", ""));
    CHECK(ts_is("2026-11-23 22:36:00.", ""));
    CHECK(ts_is("2026-11-23 22:36:00+05:", ""));
    CHECK(ts_is("2026-11-23 22:36:00+5", ""));
    CHECK(ts_is("2026-11-23 22:36:00 BC", ""));
    CHECK(ts_is("2026-11-23 22:36:00+00 BC", ""));
    CHECK(ts_is("2026-11-23 22:36:00+24", ""));
    CHECK(ts_is("infinity", ""));
    CHECK(ts_is("", ""));
    CHECK(ts_is("12345-01-01 00:00:00", ""));
    CHECK(ts_is("0000-12-31 00:00:00", ""));
    CHECK(ts_is("0001-01-01 00:30:00+01", ""));
    CHECK(ts_is("9999-12-31 23:30:00-01", ""));
}

static void test_parse_int64(void)
{
    int64_t v = 0;

    CHECK(rt_db_parse_int64("42", &v) == 0 && v == 42);
    CHECK(rt_db_parse_int64("-9223372036854775808", &v) == 0 && v == INT64_MIN);
    CHECK(rt_db_parse_int64("+7", &v) == 0 && v == 7);
    CHECK(rt_db_parse_int64("12.000", &v) == 0 && v == 12); /* numeric(10,3) */
    v = 5;
    CHECK(rt_db_parse_int64("9223372036854775808", &v) == -1 && v == 5);
    CHECK(rt_db_parse_int64("12.01", &v) == -1);
    CHECK(rt_db_parse_int64(" 1", &v) == -1);
    CHECK(rt_db_parse_int64("1x", &v) == -1);
    CHECK(rt_db_parse_int64("-", &v) == -1);
    CHECK(rt_db_parse_int64("", &v) == -1);
    CHECK(rt_db_parse_int64(NULL, &v) == -1);
}

/* A result of one row whose cells are fake_cells[]: what a backend would describe. */
static struct rt_db_cell fake_cells[10];

static void fake_cell(const struct rt_db_result *result, int row, int col, struct rt_db_cell *out)
{
    *out = fake_cells[col];
}

static void test_accessors(void)
{
    struct rt_db_result r = {.status = RT_DB_OK, .error = "", .rows = 1, .cols = 10, .cell = fake_cell};
    char ts[RT_DB_TIMESTAMP_SIZE];
    const char *text = "x";
    int64_t i = -1;
    double d = -1;
    bool b = false;

    fake_cells[0] = (struct rt_db_cell){.kind = RT_DB_KIND_NULL};
    fake_cells[1] = (struct rt_db_cell){.kind = RT_DB_KIND_INT, .i = 1};
    fake_cells[2] = (struct rt_db_cell){.kind = RT_DB_KIND_INT, .i = -7};
    fake_cells[3] = (struct rt_db_cell){.kind = RT_DB_KIND_FLOAT, .f = 2.5};
    fake_cells[4] = (struct rt_db_cell){.kind = RT_DB_KIND_NUMERIC, .text = "12.50"};
    fake_cells[5] = (struct rt_db_cell){.kind = RT_DB_KIND_BOOL, .i = 1};
    fake_cells[6] = (struct rt_db_cell){.kind = RT_DB_KIND_TEXT, .text = "2026-11-23 22:36:00+01"};
    fake_cells[7] = (struct rt_db_cell){.kind = RT_DB_KIND_TIMESTAMP, .text = "2026-11-23 22:36:00.5"};
    fake_cells[8] = (struct rt_db_cell){.kind = RT_DB_KIND_OTHER, .text = "{\"a\": 1}"};
    fake_cells[9] = (struct rt_db_cell){.kind = RT_DB_KIND_BLOB};

    /* NULL: every accessor says so and leaves its output alone (text: NULL; timestamp: "") */
    CHECK(rt_db_result_is_null(&r, 0, 0) && !rt_db_result_is_null(&r, 0, 1));
    CHECK(rt_db_result_int64(&r, 0, 0, &i) == RT_DB_VALUE_NULL && i == -1);
    CHECK(rt_db_result_double(&r, 0, 0, &d) == RT_DB_VALUE_NULL && d == -1);
    CHECK(rt_db_result_bool(&r, 0, 0, &b) == RT_DB_VALUE_NULL && !b);
    CHECK(rt_db_result_text(&r, 0, 0, &text) == RT_DB_VALUE_NULL && text == NULL);
    CHECK(rt_db_result_timestamp(&r, 0, 0, ts) == RT_DB_VALUE_NULL && ts[0] == '\0');
    /* integers: also as doubles, and as booleans when 0 or 1 */
    CHECK(rt_db_result_int64(&r, 0, 2, &i) == RT_DB_VALUE_OK && i == -7);
    CHECK(rt_db_result_double(&r, 0, 2, &d) == RT_DB_VALUE_OK && d == -7.0);
    CHECK(rt_db_result_bool(&r, 0, 1, &b) == RT_DB_VALUE_OK && b);
    CHECK(rt_db_result_bool(&r, 0, 2, &b) == RT_DB_VALUE_WRONG_TYPE);
    CHECK(rt_db_result_text(&r, 0, 2, &text) == RT_DB_VALUE_WRONG_TYPE && text == NULL);
    CHECK(rt_db_result_timestamp(&r, 0, 2, ts) == RT_DB_VALUE_WRONG_TYPE && ts[0] == '\0');
    /* floating point: never an integer */
    CHECK(rt_db_result_double(&r, 0, 3, &d) == RT_DB_VALUE_OK && d == 2.5);
    i = -1;
    CHECK(rt_db_result_int64(&r, 0, 3, &i) == RT_DB_VALUE_WRONG_TYPE && i == -1);
    /* numeric: a double; an integer only without a fraction */
    CHECK(rt_db_result_double(&r, 0, 4, &d) == RT_DB_VALUE_OK && d == 12.5);
    CHECK(rt_db_result_int64(&r, 0, 4, &i) == RT_DB_VALUE_WRONG_TYPE);
    fake_cells[4].text = "12.00";
    CHECK(rt_db_result_int64(&r, 0, 4, &i) == RT_DB_VALUE_OK && i == 12);
    /* booleans: not integers */
    b = false;
    CHECK(rt_db_result_bool(&r, 0, 5, &b) == RT_DB_VALUE_OK && b);
    CHECK(rt_db_result_int64(&r, 0, 5, &i) == RT_DB_VALUE_WRONG_TYPE);
    /* text: text, and a timestamp if it holds one; never a number */
    CHECK(rt_db_result_text(&r, 0, 6, &text) == RT_DB_VALUE_OK &&
          strcmp(text, "2026-11-23 22:36:00+01") == 0);
    CHECK(rt_db_result_timestamp(&r, 0, 6, ts) == RT_DB_VALUE_OK &&
          strcmp(ts, "2026-11-23T21:36:00.000Z") == 0);
    CHECK(rt_db_result_int64(&r, 0, 6, &i) == RT_DB_VALUE_WRONG_TYPE);
    fake_cells[6].text = "yesterday";
    CHECK(rt_db_result_timestamp(&r, 0, 6, ts) == RT_DB_VALUE_WRONG_TYPE && ts[0] == '\0');
    /* timestamps: only through the timestamp accessor */
    CHECK(rt_db_result_timestamp(&r, 0, 7, ts) == RT_DB_VALUE_OK &&
          strcmp(ts, "2026-11-23T22:36:00.500Z") == 0);
    CHECK(rt_db_result_text(&r, 0, 7, &text) == RT_DB_VALUE_WRONG_TYPE);
    /* other types: their text form; bytes: nothing */
    CHECK(rt_db_result_text(&r, 0, 8, &text) == RT_DB_VALUE_OK && strcmp(text, "{\"a\": 1}") == 0);
    CHECK(rt_db_result_text(&r, 0, 9, &text) == RT_DB_VALUE_WRONG_TYPE);
    CHECK(!rt_db_result_is_null(&r, 0, 9));
    /* no such cell, or no rows at all */
    CHECK(rt_db_result_int64(&r, 1, 1, &i) == RT_DB_VALUE_NO_CELL);
    CHECK(rt_db_result_int64(&r, 0, 10, &i) == RT_DB_VALUE_NO_CELL);
    CHECK(rt_db_result_int64(&r, -1, 1, &i) == RT_DB_VALUE_NO_CELL);
    CHECK(rt_db_result_is_null(&r, 0, -1));
    r.status = RT_DB_ERROR;
    CHECK(rt_db_result_int64(&r, 0, 1, &i) == RT_DB_VALUE_NO_CELL && rt_db_result_rows(&r) == 0);
    CHECK(rt_db_result_timestamp(&r, 0, 7, ts) == RT_DB_VALUE_NO_CELL && ts[0] == '\0');
}

int main(void)
{
    test_sqlite_urls();
    test_redaction();
    test_open_errors_hide_the_password();
    test_timestamps();
    test_parse_int64();
    test_accessors();
    return test_done();
}
