/*
 * xlsx_read.h: the rows of the first worksheet of an XLSX file, streamed (issue 14).
 *
 * The file is opened from memory with libzip and its XML parts are parsed with expat as they
 * are inflated, in chunks: nothing goes to disk and only one row (plus the shared-string table)
 * is ever held.  The first sheet is the first <sheet> of xl/workbook.xml, followed through
 * xl/_rels/workbook.xml.rels (xl/worksheets/sheet1.xml only when the workbook lists none).
 *
 * Cells (delivered through the sheet_row_fn of sheet.h):
 *   - shared strings (rich-text runs concatenated, phonetic runs left out), inline strings and
 *     t="str" formula results are their text; a formula is never evaluated: a cell gets the
 *     value cached in its <v>, and a formula without one is "";
 *   - numbers are the text of <v> as stored ("12", "0.1", "1.5E+20"); a number in a date
 *     format (built-in formats 14-17 and 22, custom formats with d or y) becomes "YYYY-MM-DD",
 *     or "YYYY-MM-DD HH:MM" when the format shows the time too (1900 and 1904 date systems);
 *   - booleans are "TRUE" and "FALSE", error values their text ("#N/A").
 * Columns follow the cell references ("C7" is cells[2]); missing cells are "", trailing empty
 * cells are left out.  Rows follow their r attribute: the callback's row is the sheet's row
 * number minus one, so empty rows before a row with data are delivered with ncells 0 (the
 * importer's "row 12" is the user's row 12), and empty rows after the last one with data are
 * not delivered at all.
 *
 * Limits (against zip bombs and huge files), besides struct sheet_limits:
 *   - at most XLSX_MAX_ENTRIES entries in the archive;
 *   - each part read (workbook, relationships, styles, shared strings, the sheet) is refused
 *     when its declared size, or the bytes actually inflated, go past lim->max_bytes, and all
 *     of them together may not inflate to more than lim->max_bytes: reading stops at the limit
 *     whatever the zip header claims;
 *   - at most XLSX_MAX_STRINGS shared strings, each kept only up to lim->max_cell bytes (a longer
 *     one is an error when a cell uses it);
 *   - a row's number is at most lim->max_rows, a cell with data in column lim->max_cols or
 *     beyond is an error (empty, formatted cells out there are ignored), a cell's text at most
 *     lim->max_cell bytes;
 *   - XML nesting at most XLSX_MAX_DEPTH elements; any DOCTYPE is refused, so no entities
 *     (billion laughs) and no external entities or DTDs are ever loaded.
 */
#ifndef IZZY_XLSX_READ_H
#define IZZY_XLSX_READ_H

#include <stddef.h>

#include "common/sheet.h"

#define XLSX_MAX_ENTRIES 1000
#define XLSX_MAX_STRINGS 1000000
#define XLSX_MAX_DEPTH   64

/*
 * Reads the first worksheet of the XLSX file buf[0..len) and calls fn(ctx, ...) for each row.
 * lim may be NULL (all defaults).  Returns SHEET_OK, or on failure SHEET_FORMAT (not an XLSX
 * file, or broken), SHEET_LIMIT, SHEET_STOPPED (fn returned non-zero) or SHEET_NOMEM, and sets
 * *why (when why is not NULL) to a short Polish reason for the user, a static string that never
 * quotes the file.  Rows already delivered stay delivered.  Logs nothing; allocates and frees
 * everything itself.
 */
enum sheet_status xlsx_read(const void *buf, size_t len, const struct sheet_limits *lim,
    sheet_row_fn fn, void *ctx, const char **why);

#endif /* IZZY_XLSX_READ_H */
