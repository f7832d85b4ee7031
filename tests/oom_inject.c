/*
 * oom_inject.c: the allocation-failure injector of oom_inject.h. The
 * allocator entry points below replace the process's (they are defined in
 * the executable); each asks should_fail() about its caller and otherwise
 * forwards to the allocator it replaces. Nothing here may allocate through
 * malloc while deciding. The counters are atomics in a shared anonymous
 * mapping: the indexer's threads allocate, and so do the processes it
 * forks (a first run's writers), which count and fail in the same series.
 */
#include "oom_inject.h"

#include <dlfcn.h>
#include <errno.h>
#include <glib.h>
#include <link.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;

/* dlsym may allocate while the real functions are being looked up: those
 * few blocks come from here and are never given back. */
static _Alignas(max_align_t) char boot_arena[8192];
static atomic_size_t boot_used;
static _Thread_local int resolving;

static void *boot_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    size_t at = atomic_fetch_add(&boot_used, n);
    if (at + n > sizeof boot_arena)
        return NULL;
    return boot_arena + at;   /* static storage: already zero, as calloc's must be */
}

static int is_boot(const void *p)
{
    return (const char *)p >= boot_arena && (const char *)p < boot_arena + sizeof boot_arena;
}

static void resolve(void)
{
    if (real_free)
        return;
    resolving = 1;
    /* POSIX's way to turn dlsym's void * into a function pointer. */
    void *p;
    p = dlsym(RTLD_NEXT, "malloc");
    memcpy(&real_malloc, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "calloc");
    memcpy(&real_calloc, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "realloc");
    memcpy(&real_realloc, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "free");
    memcpy(&real_free, &p, sizeof p);
    resolving = 0;
}

__attribute__((constructor(101))) static void resolve_early(void)
{
    resolve();
}

/* ------------------------------------------------------------ deciding */

#define MAX_RANGES 8
static uintptr_t range_lo[MAX_RANGES], range_hi[MAX_RANGES];
static int n_ranges;
static uintptr_t lib_base;      /* load address of libghsearch.so */
static char lib_path[4096];

#define MAX_SITES 1024   /* a power of two */

/* Shared with every process forked after oom_init. */
typedef struct {
    atomic_int armed;
    atomic_long calls, fired, target_n;
    _Atomic uintptr_t target_site, fired_site;
    _Atomic uintptr_t site_pc[MAX_SITES];
    atomic_long site_calls[MAX_SITES];
} shared_state;

static shared_state *st;   /* NULL until oom_init */

static int in_lib(uintptr_t pc)
{
    for (int i = 0; i < n_ranges; i++)
        if (pc >= range_lo[i] && pc < range_hi[i])
            return 1;
    return 0;
}

/* The slot of site pc in the open-addressed table, claimed when new. */
static long bump_site(uintptr_t pc)
{
    size_t h = (size_t)(pc * 0x9E3779B97F4A7C15u) >> 7;
    for (size_t probe = 0; probe < MAX_SITES; probe++) {
        size_t i = (h + probe) & (MAX_SITES - 1);
        uintptr_t cur = atomic_load(&st->site_pc[i]);
        if (cur == 0) {
            uintptr_t zero = 0;
            if (atomic_compare_exchange_strong(&st->site_pc[i], &zero, pc) || zero == pc)
                return atomic_fetch_add(&st->site_calls[i], 1) + 1;
            continue;
        }
        if (cur == pc)
            return atomic_fetch_add(&st->site_calls[i], 1) + 1;
    }
    return 0;   /* table full: counted globally only */
}

