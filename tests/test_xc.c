/*
 * test_xc.c: unit tests of the C binding over Xapian (xapian-c/xc.h).
 *
 * Every test builds its own databases in a fresh temporary directory, so
 * the tests need no shared data and can run in any order. Documents are
 * written from space-separated word lists, one posting per word, so the
 * expected positions are obvious from the fixture text.
 */
#include "xc.h"
#include "test_util.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define assert_ok(e)                                \
    do {                                            \
        g_assert_cmpstr((e).message, ==, "");       \
        g_assert_cmpint((e).code, ==, XC_OK);       \
    } while (0)

/* ------------------------------------------------------------ helpers */

typedef struct {
    char *dir;  /* temporary directory, removed at teardown */
    char *path; /* dir/db */
} fixture;

static void fixture_setup(fixture *f, gconstpointer data)
{
    (void)data;
    f->dir = ghs_test_tmp_dir("test_xc-XXXXXX");
    f->path = g_build_filename(f->dir, "db", NULL);
}

static void fixture_teardown(fixture *f, gconstpointer data)
{
    (void)data;
    ghs_test_rm_tree(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* A document indexed by the space-separated words of text at positions
 * 1, 2, ..., with id as a unique boolean term "Q<id>" and data "<id>". */
static xc_doc *make_doc(const char *id, const char *text)
{
    xc_error e = {0};
    xc_doc *doc = xc_doc_new();
    g_assert_nonnull(doc);
    char **words = g_strsplit(text, " ", -1);
    xc_termpos pos = 1;
    for (char **w = words; *w; w++) {
        if (**w == '\0')
            continue;
        g_assert_cmpint(xc_doc_add_posting(doc, *w, pos++, 1, &e), ==, 0);
        assert_ok(e);
    }
    g_strfreev(words);
    char *q = g_strconcat("Q", id, NULL);
    g_assert_cmpint(xc_doc_add_boolean_term(doc, q, &e), ==, 0);
    assert_ok(e);
    g_free(q);
    g_assert_cmpint(xc_doc_set_data(doc, id, strlen(id), &e), ==, 0);
    assert_ok(e);
    return doc;
}

/* Add (or replace, by its Q term) a document and return its docid. */
static xc_docid put(xc_wdb *w, const char *id, const char *text)
{
    xc_error e = {0};
    xc_doc *doc = make_doc(id, text);
    char *q = g_strconcat("Q", id, NULL);
    xc_docid did = xc_wdb_replace_document_term(w, q, doc, &e);
    assert_ok(e);
    g_assert_cmpuint(did, >, 0);
    g_free(q);
    xc_doc_free(doc);
    return did;
}

static xc_wdb *open_writer(const char *path)
{
    xc_error e = {0};
    xc_wdb *w = xc_wdb_open(path, XC_DB_CREATE_OR_OPEN, &e);
    assert_ok(e);
    g_assert_nonnull(w);
    return w;
}

static xc_db *open_reader(const char *path)
{
    xc_error e = {0};
    xc_db *db = xc_db_open(path, &e);
    assert_ok(e);
    g_assert_nonnull(db);
    return db;
}

static xc_query *term(const char *t)
{
    xc_error e = {0};
    xc_query *q = xc_query_term(t, 1, 0, &e);
    assert_ok(e);
    return q;
}

/* op over two queries; frees both. */
static xc_query *combine2(int op, xc_query *a, xc_query *b, unsigned parameter)
{
    xc_error e = {0};
    xc_query *subs[2] = { a, b };
    xc_query *q = xc_query_combine(op, subs, 2, parameter, &e);
    assert_ok(e);
    g_assert_nonnull(q);
    xc_query_free(a);
    xc_query_free(b);
    return q;
}

/* Run q (which is freed) over db, optionally through a prepared enquire. */
static xc_mset *run_on(xc_enquire *enq, xc_query *q)
{
    xc_error e = {0};
    g_assert_cmpint(xc_enquire_set_query(enq, q, &e), ==, 0);
    assert_ok(e);
    xc_query_free(q);
    xc_mset *ms = xc_enquire_get_mset(enq, 0, 100, 0, &e);
    assert_ok(e);
    g_assert_nonnull(ms);
    return ms;
}

static xc_mset *run(xc_db *db, xc_query *q)
{
    xc_error e = {0};
    xc_enquire *enq = xc_enquire_new(db, &e);
    assert_ok(e);
    xc_mset *ms = run_on(enq, q);
    xc_enquire_free(enq);
    return ms;
}

/* The ids (document data) of the hits, in rank order, joined by ",". */
static char *hit_ids(const xc_mset *ms)
{
    GString *s = g_string_new(NULL);
    for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
        xc_error e = {0};
        xc_doc *doc = xc_mset_document(ms, i, &e);
        assert_ok(e);
        char *data = xc_doc_get_data(doc, NULL, &e);
        assert_ok(e);
        if (i)
            g_string_append_c(s, ',');
        g_string_append(s, data);
        free(data);
        xc_doc_free(doc);
    }
    return g_string_free(s, FALSE);
}

/* Search and compare the ids of the hits with expected ("a,b"). */
static void assert_hits(xc_db *db, xc_query *q, const char *expected)
{
    xc_mset *ms = run(db, q);
    char *ids = hit_ids(ms);
    g_assert_cmpstr(ids, ==, expected);
    g_free(ids);
    xc_mset_free(ms);
}

/* Every term of a termlist joined by ",". */
static char *drain(xc_termlist *tl, uint32_t *freqs, size_t nfreqs)
{
    GString *s = g_string_new(NULL);
    const char *t;
    uint32_t f;
    xc_error e = {0};
    size_t i = 0;
    int rc;
    while ((rc = xc_termlist_next(tl, &t, &f, &e)) == 1) {
        if (s->len)
            g_string_append_c(s, ',');
        g_string_append(s, t);
        if (i < nfreqs)
            freqs[i] = f;
        i++;
    }
    g_assert_cmpint(rc, ==, 0);
    assert_ok(e);
    xc_termlist_free(tl);
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------ writing and reading */

static void test_documents_round_trip_terms_values_and_data(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    put(w, "en1", "universal health coverage");
    xc_doc *doc = make_doc("ja1", "保健 医療 ユニバーサル ヘルス カバレッジ");
    g_assert_cmpint(xc_doc_add_term(doc, "保健", 2, &e), ==, 0);
    g_assert_cmpint(xc_doc_add_boolean_term(doc, "Lja", &e), ==, 0);
    char year[18];
    size_t ylen = xc_sortable_serialise(2023.0, year);
    g_assert_cmpint(xc_doc_set_value(doc, 1, year, ylen, &e), ==, 0);
    g_assert_cmpint(xc_doc_set_value(doc, 2, "厚生労働省", strlen("厚生労働省"), &e), ==, 0);
    assert_ok(e);
    xc_docid did = xc_wdb_add_document(w, doc, &e);
    assert_ok(e);
    g_assert_cmpuint(did, ==, 2);
    xc_doc_free(doc);
    g_assert_cmpint(xc_wdb_commit(w, &e), ==, 0);
    assert_ok(e);
    xc_wdb_close(w);

    xc_db *db = open_reader(f->path);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 2);
    /* 保健 has wdf 1 from its posting plus 2 from add_term. */
    g_assert_cmpuint(xc_db_termfreq(db, "保健", &e), ==, 1);
    g_assert_cmpuint(xc_db_collection_freq(db, "保健", &e), ==, 3);
    g_assert_cmpint(xc_db_term_exists(db, "ユニバーサル", &e), ==, 1);
    g_assert_cmpint(xc_db_term_exists(db, "ユニバーサ", &e), ==, 0);
    assert_ok(e);
    /* Lengths: 3 and 5 + 2 (boolean terms add nothing). */
    g_assert_cmpfloat_with_epsilon(xc_db_avlength(db, &e), 5.0, 1e-9);

    doc = xc_db_get_document(db, did, &e);
    assert_ok(e);
    g_assert_cmpuint(xc_doc_get_docid(doc), ==, did);
    size_t len;
    char *v = xc_doc_get_value(doc, 1, &len, &e);
    g_assert_cmpfloat(xc_sortable_unserialise(v, len), ==, 2023.0);
    free(v);
    v = xc_doc_get_value(doc, 2, &len, &e);
    g_assert_cmpstr(v, ==, "厚生労働省");
    g_assert_cmpuint(len, ==, strlen("厚生労働省"));
    free(v);
    v = xc_doc_get_value(doc, 7, &len, &e);
    g_assert_cmpstr(v, ==, "");
    g_assert_cmpuint(len, ==, 0);
    free(v);
    char *data = xc_doc_get_data(doc, &len, &e);
    assert_ok(e);
    g_assert_cmpstr(data, ==, "ja1");
    free(data);
    xc_doc_free(doc);

    /* A document's termlist: byte order, termfreq 0 by contract. */
    uint32_t freqs[8] = { 99, 99, 99, 99, 99, 99, 99, 99 };
    char *terms = drain(xc_db_termlist(db, did, &e), freqs, 8);
    g_assert_cmpstr(terms, ==, "Lja,Qja1,カバレッジ,ヘルス,ユニバーサル,保健,医療");
    g_assert_cmpuint(freqs[0], ==, 0);
    g_free(terms);
    /* allterms with a prefix gives each term's document frequency. */
    terms = drain(xc_db_allterms(db, "Q", &e), freqs, 8);
    g_assert_cmpstr(terms, ==, "Qen1,Qja1");
    g_assert_cmpuint(freqs[0], ==, 1);
    g_free(terms);
    terms = drain(xc_db_allterms(db, "ユ", &e), freqs, 8);
    g_assert_cmpstr(terms, ==, "ユニバーサル");
    g_free(terms);
    xc_db_close(db);
}

static void test_replacing_by_unique_term_does_not_duplicate(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    xc_docid first = put(w, "r1", "draft text");
    put(w, "r2", "other text");
    xc_doc *doc = make_doc("r1", "final text 保健");
    xc_docid again = xc_wdb_replace_document_term(w, "Qr1", doc, &e);
    assert_ok(e);
    xc_doc_free(doc);
    g_assert_cmpuint(again, ==, first);
    g_assert_cmpuint(xc_wdb_doccount(w, &e), ==, 2);
    g_assert_cmpuint(xc_wdb_termfreq(w, "Qr1", &e), ==, 1);
    g_assert_cmpint(xc_wdb_term_exists(w, "draft", &e), ==, 0);
    g_assert_cmpint(xc_wdb_term_exists(w, "保健", &e), ==, 1);
    assert_ok(e);
    xc_wdb_close(w);
}

static void test_deleting_by_term_removes_every_document_with_it(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    const char *ids[] = { "a1", "a2", "a3", "b1" };
    for (size_t i = 0; i < 4; i++) {
        xc_doc *doc = make_doc(ids[i], "passage text");
        xc_doc_add_boolean_term(doc, ids[i][0] == 'a' ? "Ssrc-a" : "Ssrc-b", &e);
        xc_wdb_add_document(w, doc, &e);
        assert_ok(e);
        xc_doc_free(doc);
    }
    g_assert_cmpint(xc_wdb_delete_documents_term(w, "Ssrc-a", &e), ==, 0);
    assert_ok(e);
    g_assert_cmpuint(xc_wdb_doccount(w, &e), ==, 1);
    g_assert_cmpint(xc_wdb_term_exists(w, "Qb1", &e), ==, 1);
    /* Deleting by a term nobody has is not an error. */
    g_assert_cmpint(xc_wdb_delete_documents_term(w, "Snobody", &e), ==, 0);
    assert_ok(e);
    xc_wdb_close(w);
    xc_db *db = open_reader(f->path);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 1);
    xc_db_close(db);
}

