/*
 * xc.cc: the implementation of xc.h, ghsearch's C binding over Xapian 1.4.
 *
 * Owns: the opaque handle structs (each wraps one reference-counted Xapian
 * object by value), the mapping from Xapian exception classes to XC_ERR_*
 * codes, and the rule that no exception crosses into C. Every extern "C"
 * function runs its body through guarded(), which clears the caller's
 * xc_error, catches everything and returns the function's failure value.
 *
 * Does not own: any policy (what to index, how to rank); callers decide.
 * Strings handed to C are malloc'ed, because C callers free() them.
 */
#include "xc.h"

#include <xapian.h>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

/* The XC_OP_* numbers are Xapian's own, so xc_query_combine casts them. */
static_assert(static_cast<int>(XC_OP_AND) == static_cast<int>(Xapian::Query::OP_AND), "XC_OP_AND");
static_assert(static_cast<int>(XC_OP_OR) == static_cast<int>(Xapian::Query::OP_OR), "XC_OP_OR");
static_assert(static_cast<int>(XC_OP_AND_NOT) == static_cast<int>(Xapian::Query::OP_AND_NOT), "XC_OP_AND_NOT");
static_assert(static_cast<int>(XC_OP_XOR) == static_cast<int>(Xapian::Query::OP_XOR), "XC_OP_XOR");
static_assert(static_cast<int>(XC_OP_AND_MAYBE) == static_cast<int>(Xapian::Query::OP_AND_MAYBE), "XC_OP_AND_MAYBE");
static_assert(static_cast<int>(XC_OP_FILTER) == static_cast<int>(Xapian::Query::OP_FILTER), "XC_OP_FILTER");
static_assert(static_cast<int>(XC_OP_NEAR) == static_cast<int>(Xapian::Query::OP_NEAR), "XC_OP_NEAR");
static_assert(static_cast<int>(XC_OP_PHRASE) == static_cast<int>(Xapian::Query::OP_PHRASE), "XC_OP_PHRASE");
static_assert(static_cast<int>(XC_OP_ELITE_SET) == static_cast<int>(Xapian::Query::OP_ELITE_SET), "XC_OP_ELITE_SET");
static_assert(static_cast<int>(XC_OP_SYNONYM) == static_cast<int>(Xapian::Query::OP_SYNONYM), "XC_OP_SYNONYM");
static_assert(static_cast<int>(XC_OP_MAX) == static_cast<int>(Xapian::Query::OP_MAX), "XC_OP_MAX");
static_assert(sizeof(xc_docid) == sizeof(Xapian::docid), "docid width");
static_assert(sizeof(xc_termpos) == sizeof(Xapian::termpos), "termpos width");

/* Glass refuses terms longer than this, but only when the document is
 * written, which would abort a whole indexing batch. */
static const size_t MAX_TERM_BYTES = 245;

struct xc_db {
    Xapian::Database db;
    bool remote; /* a shard is served by xapian-tcpsrv or -progsrv */
};

struct xc_wdb {
    Xapian::WritableDatabase db;
    bool in_transaction; /* Xapian 1.4 cannot be asked, so we track it */
};

struct xc_doc {
    Xapian::Document doc;
};

struct xc_query {
    Xapian::Query q;
};

/* Thrown by a DeadlineSpy to end a match; caught in xc_enquire_get_mset. */
struct deadline_reached {};

/* The time limit of a match over local shards. Xapian's own
 * (Enquire::set_time_limit) is a POSIX timer whose expiry glibc reports on
 * a thread of its own, which then writes a flag in the matcher's stack
 * frame; timer_delete does not wait for a report already under way, so a
 * match ending just as its limit expired could have that flag written into
 * whatever frame came next (a crash in the following get_mset, seen under
 * ASan with a 1 us limit). This spy reads the clock instead, every
 * CHECK_EVERY documents, and ends the match by throwing, which Xapian's
 * matcher lets through. Installed before every other spy, it stops them
 * all at the same document. */
class DeadlineSpy : public Xapian::MatchSpy {
    static const unsigned CHECK_EVERY = 16;
    double seconds;
    std::chrono::steady_clock::time_point deadline;
    unsigned seen;

  public:
    explicit DeadlineSpy(double s) : seconds(s), deadline(), seen(0) {}
    void start()
    {
        seen = 0;
        deadline = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(seconds));
    }
    void operator()(const Xapian::Document &, double) override
    {
        if (++seen % CHECK_EVERY == 0 && std::chrono::steady_clock::now() >= deadline)
            throw deadline_reached();
    }
};

/* The documents a match saw, up to a maximum (xc_enquire_collect_docids).
 * Documents come in ascending id order from a single shard's matcher. */
class DocidSpy : public Xapian::MatchSpy {
    size_t max;

  public:
    std::shared_ptr<std::vector<Xapian::docid>> ids;
    bool overflow;
    explicit DocidSpy(size_t m)
        : max(m), ids(std::make_shared<std::vector<Xapian::docid>>()), overflow(false)
    {
        ids->reserve(max < 1024 ? max : 1024);
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        if (ids->size() >= max) {
            overflow = true;
            return;
        }
        ids->push_back(doc.get_docid());
    }
};

struct xc_docset {
    std::shared_ptr<const std::vector<Xapian::docid>> ids;   /* ascending */
};

/* Exactly the documents of a docset, weight 0: the right-hand side of an
 * OP_FILTER. Clones share the ids. */
class DocsetSource : public Xapian::PostingSource {
    std::shared_ptr<const std::vector<Xapian::docid>> ids;
    size_t at;
    bool started;

