/*
 * interrupt.c: Ctrl-C during a long command (index, fetch). The first
 * Ctrl-C sets a flag the library asks often (ghs_index_set_stop) and the
 * command's progress callback returns, so the library stops within a
 * fraction of a second with everything done before kept; when the command
 * said so (cli_sigint_say) a line tells the user at once, since the
 * library may need a moment to commit. The second Ctrl-C is the default
 * action (exit).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t interrupted;
static struct sigaction previous;
static const char *say;   /* written by the handler (async-signal-safe) */
static size_t say_len;

static void
on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    if (say) {
        ssize_t w = write(STDERR_FILENO, say, say_len);
        (void)w;   /* nothing to do about a terminal that cannot be written */
    }
}

void
cli_sigint_say(const char *message)
{
    say = message;
    say_len = message ? strlen(message) : 0;
}

void
cli_sigint_catch(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;   /* the second Ctrl-C is the default: exit */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous);
}

void
cli_sigint_release(void)
{
    sigaction(SIGINT, &previous, NULL);
    say = NULL;
}

int
cli_interrupted(void)
{
    return interrupted != 0;
}
