/*
 * lock.h: the writer's own lock of an index, and naming the process that
 * holds it. Not part of the public API.
 *
 * Xapian's lock (the database's flintlock file) and ours (GHS_LOCK_FILE)
 * decide who may write. The other functions only leave and read a note,
 * GHS_PID_FILE inside the database directory, so that a second writer can
 * say "locked by PID n". The note never locks anything: a stale one (its
 * process gone) is ignored, and a missing one gives a message without a PID.
 */
#ifndef GHS_INDEXER_LOCK_H
#define GHS_INDEXER_LOCK_H

#define GHS_PID_FILE "ghsearch.pid"
#define GHS_LOCK_FILE "ghsearch.lock"

/* Take the writer's own lock of db_dir: flock(2) on db_dir/GHS_LOCK_FILE,
 * held (on the returned descriptor) for as long as the writer lives. Every
 * ghsearch writer takes it before Xapian's, because a writer closes its
 * Xapian handle for a moment while it installs a merged database
 * (merge.h): Xapian's lock alone would let another writer in then.
 * Returns the descriptor, or -1 with errno EWOULDBLOCK when another
 * writer (in this process or another) holds it, or another errno. */
int ghs_lock_take(const char *db_dir);

/* Release a lock from ghs_lock_take (-1 is a no-op). */
void ghs_lock_release(int fd);

/* Write this process's PID into db_dir/GHS_PID_FILE (atomically: a reader
 * sees the old note or the new one). Call only while holding the writer
 * lock. Failures are ignored: the note is for messages only. */
void ghs_lock_note(const char *db_dir);

/* Remove db_dir/GHS_PID_FILE if it names this process (a note another
 * writer left after ours is kept). */
void ghs_lock_forget(const char *db_dir);

/* The PID in db_dir/GHS_PID_FILE when that process is alive, else 0
 * (no note, unreadable, or the process has exited). */
long ghs_lock_holder(const char *db_dir);

#endif /* GHS_INDEXER_LOCK_H */