  public:
    explicit DocsetSource(std::shared_ptr<const std::vector<Xapian::docid>> s)
        : ids(std::move(s)), at(0), started(false) {}
    Xapian::doccount get_termfreq_min() const override { return Xapian::doccount(ids->size()); }
    Xapian::doccount get_termfreq_est() const override { return Xapian::doccount(ids->size()); }
    Xapian::doccount get_termfreq_max() const override { return Xapian::doccount(ids->size()); }
    Xapian::docid get_docid() const override { return (*ids)[at]; }
    bool at_end() const override { return started && at >= ids->size(); }
    void next(double) override
    {
        if (started)
            ++at;
        started = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started = true;
        if (at < ids->size() && (*ids)[at] >= did)
            return;
        at = size_t(std::lower_bound(ids->begin() + long(at), ids->end(), did) - ids->begin());
    }
    bool check(Xapian::docid did, double min_wt) override
    {
        skip_to(did, min_wt);
        return true;
    }
    PostingSource *clone() const override { return new DocsetSource(ids); }
    void init(const Xapian::Database &) override
    {
        at = 0;
        started = false;
    }
    std::string get_description() const override
    {
        return "DocsetSource(" + std::to_string(ids->size()) + " documents)";
    }
};

/* The enquire keeps its own reference to the database, so a caller that
 * closes the xc_db first gets no crash; xc_db_reopen() on the xc_db is seen
 * here too, because both share Xapian's internal database object. */
struct xc_enquire {
    Xapian::Database db;
    bool remote;          /* the xc_db's */
    /* Spies added by xc_enquire_add_value_count; Enquire keeps only raw
     * pointers to them, so they live here, declared before enq so that they
     * outlive it. */
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    std::unique_ptr<DeadlineSpy> deadline;   /* the time limit, first spy */
    std::unique_ptr<DocidSpy> docids;        /* xc_enquire_collect_docids, last spy */
    Xapian::Enquire enq;
    xc_enquire(const Xapian::Database &d, bool r)
        : db(d), remote(r), spies(), deadline(), docids(), enq(db) {}
};

struct xc_mset {
    Xapian::MSet ms;
};

struct xc_stemmer {
    Xapian::Stem stem;
};

/* A term iterator plus the current term, so the const char * handed out
 * stays valid until the next call. freq says where *termfreq comes from. */
struct xc_termlist {
    enum freq_source { FREQ_NONE, FREQ_ITERATOR, FREQ_DATABASE };
    Xapian::TermIterator it, end;
    Xapian::Database db; /* for FREQ_DATABASE */
    freq_source freq;
    bool started;
    std::string current;
};

/* ------------------------------------------------------------ errors */

/* Copy msg into err, truncated on a UTF-8 character boundary (paths and
 * terms in messages may be Japanese). */
static void set_error(xc_error *err, int code, const std::string &msg) noexcept
{
    if (!err)
        return;
    err->code = code;
    size_t n = msg.size();
    if (n > sizeof err->message - 1) {
        n = sizeof err->message - 1;
        while (n > 0 && (static_cast<unsigned char>(msg[n]) & 0xC0) == 0x80)
            n--;
    }
    std::memcpy(err->message, msg.data(), n);
    err->message[n] = '\0';
}

static int code_for(const Xapian::Error &e)
{
    const std::string t = e.get_type();
    if (t == "DatabaseLockError")
        return XC_ERR_LOCKED;
    if (t == "DatabaseModifiedError")
        return XC_ERR_MODIFIED;
    if (t == "DatabaseOpeningError" || t == "DatabaseNotFoundError" ||
        t == "DatabaseVersionError")
        return XC_ERR_OPENING;
    if (t == "DatabaseCorruptError")
        return XC_ERR_CORRUPT;
    if (t == "InvalidArgumentError" || t == "InvalidOperationError" ||
        t == "UnimplementedError")
        return XC_ERR_INVALID_ARGUMENT;
    if (t == "NetworkError" || t == "NetworkTimeoutError")
        return XC_ERR_NETWORK;
    if (t == "RangeError" || t == "DocNotFoundError")
        return XC_ERR_RANGE;
    /* Xapian::Error has no virtual functions, so dynamic_cast is out; every
     * DatabaseError subclass's name starts with "Database". */
    if (t.compare(0, 8, "Database") == 0)
        return XC_ERR_DATABASE;
    return XC_ERR_OTHER;
}

static void set_xapian_error(xc_error *err, const Xapian::Error &e) noexcept
{
    if (!err)
        return;
    try {
        std::string m = std::string(e.get_type()) + ": " + e.get_msg();
        if (!e.get_context().empty())
            m += " (context: " + e.get_context() + ")";
        const char *sys = e.get_error_string();
        if (sys && *sys)
            m += std::string(" (") + sys + ")";
        set_error(err, code_for(e), m);
    } catch (...) {
        set_error(err, XC_ERR_NOMEM, "bad_alloc: out of memory");
    }
}

/* Fault injection for tests (xc_test_fail_after): the countdown of calls
 * before the one that fails, 0 when off. */
static std::atomic<long> fault_countdown{0};
static std::atomic<long> faults_fired{0};
static std::atomic<const char *> fault_site{""};
static std::atomic<int> fault_kind{XC_ERR_DATABASE};

static bool inject_fault(xc_error *err, const char *fn) noexcept
{
    if (fault_countdown.load(std::memory_order_relaxed) <= 0)
        return false;
    if (fault_countdown.fetch_sub(1) != 1)
        return false;
    faults_fired.fetch_add(1);
    fault_site.store(fn);
    if (std::getenv("XC_FAULT_TRAP")) __builtin_trap();
    if (fault_kind.load() == XC_ERR_NOMEM)
        set_error(err, XC_ERR_NOMEM, "bad_alloc: out of memory (injected: a test of error handling)");
    else
        set_error(err, XC_ERR_DATABASE, "DatabaseError: injected fault (a test of error handling)");
    return true;
}

