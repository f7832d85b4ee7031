/*
 * cmd_index.c: `ghsearch index`: opens the index for writing, loads the
 * manifest, hands the paths to ghs_index_add_paths and reports: a progress
 * line on a terminal (between files from each file's event, inside a large
 * file from the library's file progress), one line per file that could not
 * be read, a summary.
 *
 * Ctrl-C stops the run within a second, inside a file too; the library
 * commits what was done, so the index stays consistent (a second Ctrl-C
 * kills at once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cli.h"

enum { OPT_DB = 1, OPT_MANIFEST, OPT_SHARD, OPT_PRUNE, OPT_CACHE, OPT_BATCH, OPT_JOBS };

static const cli_opt index_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index, created when missing (default: $GHSEARCH_DB, "
      "else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "manifest", "FILE", OPT_MANIFEST, 0, "corpus manifest (TSV: id, file, url, title, "
      "publisher, date, lang, type) whose metadata wins over the files'",
      CLI_COMPLETE_FILE, NULL },
    { "cache", "DIR", OPT_CACHE, 0, "where 'ghsearch fetch' stored linked documents "
      "(default: $GHSEARCH_CACHE, else ./ghsearch-cache)", CLI_COMPLETE_DIR, NULL },
    { "shard", "K/N", OPT_SHARD, 0, "write only the documents of shard K of N "
      "(0 <= K < N): those whose id (manifest id, record id, else file name) has FNV-1a "
      "hash % N == K; the others count as unchanged. N runs give N databases that a "
      "Xapian stub file (lines \"auto DIR\", \"remote HOST:PORT\") joins",
      CLI_COMPLETE_NONE, NULL },
    { "batch", "N", OPT_BATCH, 0, "commit every N passages, also inside a large JSON "
      "Lines file (default: $GHSEARCH_COMMIT_EVERY, else 20000); a run killed loses at "
      "most one batch, and the next run redoes the files not finished",
      CLI_COMPLETE_NONE, NULL },
    { "jobs", "N", OPT_JOBS, 0, "writers on a first run into an empty index (default 0: "
      "one per core, at most 8): each writes the documents of its share into a database "
      "of its own, and these are merged into the index by Xapian's compaction; the index "
      "searches the same as with one writer (--jobs 1). A run into an index that holds "
      "passages uses one writer", CLI_COMPLETE_NONE, NULL },
    { "prune", NULL, OPT_PRUNE, 0, "also remove the documents of files under PATH that no "
      "longer exist", CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

typedef struct progress {
    int tty;               /* draw the progress line (stderr is a terminal) */
    int drawn;             /* a progress line is on screen */
    gint64 t0, last_draw;  /* monotonic microseconds */
    size_t pages, records, passages, text_bytes;   /* of the files done */
    size_t files_done, files_total;
    char *last_path;       /* the file done last */
    int in_file;           /* work (below) is of a file still in work */
    ghs_file_progress work;
    char *work_path;
    const char *reason[16];  /* distinct failure reasons (ghs_error_reason) */
    size_t n_reason[16];     /* files failed for each */
} progress;

/* Count a failed file under its reason. */
static void
count_failure(progress *p, const ghs_error *err)
{
    const char *why = ghs_error_reason(err);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(p->reason) && p->reason[i]; i++)
        if (strcmp(p->reason[i], why) == 0)
            break;
    if (i == G_N_ELEMENTS(p->reason))
        i--;   /* cannot happen: fewer reasons exist; count them as the last */
    p->reason[i] = p->reason[i] ? p->reason[i] : why;
    p->n_reason[i]++;
}

/* ": 66 no text, 9 encrypted, ..." (most frequent first), or "". */
static char *
failure_breakdown(const progress *p)
{
    GString *s = g_string_new(NULL);
    int done[G_N_ELEMENTS(p->reason)] = {0};
    size_t k, i;

    for (k = 0; k < G_N_ELEMENTS(p->reason); k++) {
        size_t best = G_N_ELEMENTS(p->reason);

        for (i = 0; i < G_N_ELEMENTS(p->reason) && p->reason[i]; i++)
            if (!done[i] && (best == G_N_ELEMENTS(p->reason) ||
                             p->n_reason[i] > p->n_reason[best]))
                best = i;
        if (best == G_N_ELEMENTS(p->reason))
            break;
        done[best] = 1;
        g_string_append_printf(s, "%s %zu %s", k ? "," : ":", p->n_reason[best],
                               p->reason[best]);
    }
    return g_string_free(s, FALSE);
}