/* Whether the allocation whose caller returns to ret is to fail now. */
static int should_fail(void *ret)
{
    if (!st || !atomic_load_explicit(&st->armed, memory_order_relaxed))
        return 0;
    uintptr_t pc = (uintptr_t)ret;
    if (!in_lib(pc))
        return 0;
    long total = atomic_fetch_add(&st->calls, 1) + 1;
    long at_site = bump_site(pc);
    long n = atomic_load(&st->target_n);
    if (n <= 0)
        return 0;
    uintptr_t site = atomic_load(&st->target_site);
    if (site ? (pc != site || at_site != n) : total != n)
        return 0;
    atomic_fetch_add(&st->fired, 1);
    atomic_store(&st->fired_site, pc);
    if (getenv("GHS_FAULT_TRAP"))
        __builtin_trap();   /* to look at the failing call in a debugger */
    return 1;
}

/* ------------------------------------------------------------ the allocator */

#define CALLER __builtin_return_address(0)
/* The project builds with -fvisibility=hidden; these must be seen by
 * every shared object to replace the allocator. */
#define EXPORT __attribute__((visibility("default")))

EXPORT void *malloc(size_t n)
{
    if (!real_malloc) {
        if (resolving)
            return boot_alloc(n);
        resolve();
    }
    if (should_fail(CALLER)) {
        errno = ENOMEM;
        return NULL;
    }
    return real_malloc(n);
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (!real_calloc) {
        if (resolving)
            return n && size > sizeof boot_arena / n ? NULL : boot_alloc(n * size);
        resolve();
    }
    if (should_fail(CALLER)) {
        errno = ENOMEM;
        return NULL;
    }
    return real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t n)
{
    if (!real_realloc) {
        if (resolving)
            return p ? NULL : boot_alloc(n);
        resolve();
    }
    if (p && is_boot(p)) {
        /* A boot block grows into a real one (its size is not kept: copy
         * what can have been written, bounded by the arena). */
        void *q = real_malloc(n);
        if (q)
            memcpy(q, p, n < (size_t)(boot_arena + sizeof boot_arena - (char *)p)
                             ? n : (size_t)(boot_arena + sizeof boot_arena - (char *)p));
        return q;
    }
    if (n > 0 && should_fail(CALLER)) {
        errno = ENOMEM;
        return NULL;   /* the old block stays as it was */
    }
    return real_realloc(p, n);
}

EXPORT void free(void *p)
{
    if (!p || is_boot(p))
        return;
    if (!real_free)
        resolve();
    real_free(p);
}

EXPORT char *strdup(const char *s)
{
    if (!real_malloc)
        resolve();
    if (should_fail(CALLER)) {
        errno = ENOMEM;
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *d = real_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

EXPORT char *strndup(const char *s, size_t max)
{
    if (!real_malloc)
        resolve();
    if (should_fail(CALLER)) {
        errno = ENOMEM;
        return NULL;
    }
    size_t n = strnlen(s, max);
    char *d = real_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ------------------------------------------------------------ the API */

typedef struct {
    uintptr_t sym;
    int found;
} find_ctx;

static int find_object(struct dl_phdr_info *info, size_t size, void *user)
{
    (void)size;
    find_ctx *c = user;
    int holds = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && c->sym >= lo && c->sym < lo + ph->p_memsz)
            holds = 1;
    }
    if (!holds)
        return 0;
    n_ranges = 0;
    for (int i = 0; i < info->dlpi_phnum && n_ranges < MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        range_lo[n_ranges] = info->dlpi_addr + ph->p_vaddr;
        range_hi[n_ranges] = range_lo[n_ranges] + ph->p_memsz;
        n_ranges++;
    }
    c->found = 1;
    return 1;
}

int oom_init(void (*lib_fn)(void), const char **why)
{
    void *lib_symbol = (void *)(uintptr_t)lib_fn;
    const char *preload = getenv("LD_PRELOAD");
    if (preload && strstr(preload, "vgpreload")) {
        /* Valgrind redirects malloc, calloc and realloc even where the
         * executable defines them: they would never fail. */
        *why = "under valgrind, which replaces the allocator in the executable too";
        return 0;
    }
    resolve();
    if (!real_malloc || !real_calloc || !real_realloc || !real_free) {
        *why = "the allocator to forward to was not found (dlsym RTLD_NEXT)";
        return 0;
    }
    Dl_info di;
    if (!dladdr(lib_symbol, &di) || !di.dli_fname) {
        *why = "dladdr does not know the address of a libghsearch function";
        return 0;
    }
    Dl_info self;
    if (dladdr((void *)(uintptr_t)oom_init, &self) && self.dli_fbase == di.dli_fbase) {
        *why = "libghsearch is linked into the test executable, not a shared object of its own";
        return 0;
    }
    if (!strstr(di.dli_fname, "libghsearch")) {
        *why = "the exported symbol resolves outside libghsearch.so";
        return 0;
    }
    find_ctx c = { (uintptr_t)lib_symbol, 0 };
    dl_iterate_phdr(find_object, &c);
    if (!c.found || n_ranges == 0) {
        *why = "the code segments of libghsearch.so were not found";
        return 0;
    }
    void *mem = mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                     -1, 0);
    if (mem == MAP_FAILED) {
        *why = "no shared memory for the counters (mmap)";
        return 0;
    }
    lib_base = (uintptr_t)di.dli_fbase;
    g_strlcpy(lib_path, di.dli_fname, sizeof lib_path);
    st = mem;   /* zeroed: not armed */
    return 1;
}