/* A C caller passed NULL where a handle or string was required. */
struct null_argument {
    const char *name;
};

static void need(const void *p, const char *name)
{
    if (!p)
        throw null_argument{name};
}

/* Run body(); on any exception fill err and return fail. err is cleared
 * first, so after a call that returns 0 legitimately (an absent term) the
 * caller can tell it from an error by err->code. fn names the C function
 * for messages about NULL arguments. */
template <typename R, typename F>
static R guarded_impl(xc_error *err, R fail, const char *fn, bool can_fail, F &&body) noexcept
{
    if (err) {
        err->code = XC_OK;
        err->message[0] = '\0';
    }
    if (can_fail && inject_fault(err, fn))
        return fail;
    try {
        return body();
    } catch (const Xapian::Error &e) {
        set_xapian_error(err, e);
    } catch (const null_argument &a) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "InvalidArgumentError: %s: %s is NULL", fn, a.name);
        set_error(err, XC_ERR_INVALID_ARGUMENT, buf);
    } catch (const std::bad_alloc &) {
        set_error(err, XC_ERR_NOMEM, "bad_alloc: out of memory");
    } catch (const std::exception &e) {
        try {
            set_error(err, XC_ERR_UNKNOWN, std::string("std::exception: ") + e.what());
        } catch (...) {
            set_error(err, XC_ERR_NOMEM, "bad_alloc: out of memory");
        }
    } catch (...) {
        set_error(err, XC_ERR_UNKNOWN, "unknown exception");
    }
    return fail;
}

/* A malloc'ed NUL-terminated copy of s (which may hold NUL bytes). */
template <typename R, typename F>
static R guarded(xc_error *err, R fail, const char *fn, F &&body) noexcept
{
    return guarded_impl(err, fail, fn, true, std::forward<F>(body));
}

/* For the functions whose C signature has no error out-parameter (sizes,
 * getters of in-memory results, frees): no fault is injected there, since
 * no caller could ever see it. */
template <typename R, typename F>
static R guarded_noerr(R fail, const char *fn, F &&body) noexcept
{
    return guarded_impl(static_cast<xc_error *>(nullptr), fail, fn, false,
                        std::forward<F>(body));
}

/* guarded() for the setters of a document or an enquire being set up: a
 * call made while err already holds an error does nothing and keeps that
 * first error, so an object set up with many calls needs one check at the
 * end (a failed set_query can never be followed by a match of nothing). */
template <typename F>
static int guarded_sticky(xc_error *err, const char *fn, F &&body) noexcept
{
    if (err && err->code != XC_OK)
        return -1;
    return guarded(err, -1, fn, std::forward<F>(body));
}

static char *dup_bytes(const std::string &s, size_t *len)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    if (len)
        *len = s.size();
    return p;
}

/* Bytes from a (pointer, length) pair where NULL means empty. */
static std::string bytes(const char *p, size_t len, const char *name)
{
    if (len)
        need(p, name);
    return p ? std::string(p, len) : std::string();
}

static xc_termlist *new_termlist(const Xapian::TermIterator &b,
                                 const Xapian::TermIterator &e,
                                 xc_termlist::freq_source freq,
                                 const Xapian::Database *db)
{
    xc_termlist *tl = new xc_termlist{b, e, Xapian::Database(), freq, false, std::string()};
    if (db)
        tl->db = *db;
    return tl;
}

static xc_doc *document_by_term(const Xapian::Database &db, const char *term)
{
    Xapian::PostingIterator p = db.postlist_begin(term);
    if (p == db.postlist_end(term))
        return nullptr;
    return new xc_doc{db.get_document(*p)};
}

static int mode_flags(int mode)
{
    switch (mode) {
    case XC_DB_CREATE_OR_OPEN: return Xapian::DB_CREATE_OR_OPEN;
    case XC_DB_CREATE_OR_OVERWRITE: return Xapian::DB_CREATE_OR_OVERWRITE;
    case XC_DB_OPEN: return Xapian::DB_OPEN;
    default:
        throw Xapian::InvalidArgumentError("xc_wdb_open: unknown mode " + std::to_string(mode));
    }
}

static bool valid_op(int op)
{
    switch (op) {
    case XC_OP_AND: case XC_OP_OR: case XC_OP_AND_NOT: case XC_OP_XOR:
    case XC_OP_AND_MAYBE: case XC_OP_FILTER: case XC_OP_NEAR: case XC_OP_PHRASE:
    case XC_OP_ELITE_SET: case XC_OP_SYNONYM: case XC_OP_MAX:
        return true;
    default:
        return false;
    }
}

