/*
 * interrupt.c: Ctrl-C during a long command (index, fetch). The first
 * Ctrl-C sets a flag the command's progress callback returns, so the
 * library stops at the next file or URL with everything before it kept;
 * the second one is the default action (exit).
 */
#include <signal.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t interrupted;
static struct sigaction previous;

static void
on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
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
}

int
cli_interrupted(void)
{
    return interrupted != 0;
}
