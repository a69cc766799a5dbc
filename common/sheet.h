/*
 * sheet.h: the rows of a tabular file (CSV or XLSX), read one at a time.
 *
 * The readers (csv_read in csv.h, xlsx_read in xlsx_read.h) share this callback and these
 * limits, so the import does not care which kind of file it was given.  A reader never holds
 * more than one row: the callback copies what it keeps.
 */
#ifndef IZZY_SHEET_H
#define IZZY_SHEET_H

#include <stddef.h>

/* What a reader refuses to go past; a zero field means the default below. */
struct sheet_limits {
	size_t max_rows;  /* rows, the header included (SHEET_MAX_ROWS) */
	size_t max_cols;  /* cells per row (SHEET_MAX_COLS) */
	size_t max_cell;  /* bytes of one cell after decoding (SHEET_MAX_CELL) */
	size_t max_bytes; /* bytes decoded in all, e.g. unpacked XML (SHEET_MAX_BYTES) */
};

#define SHEET_MAX_ROWS  100001
#define SHEET_MAX_COLS  64
#define SHEET_MAX_CELL  4096
#define SHEET_MAX_BYTES (64u * 1024u * 1024u)

enum sheet_status {
	SHEET_OK = 0,
	SHEET_FORMAT,  /* not a file of this kind, or broken */
	SHEET_LIMIT,   /* a limit of struct sheet_limits was reached */
	SHEET_STOPPED, /* the callback asked to stop */
	SHEET_NOMEM
};

/*
 * Called once per row in file order, the header row first (row 0).  cells[i] are
 * NUL-terminated UTF-8; an empty cell is "".  Trailing empty cells may be omitted, so ncells
 * can be smaller than the header's.  Return 0 to go on, anything else to stop the reader
 * (it then returns SHEET_STOPPED).
 */
typedef int (*sheet_row_fn)(void *ctx, size_t row, const char *const *cells, size_t ncells);

#endif /* IZZY_SHEET_H */