/* Two databases of 3,000 documents each, merged by xc_compact, search as
 * the parts together did, in source order; then every document is
 * deleted by a term they share, with Xapian flushing every 1,000 changes
 * midway (Xapian 1.4.22's own delete by term fails on such a merge). */
static void test_compacted_parts_merge_and_delete_by_term(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    g_setenv("XAPIAN_FLUSH_THRESHOLD", "1000", TRUE);
    char *parts[2];
    for (int p = 0; p < 2; p++) {
        char name[8];
        g_snprintf(name, sizeof name, "part%d", p);
        parts[p] = g_build_filename(f->dir, name, NULL);
        xc_wdb *w = open_writer(parts[p]);
        for (int i = 0; i < 3000; i++) {
            char id[16];
            g_snprintf(id, sizeof id, "%c%d", p ? 'b' : 'a', i);
            xc_doc *doc = make_doc(id, p ? "second part" : "first part");
            xc_doc_add_boolean_term(doc, "Fshared", &e);
            xc_wdb_add_document(w, doc, &e);
            assert_ok(e);
            xc_doc_free(doc);
        }
        xc_wdb_set_metadata(w, "k", p ? "from b" : "from a", 6, &e);
        xc_wdb_close(w);
    }
    g_assert_cmpint(xc_compact((const char *const *)parts, 2, f->path, &e), ==, 0);
    assert_ok(e);
    xc_db *db = open_reader(f->path);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 6000);
    size_t len = 0;
    char *v = xc_db_get_metadata(db, "k", &len, &e);
    g_assert_cmpmem(v, len, "from a", 6);   /* the first source's value */
    free(v);
    xc_db_close(db);

    xc_wdb *w = open_writer(f->path);
    g_assert_cmpint(xc_wdb_begin_transaction(w, 0, &e), ==, 0);
    g_assert_cmpint(xc_wdb_delete_documents_term(w, "Fshared", &e), ==, 0);
    assert_ok(e);
    g_assert_cmpint(xc_wdb_commit_transaction(w, &e), ==, 0);
    g_assert_cmpuint(xc_wdb_doccount(w, &e), ==, 0);
    xc_wdb_close(w);
    /* Compacting nothing is refused, not a crash. */
    g_assert_cmpint(xc_compact((const char *const *)parts, 0, f->path, &e), ==, -1);
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_unsetenv("XAPIAN_FLUSH_THRESHOLD");
    g_free(parts[0]);
    g_free(parts[1]);
}

static void test_writer_reads_its_uncommitted_changes(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    put(w, "u1", "保健 policy");
    g_assert_cmpint(xc_wdb_set_metadata(w, "k", "v", 1, &e), ==, 0);
    xc_doc *doc = xc_wdb_get_document_by_term(w, "Qu1", &e);
    assert_ok(e);
    g_assert_nonnull(doc);
    char *data = xc_doc_get_data(doc, NULL, &e);
    g_assert_cmpstr(data, ==, "u1");
    free(data);
    xc_doc_free(doc);
    /* An absent term gives NULL without an error. */
    g_assert_null(xc_wdb_get_document_by_term(w, "Qnone", &e));
    assert_ok(e);
    char *v = xc_wdb_get_metadata(w, "k", NULL, &e);
    g_assert_cmpstr(v, ==, "v");
    free(v);
    char *terms = drain(xc_wdb_allterms(w, "", &e), NULL, 0);
    g_assert_cmpstr(terms, ==, "Qu1,policy,保健");
    g_free(terms);
    xc_wdb_close(w);
}