extern "C" {

/* ------------------------------------------------------------ misc */

void xc_error_clear(xc_error *err)
{
    if (!err)
        return;
    err->code = XC_OK;
    err->message[0] = '\0';
}

void xc_test_fail_as(int code)
{
    fault_kind.store(code == XC_ERR_NOMEM ? XC_ERR_NOMEM : XC_ERR_DATABASE);
}

void xc_test_fail_after(long n)
{
    faults_fired.store(0);
    fault_countdown.store(n > 0 ? n : 0);
}

long xc_test_faults_fired(void)
{
    return faults_fired.load();
}

const char *xc_test_fault_site(void)
{
    return fault_site.load();
}

long xc_test_calls_left(void)
{
    return fault_countdown.load();
}

const char *xc_xapian_version(void)
{
    return Xapian::version_string();
}

/* ------------------------------------------------------------ reading */

/* Whether the stub file at path (or the stub a directory holds as XAPIANDB)
 * names a remote shard, directly or through the stubs it names. Xapian 1.4
 * cannot be asked which of a Database's shards are remote, and a time limit
 * is applied differently to them (xc_enquire_get_mset). */
static bool has_remote_shard(const std::string &path, int depth)
{
    if (depth > 8)   /* Xapian refuses a loop of stubs itself */
        return false;
    struct stat st;
    std::string stub = path;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        stub += "/XAPIANDB";   /* a glass directory has none: no stub */
    /* A stub is a few lines; a big file is a single-file database. */
    if (stat(stub.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536)
        return false;
    std::ifstream in(stub);
    if (!in.is_open())
        return false;
    std::string dir = stub.substr(0, stub.find_last_of('/') == std::string::npos
                                         ? 0 : stub.find_last_of('/'));
    std::string line;
    while (std::getline(in, line)) {
        size_t at = line.find_first_not_of(" \t");
        if (at == std::string::npos || line[at] == '#')
            continue;
        size_t end = line.find_first_of(" \t", at);
        std::string kind = line.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (kind == "remote")
            return true;
        size_t arg = end == std::string::npos ? end : line.find_first_not_of(" \t", end);
        if ((kind == "auto" || kind == "glass") && arg != std::string::npos) {
            std::string sub = line.substr(arg);
            if (!sub.empty() && sub[0] != '/' && !dir.empty())
                sub = dir + "/" + sub;
            if (has_remote_shard(sub, depth + 1))
                return true;
        }
    }
    return false;
}

xc_db *xc_db_open(const char *path, xc_error *err)
{
    return guarded(err, static_cast<xc_db *>(nullptr), __func__, [&] {
        need(path, "path");
        /* Database(path) detects a directory's backend or reads a stub file. */
        Xapian::Database db(path);
        return new xc_db{db, has_remote_shard(path, 0)};
    });
}

xc_db *xc_db_open_empty(xc_error *err)
{
    return guarded(err, static_cast<xc_db *>(nullptr), __func__, [&] {
        return new xc_db{Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY), false};
    });
}

int xc_db_reopen(xc_db *db, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(db, "db");
        db->db.reopen();
        return 0;
    });
}

void xc_db_close(xc_db *db)
{
    /* No Database::close(): an enquire made from db shares its internals
     * and must keep working until it is freed. */
    guarded_noerr(0, __func__, [&] {
        delete db;
        return 0;
    });
}

uint32_t xc_db_doccount(xc_db *db, xc_error *err)
{
    return guarded(err, 0u, __func__, [&] {
        need(db, "db");
        return db->db.get_doccount();
    });
}

uint32_t xc_db_termfreq(xc_db *db, const char *term, xc_error *err)
{
    return guarded(err, 0u, __func__, [&] {
        need(db, "db");
        need(term, "term");
        return db->db.get_termfreq(term);
    });
}

uint64_t xc_db_collection_freq(xc_db *db, const char *term, xc_error *err)
{
    return guarded(err, static_cast<uint64_t>(0), __func__, [&] {
        need(db, "db");
        need(term, "term");
        return static_cast<uint64_t>(db->db.get_collection_freq(term));
    });
}

double xc_db_avlength(xc_db *db, xc_error *err)
{
    return guarded(err, 0.0, __func__, [&] {
        need(db, "db");
        return db->db.get_avlength();
    });
}

int xc_db_term_exists(xc_db *db, const char *term, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(db, "db");
        need(term, "term");
        return db->db.term_exists(term) ? 1 : 0;
    });
}

xc_doc *xc_db_get_document(xc_db *db, xc_docid did, xc_error *err)
{
    return guarded(err, static_cast<xc_doc *>(nullptr), __func__, [&] {
        need(db, "db");
        return new xc_doc{db->db.get_document(did)};
    });
}

char *xc_db_get_metadata(xc_db *db, const char *key, size_t *len, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        need(db, "db");
        need(key, "key");
        return dup_bytes(db->db.get_metadata(key), len);
    });
}

char *xc_db_spelling_suggestion(xc_db *db, const char *word,
                                unsigned max_edit_distance, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        need(db, "db");
        need(word, "word");
        return dup_bytes(db->db.get_spelling_suggestion(word, max_edit_distance), nullptr);
    });
}

xc_termlist *xc_db_allterms(xc_db *db, const char *prefix, xc_error *err)
{
    return guarded(err, static_cast<xc_termlist *>(nullptr), __func__, [&] {
        need(db, "db");
        const std::string p = prefix ? prefix : "";
        return new_termlist(db->db.allterms_begin(p), db->db.allterms_end(p),
                            xc_termlist::FREQ_ITERATOR, nullptr);
    });
}

xc_termlist *xc_db_termlist(xc_db *db, xc_docid did, xc_error *err)
{
    return guarded(err, static_cast<xc_termlist *>(nullptr), __func__, [&] {
        need(db, "db");
        return new_termlist(db->db.termlist_begin(did), db->db.termlist_end(did),
                            xc_termlist::FREQ_NONE, nullptr);
    });
}

int xc_termlist_next(xc_termlist *tl, const char **term, uint32_t *termfreq,
                     xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(tl, "tl");
        if (tl->started && tl->it != tl->end)
            ++tl->it;
        tl->started = true;
        if (tl->it == tl->end)
            return 0;
        tl->current = *tl->it;
        uint32_t f = 0;
        if (tl->freq == xc_termlist::FREQ_ITERATOR)
            f = tl->it.get_termfreq();
        else if (tl->freq == xc_termlist::FREQ_DATABASE)
            f = tl->db.get_termfreq(tl->current);
        if (term)
            *term = tl->current.c_str();
        if (termfreq)
            *termfreq = f;
        return 1;
    });
}

