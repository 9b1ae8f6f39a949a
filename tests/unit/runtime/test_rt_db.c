/*
 * Unit tests for runtime/db/rt_db.c, the database front end: which backend a
 * DATABASE_URL names, and that its password never shows in what may be
 * logged.  Includes the .c file to reach its static helpers.
 */
#include "../../../runtime/db/rt_db.c"
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

int main(void)
{
    test_sqlite_urls();
    test_redaction();
    test_open_errors_hide_the_password();
    return test_done();
}
