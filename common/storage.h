/*
 * storage: where uploaded documents live (spec/api.md §5.10, ARCHITECTURE.md
 * §6).  One small interface, two drivers chosen by UPLOAD_DRIVER:
 *
 *   disk  UPLOAD_DIR/<leadId>/<name>
 *   s3    s3://S3_BUCKET/leads/<leadId>/<name> (libcurl, SigV4, private bucket)
 *
 * An upload is spooled to UPLOAD_DIR/.tmp/ while it streams in (SHA-256
 * and size computed on the way), checked by the caller, then stored:
 *
 *   storage_begin -> storage_write... -> storage_store -> (row commits) -> storage_commit
 *
 * storage_store gives the object its final random name: for s3 it is
 * uploaded here; for disk the rename waits for storage_commit, after the
 * database row committed.  Until storage_commit succeeds, the arena's reset
 * removes the spool file and any stored object, so an interrupted or
 * rejected upload leaves nothing behind.  The client's file name is never
 * part of a path or key.
 */
#ifndef IZZY_STORAGE_H
#define IZZY_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct arena;
struct cfg_upload;

/* Seconds a pre-signed download URL stays valid. */
#define STORAGE_PRESIGN_SECONDS 300
/* The internal nginx location that serves UPLOAD_DIR (X-Accel-Redirect). */
#define STORAGE_ACCEL_PREFIX "/_protected_uploads/"

enum storage_err {
	STORAGE_OK,
	STORAGE_EIO,         /* local disk trouble (logged) */
	STORAGE_EUNAVAILABLE /* the S3 endpoint did not answer or refused (logged) */
};

struct storage_obj;

/* Process set-up: keeps cfg (not copied), creates UPLOAD_DIR/.tmp; -1 logged. */
int storage_init(const struct cfg_upload *);
const struct cfg_upload *storage_cfg(void);
const char *storage_provider(void); /* "disk" or "s3" */

/* A new spool file for lead_id; NULL (logged) on failure. */
struct storage_obj *storage_begin(struct arena *, const char *lead_id);
int storage_write(struct storage_obj *, const void *buf, size_t n);
/* Finishes the hash; the spool's path (for content sniffing), size and SHA-256. */
const char *storage_spool_path(const struct storage_obj *);
uint64_t storage_size(const struct storage_obj *);
const char *storage_sha256(struct storage_obj *);
/*
 * Names the object "<epoch-ms>-<12 hex><ext>" and, for s3, uploads it with
 * content_type.  Fills the Document's filePath and storageKey (arena
 * strings valid until the request ends).  Returns the error class.
 */
enum storage_err storage_store(struct storage_obj *, const char *ext, const char *content_type,
    const char **file_path, const char **storage_key);
/* After the row committed: disk renames the spool into place. -1 logged. */
int storage_commit(struct storage_obj *);

/*
 * The file name of a disk filePath "/uploads/<leadId>/<name>" if it is one
 * we could have written (cuid-shaped lead, name of [A-Za-z0-9._-] not
 * starting with a dot); NULL otherwise.
 */
const char *storage_disk_name(const char *file_path, const char *lead_id);

/*
 * "attachment; filename*=UTF-8''<pct-encoded>" with an ASCII fallback
 * filename="…" (controls, quotes, backslashes and non-ASCII replaced), for
 * Content-Disposition; the name is cut to its last path segment.
 */
char *storage_disposition(struct arena *, const char *original_name);

/*
 * A pre-signed GET URL for key (AWS Signature Version 4, query
 * parameters, UNSIGNED-PAYLOAD), valid `expires` seconds from `now`; with
 * disposition non-NULL it carries response-content-disposition.  NULL on
 * error (logged).  Uses the process configuration of storage_init.
 */
char *storage_presign(
    struct arena *, const char *key, const char *disposition, int64_t now, long expires);
/* The same, with an explicit configuration (unit tests). */
char *storage_presign_cfg(struct arena *, const struct cfg_upload *, const char *key,
    const char *disposition, int64_t now, long expires);

#endif