static void test_reader_sees_new_documents_only_after_reopen(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    put(w, "d1", "first");
    xc_wdb_commit(w, &e);
    xc_db *db = open_reader(f->path);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 1);
    put(w, "d2", "second");
    g_assert_cmpint(xc_wdb_commit(w, &e), ==, 0);
    assert_ok(e);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 1);
    g_assert_cmpint(xc_db_term_exists(db, "second", &e), ==, 0);
    g_assert_cmpint(xc_db_reopen(db, &e), ==, 0);
    assert_ok(e);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 2);
    g_assert_cmpint(xc_db_term_exists(db, "second", &e), ==, 1);
    xc_db_close(db);
    xc_wdb_close(w);
}

static void test_transaction_commit_keeps_and_cancel_discards(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    xc_db *db = open_reader(f->path);

    g_assert_cmpint(xc_wdb_begin_transaction(w, 1, &e), ==, 0);
    put(w, "t1", "kept");
    g_assert_cmpint(xc_wdb_commit_transaction(w, &e), ==, 0);
    assert_ok(e);
    xc_db_reopen(db, &e);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 1);

    g_assert_cmpint(xc_wdb_begin_transaction(w, 1, &e), ==, 0);
    put(w, "t2", "discarded");
    g_assert_cmpuint(xc_wdb_doccount(w, &e), ==, 2);
    g_assert_cmpint(xc_wdb_cancel_transaction(w, &e), ==, 0);
    assert_ok(e);
    g_assert_cmpuint(xc_wdb_doccount(w, &e), ==, 1);
    g_assert_cmpint(xc_wdb_term_exists(w, "discarded", &e), ==, 0);

    /* Ending a transaction that was never begun is the caller's error. */
    g_assert_cmpint(xc_wdb_commit_transaction(w, &e), ==, -1);
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_true(g_str_has_prefix(e.message, "InvalidOperationError: "));

    /* Closing inside a transaction discards it rather than committing. */
    g_assert_cmpint(xc_wdb_begin_transaction(w, 1, &e), ==, 0);
    put(w, "t3", "dropped at close");
    xc_wdb_close(w);
    xc_db_reopen(db, &e);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 1);
    g_assert_cmpint(xc_db_term_exists(db, "Qt3", &e), ==, 0);
    xc_db_close(db);
}

static void test_close_commits_pending_changes(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    put(w, "c1", "pending");
    xc_wdb_close(w);
    xc_db *db = open_reader(f->path);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 1);
    assert_ok(e);
    xc_db_close(db);
}

static void test_metadata_round_trips_bytes_and_unicode(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    static const char bin[] = { 'a', '\0', 'b', '\0', 'c' };
    g_assert_cmpint(xc_wdb_set_metadata(w, "bin", bin, sizeof bin, &e), ==, 0);
    g_assert_cmpint(xc_wdb_set_metadata(w, "出典", "厚生労働省", strlen("厚生労働省"), &e), ==, 0);
    g_assert_cmpint(xc_wdb_set_metadata(w, "gone", "x", 1, &e), ==, 0);
    g_assert_cmpint(xc_wdb_set_metadata(w, "gone", "", 0, &e), ==, 0);
    assert_ok(e);
    xc_wdb_close(w);

    xc_db *db = open_reader(f->path);
    size_t len = 0;
    char *v = xc_db_get_metadata(db, "bin", &len, &e);
    assert_ok(e);
    g_assert_cmpmem(v, len, bin, sizeof bin);
    free(v);
    v = xc_db_get_metadata(db, "出典", &len, &e);
    g_assert_cmpstr(v, ==, "厚生労働省");
    free(v);
    v = xc_db_get_metadata(db, "gone", &len, &e);
    assert_ok(e);
    g_assert_cmpstr(v, ==, "");
    g_assert_cmpuint(len, ==, 0);
    free(v);
    xc_db_close(db);
}

static void test_spelling_suggestion_corrects_a_typo(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    g_assert_cmpint(xc_wdb_add_spelling(w, "coverage", 5, &e), ==, 0);
    xc_wdb_add_spelling(w, "courage", 1, &e);
    xc_wdb_add_spelling(w, "ユニバーサル", 1, &e);
    assert_ok(e);
    xc_wdb_close(w);

    xc_db *db = open_reader(f->path);
    char *s = xc_db_spelling_suggestion(db, "coverge", 2, &e);
    assert_ok(e);
    g_assert_cmpstr(s, ==, "coverage");
    free(s);
    s = xc_db_spelling_suggestion(db, "ユニバーサ", 2, &e);
    g_assert_cmpstr(s, ==, "ユニバーサル");
    free(s);
    s = xc_db_spelling_suggestion(db, "zzzzqqqq", 2, &e);
    assert_ok(e);
    g_assert_cmpstr(s, ==, "");
    free(s);
    xc_db_close(db);
}

/* ------------------------------------------------------------ queries */

/* A small corpus for the query tests. */
static xc_db *query_corpus(fixture *f)
{
    xc_wdb *w = open_writer(f->path);
    put(w, "uhc", "universal health coverage for all");
    put(w, "rev", "coverage of health is universal");
    put(w, "far", "health systems need stable financing before coverage");
    put(w, "ja", "ユニバーサル ヘルス カバレッジ 保健 医療");
    put(w, "jarev", "ヘルス ユニバーサル 保健");
    put(w, "mal", "malaria vaccine trial");
    put(w, "mal2", "malaria bed nets");
    xc_wdb_close(w);
    return open_reader(f->path);
}

static void test_phrase_matches_words_in_order_only(fixture *f, gconstpointer u)
{
    (void)u;
    xc_db *db = query_corpus(f);
    assert_hits(db, combine2(XC_OP_PHRASE, term("universal"), term("health"), 0), "uhc");
    assert_hits(db, combine2(XC_OP_PHRASE, term("ユニバーサル"), term("ヘルス"), 0), "ja");
    assert_hits(db, combine2(XC_OP_PHRASE, term("health"), term("universal"), 0), "");
    xc_db_close(db);
}

static void test_near_matches_within_window_in_any_order(fixture *f, gconstpointer u)
{
    (void)u;
    xc_db *db = query_corpus(f);
    /* "coverage of health": within 3 positions, reversed; "far" is 7 apart. */
    assert_hits(db, combine2(XC_OP_NEAR, term("health"), term("coverage"), 3), "uhc,rev");
    assert_hits(db, combine2(XC_OP_NEAR, term("health"), term("coverage"), 8), "uhc,rev,far");
    xc_db_close(db);
}

static void test_and_not_excludes_documents_with_the_term(fixture *f, gconstpointer u)
{
    (void)u;
    xc_db *db = query_corpus(f);
    assert_hits(db, combine2(XC_OP_AND_NOT, term("malaria"), term("vaccine"), 0), "mal2");
    assert_hits(db, combine2(XC_OP_AND_NOT, term("保健"), term("医療"), 0), "jarev");
    xc_db_close(db);
}

