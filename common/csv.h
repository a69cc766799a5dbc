/*
 * csv: a CSV reader with the row callback and limits of common/sheet.h, for
 * the lead import (issue 14).  What Polish spreadsheet users save:
 *   - UTF-8 with or without a BOM, or Windows-1250 (Excel's "CSV" in a
 *     Polish Windows): a file that is valid UTF-8 is read as UTF-8, any
 *     other as Windows-1250, converted to UTF-8 with our own table (no
 *     iconv, whose names and availability differ between libcs);
 *   - ';' (Excel's choice where ',' is the decimal mark) or ',' as the
 *     separator: the one that occurs more often outside quotes in the first
 *     line wins, ';' on a tie, ',' when neither occurs (one column);
 *   - RFC 4180 quoting ("" is a quote inside a quoted cell, which may hold
 *     separators and line breaks), CRLF, LF or lone CR line ends.
 * Blank lines are skipped and do not count as rows.  A quoted cell followed
 * by anything but a separator or a line end, an unterminated quote or a NUL
 * byte make the file broken (SHEET_FORMAT).
 */
#ifndef IZZY_CSV_H
#define IZZY_CSV_H

#include <stddef.h>

#include "sheet.h"

/*
 * Reads buf (len bytes, not NUL-terminated) and calls fn once per row.
 * lim may be NULL (all defaults).  On anything but SHEET_OK, *why (when why
 * is not NULL) is a static Polish sentence for the user.  Logs nothing;
 * allocates and frees its own buffers (SHEET_NOMEM when it cannot).
 */
enum sheet_status csv_read(const void *buf, size_t len, const struct sheet_limits *lim,
    sheet_row_fn fn, void *ctx, const char **why);

/* The separator csv_read would use for this file (';' or ','), for tests and the UI. */
char csv_separator(const void *buf, size_t len);

#endif /* IZZY_CSV_H */
