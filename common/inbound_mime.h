/*
 * inbound_mime: a raw RFC 5322 message (as IMAP delivers it) parsed with
 * GMime into the parts the inbound procedure takes (inbound.h).  Every text
 * comes out as UTF-8: RFC 2047 headers are decoded, bodies are converted
 * from their declared charset (UTF-8, ISO-8859-2, Windows-1250, ...), and
 * undeclared 8-bit text is tried as UTF-8, then Windows-1250, ISO-8859-2.
 * Attachments are listed by name and decoded size, never opened.
 * Linked by bin/izzy-worker only (libizzy stays free of GMime).
 */
#ifndef IZZY_INBOUND_MIME_H
#define IZZY_INBOUND_MIME_H

#include <stddef.h>

#include "inbound.h"

struct arena;

/* Once per process, before the first parse. */
void inbound_mime_init(void);
/* Fills *m (strings in the arena, source and fallback_id left to the caller); -1 if unparsable. */
int inbound_mime_parse(struct arena *, const char *raw, size_t len, struct inbound_msg *m);

#endif
