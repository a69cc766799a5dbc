/*
 * csv: see csv.h.  Structure bytes ('"', the separator, CR, LF) are ASCII
 * in both encodings, and no byte of a UTF-8 multi-byte sequence is ASCII, so
 * the parser works byte by byte and only the cell bytes are decoded.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "valid.h"

/*
 * Windows-1250, 0x80..0xFF, as Unicode code points (the Unicode
 * consortium's CP1250.TXT).  The five unassigned bytes become U+FFFD.
 */
static const uint16_t cp1250[128] = {
	0x20AC, 0xFFFD, 0x201A, 0xFFFD, 0x201E, 0x2026, 0x2020, 0x2021, /* 80 */
	0xFFFD, 0x2030, 0x0160, 0x2039, 0x015A, 0x0164, 0x017D, 0x0179, /* 88 */
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90 */
	0xFFFD, 0x2122, 0x0161, 0x203A, 0x015B, 0x0165, 0x017E, 0x017A, /* 98 */
	0x00A0, 0x02C7, 0x02D8, 0x0141, 0x00A4, 0x0104, 0x00A6, 0x00A7, /* A0 */
	0x00A8, 0x00A9, 0x015E, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x017B, /* A8 */
	0x00B0, 0x00B1, 0x02DB, 0x0142, 0x00B4, 0x00B5, 0x00B6, 0x00B7, /* B0 */
	0x00B8, 0x0105, 0x015F, 0x00BB, 0x013D, 0x02DD, 0x013E, 0x017C, /* B8 */
	0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7, /* C0 */
	0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E, /* C8 */
	0x0110, 0x0143, 0x0147, 0x00D3, 0x00D4, 0x0150, 0x00D6, 0x00D7, /* D0 */
	0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF, /* D8 */
	0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7, /* E0 */
	0x010D, 0x00E9, 0x0119, 0x00EB, 0x011B, 0x00ED, 0x00EE, 0x010F, /* E8 */
	0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7, /* F0 */
	0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9, /* F8 */
};

struct csv {
	const unsigned char *p, *end;
	bool cp1250;
	char sep;
	struct sheet_limits lim;
	char *buf; /* the row's cells, each NUL-terminated */
	size_t len, cap, cell;
	size_t *offs; /* start of each cell in buf */
	const char **cells;
	size_t ncells, rows, total;
	bool line; /* the current line has any byte */
	sheet_row_fn fn;
	void *ctx;
	const char *why;
};

static enum sheet_status
fail(struct csv *c, enum sheet_status st, const char *why)
{
	c->why = why;
	return st;
}

/* Room for one more byte in the row buffer. */
static enum sheet_status
room(struct csv *c)
{
	if (c->len + 1 >= c->cap) {
		size_t ncap = c->cap * 2;
		char *nb = realloc(c->buf, ncap);

		if (nb == NULL)
			return fail(c, SHEET_NOMEM, "Brak pamięci");
		c->buf = nb;
		c->cap = ncap;
	}
	return SHEET_OK;
}

static enum sheet_status
put(struct csv *c, unsigned char b)
{
	enum sheet_status st;

	if (c->len - c->cell >= c->lim.max_cell)
		return fail(c, SHEET_LIMIT, "Komórka jest za długa");
	if (++c->total > c->lim.max_bytes)
		return fail(c, SHEET_LIMIT, "Plik jest za duży");
	if ((st = room(c)) != SHEET_OK)
		return st;
	c->buf[c->len++] = (char)b;
	return SHEET_OK;
}

/* One input byte of a cell, decoded to UTF-8. */
static enum sheet_status
put_decoded(struct csv *c, unsigned char b)
{
	enum sheet_status st;
	uint16_t u;

	if (b == '\0')
		return fail(c, SHEET_FORMAT, "Plik zawiera bajt NUL: to nie jest plik CSV");
	if (!c->cp1250 || b < 0x80)
		return put(c, b);
	u = cp1250[b - 0x80];
	if (u < 0x800) {
		if ((st = put(c, (unsigned char)(0xC0u | (u >> 6)))) != SHEET_OK)
			return st;
	} else {
		if ((st = put(c, (unsigned char)(0xE0u | (u >> 12)))) != SHEET_OK ||
		    (st = put(c, (unsigned char)(0x80u | ((u >> 6) & 0x3Fu)))) != SHEET_OK)
			return st;
	}
	return put(c, (unsigned char)(0x80u | (u & 0x3Fu)));
}

static enum sheet_status
end_cell(struct csv *c)
{
	enum sheet_status st;

	if (c->ncells >= c->lim.max_cols)
		return fail(c, SHEET_LIMIT, "Za dużo kolumn w wierszu");
	if ((st = room(c)) != SHEET_OK)
		return st;
	c->buf[c->len++] = '\0';
	c->offs[c->ncells++] = c->cell;
	c->cell = c->len;
	return SHEET_OK;
}