void oom_arm(uintptr_t site, long n)
{
    atomic_store(&st->armed, 0);
    for (size_t i = 0; i < MAX_SITES; i++) {
        atomic_store(&st->site_pc[i], 0);
        atomic_store(&st->site_calls[i], 0);
    }
    atomic_store(&st->calls, 0);
    atomic_store(&st->fired, 0);
    atomic_store(&st->fired_site, 0);
    atomic_store(&st->target_site, site);
    atomic_store(&st->target_n, n);
    atomic_store(&st->armed, 1);
}

void oom_disarm(void)
{
    atomic_store(&st->armed, 0);
}

long oom_calls(void)
{
    return atomic_load(&st->calls);
}

long oom_fired(void)
{
    return atomic_load(&st->fired);
}

uintptr_t oom_fired_site(void)
{
    return atomic_load(&st->fired_site);
}

size_t oom_sites(oom_site_count *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < MAX_SITES; i++) {
        uintptr_t pc = atomic_load(&st->site_pc[i]);
        if (!pc)
            continue;
        if (n < max) {
            out[n].site = pc;
            out[n].calls = atomic_load(&st->site_calls[i]);
        }
        n++;
    }
    return n;
}

uintptr_t oom_site_offset(uintptr_t site)
{
    return site - lib_base;
}

uintptr_t oom_site_from_offset(uintptr_t off)
{
    return lib_base + off;
}

char *oom_site_name(uintptr_t site)
{
    /* The return address is the instruction after the call: ask about
     * the byte before it, the call itself. */
    char *off = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", (guint64)(oom_site_offset(site) - 1));
    char *argv[] = { "addr2line", "-f", "-i", "-s", "-C", "-e", lib_path, off, NULL };
    char *out = NULL;
    int status = 0;
    GString *name = g_string_new(NULL);
    if (g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                     NULL, &out, NULL, &status, NULL) &&
        g_spawn_check_wait_status(status, NULL) && out && out[0] != '?') {
        /* Lines come in pairs, function then file:line, innermost first:
         * "f file.c:12 in g file.c:40". */
        char **lines = g_strsplit(g_strstrip(out), "\n", -1);
        for (size_t i = 0; lines[i] && lines[i + 1]; i += 2)
            g_string_append_printf(name, "%s%s %s", i ? " in " : "", lines[i], lines[i + 1]);
        g_strfreev(lines);
    }
    g_string_append_printf(name, "%s(+0x%" G_GINT64_MODIFIER "x)", name->len ? " " : "",
                           (guint64)oom_site_offset(site));
    g_free(out);
    g_free(off);
    return g_string_free(name, FALSE);
}
