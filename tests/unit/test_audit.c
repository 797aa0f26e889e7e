/* test_audit.c — the audit log's hash chain (org/audit.c) over a real SQLite
 * database through the db layer: hashing, appending, and verify finding an
 * edited, a deleted, a reordered and a cut-off row. RULE audit-chain,
 * RULE audit-head. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "db/db.h"
#include "org/audit.h"
#include "org/user.h"

struct fixture {
    struct db *db;
    char path[128];
};

static int seq_no;

static int
setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct err e = ERR_INIT;

    snprintf(f->path, sizeof(f->path), "/tmp/hotline-test-audit-%d-%d.db",
             (int)getpid(), ++seq_no);
    remove(f->path);
    if (db_open(f->path, &f->db, &e) < 0 || db_migrate(f->db, &e) < 0) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char p[160];

    db_close(f->db);
    remove(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    remove(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    remove(p);
    free(f);
    return 0;
}

/* Appends n entries, alternating kinds and actors, one transaction each. */
static void
append_n(struct db *db, int n)
{
    struct user u = {0};
    struct err e = ERR_INIT;

    u.id = 7;
    snprintf(u.username, sizeof(u.username), "dispatcher");
    u.role = ROLE_DISPATCHER;
    snprintf(u.client_ip, sizeof(u.client_ip), "10.1.2.3");
    for (int i = 0; i < n; i++) {
        assert_int_equal(db_begin(db, &e), 0);
        assert_int_equal(
            audit_record(db, i % 2 ? &u : NULL, i % 2 ? NULL : "192.0.2.1",
                         i % 3 ? AUDIT_CASE_ACTION : AUDIT_LOGIN_FAILED,
                         "case", 100 + i, i % 3 ? 100 + i : 0,
                         json_pack("{s:s, s:i}", "action", "note", "i", i),
                         1700000000 + i, &e),
            0);
        assert_int_equal(db_commit(db, &e), 0);
    }
}

static void
verify(struct db *db, struct audit_report *rep)
{
    struct err e = ERR_INIT;

    assert_int_equal(audit_verify(db, rep, &e), 0);
}

static void
exec(struct db *db, const char *sql)
{
    struct err e = ERR_INIT;

    assert_true(db_exec_script(db, sql, &e) == 0);
}

static void
test_hash_is_stable_and_sensitive(void **state)
{
    struct audit_row r = {.seq = 1, .at = 1700000000, .actor_id = 3,
                          .actor_name = "agent", .actor_role = "agent",
                          .client_ip = "127.0.0.1", .kind = "case_action",
                          .target_type = "case", .target_id = 9, .case_id = 9,
                          .detail = "{\"action\":\"note\"}"};
    struct audit_row r2;
    char h1[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];
    const char *prev = "00";

    (void)state;
    audit_hash(&r, prev, h1);
    audit_hash(&r, prev, h2);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);

    /* every field and the previous hash take part */
    r2 = r;
    r2.seq = 2;
    audit_hash(&r2, prev, h2);
    assert_string_not_equal(h1, h2);
    r2 = r;
    r2.client_ip = "127.0.0.2";
    audit_hash(&r2, prev, h2);
    assert_string_not_equal(h1, h2);
    r2 = r;
    r2.detail = "{\"action\":\"reply\"}";
    audit_hash(&r2, prev, h2);
    assert_string_not_equal(h1, h2);
    audit_hash(&r, "01", h2);
    assert_string_not_equal(h1, h2);
    /* NULL and "" differ; a value cannot slide into the next field */
    r2 = r;
    r2.client_ip = "";
    audit_hash(&r2, prev, h1);
    r2.client_ip = NULL;
    audit_hash(&r2, prev, h2);
    assert_string_not_equal(h1, h2);
    r2 = r;
    r2.actor_name = "ab";
    r2.actor_role = "c";
    audit_hash(&r2, prev, h1);
    r2.actor_name = "a";
    r2.actor_role = "bc";
    audit_hash(&r2, prev, h2);
    assert_string_not_equal(h1, h2);
}