void xc_termlist_free(xc_termlist *tl)
{
    guarded_noerr(0, __func__, [&] {
        delete tl;
        return 0;
    });
}

/* ------------------------------------------------------------ writing */

xc_wdb *xc_wdb_open(const char *path, int mode, xc_error *err)
{
    return guarded(err, static_cast<xc_wdb *>(nullptr), __func__, [&] {
        need(path, "path");
        return new xc_wdb{Xapian::WritableDatabase(path, mode_flags(mode)), false};
    });
}

void xc_wdb_close(xc_wdb *wdb)
{
    if (!wdb)
        return;
    /* Errors here have nowhere to go: the caller asked to close, so the
     * handle is released whatever happens. */
    guarded_noerr(0, __func__, [&] {
        if (wdb->in_transaction)
            wdb->db.cancel_transaction();
        else
            wdb->db.commit();
        return 0;
    });
    guarded_noerr(0, __func__, [&] {
        wdb->db.close();
        return 0;
    });
    guarded_noerr(0, __func__, [&] {
        delete wdb;
        return 0;
    });
}

xc_docid xc_wdb_add_document(xc_wdb *wdb, const xc_doc *doc, xc_error *err)
{
    return guarded(err, static_cast<xc_docid>(0), __func__, [&] {
        need(wdb, "wdb");
        need(doc, "doc");
        return wdb->db.add_document(doc->doc);
    });
}

xc_docid xc_wdb_replace_document_term(xc_wdb *wdb, const char *unique_term,
                                      const xc_doc *doc, xc_error *err)
{
    return guarded(err, static_cast<xc_docid>(0), __func__, [&] {
        need(wdb, "wdb");
        need(unique_term, "unique_term");
        need(doc, "doc");
        return wdb->db.replace_document(unique_term, doc->doc);
    });
}

int xc_wdb_delete_documents_term(xc_wdb *wdb, const char *term, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        need(term, "term");
        /* The document ids first, then each deleted: Xapian 1.4.22's
         * delete_document(term) reads the term's postings while deleting,
         * and when the deletions fill the flush threshold
         * (XAPIAN_FLUSH_THRESHOLD) midway, the flush rewrites the posting
         * list under it. On a database compacted from several parts that
         * ends in "Unexpected end of posting list" or "Document ID in new
         * chunk of postlist ... is not greater than final document ID". */
        std::vector<Xapian::docid> ids;
        for (auto it = wdb->db.postlist_begin(term); it != wdb->db.postlist_end(term); ++it)
            ids.push_back(*it);
        for (Xapian::docid id : ids)
            wdb->db.delete_document(id);
        return 0;
    });
}

int xc_wdb_commit(xc_wdb *wdb, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        wdb->db.commit();
        return 0;
    });
}

int xc_wdb_begin_transaction(xc_wdb *wdb, int flushed, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        wdb->db.begin_transaction(flushed != 0);
        wdb->in_transaction = true;
        return 0;
    });
}

int xc_wdb_commit_transaction(xc_wdb *wdb, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        /* Xapian ends the transaction whether or not the commit succeeds. */
        wdb->in_transaction = false;
        wdb->db.commit_transaction();
        return 0;
    });
}

int xc_wdb_cancel_transaction(xc_wdb *wdb, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        wdb->in_transaction = false;
        wdb->db.cancel_transaction();
        return 0;
    });
}

int xc_wdb_set_metadata(xc_wdb *wdb, const char *key, const char *value,
                        size_t len, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        need(key, "key");
        wdb->db.set_metadata(key, bytes(value, len, "value"));
        return 0;
    });
}

int xc_wdb_add_spelling(xc_wdb *wdb, const char *word, uint32_t freqinc,
                        xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        need(word, "word");
        wdb->db.add_spelling(word, freqinc);
        return 0;
    });
}

uint32_t xc_wdb_doccount(xc_wdb *wdb, xc_error *err)
{
    return guarded(err, 0u, __func__, [&] {
        need(wdb, "wdb");
        return wdb->db.get_doccount();
    });
}

int xc_wdb_term_exists(xc_wdb *wdb, const char *term, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(wdb, "wdb");
        need(term, "term");
        return wdb->db.term_exists(term) ? 1 : 0;
    });
}

uint32_t xc_wdb_termfreq(xc_wdb *wdb, const char *term, xc_error *err)
{
    return guarded(err, 0u, __func__, [&] {
        need(wdb, "wdb");
        need(term, "term");
        return wdb->db.get_termfreq(term);
    });
}

char *xc_wdb_get_metadata(xc_wdb *wdb, const char *key, size_t *len, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        need(wdb, "wdb");
        need(key, "key");
        return dup_bytes(wdb->db.get_metadata(key), len);
    });
}

xc_doc *xc_wdb_get_document_by_term(xc_wdb *wdb, const char *term, xc_error *err)
{
    return guarded(err, static_cast<xc_doc *>(nullptr), __func__, [&] {
        need(wdb, "wdb");
        need(term, "term");
        return document_by_term(wdb->db, term);
    });
}

xc_termlist *xc_wdb_allterms(xc_wdb *wdb, const char *prefix, xc_error *err)
{
    return guarded(err, static_cast<xc_termlist *>(nullptr), __func__, [&] {
        need(wdb, "wdb");
        const std::string p = prefix ? prefix : "";
        return new_termlist(wdb->db.allterms_begin(p), wdb->db.allterms_end(p),
                            xc_termlist::FREQ_ITERATOR, nullptr);
    });
}

