/*
 * lock.h: naming the process that holds an index's writer lock. Not part
 * of the public API.
 *
 * Xapian's lock (the database's flintlock file) decides who may write;
 * these functions only leave and read a note, GHS_PID_FILE inside the
 * database directory, so that a second writer can say "locked by PID n".
 * The note never locks anything: a stale one (its process gone) is
 * ignored, and a missing one gives a message without a PID.
 */
#ifndef GHS_INDEXER_LOCK_H
#define GHS_INDEXER_LOCK_H

#define GHS_PID_FILE "ghsearch.pid"

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