static void test_filter_restricts_without_changing_scores(fixture *f, gconstpointer u)
{
    (void)u;
    xc_db *db = query_corpus(f);
    xc_mset *plain = run(db, combine2(XC_OP_OR, term("health"), term("ヘルス"), 0));
    g_assert_cmpuint(xc_mset_size(plain), ==, 5);
    xc_mset *filtered = run(db, combine2(XC_OP_FILTER,
                                         combine2(XC_OP_OR, term("health"), term("ヘルス"), 0),
                                         term("Quhc"), 0));
    g_assert_cmpuint(xc_mset_size(filtered), ==, 1);
    xc_docid did = xc_mset_docid(filtered, 0);
    for (uint32_t i = 0; i < xc_mset_size(plain); i++)
        if (xc_mset_docid(plain, i) == did)
            g_assert_cmpfloat_with_epsilon(xc_mset_weight(filtered, 0),
                                           xc_mset_weight(plain, i), 1e-9);
    g_assert_cmpfloat(xc_mset_weight(filtered, 0), >, 0.0);
    xc_mset_free(plain);
    xc_mset_free(filtered);
    xc_db_close(db);
}

static void test_scale_weight_multiplies_scores(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_db *db = query_corpus(f);
    xc_query *q = term("malaria");
    xc_query *twice = xc_query_scale(q, 2.5, &e);
    xc_query *zero = xc_query_scale(q, 0.0, &e);
    assert_ok(e);
    xc_mset *a = run(db, q);
    xc_mset *b = run(db, twice);
    xc_mset *c = run(db, zero);
    g_assert_cmpuint(xc_mset_size(a), ==, 2);
    g_assert_cmpuint(xc_mset_size(b), ==, 2);
    g_assert_cmpuint(xc_mset_size(c), ==, 2);
    for (uint32_t i = 0; i < 2; i++) {
        g_assert_cmpuint(xc_mset_docid(a, i), ==, xc_mset_docid(b, i));
        g_assert_cmpfloat_with_epsilon(xc_mset_weight(b, i), 2.5 * xc_mset_weight(a, i), 1e-9);
        g_assert_cmpfloat(xc_mset_weight(c, i), ==, 0.0);
    }
    xc_mset_free(a);
    xc_mset_free(b);
    xc_mset_free(c);
    xc_db_close(db);
}