/* ----------------------------------------------------------- compaction */

int xc_compact(const char *const *srcs, size_t n, const char *dest, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(srcs, "srcs");
        need(dest, "dest");
        if (n == 0)
            throw Xapian::InvalidArgumentError("no database to compact");
        Xapian::Database all;
        for (size_t i = 0; i < n; i++) {
            need(srcs[i], "srcs[i]");
            all.add_database(Xapian::Database(srcs[i]));
        }
        /* FULL packs each block as tightly as it goes: later runs write
         * again only where they change the index. */
        all.compact(dest, Xapian::Compactor::FULL);
        return 0;
    });
}

/* ------------------------------------------------------------ documents */

xc_doc *xc_doc_new(void)
{
    return guarded_noerr(static_cast<xc_doc *>(nullptr), __func__, [] {
        return new xc_doc{Xapian::Document()};
    });
}

void xc_doc_free(xc_doc *doc)
{
    guarded_noerr(0, __func__, [&] {
        delete doc;
        return 0;
    });
}

int xc_doc_add_posting(xc_doc *doc, const char *term, xc_termpos pos,
                       uint32_t wdfinc, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(doc, "doc");
        need(term, "term");
        if (std::strlen(term) <= MAX_TERM_BYTES)
            doc->doc.add_posting(term, pos, wdfinc);
        return 0;
    });
}

int xc_doc_add_term(xc_doc *doc, const char *term, uint32_t wdfinc, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(doc, "doc");
        need(term, "term");
        if (std::strlen(term) <= MAX_TERM_BYTES)
            doc->doc.add_term(term, wdfinc);
        return 0;
    });
}

int xc_doc_add_boolean_term(xc_doc *doc, const char *term, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(doc, "doc");
        need(term, "term");
        if (std::strlen(term) <= MAX_TERM_BYTES)
            doc->doc.add_boolean_term(term);
        return 0;
    });
}

int xc_doc_set_value(xc_doc *doc, unsigned slot, const char *value, size_t len,
                     xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(doc, "doc");
        doc->doc.add_value(slot, bytes(value, len, "value"));
        return 0;
    });
}

int xc_doc_set_data(xc_doc *doc, const char *data, size_t len, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(doc, "doc");
        doc->doc.set_data(bytes(data, len, "data"));
        return 0;
    });
}

char *xc_doc_get_value(const xc_doc *doc, unsigned slot, size_t *len, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        need(doc, "doc");
        return dup_bytes(doc->doc.get_value(slot), len);
    });
}

char *xc_doc_get_data(const xc_doc *doc, size_t *len, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        need(doc, "doc");
        return dup_bytes(doc->doc.get_data(), len);
    });
}

xc_docid xc_doc_get_docid(const xc_doc *doc)
{
    return guarded_noerr(static_cast<xc_docid>(0), __func__, [&] {
        need(doc, "doc");
        return doc->doc.get_docid();
    });
}

/* ------------------------------------------------------------ queries */

xc_query *xc_query_term(const char *term, uint32_t wqf, xc_termpos pos, xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [&] {
        need(term, "term");
        return new xc_query{Xapian::Query(term, wqf, pos)};
    });
}

xc_query *xc_query_match_all(xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [] {
        /* A query of its own, not a copy of the shared Query::MatchAll:
         * Xapian's reference counts are not atomic, so threads copying
         * one static object race on its count (a use after free). */
        return new xc_query{Xapian::Query(std::string())};
    });
}

xc_query *xc_query_match_nothing(xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [] {
        return new xc_query{Xapian::Query::MatchNothing};
    });
}

xc_query *xc_query_combine(int op, xc_query *const *subs, size_t n,
                           unsigned parameter, xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [&] {
        /* Checked before the cast: an int outside the enum is not a valid
         * Xapian::Query::op value. */
        if (!valid_op(op))
            throw Xapian::InvalidArgumentError("xc_query_combine: unsupported operator " +
                                               std::to_string(op));
        if (n)
            need(subs, "subs");
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++) {
            need(subs[i], "subs[i]");
            v.push_back(subs[i]->q);
        }
        return new xc_query{Xapian::Query(static_cast<Xapian::Query::op>(op),
                                          v.begin(), v.end(), parameter)};
    });
}

xc_query *xc_query_value_range(unsigned slot, const char *lo, size_t lo_len,
                               const char *hi, size_t hi_len, xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [&] {
        return new xc_query{Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                          bytes(lo, lo_len, "lo"),
                                          bytes(hi, hi_len, "hi"))};
    });
}

xc_query *xc_query_scale(const xc_query *q, double factor, xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [&] {
        need(q, "q");
        return new xc_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)};
    });
}

xc_query *xc_query_copy(const xc_query *q, xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [&] {
        need(q, "q");
        return new xc_query{q->q};
    });
}

int xc_query_empty(const xc_query *q)
{
    return guarded_noerr(1, __func__, [&] {
        return q == nullptr || q->q.empty() ? 1 : 0;
    });
}

char *xc_query_describe(const xc_query *q)
{
    return guarded_noerr(static_cast<char *>(nullptr), __func__, [&] {
        need(q, "q");
        return dup_bytes(q->q.get_description(), nullptr);
    });
}

void xc_query_free(xc_query *q)
{
    guarded_noerr(0, __func__, [&] {
        delete q;
        return 0;
    });
}

/* ------------------------------------------------------------ searching */

xc_enquire *xc_enquire_new(xc_db *db, xc_error *err)
{
    return guarded(err, static_cast<xc_enquire *>(nullptr), __func__, [&] {
        need(db, "db");
        return new xc_enquire(db->db, db->remote);
    });
}

