/*
 * work.c: progress inside a file and the caller's stop while it is worked
 * on (contract in work.h).
 */
#include "work.h"

#include <string.h>

void ghs_work_begin(ghs_index *ix, ghs_work *w, const char *path, unsigned long long size,
                    ghs_work_phase phase)
{
    memset(w, 0, sizeof *w);
    w->p.path = path;
    w->p.phase = phase;
    w->p.bytes_total = size;
    w->p.files_done = ix->work_files_done;
    w->p.files_total = ix->work_files_total;
    w->t_file = w->t_phase = w->t_asked = g_get_monotonic_time();
    ix->work = w;
}

void ghs_work_set_phase(ghs_index *ix, ghs_work_phase phase, size_t pages_total)
{
    ghs_work *w = ix->work;
    if (!w)
        return;
    w->p.phase = phase;
    w->p.pages_total = pages_total;
    w->t_phase = g_get_monotonic_time();
}

void ghs_work_end(ghs_index *ix)
{
    ix->work = NULL;
}

void ghs_work_estimate(ghs_file_progress *p)
{
    double s = p->seconds;
    size_t units = p->records ? p->records : p->pages;
    p->rate = p->phase == GHS_WORK_WRITING && s > 0 ? (double)units / s : 0.0;
    p->text_rate = s > 0 ? (double)p->text_bytes / s : 0.0;
    p->eta = -1.0;
    /* Too early to say before half a second: the first records or pages
     * of a file are no guide to the rest. */
    if (p->phase != GHS_WORK_WRITING || s < 0.5)
        return;
    if (p->pages_total > 0 && p->pages > 0 && p->pages <= p->pages_total)
        p->eta = s * (double)(p->pages_total - p->pages) / (double)p->pages;
    else if (p->records > 0 && p->bytes_read > 0 && p->bytes_read <= p->bytes_total)
        p->eta = s * (double)(p->bytes_total - p->bytes_read) / (double)p->bytes_read;
}

int ghs_work_tick(ghs_index *ix)
{
    ghs_work *w = ix->work;
    if (!w)   /* outside a file: ask every time (it is rare) */
        return ix->stop_fn && ix->stop_fn(ix->stop_user);
    gint64 now = g_get_monotonic_time();
    if (ix->progress_fn &&
        now - w->t_file >= GHS_WORK_FIRST_US &&
        (w->t_reported == 0 || now - w->t_reported >= GHS_WORK_EVERY_US)) {
        w->t_reported = now;
        w->p.seconds = (double)(now - w->t_phase) / G_USEC_PER_SEC;
        ghs_work_estimate(&w->p);
        ix->progress_fn(&w->p, ix->progress_user);
    }
    if (!w->stop && ix->stop_fn && now - w->t_asked >= GHS_STOP_EVERY_US) {
        w->t_asked = now;
        w->stop = ix->stop_fn(ix->stop_user) != 0;
    }
    return w->stop;
}
