/*
 * oom_inject.h: allocation-failure injection for libghsearch's own
 * malloc/calloc/realloc/strdup/strndup checks (tests/test_oom.c only).
 *
 * oom_inject.c defines malloc, calloc, realloc, free, strdup and strndup in
 * the test executable, which puts them ahead of every shared object in
 * symbol lookup (the C library's, and AddressSanitizer's in an ASan build);
 * each forwards to the next definition (dlsym RTLD_NEXT). A call counts as
 * "ours" when its return address lies in an executable segment of
 * libghsearch.so, found once by oom_init from the address of an exported
 * symbol: calls made inside GLib (g_malloc aborts by design), ICU, poppler
 * or libstdc++ (Xapian's std::bad_alloc, covered by the binding's own
 * fault seam) are neither counted nor failed. The counters are shared with
 * the processes forked after oom_init (a first run's writers, the PDF
 * extractor, which makes no allocation of its own): the n-th own
 * allocation of the whole process tree fails.
 *
 * A "site" is one call instruction (its return address); oom_site_name
 * turns it into "function file:line" with addr2line when it can.
 */
#ifndef GHS_OOM_INJECT_H
#define GHS_OOM_INJECT_H

#include <stddef.h>
#include <stdint.h>

/* Finds libghsearch's code from the address of one of its exported
 * functions (lib_fn, any one, cast). Returns 1 when it can inject, 0 (with the reason
 * in why, static storage) when it cannot: libghsearch linked statically
 * into the executable, no forwarding allocator, or valgrind (which
 * redirects the executable's own malloc to its replacement). Under
 * AddressSanitizer it works: ASan's malloc is the one forwarded to. */
int oom_init(void (*lib_fn)(void), const char **why);

/* Counts own allocations from now on; the n-th own allocation (n > 0) of
 * site (0: of any site) fails with ENOMEM and NULL, once. n == 0 only
 * counts. Clears the counters and the per-site table. */
void oom_arm(uintptr_t site, long n);

/* Stops counting and failing; the counters keep their values. */
void oom_disarm(void);

/* Own allocations counted since oom_arm, and how many failed (0 or 1). */
long oom_calls(void);
long oom_fired(void);

/* The site of the allocation that failed (0 when none). */
uintptr_t oom_fired_site(void);

/* The sites seen since oom_arm and how many own allocations each made:
 * fills up to max entries, returns how many there are. */
typedef struct { uintptr_t site; long calls; } oom_site_count;
size_t oom_sites(oom_site_count *out, size_t max);

/* site as an offset into libghsearch.so ("+0x1a2b"), the form
 * GHS_FAULT_ONLY takes, and the inverse. */
uintptr_t oom_site_offset(uintptr_t site);
uintptr_t oom_site_from_offset(uintptr_t off);

/* "function file:line (+0xOFF)" of site, from addr2line when installed,
 * else "+0xOFF". A new string (g_free). */
char *oom_site_name(uintptr_t site);

#endif