void xc_enquire_free(xc_enquire *enq)
{
    guarded_noerr(0, __func__, [&] {
        delete enq;
        return 0;
    });
}

int xc_enquire_set_query(xc_enquire *enq, const xc_query *q, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        need(q, "q");
        enq->enq.set_query(q->q);
        return 0;
    });
}

int xc_enquire_set_bm25(xc_enquire *enq, double k1, double k2, double k3,
                        double b, double min_normlen, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        enq->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return 0;
    });
}

int xc_enquire_set_collapse_key(xc_enquire *enq, unsigned slot,
                                unsigned collapse_max, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        enq->enq.set_collapse_key(slot, collapse_max);
        return 0;
    });
}

int xc_enquire_set_ties_by_value(xc_enquire *enq, unsigned slot, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        enq->enq.set_sort_by_relevance_then_value(slot, false);
        return 0;
    });
}

int xc_enquire_set_docid_order_ascending(xc_enquire *enq, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        enq->enq.set_docid_order(Xapian::Enquire::ASCENDING);
        return 0;
    });
}

int xc_enquire_set_time_limit(xc_enquire *enq, double seconds, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        if (!(seconds >= 0.0))   /* also rejects NaN */
            throw Xapian::InvalidArgumentError("time limit must be >= 0 seconds");
        if (seconds >= 1e9)      /* centuries, or infinity: no limit */
            seconds = 0.0;
        if (enq->remote) {
            /* A spy of ours cannot run on xapian-tcpsrv; Xapian sends its
             * own limit with the query, for each server to apply. */
            enq->enq.set_time_limit(seconds);
            return 0;
        }
        enq->deadline.reset(seconds > 0.0 ? new DeadlineSpy(seconds) : nullptr);
        enq->enq.clear_matchspies();
        if (enq->deadline)
            enq->enq.add_matchspy(enq->deadline.get());
        for (const auto &spy : enq->spies)
            enq->enq.add_matchspy(spy.get());
        if (enq->docids)
            enq->enq.add_matchspy(enq->docids.get());
        return 0;
    });
}

xc_mset *xc_enquire_get_mset(xc_enquire *enq, uint32_t first, uint32_t maxitems,
                             uint32_t check_at_least, xc_error *err)
{
    return guarded(err, static_cast<xc_mset *>(nullptr), __func__, [&] {
        need(enq, "enq");
        if (!enq->deadline)
            return new xc_mset{enq->enq.get_mset(first, maxitems, check_at_least)};
        std::unique_ptr<xc_mset> ms(new xc_mset{Xapian::MSet()});
        enq->deadline->start();
        try {
            ms->ms = enq->enq.get_mset(first, maxitems, check_at_least);
        } catch (const deadline_reached &) {
            /* Out of time: the spies keep what they counted, no hit is
             * returned. */
        }
        return ms.release();
    });
}

xc_termlist *xc_enquire_matching_terms(xc_enquire *enq, xc_docid did, xc_error *err)
{
    return guarded(err, static_cast<xc_termlist *>(nullptr), __func__, [&] {
        need(enq, "enq");
        return new_termlist(enq->enq.get_matching_terms_begin(did),
                            enq->enq.get_matching_terms_end(did),
                            xc_termlist::FREQ_DATABASE, &enq->db);
    });
}

int xc_enquire_collect_docids(xc_enquire *enq, uint32_t max, xc_error *err)
{
    return guarded(err, -1, __func__, [&] {
        need(enq, "enq");
        /* A stub's shards number their documents each from 1, interleaved
         * in the match; a posting source sees one shard's own. */
        if (enq->remote || enq->db.size() != 1 || enq->docids)
            return 0;
        enq->docids.reset(new DocidSpy(max));
        enq->enq.add_matchspy(enq->docids.get());
        return 1;
    });
}

xc_docset *xc_enquire_take_docids(xc_enquire *enq, xc_error *err)
{
    return guarded(err, static_cast<xc_docset *>(nullptr), __func__, [&] {
        need(enq, "enq");
        if (!enq->docids || enq->docids->overflow)
            return static_cast<xc_docset *>(nullptr);
        /* In match order, which is ascending ids for one shard; sorted
         * anyway, since the posting source needs it. */
        std::shared_ptr<std::vector<Xapian::docid>> ids = enq->docids->ids;
        if (!std::is_sorted(ids->begin(), ids->end()))
            std::sort(ids->begin(), ids->end());
        enq->docids->ids = std::make_shared<std::vector<Xapian::docid>>();
        return new xc_docset{ids};
    });
}

uint32_t xc_docset_size(const xc_docset *s)
{
    return s ? uint32_t(s->ids->size()) : 0u;
}

void xc_docset_free(xc_docset *s)
{
    guarded_noerr(0, __func__, [&] {
        delete s;
        return 0;
    });
}

xc_query *xc_query_filter_docset(const xc_query *q, const xc_docset *s, xc_error *err)
{
    return guarded(err, static_cast<xc_query *>(nullptr), __func__, [&] {
        need(q, "q");
        need(s, "s");
        Xapian::Query only((new DocsetSource(s->ids))->release());
        return new xc_query{Xapian::Query(Xapian::Query::OP_FILTER, q->q, only)};
    });
}

/* Spy number spy of enq, or a RangeError. */
static Xapian::ValueCountMatchSpy &spy_of(xc_enquire *enq, int spy)
{
    need(enq, "enq");
    if (spy < 0 || static_cast<size_t>(spy) >= enq->spies.size())
        throw Xapian::RangeError("no value count spy " + std::to_string(spy));
    return *enq->spies[static_cast<size_t>(spy)];
}

