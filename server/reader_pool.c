/*
 * reader_pool.c: a mutex-guarded stack of idle read handles on one index
 * (see reader_pool.h for the contract).
 */
#include <assert.h>

#include <glib.h>

#include "reader_pool.h"

struct reader_pool {
    GMutex lock;
    char *db;
    GPtrArray *idle;    /* ghs_index*, ready to lend */
    unsigned lent;      /* handles out; must be 0 at free */
};

reader_pool *
reader_pool_new(const char *db)
{
    reader_pool *p = g_new0(reader_pool, 1);

    g_mutex_init(&p->lock);
    p->db = g_strdup(db);
    p->idle = g_ptr_array_new();
    return p;
}

ghs_index *
reader_pool_acquire(reader_pool *p, ghs_error *err)
{
    ghs_index *ix = NULL;

    g_mutex_lock(&p->lock);
    if (p->idle->len > 0)
        ix = g_ptr_array_steal_index_fast(p->idle, p->idle->len - 1);
    p->lent++;
    g_mutex_unlock(&p->lock);

    /* Reopening is cheap when nothing changed (Xapian compares revisions),
     * and it is what makes a running server see a re-index. */
    if (ix && ghs_index_reopen(ix, err) < 0) {
        ghs_index_close(ix);
        ix = NULL;
    }
    if (!ix && ghs_index_open(&ix, p->db, GHS_OPEN_READ, err) < 0) {
        ix = NULL;
        g_mutex_lock(&p->lock);
        p->lent--;
        g_mutex_unlock(&p->lock);
    }
    return ix;
}

void
reader_pool_release(reader_pool *p, ghs_index *ix)
{
    if (!ix)
        return;
    g_mutex_lock(&p->lock);
    assert(p->lent > 0);
    p->lent--;
    g_ptr_array_add(p->idle, ix);
    g_mutex_unlock(&p->lock);
}

void
reader_pool_free(reader_pool *p)
{
    guint i;

    if (!p)
        return;
    assert(p->lent == 0);
    for (i = 0; i < p->idle->len; i++)
        ghs_index_close(g_ptr_array_index(p->idle, i));
    g_ptr_array_free(p->idle, TRUE);
    g_mutex_clear(&p->lock);
    g_free(p->db);
    g_free(p);
}
