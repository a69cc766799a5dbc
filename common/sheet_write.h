/*
 * sheet_write: a table of database rows as a spreadsheet file, CSV or XLSX
 * (issue 14, the export of the lead list and of a bulk selection).
 *
 * CSV is what spreadsheet users in Poland open with a double click: UTF-8
 * with a BOM, ';' between cells, CRLF, every cell double-quoted, dates as
 * DD.MM.YYYY (HH:MM), numbers with a decimal comma.  XLSX (libxlsxwriter)
 * gets real date and number cells, a bold header row that stays frozen and
 * an autofilter.  In both, a text cell a spreadsheet would run as a formula
 * (starting with = + - @ TAB or CR) is written with a leading apostrophe, and
 * XLSX text cells are always strings, never formulas (CSV injection).
 *
 * Linked only into the programs that export (libxlsxwriter: XLSXWRITER_LIBS).
 */
#ifndef IZZY_SHEET_WRITE_H
#define IZZY_SHEET_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

struct arena;

enum sheet_fmt { SHEET_CSV, SHEET_XLSX, SHEET__MAX };

/*
 * How a column's text from PostgreSQL is read: DATETIME "YYYY-MM-DD
 * HH:MM:SS" and DATE "YYYY-MM-DD" already in local time (the statement
 * converts with AT TIME ZONE), NUMBER a plain numeric text ("1234.5").
 * A value that does not parse is written as text.
 */
enum sheet_type { SHEET_TEXT, SHEET_NUMBER, SHEET_DATETIME, SHEET_DATE };

struct sheet_col {
	const char *label; /* header cell (Polish) */
	enum sheet_type type;
	int field; /* the result column it comes from */
};

/* The MIME type and file name suffix of a format. */
const char *sheet_mime(enum sheet_fmt);
const char *sheet_suffix(enum sheet_fmt);

/* True when a spreadsheet would read s as a formula (it gets a leading '). */
bool sheet_risky(const char *s);

/*
 * Writes the header and every row of res (columns cols[0..ncols)) as a file
 * of format fmt into arena memory: 0 with *out and *len set, -1 on failure
 * (logged: out of memory, temporary file trouble, libxlsxwriter errors).
 * XLSX is built in a private mkdtemp() directory under TMPDIR (or /tmp),
 * read back and removed before returning.
 */
int sheet_write(struct arena *, enum sheet_fmt fmt, const struct sheet_col *cols, size_t ncols,
    const PGresult *res, char **out, size_t *len);

#endif