int xc_enquire_add_value_count(xc_enquire *enq, unsigned slot, xc_error *err)
{
    return guarded_sticky(err, __func__, [&] {
        need(enq, "enq");
        std::unique_ptr<Xapian::ValueCountMatchSpy> spy(new Xapian::ValueCountMatchSpy(slot));
        enq->spies.reserve(enq->spies.size() + 1); /* so push_back cannot throw */
        enq->enq.add_matchspy(spy.get());
        enq->spies.push_back(std::move(spy));
        return static_cast<int>(enq->spies.size() - 1);
    });
}

xc_termlist *xc_enquire_value_counts(xc_enquire *enq, int spy, xc_error *err)
{
    return guarded(err, static_cast<xc_termlist *>(nullptr), __func__, [&] {
        const Xapian::ValueCountMatchSpy &s = spy_of(enq, spy);
        return new_termlist(s.values_begin(), s.values_end(),
                            xc_termlist::FREQ_ITERATOR, nullptr);
    });
}

uint32_t xc_enquire_value_count_total(xc_enquire *enq, int spy, xc_error *err)
{
    return guarded(err, 0u, __func__, [&] {
        return static_cast<uint32_t>(spy_of(enq, spy).get_total());
    });
}

uint32_t xc_mset_size(const xc_mset *ms)
{
    return guarded_noerr(0u, __func__, [&] {
        return ms ? ms->ms.size() : 0u;
    });
}

uint32_t xc_mset_matches_estimated(const xc_mset *ms)
{
    return guarded_noerr(0u, __func__, [&] {
        return ms ? ms->ms.get_matches_estimated() : 0u;
    });
}

uint32_t xc_mset_matches_lower_bound(const xc_mset *ms)
{
    return guarded_noerr(0u, __func__, [&] {
        return ms ? ms->ms.get_matches_lower_bound() : 0u;
    });
}

uint32_t xc_mset_matches_upper_bound(const xc_mset *ms)
{
    return guarded_noerr(0u, __func__, [&] {
        return ms ? ms->ms.get_matches_upper_bound() : 0u;
    });
}

/* Hit i, or a RangeError past the end (the getters below turn it into 0). */
static Xapian::MSetIterator hit(const xc_mset *ms, uint32_t i)
{
    need(ms, "ms");
    if (i >= ms->ms.size())
        throw Xapian::RangeError("hit " + std::to_string(i) + " of an mset of " +
                                 std::to_string(ms->ms.size()));
    return ms->ms[i];
}

xc_docid xc_mset_docid(const xc_mset *ms, uint32_t i)
{
    return guarded_noerr(static_cast<xc_docid>(0), __func__, [&] {
        return *hit(ms, i);
    });
}

double xc_mset_weight(const xc_mset *ms, uint32_t i)
{
    return guarded_noerr(0.0, __func__, [&] {
        return hit(ms, i).get_weight();
    });
}

uint32_t xc_mset_collapse_count(const xc_mset *ms, uint32_t i)
{
    return guarded_noerr(0u, __func__, [&] {
        return hit(ms, i).get_collapse_count();
    });
}

char *xc_mset_collapse_key(const xc_mset *ms, uint32_t i, size_t *len, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        return dup_bytes(hit(ms, i).get_collapse_key(), len);
    });
}

xc_doc *xc_mset_document(const xc_mset *ms, uint32_t i, xc_error *err)
{
    return guarded(err, static_cast<xc_doc *>(nullptr), __func__, [&] {
        return new xc_doc{hit(ms, i).get_document()};
    });
}

uint32_t xc_mset_termfreq(const xc_mset *ms, const char *term, xc_error *err)
{
    return guarded(err, 0u, __func__, [&] {
        need(ms, "ms");
        need(term, "term");
        return ms->ms.get_termfreq(term);
    });
}

double xc_mset_termweight(const xc_mset *ms, const char *term, xc_error *err)
{
    return guarded(err, 0.0, __func__, [&] {
        need(ms, "ms");
        need(term, "term");
        return ms->ms.get_termweight(term);
    });
}

void xc_mset_free(xc_mset *ms)
{
    guarded_noerr(0, __func__, [&] {
        delete ms;
        return 0;
    });
}

/* ------------------------------------------------------------ stemming */

xc_stemmer *xc_stemmer_new(const char *language, xc_error *err)
{
    return guarded(err, static_cast<xc_stemmer *>(nullptr), __func__, [&] {
        need(language, "language");
        return new xc_stemmer{Xapian::Stem(language)};
    });
}

char *xc_stem_word(const xc_stemmer *st, const char *word, size_t len, xc_error *err)
{
    return guarded(err, static_cast<char *>(nullptr), __func__, [&] {
        need(st, "st");
        return dup_bytes(st->stem(bytes(word, len, "word")), nullptr);
    });
}

void xc_stemmer_free(xc_stemmer *st)
{
    guarded_noerr(0, __func__, [&] {
        delete st;
        return 0;
    });
}

/* ------------------------------------------------------------ values */

size_t xc_sortable_serialise(double value, char *buf)
{
    return guarded_noerr(static_cast<size_t>(0), __func__, [&] {
        need(buf, "buf");
        const std::string s = Xapian::sortable_serialise(value);
        std::memcpy(buf, s.data(), s.size()); /* at most 18 bytes */
        return s.size();
    });
}

double xc_sortable_unserialise(const char *buf, size_t len)
{
    return guarded_noerr(0.0, __func__, [&] {
        return Xapian::sortable_unserialise(bytes(buf, len, "buf"));
    });
}

} /* extern "C" */
