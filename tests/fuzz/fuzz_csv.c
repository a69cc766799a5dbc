/*
 * fuzz_csv: the CSV reader (common/csv.c) on hostile files.  Besides the
 * sanitizers, the oracles are the reader's promises: every cell it hands
 * over is valid UTF-8 without NUL, within the cell limit, no row is wider
 * than the column limit, rows arrive numbered 0, 1, 2, ... and never more
 * than the row limit; a refusal always comes with a reason.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct sheet_limits lim = { 50, 8, 64, 4096 };

static const struct sheet_limits defaults = { SHEET_MAX_ROWS, SHEET_MAX_COLS, SHEET_MAX_CELL,
	SHEET_MAX_BYTES };

struct seen {
	size_t next;
	const struct sheet_limits *lim;
};

static int
on_row(void *ctx, size_t row, const char *const *cells, size_t n)
{
	struct seen *s = ctx;

	if (row != s->next++ || row >= s->lim->max_rows || n > s->lim->max_cols || n == 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cells[i]);
		if (len > s->lim->max_cell || !valid_utf8(cells[i], len))
			abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, &lim };
	const char *why = NULL;
	enum sheet_status st = csv_read(data, size, &lim, on_row, &s, &why);
	char sep = csv_separator(data, size);

	if (st != SHEET_OK && why == NULL)
		abort();
	if (sep != ';' && sep != ',')
		abort();
	/* With the default limits (NULL) the same promises hold. */
	s.next = 0;
	s.lim = &defaults;
	if (csv_read(data, size, NULL, on_row, &s, &why) != SHEET_OK && why == NULL)
		abort();
	return 0;
}