static enum sheet_status
end_row(struct csv *c)
{
	size_t n = c->ncells;

	c->ncells = 0;
	c->len = c->cell = 0;
	if (!c->line)
		return SHEET_OK;
	c->line = false;
	if (c->rows >= c->lim.max_rows)
		return fail(c, SHEET_LIMIT, "Za dużo wierszy w pliku");
	for (size_t i = 0; i < n; i++)
		c->cells[i] = c->buf + c->offs[i];
	if (c->fn(c->ctx, c->rows++, c->cells, n) != 0)
		return fail(c, SHEET_STOPPED, "Przerwano czytanie pliku");
	return SHEET_OK;
}

/* Consumes a line end at c->p (CRLF, LF or CR). */
static void
skip_eol(struct csv *c)
{
	if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
		c->p++;
	c->p++;
}

static enum sheet_status
parse(struct csv *c)
{
	enum sheet_status st;

	while (c->p < c->end) {
		unsigned char b = *c->p;

		if (b == '"') {
			c->line = true;
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return fail(
					    c, SHEET_FORMAT, "Niezamknięty cudzysłów w pliku");
				b = *c->p;
				if (b == '"' && c->p + 1 < c->end && c->p[1] == '"') {
					c->p += 2;
					if ((st = put(c, '"')) != SHEET_OK)
						return st;
					continue;
				}
				c->p++;
				if (b == '"')
					break;
				if ((st = put_decoded(c, b)) != SHEET_OK)
					return st;
			}
			if (c->p < c->end && *c->p != (unsigned char)c->sep && *c->p != '\r' &&
			    *c->p != '\n')
				return fail(
				    c, SHEET_FORMAT, "Znak po cudzysłowie zamykającym komórkę");
		} else {
			while (c->p < c->end && *c->p != (unsigned char)c->sep && *c->p != '\r' &&
			    *c->p != '\n') {
				c->line = true;
				if ((st = put_decoded(c, *c->p++)) != SHEET_OK)
					return st;
			}
		}
		if ((st = end_cell(c)) != SHEET_OK)
			return st;
		if (c->p >= c->end)
			break;
		if (*c->p == (unsigned char)c->sep) {
			c->line = true;
			c->p++;
			/* A separator at the very end still closes an empty last cell. */
			if (c->p >= c->end && (st = end_cell(c)) != SHEET_OK)
				return st;
			continue;
		}
		skip_eol(c);
		if ((st = end_row(c)) != SHEET_OK)
			return st;
	}
	return end_row(c);
}

static const unsigned char *
skip_bom(const unsigned char *p, size_t *len)
{
	if (*len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*len -= 3;
		return p + 3;
	}
	return p;
}

char
csv_separator(const void *buf, size_t len)
{
	const unsigned char *p = skip_bom(buf, &len), *end = p + len;
	size_t semi = 0, comma = 0;
	bool quoted = false;

	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\r' || *p == '\n'))
			break;
		else if (!quoted && *p == ';')
			semi++;
		else if (!quoted && *p == ',')
			comma++;
	}
	return semi >= comma && semi > 0 ? ';' : ',';
}

enum sheet_status
csv_read(const void *buf, size_t len, const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
    const char **why)
{
	struct csv c = { 0 };
	enum sheet_status st;
	bool bom = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;

	c.p = skip_bom(buf, &len);
	c.end = c.p + len;
	if (lim != NULL)
		c.lim = *lim;
	c.lim.max_rows = c.lim.max_rows != 0 ? c.lim.max_rows : SHEET_MAX_ROWS;
	c.lim.max_cols = c.lim.max_cols != 0 ? c.lim.max_cols : SHEET_MAX_COLS;
	c.lim.max_cell = c.lim.max_cell != 0 ? c.lim.max_cell : SHEET_MAX_CELL;
	c.lim.max_bytes = c.lim.max_bytes != 0 ? c.lim.max_bytes : SHEET_MAX_BYTES;
	c.fn = fn;
	c.ctx = ctx;
	c.cp1250 = !valid_utf8((const char *)c.p, len);
	if (bom && c.cp1250) {
		st = fail(&c, SHEET_FORMAT, "Plik ma znacznik UTF-8, ale nie jest poprawnym UTF-8");
		goto out;
	}
	c.sep = csv_separator(c.p, len);
	c.cap = 256;
	c.buf = malloc(c.cap);
	c.offs = calloc(c.lim.max_cols, sizeof(*c.offs));
	c.cells = calloc(c.lim.max_cols, sizeof(*c.cells));
	if (c.buf == NULL || c.offs == NULL || c.cells == NULL)
		st = fail(&c, SHEET_NOMEM, "Brak pamięci");
	else
		st = parse(&c);
out:
	free(c.buf);
	free(c.offs);
	free(c.cells);
	if (st != SHEET_OK && why != NULL)
		*why = c.why;
	return st;
}