static int
stderr_columns(void)
{
    struct winsize ws;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

static void
clear_line(progress *p)
{
    if (p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = 0;
}

/* Append at most max_cols display columns of s, without control characters. */
static void
append_fitted(GString *out, const char *s, int max_cols)
{
    const char *q;
    int cols = 0;

    for (q = s; *q && g_utf8_validate(q, -1, NULL); q = g_utf8_next_char(q)) {
        gunichar c = g_utf8_get_char(q);
        int w = g_unichar_iswide(c) ? 2 : 1;

        if (cols + w > max_cols)
            break;
        g_string_append_unichar(out, g_unichar_iscntrl(c) ? '?' : c);
        cols += w;
    }
}

/* "1.2 MB/s" or "350 kB/s": never "0.0 MB/s" for text that comes slowly. */
static void
append_text_rate(GString *line, double bytes_per_s)
{
    if (bytes_per_s >= 1e5)
        g_string_append_printf(line, "%.1f MB/s", bytes_per_s / 1e6);
    else
        g_string_append_printf(line, "%.0f kB/s", bytes_per_s / 1e3);
}

/* "12.5 pages/s" below 100 a second, "350 records/s" above. */
static void
append_rate(GString *line, double per_s, const char *what)
{
    g_string_append_printf(line, per_s < 100 ? "%.1f %s/s" : "%.0f %s/s", per_s, what);
}

/* "0:07", "12:30", "1:02:03". */
static void
append_duration(GString *line, double secs)
{
    unsigned long s = secs > 0 ? (unsigned long)(secs + 0.5) : 0;

    if (s >= 3600)
        g_string_append_printf(line, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    else
        g_string_append_printf(line, "%lu:%02lu", s / 60, s % 60);
}

/* The figures of the run between files: the files done, their pages or
 * records and the rate of each, passages, text. */
static void
append_run_figures(GString *line, const progress *p, double secs)
{
    if (p->pages || !p->records) {
        g_string_append_printf(line, ", %zu page%s", p->pages, p->pages == 1 ? "" : "s");
        if (p->pages && secs > 0) {
            g_string_append(line, " (");
            append_rate(line, (double)p->pages / secs, "pages");
            g_string_append(line, ")");
        }
    }
    if (p->records) {
        g_string_append_printf(line, ", %zu record%s", p->records, p->records == 1 ? "" : "s");
        if (secs > 0) {
            g_string_append(line, " (");
            append_rate(line, (double)p->records / secs, "records");
            g_string_append(line, ")");
        }
    }
    g_string_append_printf(line, ", %zu passage%s, ", p->passages,
                           p->passages == 1 ? "" : "s");
    append_text_rate(line, secs > 0 ? (double)p->text_bytes / secs : 0.0);
}

/* The figures of the file in work: where it is, how fast, how long yet. */
static void
append_file_figures(GString *line, const ghs_file_progress *w)
{
    if (w->phase == GHS_WORK_EXTRACTING) {
        g_string_append(line, ", extracting the text (");
        append_duration(line, w->seconds);
        g_string_append(line, ")");
        return;
    }
    if (w->records || !w->pages_total) {
        g_string_append_printf(line, ", %zu record%s", w->records, w->records == 1 ? "" : "s");
        if (w->bytes_total > 0)
            g_string_append_printf(line, " (%d%%)",
                                   (int)(100.0 * (double)w->bytes_read / (double)w->bytes_total));
        g_string_append(line, ", ");
        append_rate(line, w->rate, "records");
    } else {
        g_string_append_printf(line, ", page %zu/%zu, ", w->pages, w->pages_total);
        append_rate(line, w->rate, "pages");
    }
    g_string_append(line, ", ");
    append_text_rate(line, w->text_rate);
    if (w->eta >= 0) {
        g_string_append(line, ", ETA ");
        append_duration(line, w->eta);
    }
}

/* Redraw the progress line: the file in work when there is one, else the
 * run so far. final: a file just ended the run's list (always drawn). */
static void
draw(progress *p, int final)
{
    gint64 now = g_get_monotonic_time();
    double secs = (double)(now - p->t0) / G_USEC_PER_SEC;
    const char *path = p->in_file ? p->work_path : p->last_path;
    GString *line;
    int room;
    char *base;

    /* nothing after Ctrl-C: the "stopping" line stays the last word */
    if (cli_interrupted())
        return;
    /* at most ten redraws a second, but always the last one */
    if (p->drawn && now - p->last_draw < G_USEC_PER_SEC / 10 && !final)
        return;
    p->last_draw = now;
    line = g_string_new("\r\033[K");
    g_string_append_printf(line, "indexing %zu/%zu files", p->files_done, p->files_total);
    if (p->in_file)
        append_file_figures(line, &p->work);
    else
        append_run_figures(line, p, secs);
    /* the name of the file, cut so the line never wraps */
    room = stderr_columns() - 1 - (int)(line->len - 4) - 2;
    if (path && room > 8) {
        base = g_path_get_basename(path);
        g_string_append(line, ": ");
        append_fitted(line, base, room);
        g_free(base);
    }
    fputs(line->str, stderr);
    fflush(stderr);
    g_string_free(line, TRUE);
    p->drawn = 1;
}

/* Inside a large file (ghs_index_set_file_progress): on the terminal only. */
static void
on_file_progress(const ghs_file_progress *w, void *user)
{
    progress *p = user;

    if (!p->tty)
        return;
    p->work = *w;
    g_free(p->work_path);
    p->work_path = g_strdup(w->path);
    p->work.path = p->work_path;
    p->in_file = 1;
    p->files_done = w->files_done;
    p->files_total = w->files_total;
    draw(p, 0);
}

static int
on_file(const ghs_file_event *ev, void *user)
{
    progress *p = user;
    const ghs_add_report *r = ev->report;

    if (r && r->status != GHS_ADD_FAILED) {
        p->pages += r->pages;
        p->records += r->records;
        p->passages += r->passages;
        p->text_bytes += r->text_bytes;
    }
    if (ev->error) {
        clear_line(p);
        if (!r || r->status == GHS_ADD_FAILED) {
            char *why = cli_message(ev->error, 1);   /* the line names the file */
            fprintf(stderr, "ghsearch: skipped %s: %s\n", ev->path, why);
            g_free(why);
            count_failure(p, ev->error);
        } else {
            char *why = cli_message(ev->error, 0);   /* the first bad line, with its number */
            fprintf(stderr, "ghsearch: warning: %s: %zu bad record%s skipped, the first: %s\n",
                    ev->path, r->skipped, r->skipped == 1 ? "" : "s", why);
            g_free(why);
        }
    }
    if (p->tty) {
        p->files_done = ev->files_done;
        p->files_total = ev->files_total;
        g_free(p->last_path);
        p->last_path = g_strdup(ev->path);
        p->in_file = 0;
        draw(p, ev->files_done >= ev->files_total);
    }
    return cli_interrupted();
}

/* Asked by the library while it works, also inside a large file (a few
 * times a second at least). */
static int
stop_requested(void *user)
{
    (void)user;
    return cli_interrupted();
}

static int
report_open_error(const char *db, const ghs_error *err)
{
    const char *by = strstr(err->message, "locked by PID ");
    long pid = by ? atol(by + strlen("locked by PID ")) : 0;

    if (err->code == GHS_ELOCKED && pid > 0)
        fprintf(stderr, "ghsearch: the index at %s is locked by PID %ld "
                "(another 'ghsearch index' is writing to it)\n", db, pid);
    else if (err->code == GHS_ELOCKED)
        fprintf(stderr, "ghsearch: the index at %s is locked by another writer "
                "(is another 'ghsearch index' running?)\n", db);
    else
        cli_report_error(err);
    return CLI_EXIT_FAIL;
}

/* The run's summary on stdout: "indexed N files (...): ... in S s";
 * "... before the error" when the run failed part-way (what it names was
 * read; what was committed of it is kept, and a re-run goes on). */
static void
print_summary(const ghs_index_totals *t, const size_t *removed, const progress *prog,
              int failed)
{
    double secs = (double)(g_get_monotonic_time() - prog->t0) / G_USEC_PER_SEC;
    double mb = (double)t->text_bytes / 1e6;
    char *why = failure_breakdown(prog);
    size_t files = t->files_added + t->files_updated + t->files_unchanged;

    printf("%s %zu file%s%s (%zu added, %zu updated, %zu unchanged, ",
           failed ? "read" : "indexed", files, files == 1 ? "" : "s",
           failed ? " before the error" : "", t->files_added,
           t->files_updated, t->files_unchanged);
    if (removed)
        printf("%zu removed, ", *removed);
    printf("%zu failed%s): %zu page%s, ", t->files_failed, why, t->pages,
           t->pages == 1 ? "" : "s");
    if (t->records > 0)
        printf("%zu record%s, ", t->records, t->records == 1 ? "" : "s");
    printf("%zu passage%s, %.*f MB of text in %.1f s\n", t->passages,
           t->passages == 1 ? "" : "s", mb < 1 ? 2 : 1, mb, secs);
    g_free(why);
}

static int
run_index(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = cli_default_db(), *manifest = NULL, *shard = NULL, *cache = NULL;
    const char *batch = NULL, *jobs = NULL;
    guint64 batch_n = 0, jobs_n = 0;
    unsigned shard_k = 0, shard_n = 0;
    int prune = 0;
    size_t removed = 0;
    ghs_index *ix = NULL;
    ghs_index_totals t = {0};
    ghs_error err = {0};
    progress prog = {0};
    guint i;
    int rc;

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len; i++) {
        const char *v = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = v; break;
        case OPT_MANIFEST: manifest = v; break;
        case OPT_SHARD: shard = v; break;
        case OPT_PRUNE: prune = 1; break;
        case OPT_CACHE: cache = v; break;
        case OPT_BATCH: batch = v; break;
        case OPT_JOBS: jobs = v; break;
        }
    }
    if (shard) {
        char tail = 0;

        if (sscanf(shard, "%u/%u%c", &shard_k, &shard_n, &tail) != 2 || shard_n == 0 ||
            shard_k >= shard_n || shard[0] == '-' || strchr(shard, '/')[1] == '-') {
            cli_parsed_clear(&p);
            return cli_usage_error(cmd, "--shard takes K/N with 0 <= K < N (e.g. 0/2)");
        }
    }
    if (batch && (!g_ascii_string_to_unsigned(batch, 10, 1, G_MAXSIZE, &batch_n, NULL))) {
        cli_parsed_clear(&p);
        return cli_usage_error(cmd, "--batch takes a number of passages, 1 or more");
    }
    if (jobs && (!g_ascii_string_to_unsigned(jobs, 10, 0, 64, &jobs_n, NULL))) {
        cli_parsed_clear(&p);
        return cli_usage_error(cmd, "--jobs takes a number of writers, 0 (one per core) to 64");
    }
    if (p.positional->len == 0) {
        cli_parsed_clear(&p);
        return cli_usage_error(cmd, "missing PATH (files or directories to index)");
    }

    prog.tty = isatty(STDERR_FILENO);
    prog.t0 = g_get_monotonic_time();
    if (ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err) < 0) {
        cli_parsed_clear(&p);
        return report_open_error(db, &err);
    }
    if (jobs)
        ghs_index_set_jobs(ix, (unsigned)jobs_n);
    if ((manifest && ghs_index_set_manifest(ix, manifest, &err) < 0) ||
        (batch && ghs_index_set_batch(ix, (size_t)batch_n, &err) < 0) ||
        (shard && ghs_index_set_shard(ix, shard_k, shard_n, &err) < 0) ||
        (cache && ghs_index_set_cache(ix, cache, &err) < 0)) {
        cli_report_error(&err);
        ghs_index_close(ix);
        cli_parsed_clear(&p);
        return CLI_EXIT_FAIL;
    }

    /* Files that are gone go first, so a file moved within the paths gets
     * back its old document id. */
    if (prune && ghs_index_prune(ix, (const char *const *)p.positional->pdata,
                                 p.positional->len, &removed, &err) < 0) {
        cli_report_error(&err);
        ghs_index_close(ix);
        cli_parsed_clear(&p);
        return CLI_EXIT_FAIL;
    }

    cli_sigint_catch();
    if (prog.tty)
        cli_sigint_say("\r\033[Kghsearch: stopping… (what is done is kept; "
                       "Ctrl-C again quits at once)\n");
    ghs_index_set_stop(ix, stop_requested, NULL);
    ghs_index_set_file_progress(ix, on_file_progress, &prog);

    rc = ghs_index_add_paths(ix, (const char *const *)p.positional->pdata,
                             p.positional->len, on_file, &prog, &t, &err);
    if (!cli_interrupted())
        clear_line(&prog);
    cli_sigint_release();
    g_free(prog.last_path);
    g_free(prog.work_path);
    cli_parsed_clear(&p);
    if (rc == GHS_ESTOPPED)
        rc = 0;   /* Ctrl-C inside a large file: the summary, then exit 130 below */
    if (rc < 0) {
        if (err.code == GHS_ELOCKED) {
            report_open_error(db, &err);
        } else {
            if (t.files_added + t.files_updated + t.files_unchanged + t.files_failed +
                t.passages > 0)
                print_summary(&t, prune ? &removed : NULL, &prog, 1);
            cli_report_error(&err);
        }
        ghs_index_close(ix);
        return CLI_EXIT_FAIL;
    }
    ghs_index_close(ix);

    print_summary(&t, prune ? &removed : NULL, &prog, 0);
    if (t.links > 0)
        printf("links of releases: %zu (%zu indexed, %zu missing, %zu failed, "
               "%zu not-a-document); 'ghsearch links DOC' lists them\n", t.links,
               t.links_indexed, t.links_missing, t.links_failed, t.links_not_document);
    if (cli_interrupted() &&
        t.files_added + t.files_updated + t.files_unchanged + t.files_failed < t.files_seen) {
        fprintf(stderr, "ghsearch: interrupted; what was done is committed: run the same "
                "command again to go on\n");
        return CLI_EXIT_INTERRUPTED;
    }
    if (t.files_seen == 0) {
        fprintf(stderr, "ghsearch: no indexable files found "
                "(.pdf, .html, .htm, .txt, .jsonl) in the given paths\n");
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_index = {
    .name = "index",
    .operands = "PATH...",
    .summary = "add files and directories to the index",
    .help =
    "Index files and directories (walked recursively, hidden entries skipped):\n"
    "PDFs (.pdf), releases (.html, .htm, .txt) and JSON Lines records (.jsonl:\n"
    "{\"id\",\"title\",\"text\",\"lang\",\"url\",\"date\",\"publisher\"} a line).\n"
    "Files already indexed are updated when they changed and left alone when\n"
    "they did not, so running the same command again is cheap.\n",
    .opts = index_opts,
    .notes =
    "Memory stays bounded whatever the size of the files: JSON Lines files are\n"
    "read a record at a time (analyzed on a second thread while the first\n"
    "writes), and Xapian writes its postings out every\n"
    "$XAPIAN_FLUSH_THRESHOLD documents (1000 unless set).\n"
    "\n"
    "On a terminal a progress line is shown on stderr (nothing in a pipe),\n"
    "redrawn a few times a second, inside a large file too: between files the\n"
    "files done, pages and pages/s, records and records/s, passages, MB/s of\n"
    "text; inside a JSON Lines file the records written, the share of the\n"
    "file read, records/s, MB/s and an ETA; inside a PDF \"extracting the\n"
    "text\", then page N/M, pages/s, MB/s and an ETA. Each file that cannot\n"
    "be read gets a line \"ghsearch: skipped PATH: REASON\" on stderr, and the\n"
    "run goes on. The summary goes to stdout:\n"
    "  indexed N files (A added, U updated, S unchanged, F failed): P pages,\n"
    "  Q passages, X MB of text in T s\n"
    "with \"R removed, \" before the failures under --prune, and after F the\n"
    "failures by reason (\"84 failed: 66 no text, 9 encrypted\"). A file is\n"
    "unchanged when its size and modification time are, or else its SHA-256.\n"
    "\n"
    "Ctrl-C stops the run within a second, inside a file too (\"stopping…\" at\n"
    "once): a PDF being extracted is dropped, a long document being written\n"
    "is cancelled (the index keeps its old version), a JSON Lines file keeps\n"
    "the records written; the next run does the file again or goes on after\n"
    "them. A second Ctrl-C quits at once (the index still opens).\n"
    "\n"
    "When writing the index fails part-way (a full disk), the summary says\n"
    "\"read N files before the error\", the error names the index, and what\n"
    "was committed before is kept: the same command, once there is room,\n"
    "goes on from there.\n"
    "Exit 0 when the index is consistent, even if files were skipped or\n"
    "Ctrl-C came after the last file; 1 when nothing could be done (missing\n"
    "path, locked index, no indexable file) or writing failed; 130 after\n"
    "Ctrl-C with work left undone (what was done is committed).\n",
    .operand_complete = CLI_COMPLETE_FILE,
    .run = run_index,
};