static void test_negative_scale_factor_is_rejected(fixture *f, gconstpointer u)
{
    (void)f;
    (void)u;
    xc_error e = {0};
    xc_query *q = term("x");
    g_assert_null(xc_query_scale(q, -1.0, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_true(g_str_has_prefix(e.message, "InvalidArgumentError: "));
    xc_query_free(q);
}

static void test_collapse_key_keeps_at_most_n_per_value(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    /* Passages of three source documents: A has 4, B has 2, C has 1. */
    const char *src[] = { "A", "A", "A", "A", "B", "B", "C" };
    for (int i = 0; i < 7; i++) {
        char id[8];
        g_snprintf(id, sizeof id, "p%d", i);
        xc_doc *doc = make_doc(id, "保健 passage");
        xc_doc_set_value(doc, 0, src[i], 1, &e);
        xc_wdb_add_document(w, doc, &e);
        assert_ok(e);
        xc_doc_free(doc);
    }
    xc_wdb_close(w);

    xc_db *db = open_reader(f->path);
    xc_enquire *enq = xc_enquire_new(db, &e);
    g_assert_cmpint(xc_enquire_set_collapse_key(enq, 0, 2, &e), ==, 0);
    assert_ok(e);
    xc_mset *ms = run_on(enq, term("保健"));
    g_assert_cmpuint(xc_mset_size(ms), ==, 5);
    int per[3] = { 0, 0, 0 };
    for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
        xc_doc *doc = xc_mset_document(ms, i, &e);
        char *v = xc_doc_get_value(doc, 0, NULL, &e);
        assert_ok(e);
        per[v[0] - 'A']++;
        /* Xapian reports on every kept hit of a value how many documents
         * with that value were left out: two for A, none for B and C. */
        g_assert_cmpuint(xc_mset_collapse_count(ms, i), ==, v[0] == 'A' ? 2 : 0);
        /* The collapse key read from the hit is the document's value. */
        size_t klen = 0;
        char *key = xc_mset_collapse_key(ms, i, &klen, &e);
        assert_ok(e);
        g_assert_cmpstr(key, ==, v);
        g_assert_cmpuint(klen, ==, 1);
        free(key);
        free(v);
        xc_doc_free(doc);
    }
    g_assert_cmpint(per[0], ==, 2);
    g_assert_cmpint(per[1], ==, 2);
    g_assert_cmpint(per[2], ==, 1);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_db_close(db);
}

static void test_bm25_ranks_more_occurrences_of_rare_term_first(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    put(w, "once", "policy report 結核 policy report");
    put(w, "thrice", "結核 report 結核 policy 結核");
    put(w, "none1", "policy report policy report policy");
    put(w, "none2", "report policy report policy report");
    xc_wdb_close(w);

    xc_db *db = open_reader(f->path);
    xc_enquire *enq = xc_enquire_new(db, &e);
    g_assert_cmpint(xc_enquire_set_bm25(enq, 1.2, 0, 1, 0.5, 0.5, &e), ==, 0);
    assert_ok(e);
    xc_mset *ms = run_on(enq, combine2(XC_OP_OR, term("結核"), term("policy"), 0));
    char *ids = hit_ids(ms);
    g_assert_true(g_str_has_prefix(ids, "thrice,once,"));
    g_free(ids);
    g_assert_cmpfloat(xc_mset_weight(ms, 0), >, xc_mset_weight(ms, 1));
    g_assert_cmpuint(xc_mset_matches_estimated(ms), ==, 4);
    g_assert_cmpuint(xc_mset_termfreq(ms, "結核", &e), ==, 2);
    g_assert_cmpfloat(xc_mset_termweight(ms, "結核", &e), >, xc_mset_termweight(ms, "policy", &e));
    assert_ok(e);
    /* Past the end: 0, not a crash. */
    g_assert_cmpuint(xc_mset_docid(ms, 4), ==, 0);
    g_assert_null(xc_mset_document(ms, 4, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_RANGE);
    xc_mset_free(ms);

    /* With k1 = 0 the wdf no longer counts: the two hits of 結核 tie. */
    xc_error_clear(&e);   /* the setters keep an earlier error */
    xc_enquire_set_bm25(enq, 0, 0, 1, 0.5, 0.5, &e);
    ms = run_on(enq, term("結核"));
    g_assert_cmpfloat_with_epsilon(xc_mset_weight(ms, 0), xc_mset_weight(ms, 1), 1e-9);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_db_close(db);
}

static void test_matching_terms_lists_query_terms_the_document_has(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_db *db = query_corpus(f);
    xc_enquire *enq = xc_enquire_new(db, &e);
    /* Query positions 1, 2, 3 as a query parser gives them: the matching
     * terms come back in that order, not in byte order. */
    xc_query *subs[3] = { xc_query_term("保健", 1, 1, &e), xc_query_term("malaria", 1, 2, &e),
                          xc_query_term("ユニバーサル", 1, 3, &e) };
    xc_query *q = xc_query_combine(XC_OP_OR, subs, 3, 0, &e);
    assert_ok(e);
    for (int i = 0; i < 3; i++)
        xc_query_free(subs[i]);
    xc_mset *ms = run_on(enq, q);
    g_assert_cmpuint(xc_mset_size(ms), ==, 4);
    xc_mset_free(ms);

    /* "ja" is docid 4 (fourth put). */
    uint32_t freqs[3] = { 0, 0, 0 };
    char *terms = drain(xc_enquire_matching_terms(enq, 4, &e), freqs, 3);
    assert_ok(e);
    g_assert_cmpstr(terms, ==, "保健,ユニバーサル");
    /* termfreq is the term's document frequency in the database. */
    g_assert_cmpuint(freqs[0], ==, 2);
    g_assert_cmpuint(freqs[1], ==, 2);
    g_free(terms);
    terms = drain(xc_enquire_matching_terms(enq, 1, &e), NULL, 0);
    g_assert_cmpstr(terms, ==, "");
    g_free(terms);
    xc_enquire_free(enq);
    xc_db_close(db);
}

static void test_enquire_survives_closing_its_database_first(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_db *db = query_corpus(f);
    xc_enquire *enq = xc_enquire_new(db, &e);
    xc_db_close(db);
    xc_mset *ms = run_on(enq, term("malaria"));
    g_assert_cmpuint(xc_mset_size(ms), ==, 2);
    xc_enquire_free(enq);
    /* The mset keeps what it needs to fetch documents. */
    char *ids = hit_ids(ms);
    g_assert_cmpstr(ids, ==, "mal,mal2");
    g_free(ids);
    xc_mset_free(ms);
}

static void test_queries_describe_copy_and_reject_unknown_operators(fixture *f, gconstpointer u)
{
    (void)f;
    (void)u;
    xc_error e = {0};
    xc_query *q = combine2(XC_OP_AND, term("保健"), term("policy"), 0);
    xc_query *c = xc_query_copy(q, &e);
    assert_ok(e);
    xc_query_free(q);
    char *d = xc_query_describe(c);
    g_assert_cmpstr(d, ==, "Query((保健 AND policy))");
    free(d);
    g_assert_cmpint(xc_query_empty(c), ==, 0);
    xc_query_free(c);

    xc_query *all = xc_query_match_all(&e);
    xc_query *none = xc_query_match_nothing(&e);
    assert_ok(e);
    g_assert_cmpint(xc_query_empty(all), ==, 0);
    g_assert_cmpint(xc_query_empty(none), ==, 1);
    xc_query_free(all);
    xc_query_free(none);

    /* 8 is OP_VALUE_RANGE, which needs a slot and bounds, not subqueries. */
    xc_query *t = term("x");
    g_assert_null(xc_query_combine(8, &t, 1, 0, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(e.message, "unsupported operator 8"));
    xc_query_free(t);
}

static void test_sortable_serialise_preserves_order(fixture *f, gconstpointer u)
{
    (void)f;
    (void)u;
    char a[18], b[18];
    size_t la = xc_sortable_serialise(1999.0, a);
    size_t lb = xc_sortable_serialise(2023.5, b);
    g_assert_cmpuint(la, <=, 18);
    g_assert_cmpint(memcmp(a, b, la < lb ? la : lb), <, 0);
    g_assert_cmpfloat(xc_sortable_unserialise(b, lb), ==, 2023.5);
}

/* ------------------------------------------------------------ stemming */

static void test_stemmer_stems_english_and_rejects_unknown_language(fixture *f, gconstpointer u)
{
    (void)f;
    (void)u;
    xc_error e = {0};
    xc_stemmer *st = xc_stemmer_new("english", &e);
    assert_ok(e);
    char *s = xc_stem_word(st, "financing", strlen("financing"), &e);
    g_assert_cmpstr(s, ==, "financ");
    free(s);
    /* Only len bytes are read. */
    s = xc_stem_word(st, "policies and more", 8, &e);
    g_assert_cmpstr(s, ==, "polici");
    free(s);
    s = xc_stem_word(st, "保健", strlen("保健"), &e);
    g_assert_cmpstr(s, ==, "保健");
    free(s);
    assert_ok(e);
    xc_stemmer_free(st);

    st = xc_stemmer_new("en", &e);
    assert_ok(e);
    g_assert_nonnull(st);
    xc_stemmer_free(st);

    g_assert_null(xc_stemmer_new("klingon", &e));
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_true(g_str_has_prefix(e.message, "InvalidArgumentError: "));
    g_assert_nonnull(strstr(e.message, "klingon"));
}

/* ------------------------------------------------------------ errors and limits */

static void test_opening_missing_database_is_an_opening_error(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    char *missing = g_build_filename(f->dir, "no-such-db", NULL);
    g_assert_null(xc_db_open(missing, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_OPENING);
    g_assert_true(g_str_has_prefix(e.message, "Database"));
    g_assert_nonnull(strstr(e.message, missing));
    /* XC_DB_OPEN does not create either. */
    g_assert_null(xc_wdb_open(missing, XC_DB_OPEN, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_OPENING);
    g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
    g_free(missing);
}

static void test_missing_docid_is_a_range_error(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_db *db = query_corpus(f);
    g_assert_null(xc_db_get_document(db, 999, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_RANGE);
    g_assert_true(g_str_has_prefix(e.message, "DocNotFoundError: "));
    /* The error is cleared by the next successful call. */
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 7);
    assert_ok(e);
    xc_db_close(db);
}

static void test_null_handle_is_an_invalid_argument_not_a_crash(fixture *f, gconstpointer u)
{
    (void)f;
    (void)u;
    xc_error e = {0};
    g_assert_cmpuint(xc_db_doccount(NULL, &e), ==, 0);
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_cmpstr(e.message, ==, "InvalidArgumentError: xc_db_doccount: db is NULL");
    g_assert_null(xc_wdb_open("/tmp/x", 42, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_null(xc_stemmer_new(NULL, NULL)); /* err may be NULL */
    xc_db_close(NULL);
    xc_wdb_close(NULL);
    xc_mset_free(NULL);
}

static void test_overlong_term_is_skipped_and_commit_succeeds(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    char long_ascii[301], edge[246], long_ja[301];
    memset(long_ascii, 'a', 300);
    long_ascii[300] = '\0';
    memset(edge, 'b', 245); /* exactly the limit: kept */
    edge[245] = '\0';
    long_ja[0] = '\0';
    for (int i = 0; i < 100; i++)
        strcat(long_ja, "保"); /* 300 bytes */

    xc_wdb *w = open_writer(f->path);
    xc_doc *doc = make_doc("long", "short words");
    g_assert_cmpint(xc_doc_add_posting(doc, long_ascii, 3, 1, &e), ==, 0);
    g_assert_cmpint(xc_doc_add_term(doc, long_ja, 1, &e), ==, 0);
    g_assert_cmpint(xc_doc_add_boolean_term(doc, long_ascii, &e), ==, 0);
    g_assert_cmpint(xc_doc_add_term(doc, edge, 1, &e), ==, 0);
    assert_ok(e);
    g_assert_cmpuint(xc_wdb_add_document(w, doc, &e), ==, 1);
    assert_ok(e);
    xc_doc_free(doc);
    put(w, "next", "later document");
    g_assert_cmpint(xc_wdb_commit(w, &e), ==, 0);
    assert_ok(e);
    xc_wdb_close(w);

    xc_db *db = open_reader(f->path);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 2);
    g_assert_cmpint(xc_db_term_exists(db, "short", &e), ==, 1);
    g_assert_cmpint(xc_db_term_exists(db, edge, &e), ==, 1);
    g_assert_cmpint(xc_db_term_exists(db, long_ascii, &e), ==, 0);
    g_assert_cmpint(xc_db_term_exists(db, long_ja, &e), ==, 0);
    assert_ok(e);
    xc_db_close(db);
}

static xc_wdb *volatile held_writer;

static void test_second_writer_gets_lock_error(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    /* Xapian 1.4 locks with open file description locks (or a child process
     * holding an fcntl lock), so a second writer in the same process is
     * refused just like one in another process. */
    xc_wdb *w = open_writer(f->path);
    g_assert_null(xc_wdb_open(f->path, XC_DB_CREATE_OR_OPEN, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_LOCKED);
    g_assert_true(g_str_has_prefix(e.message, "DatabaseLockError: "));
    /* Another process (a second indexing run) is refused too. The child
     * reports its error code through a pipe, not its exit status, which
     * valgrind replaces when it finds anything. */
    int fds[2];
    g_assert_cmpint(pipe(fds), ==, 0);
    held_writer = w; /* keeps the parent's writer reachable in the child */
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        xc_error ce;
        xc_wdb *other = xc_wdb_open(f->path, XC_DB_CREATE_OR_OPEN, &ce);
        int code = other ? XC_OK : ce.code;
        _exit(write(fds[1], &code, sizeof code) == sizeof code ? 0 : 1);
    }
    close(fds[1]);
    int child_code = -1;
    g_assert_cmpint(read(fds[0], &child_code, sizeof child_code), ==, sizeof child_code);
    close(fds[0]);
    g_assert_cmpint(waitpid(pid, NULL, 0), ==, pid);
    g_assert_cmpint(child_code, ==, XC_ERR_LOCKED);
    held_writer = NULL;
    /* Readers are not blocked by the writer. */
    xc_db *db = open_reader(f->path);
    xc_db_close(db);
    xc_wdb_close(w);
    /* The lock goes with the writer. */
    w = xc_wdb_open(f->path, XC_DB_OPEN, &e);
    assert_ok(e);
    g_assert_nonnull(w);
    xc_wdb_close(w);
}

static void test_stub_file_searches_two_shards_as_one(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    char *s1 = g_build_filename(f->dir, "shard1", NULL);
    char *s2 = g_build_filename(f->dir, "shard 二", NULL); /* space and kanji in the path */
    xc_wdb *w = open_writer(s1);
    put(w, "s1-a", "保健 policy one");
    put(w, "s1-b", "unrelated");
    xc_wdb_close(w);
    w = open_writer(s2);
    put(w, "s2-a", "保健 policy two");
    xc_wdb_close(w);

    char *stub = g_build_filename(f->dir, "all.stub", NULL);
    char *text = g_strdup_printf("# two local shards\nauto %s\nglass %s\n", s1, s2);
    g_assert_true(g_file_set_contents(stub, text, -1, NULL));
    xc_db *db = xc_db_open(stub, &e);
    assert_ok(e);
    g_assert_nonnull(db);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 3);
    g_assert_cmpuint(xc_db_termfreq(db, "保健", &e), ==, 2);
    xc_mset *ms = run(db, term("保健"));
    char *ids = hit_ids(ms);
    g_assert_true(g_str_equal(ids, "s1-a,s2-a") || g_str_equal(ids, "s2-a,s1-a"));
    g_free(ids);
    xc_mset_free(ms);
    xc_db_close(db);

    /* A stub naming a missing shard fails to open, with the shard's path. */
    char *bad = g_strdup_printf("auto %s\nauto %s/missing\n", s1, f->dir);
    g_assert_true(g_file_set_contents(stub, bad, -1, NULL));
    g_assert_null(xc_db_open(stub, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_OPENING);
    g_free(bad);
    g_free(text);
    g_free(stub);
    g_free(s1);
    g_free(s2);
}

/* Collect the ids a boolean count of q (freed) sees, at most max. */
static xc_docset *matches_of(xc_db *db, xc_query *q, uint32_t max, int *collecting,
                             uint32_t *counted)
{
    xc_error e = {0};
    xc_enquire *enq = xc_enquire_new(db, &e);
    xc_query *boolean = xc_query_scale(q, 0.0, &e);
    xc_enquire_set_query(enq, boolean, &e);
    *collecting = xc_enquire_collect_docids(enq, max, &e);
    assert_ok(e);
    xc_mset *ms = xc_enquire_get_mset(enq, 0, 0, 1000, &e);
    assert_ok(e);
    *counted = xc_mset_matches_estimated(ms);
    xc_docset *s = xc_enquire_take_docids(enq, &e);
    assert_ok(e);
    xc_mset_free(ms);
    xc_query_free(boolean);
    xc_query_free(q);
    xc_enquire_free(enq);
    return s;
}

/* The passages a count saw, listed, then a query restricted to them: the
 * same hits, order and weights as the query alone when the list holds all
 * its matches; only the listed ones otherwise. No list when the count saw
 * more than asked, or on a stub of several shards (their documents are
 * numbered per shard). */
static void test_docset_of_a_count_restricts_a_ranking_to_its_matches(fixture *f,
                                                                        gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_db *db = query_corpus(f);
    int collecting = 0;
    uint32_t counted = 0;
    xc_docset *s = matches_of(db, combine2(XC_OP_PHRASE, term("universal"), term("health"), 0),
                              10, &collecting, &counted);
    g_assert_cmpint(collecting, ==, 1);
    g_assert_nonnull(s);
    g_assert_cmpuint(xc_docset_size(s), ==, 1);
    g_assert_cmpuint(counted, ==, 1);
    xc_docset_free(s);

    /* health is in three documents: listed, and the ranking over them is
     * the ranking of health itself. */
    s = matches_of(db, term("health"), 10, &collecting, &counted);
    g_assert_nonnull(s);
    g_assert_cmpuint(xc_docset_size(s), ==, 3);
    xc_mset *plain = run(db, term("health"));
    xc_query *h = term("health");
    xc_mset *only = run(db, xc_query_filter_docset(h, s, &e));
    assert_ok(e);
    xc_query_free(h);
    g_assert_cmpuint(xc_mset_size(only), ==, 3);
    g_assert_cmpuint(xc_mset_size(plain), ==, 3);
    for (uint32_t i = 0; i < 3; i++) {
        g_assert_cmpuint(xc_mset_docid(only, i), ==, xc_mset_docid(plain, i));
        g_assert_cmpfloat_with_epsilon(xc_mset_weight(only, i), xc_mset_weight(plain, i), 1e-12);
    }
    xc_mset_free(plain);
    xc_mset_free(only);
    /* A query with other matches keeps only the listed ones. */
    xc_query *hv = combine2(XC_OP_OR, term("health"), term("malaria"), 0);
    only = run(db, xc_query_filter_docset(hv, s, &e));
    assert_ok(e);
    xc_query_free(hv);
    char *ids = hit_ids(only);
    g_assert_cmpuint(xc_mset_size(only), ==, 3);
    g_assert_null(strstr(ids, "mal"));
    g_free(ids);
    xc_mset_free(only);
    xc_docset_free(s);

    /* More matches than asked for: no list (not a partial one). */
    s = matches_of(db, term("health"), 2, &collecting, &counted);
    g_assert_cmpint(collecting, ==, 1);
    g_assert_null(s);
    g_assert_cmpuint(counted, ==, 3);
    xc_db_close(db);

    /* A stub of two shards: nothing collected. */
    char *s1 = g_build_filename(f->dir, "one", NULL), *s2 = g_build_filename(f->dir, "two", NULL);
    xc_wdb *w = open_writer(s1);
    put(w, "a", "health one");
    xc_wdb_close(w);
    w = open_writer(s2);
    put(w, "b", "health two");
    xc_wdb_close(w);
    char *stub = g_build_filename(f->dir, "both.stub", NULL);
    char *text = g_strdup_printf("auto %s\nauto %s\n", s1, s2);
    g_assert_true(g_file_set_contents(stub, text, -1, NULL));
    db = xc_db_open(stub, &e);
    assert_ok(e);
    s = matches_of(db, term("health"), 10, &collecting, &counted);
    g_assert_cmpint(collecting, ==, 0);
    g_assert_null(s);
    g_assert_cmpuint(counted, ==, 2);
    xc_db_close(db);
    g_free(text);
    g_free(stub);
    g_free(s1);
    g_free(s2);
}

/* Threads of this process (Linux: one entry each in /proc/self/task). */
static unsigned thread_count(void)
{
    GDir *d = g_dir_open("/proc/self/task", 0, NULL);
    g_assert_nonnull(d);
    unsigned n = 0;
    while (g_dir_read_name(d))
        n++;
    g_dir_close(d);
    return n;
}

/* Count slot 0 of every document matching word with a time limit of
 * seconds: the documents the spy saw; *hits gets the MSet's size. */
static uint32_t count_within(xc_db *db, const char *word, double seconds, uint32_t *hits)
{
    xc_error e = {0};
    xc_enquire *enq = xc_enquire_new(db, &e);
    xc_query *q = term(word);
    xc_enquire_set_query(enq, q, &e);
    int spy = xc_enquire_add_value_count(enq, 0, &e);
    xc_enquire_set_time_limit(enq, seconds, &e);
    assert_ok(e);
    xc_mset *ms = xc_enquire_get_mset(enq, 0, 10, xc_db_doccount(db, &e), &e);
    assert_ok(e);
    g_assert_nonnull(ms);
    *hits = xc_mset_size(ms);
    uint32_t total = xc_enquire_value_count_total(enq, spy, &e);
    assert_ok(e);
    xc_mset_free(ms);
    xc_query_free(q);
    xc_enquire_free(enq);
    return total;
}

/* A time limit ends the count on the clock the matcher reads, not on a
 * timer: Xapian's own timer reports its expiry on a thread glibc starts,
 * which writes into the matcher's stack frame and could do so after the
 * match had ended (a crash in the next search). So no thread is started,
 * and a limit of 1 us stops every count early. */
static void test_time_limit_ends_counting_without_a_timer_thread(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    for (int i = 0; i < 3000; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%d", i);
        xc_doc *doc = make_doc(id, "health financing");
        xc_doc_set_value(doc, 0, i % 2 ? "odd" : "even", i % 2 ? 3 : 4, &e);
        xc_wdb_add_document(w, doc, &e);
        assert_ok(e);
        xc_doc_free(doc);
    }
    xc_wdb_close(w);
    xc_db *db = open_reader(f->path);
    uint32_t hits;
    g_assert_cmpuint(count_within(db, "health", 0, &hits), ==, 3000);
    g_assert_cmpuint(hits, ==, 10);
    g_assert_cmpuint(count_within(db, "health", 60, &hits), ==, 3000);
    g_assert_cmpuint(hits, ==, 10);
    unsigned threads = thread_count();
    for (int i = 0; i < 50; i++) {
        uint32_t seen = count_within(db, "health", 1e-6, &hits);
        g_assert_cmpuint(seen, >, 0);
        g_assert_cmpuint(seen, <, 3000);
        g_assert_cmpuint(hits, ==, 0);   /* a match out of time returns no hit */
    }
    g_assert_cmpuint(thread_count(), ==, threads);
    xc_db_close(db);
}

/* Equal weights in the order of a value (the document id of ghsearch's
 * index), not of docids: the hits an index merged from several writers
 * gives, whose docids are numbered otherwise. Within the page a run of
 * equal weights is sorted by value; when the run goes on past the page,
 * the page holds the lowest values of it. */
static void test_ties_by_value_order_equal_weights_by_value(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    xc_wdb *w = open_writer(f->path);
    /* docids 1..2: "health health" (the best), values "h" then "g";
     * docids 3..8: "health" once, values "f" down to "a" */
    for (int i = 0; i < 8; i++) {
        char id[8], v[2] = { 0, 0 };
        snprintf(id, sizeof id, "t%d", i);
        v[0] = (char)(i < 2 ? 'h' - i : 'f' - (i - 2));
        xc_doc *doc = make_doc(id, i < 2 ? "health health" : "health x y");
        xc_doc_set_value(doc, 0, v, 1, &e);
        xc_wdb_add_document(w, doc, &e);
        assert_ok(e);
        xc_doc_free(doc);
    }
    xc_wdb_close(w);
    xc_db *db = open_reader(f->path);
    for (int collapse = 0; collapse < 2; collapse++) {
        const struct { uint32_t n; const char *ids; } pages[] = {
            { 2, "t1,t0" },                /* the run of two, inside the page */
            { 3, "t1,t0,t7" },             /* the next run crosses the cut */
            { 8, "t1,t0,t7,t6,t5,t4,t3,t2" },
        };
        for (size_t p = 0; p < G_N_ELEMENTS(pages); p++) {
            xc_enquire *enq = xc_enquire_new(db, &e);
            xc_query *q = term("health");
            xc_enquire_set_query(enq, q, &e);
            xc_enquire_set_ties_by_value(enq, 0, &e);
            if (collapse)
                xc_enquire_set_collapse_key(enq, 0, 1, &e);
            xc_mset *ms = xc_enquire_get_mset(enq, 0, pages[p].n, 0, &e);
            assert_ok(e);
            char *ids = hit_ids(ms);
            g_assert_cmpstr(ids, ==, pages[p].ids);
            g_free(ids);
            xc_mset_free(ms);
            xc_query_free(q);
            xc_enquire_free(enq);
        }
    }
    xc_db_close(db);
}

static void test_stub_file_reaches_remote_shards(fixture *f, gconstpointer u)
{
    (void)u;
    xc_error e = {0};
    /* "remote :PROGRAM ARGS" runs xapian-progsrv and speaks the remote
     * protocol over a pipe: the remote backend without a port to pick. */
    char *progsrv = g_find_program_in_path("xapian-progsrv");
    if (!progsrv) {
        g_test_skip("xapian-progsrv not installed (package xapian-tools)");
        return;
    }
    char *local = g_build_filename(f->dir, "local", NULL);
    char *far = g_build_filename(f->dir, "far", NULL);
    xc_wdb *w = open_writer(local);
    put(w, "here", "保健 local");
    xc_wdb_close(w);
    w = open_writer(far);
    put(w, "there", "保健 remote");
    xc_wdb_close(w);

    char *stub = g_build_filename(f->dir, "mixed.stub", NULL);
    char *text = g_strdup_printf("auto %s\nremote :%s %s\n", local, progsrv, far);
    g_assert_true(g_file_set_contents(stub, text, -1, NULL));
    xc_db *db = xc_db_open(stub, &e);
    assert_ok(e);
    g_assert_cmpuint(xc_db_doccount(db, &e), ==, 2);
    xc_mset *ms = run(db, term("保健"));
    char *ids = hit_ids(ms);
    g_assert_true(g_str_equal(ids, "here,there") || g_str_equal(ids, "there,here"));
    g_free(ids);
    xc_mset_free(ms);
    /* Counting with a time limit reaches the remote shard too (whose
     * server applies the limit itself). */
    uint32_t hits;
    g_assert_cmpuint(count_within(db, "保健", 60, &hits), ==, 2);
    g_assert_cmpuint(hits, ==, 2);
    xc_db_close(db);

    /* A TCP shard is "remote HOST:PORT" (Xapian 1.4 reads "remote :tcp ..."
     * as a program named tcp). Nothing listens on port 1: a network error. */
    g_assert_true(g_file_set_contents(stub, "remote 127.0.0.1:1\n", -1, NULL));
    g_assert_null(xc_db_open(stub, &e));
    g_assert_cmpint(e.code, ==, XC_ERR_NETWORK);
    g_assert_true(g_str_has_prefix(e.message, "NetworkError: "));
    g_free(text);
    g_free(stub);
    g_free(far);
    g_free(local);
    g_free(progsrv);
}

/* A document's setters keep the first error, so a document built with
 * many calls and one check never loses a failure to a later success. */
static void test_document_setters_keep_the_first_error(void)
{
    xc_doc *doc = xc_doc_new();
    xc_error e;
    xc_error_clear(&e);
    g_assert_cmpint(xc_doc_add_posting(doc, "health", 1, 1, &e), ==, 0);
    g_assert_cmpint(xc_doc_add_term(doc, NULL, 1, &e), ==, -1);   /* fails */
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    char first[sizeof e.message];
    g_strlcpy(first, e.message, sizeof first);
    g_assert_cmpint(xc_doc_add_posting(doc, "financing", 2, 1, &e), ==, -1);
    g_assert_cmpint(xc_doc_add_boolean_term(doc, "Qx", &e), ==, -1);
    g_assert_cmpint(xc_doc_set_value(doc, 0, "v", 1, &e), ==, -1);
    g_assert_cmpint(xc_doc_set_data(doc, "d", 1, &e), ==, -1);
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_cmpstr(e.message, ==, first);
    xc_error_clear(&e);
    g_assert_cmpint(xc_doc_set_data(doc, "d", 1, &e), ==, 0);
    xc_doc_free(doc);
}

/* So do an enquire's setters: a failed set_query is never followed by a
 * match of nothing that looks like an empty answer. */
static void test_enquire_setters_keep_the_first_error(fixture *f, gconstpointer data)
{
    (void)data;
    xc_wdb *w = open_writer(f->path);
    put(w, "a", "health financing");
    xc_error e;
    xc_error_clear(&e);
    g_assert_cmpint(xc_wdb_commit(w, &e), ==, 0);
    xc_wdb_close(w);
    xc_db *db = open_reader(f->path);
    xc_enquire *enq = xc_enquire_new(db, &e);
    g_assert_cmpint(xc_enquire_set_query(enq, NULL, &e), ==, -1);
    g_assert_cmpint(xc_enquire_set_collapse_key(enq, 0, 1, &e), ==, -1);
    g_assert_cmpint(xc_enquire_set_bm25(enq, 1.2, 0, 1, 0.5, 0.5, &e), ==, -1);
    g_assert_cmpint(e.code, ==, XC_ERR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(e.message, "xc_enquire_set_query"));
    xc_enquire_free(enq);
    xc_db_close(db);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add("/xc/" name, fixture, NULL, fixture_setup, fn, fixture_teardown)
    g_test_add_func("/xc/document_setters_keep_the_first_error",
                    test_document_setters_keep_the_first_error);
    ADD("compacted_parts_merge_and_delete_by_term", test_compacted_parts_merge_and_delete_by_term);
    ADD("enquire_setters_keep_the_first_error", test_enquire_setters_keep_the_first_error);
    ADD("documents_round_trip_terms_values_and_data", test_documents_round_trip_terms_values_and_data);
    ADD("replacing_by_unique_term_does_not_duplicate", test_replacing_by_unique_term_does_not_duplicate);
    ADD("deleting_by_term_removes_every_document_with_it", test_deleting_by_term_removes_every_document_with_it);
    ADD("writer_reads_its_uncommitted_changes", test_writer_reads_its_uncommitted_changes);
    ADD("reader_sees_new_documents_only_after_reopen", test_reader_sees_new_documents_only_after_reopen);
    ADD("transaction_commit_keeps_and_cancel_discards", test_transaction_commit_keeps_and_cancel_discards);
    ADD("close_commits_pending_changes", test_close_commits_pending_changes);
    ADD("metadata_round_trips_bytes_and_unicode", test_metadata_round_trips_bytes_and_unicode);
    ADD("spelling_suggestion_corrects_a_typo", test_spelling_suggestion_corrects_a_typo);
    ADD("phrase_matches_words_in_order_only", test_phrase_matches_words_in_order_only);
    ADD("near_matches_within_window_in_any_order", test_near_matches_within_window_in_any_order);
    ADD("and_not_excludes_documents_with_the_term", test_and_not_excludes_documents_with_the_term);
    ADD("filter_restricts_without_changing_scores", test_filter_restricts_without_changing_scores);
    ADD("scale_weight_multiplies_scores", test_scale_weight_multiplies_scores);
    ADD("negative_scale_factor_is_rejected", test_negative_scale_factor_is_rejected);
    ADD("collapse_key_keeps_at_most_n_per_value", test_collapse_key_keeps_at_most_n_per_value);
    ADD("bm25_ranks_more_occurrences_of_rare_term_first", test_bm25_ranks_more_occurrences_of_rare_term_first);
    ADD("matching_terms_lists_query_terms_the_document_has", test_matching_terms_lists_query_terms_the_document_has);
    ADD("enquire_survives_closing_its_database_first", test_enquire_survives_closing_its_database_first);
    ADD("queries_describe_copy_and_reject_unknown_operators", test_queries_describe_copy_and_reject_unknown_operators);
    ADD("sortable_serialise_preserves_order", test_sortable_serialise_preserves_order);
    ADD("stemmer_stems_english_and_rejects_unknown_language", test_stemmer_stems_english_and_rejects_unknown_language);
    ADD("opening_missing_database_is_an_opening_error", test_opening_missing_database_is_an_opening_error);
    ADD("missing_docid_is_a_range_error", test_missing_docid_is_a_range_error);
    ADD("null_handle_is_an_invalid_argument_not_a_crash", test_null_handle_is_an_invalid_argument_not_a_crash);
    ADD("overlong_term_is_skipped_and_commit_succeeds", test_overlong_term_is_skipped_and_commit_succeeds);
    ADD("second_writer_gets_lock_error", test_second_writer_gets_lock_error);
    ADD("stub_file_searches_two_shards_as_one", test_stub_file_searches_two_shards_as_one);
    ADD("stub_file_reaches_remote_shards", test_stub_file_reaches_remote_shards);
    ADD("ties_by_value_order_equal_weights_by_value",
        test_ties_by_value_order_equal_weights_by_value);
    ADD("time_limit_ends_counting_without_a_timer_thread",
        test_time_limit_ends_counting_without_a_timer_thread);
    ADD("docset_of_a_count_restricts_a_ranking_to_its_matches",
        test_docset_of_a_count_restricts_a_ranking_to_its_matches);
#undef ADD
    return g_test_run();
}