static void
test_chain_verifies(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;
    struct err e = ERR_INIT;
    int64_t n;

    verify(f->db, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 0);
    append_n(f->db, 6);
    verify(f->db, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 6);
    /* linked: each row names the previous row's hash */
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM audit_log a JOIN "
                                  "audit_log b ON b.seq = a.seq + 1 "
                                  "WHERE b.prev_hash = a.hash",
                                  ""),
                     1);
    assert_int_equal(n, 5);
}

static void
test_rolled_back_entry_leaves_no_trace(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;
    struct err e = ERR_INIT;

    append_n(f->db, 2);
    /* an entry inside a transaction that rolls back: gone with the change */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(audit_record(f->db, NULL, NULL, AUDIT_CASE_ACTION, "case",
                                  1, 1, NULL, 1700000100, &e),
                     0);
    db_rollback(f->db);
    append_n(f->db, 1);
    verify(f->db, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 3);
}

static void
test_edited_row_detected(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;

    append_n(f->db, 5);
    exec(f->db, "UPDATE audit_log SET detail = '{\"action\":\"reply\"}' "
                "WHERE seq = 3");
    verify(f->db, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_seq, 3);
    assert_int_equal(rep.entries, 2);
    assert_non_null(strstr(rep.why, "edited"));
}

static void
test_edited_row_with_recomputed_hash_detected(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;

    /* someone edits a row's actor and pastes the next row's hash over it:
     * the row no longer matches, and the next row's prev_hash neither */
    append_n(f->db, 4);
    exec(f->db, "UPDATE audit_log SET actor_name = 'someone', hash = "
                "(SELECT hash FROM audit_log WHERE seq = 3) WHERE seq = 2");
    verify(f->db, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_seq, 2);
}

static void
test_deleted_row_detected(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;

    append_n(f->db, 5);
    exec(f->db, "DELETE FROM audit_log WHERE seq = 2");
    verify(f->db, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_seq, 3);
    assert_int_equal(rep.entries, 1);

    /* renumbering the rest does not help: the hashes name the old order */
    exec(f->db, "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2");
    verify(f->db, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_seq, 2);
}

static void
test_reordered_rows_detected(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;

    append_n(f->db, 5);
    /* swap the positions of rows 2 and 3 */
    exec(f->db, "UPDATE audit_log SET seq = -2 WHERE seq = 2;"
                "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
                "UPDATE audit_log SET seq = 3 WHERE seq = -2;");
    verify(f->db, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_seq, 2);
    assert_non_null(strstr(rep.why, "prev_hash"));
}

static void
test_cut_off_tail_detected(void **state)
{
    struct fixture *f = *state;
    struct audit_report rep;

    append_n(f->db, 4);
    exec(f->db, "DELETE FROM audit_log WHERE seq = 4");
    verify(f->db, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.entries, 3);
    assert_non_null(strstr(rep.why, "head"));
}

static void
test_detail_never_holds_more_than_given(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_stmt *st;
    int rc;

    /* keys are sorted, text compact: the stored text is what was hashed */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(audit_record(f->db, NULL, NULL, AUDIT_CASE_CREATE, "case",
                                  5, 5,
                                  json_pack("{s:s, s:s}", "status", "new",
                                            "channel", "web"),
                                  1700000000, &e),
                     0);
    assert_int_equal(db_commit(f->db, &e), 0);
    st = db_query(f->db, &e, "SELECT detail, client_ip FROM audit_log", "");
    assert_non_null(st);
    rc = db_step(st, &e);
    assert_int_equal(rc, 1);
    assert_string_equal(db_col_text(st, 0),
                        "{\"channel\":\"web\",\"status\":\"new\"}");
    assert_null(db_col_text(st, 1));
    db_reset(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_is_stable_and_sensitive),
        cmocka_unit_test_setup_teardown(test_chain_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rolled_back_entry_leaves_no_trace,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_edited_row_detected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_edited_row_with_recomputed_hash_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_row_detected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reordered_rows_detected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cut_off_tail_detected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_detail_never_holds_more_than_given,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
