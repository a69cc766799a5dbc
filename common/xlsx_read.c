/*
 * xlsx_read.c: the first worksheet of an XLSX file, streamed with libzip and expat.
 *
 * An XLSX file is a zip archive of XML parts.  We read, in this order and each as it
 * inflates, xl/workbook.xml (which sheet is first, the date system), its relationships
 * (where that sheet, the shared strings and the styles are), the styles (which cell formats
 * are dates), the shared strings (the one table kept in memory) and the sheet itself, whose
 * rows go to the caller one at a time.  Every byte inflated counts against one budget, so a
 * zip bomb stops at the limit however small its headers say it is.
 */
#include "config.h"
#include "common/xlsx_read.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Inflated bytes handed to expat at a time. */
#define CHUNK 16384
/* An entry path in the archive; real ones are about 30 bytes. */
#define PATH_MAX_LEN 256
/* Cell formats (styles.xml <cellXfs>) looked at for dates; Excel allows 64000. */
#define MAX_XF 65536
/* Custom number formats remembered; Excel allows about 250. */
#define MAX_NUMFMT 1024
/* Columns in a cell reference: XFD, the last one Excel has, is three letters. */
#define MAX_COL_LETTERS 3

static const char W_NOTXLSX[] = "to nie jest plik XLSX";
static const char W_OLE[] = "plik jest zaszyfrowany hasłem albo zapisany w starym formacie XLS; "
			    "zapisz go jako XLSX bez hasła";
static const char W_BROKEN[] = "plik XLSX jest uszkodzony";
static const char W_ENTRIES[] = "plik XLSX ma za dużo części";
static const char W_BIG[] = "plik XLSX po rozpakowaniu jest za duży";
static const char W_STRINGS[] = "plik XLSX ma za dużo tekstów";
static const char W_ROWS[] = "arkusz ma za dużo wierszy";
static const char W_COLS[] = "arkusz ma za dużo kolumn";
static const char W_CELL[] = "komórka arkusza ma za długi tekst";
static const char W_DTD[] = "plik XLSX zawiera niedozwoloną deklarację DOCTYPE";
static const char W_NOMEM[] = "za mało pamięci, by odczytać plik XLSX";
static const char W_STOPPED[] = "odczyt arkusza przerwany";

enum part { PART_WORKBOOK, PART_RELS, PART_STYLES, PART_STRINGS, PART_SHEET };

/* The kind of a number format. */
enum fmt_kind { FMT_NUMBER = 0, FMT_DATE, FMT_DATETIME };

/* Text gathered from character data: at most `cap` bytes kept, `full` counts them all. */
struct text {
	char *p;
	size_t len, size, full;
};

struct numfmt {
	unsigned id;
	unsigned char kind;
};

struct xr {
	zip_t *zip;
	sheet_row_fn fn;
	void *ctx;
	struct sheet_limits lim;
	XML_Parser p;
	enum sheet_status st;
	const char *why;
	size_t total; /* bytes inflated, all parts */
	unsigned depth;
	bool collect; /* character data goes to val */
	struct text val;

	/* workbook.xml and its relationships */
	bool in_sheets, have_rid, date1904;
	char rid[PATH_MAX_LEN];
	char sheet_path[PATH_MAX_LEN], strings_path[PATH_MAX_LEN], styles_path[PATH_MAX_LEN];

	/* styles.xml */
	bool in_numfmts, in_cellxfs;
	struct numfmt *fmts;
	size_t nfmts;
	unsigned *xf_fmt; /* numFmtId of each cellXfs <xf> */
	unsigned char *xf_kind;
	size_t nxf, xf_size;

	/* sharedStrings.xml: string i is sdata + soff[i] (NUL-terminated, at most max_cell bytes
	 * kept), sfull[i] its real length */
	char *sdata;
	size_t slen, ssize;
	size_t *soff, *sfull;
	size_t nstr, soff_size, sfull_size;
	bool in_si;
	unsigned rph; /* inside <rPh> (phonetic reading, not part of the text) */

	/* the sheet */
	bool in_data, in_row, in_cell, in_is;
	size_t row_num;  /* 1-based number of the current <row> */
	size_t next_row; /* index the next delivered row gets */
	size_t col;      /* 0-based column of the current <c> */
	bool have_col;   /* a cell came before in this row */
	char ctype[16];
	size_t cstyle;
	size_t *coff;       /* offset of each column's text in rdata, SIZE_MAX when empty */
	const char **cells; /* max_cols slots */
	size_t ncells;
	char *rdata;
	size_t rlen, rsize;
};

static void
fail(struct xr *x, enum sheet_status st, const char *why)
{
	if (x->st == SHEET_OK) {
		x->st = st;
		x->why = why;
	}
	/* Already stopped is the only failure, and then there is nothing to do. */
	if (x->p != NULL)
		(void)XML_StopParser(x->p, XML_FALSE);
}

/* Grows *buf (of *size bytes) to hold at least need bytes; 0 or -1 (and SHEET_NOMEM). */
static int
grow(struct xr *x, void **buf, size_t *size, size_t need, size_t elem)
{
	size_t n = *size ? *size : 64;
	void *p;

	if (need <= *size)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem) {
			fail(x, SHEET_NOMEM, W_NOMEM);
			return -1;
		}
		n *= 2;
	}
	if ((p = realloc(*buf, n * elem)) == NULL) {
		fail(x, SHEET_NOMEM, W_NOMEM);
		return -1;
	}
	*buf = p;
	*size = n;
	return 0;
}

static void
text_add(struct xr *x, struct text *t, const char *s, size_t n, size_t cap)
{
	size_t keep;

	t->full += n;
	if (t->len >= cap)
		return;
	keep = n < cap - t->len ? n : cap - t->len;
	if (grow(x, (void **)&t->p, &t->size, t->len + keep + 1, 1) != 0)
		return;
	memcpy(t->p + t->len, s, keep);
	t->len += keep;
	t->p[t->len] = '\0';
}

static void
text_reset(struct text *t)
{
	t->len = t->full = 0;
	if (t->p != NULL)
		t->p[0] = '\0';
}

/* The local part of an expat name "namespace|local". */
static const char *
local(const char *name)
{
	const char *bar = strrchr(name, '|');

	return bar != NULL ? bar + 1 : name;
}

/* An attribute without a namespace, or NULL. */
static const char *
attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/* A namespaced attribute by its local name (r:id), or NULL. */
static const char *
attr_ns(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (strchr(atts[i], '|') != NULL && strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* A decimal number without sign or spaces, at most max; 0 or -1. */
static int
parse_size(const char *s, size_t max, size_t *out)
{
	size_t v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (size_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static bool
is_true(const char *s)
{
	return s != NULL && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

/* ---- workbook.xml -------------------------------------------------------- */

static void
workbook_start(struct xr *x, const char *name, const char **atts)
{
	const char *id;

	if (strcmp(name, "workbookPr") == 0)
		x->date1904 = is_true(attr(atts, "date1904"));
	else if (strcmp(name, "sheets") == 0)
		x->in_sheets = true;
	else if (strcmp(name, "sheet") == 0 && x->in_sheets && !x->have_rid) {
		id = attr_ns(atts, "id");
		if (id == NULL || strlen(id) >= sizeof(x->rid)) {
			fail(x, SHEET_FORMAT, W_BROKEN);
			return;
		}
		memcpy(x->rid, id, strlen(id) + 1);
		x->have_rid = true;
	}
}

static void
workbook_end(struct xr *x, const char *name)
{
	if (strcmp(name, "sheets") == 0)
		x->in_sheets = false;
}

/* ---- xl/_rels/workbook.xml.rels ------------------------------------------ */

/* A part's path in the archive from a Target relative to xl/; 0 or -1. */
static int
rel_target(const char *target, char *out, size_t size)
{
	int n;

	if (target == NULL || strstr(target, "..") != NULL || strchr(target, ':') != NULL)
		return -1;
	if (target[0] == '/')
		n = snprintf(out, size, "%s", target + 1);
	else
		n = snprintf(out, size, "xl/%s", target);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void
rels_start(struct xr *x, const char *name, const char **atts)
{
	const char *id, *type, *target;
	char *out = NULL;

	if (strcmp(name, "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	if (x->have_rid && id != NULL && strcmp(id, x->rid) == 0)
		out = x->sheet_path;
	else if (type != NULL && ends_with(type, "/sharedStrings"))
		out = x->strings_path;
	else if (type != NULL && ends_with(type, "/styles"))
		out = x->styles_path;
	if (out != NULL && rel_target(target, out, PATH_MAX_LEN) != 0)
		fail(x, SHEET_FORMAT, W_BROKEN);
}

/* ---- styles.xml: which cell formats are dates ---------------------------- */

/* Built-in formats 14-17 are dates, 22 a date and time; 18-21 and 45-47 are times of day. */
static enum fmt_kind
builtin_kind(unsigned id)
{
	if (id >= 14 && id <= 17)
		return FMT_DATE;
	if (id == 22)
		return FMT_DATETIME;
	return FMT_NUMBER;
}

/*
 * A custom format is a date when a d or y is left after dropping quoted text, [...] parts
 * (colours, locales, elapsed [h]), escaped characters and the fill/padding _x and *x; a date
 * with h or s shows the time too.
 */
static enum fmt_kind
custom_kind(const char *code)
{
	bool date = false, time = false;

	for (const char *s = code; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			while (s[1] != '\0' && s[1] != '"')
				s++;
			if (s[1] == '"')
				s++;
			break;
		case '[':
			while (s[1] != '\0' && s[1] != ']')
				s++;
			if (s[1] == ']')
				s++;
			break;
		case '\\':
		case '_':
		case '*':
			if (s[1] != '\0')
				s++;
			break;
		case ';':
			/* The first section is the format of positive numbers, dates included. */
			return date ? (time ? FMT_DATETIME : FMT_DATE) : FMT_NUMBER;
		case 'd':
		case 'D':
		case 'y':
		case 'Y':
			date = true;
			break;
		case 'h':
		case 'H':
		case 's':
		case 'S':
			time = true;
			break;
		default:
			break;
		}
	}
	return date ? (time ? FMT_DATETIME : FMT_DATE) : FMT_NUMBER;
}

static void
styles_start(struct xr *x, const char *name, const char **atts)
{
	size_t id;

	if (strcmp(name, "numFmts") == 0)
		x->in_numfmts = true;
	else if (strcmp(name, "cellXfs") == 0)
		x->in_cellxfs = true;
	else if (strcmp(name, "numFmt") == 0 && x->in_numfmts && x->nfmts < MAX_NUMFMT) {
		const char *code = attr(atts, "formatCode");

		if (parse_size(attr(atts, "numFmtId"), UINT32_MAX, &id) != 0 || code == NULL)
			return;
		if (x->fmts == NULL && (x->fmts = calloc(MAX_NUMFMT, sizeof(*x->fmts))) == NULL) {
			fail(x, SHEET_NOMEM, W_NOMEM);
			return;
		}
		x->fmts[x->nfmts].id = (unsigned)id;
		x->fmts[x->nfmts].kind = (unsigned char)custom_kind(code);
		x->nfmts++;
	} else if (strcmp(name, "xf") == 0 && x->in_cellxfs && x->nxf < MAX_XF) {
		if (parse_size(attr(atts, "numFmtId"), UINT32_MAX, &id) != 0)
			id = 0;
		if (grow(x, (void **)&x->xf_fmt, &x->xf_size, x->nxf + 1, sizeof(*x->xf_fmt)) != 0)
			return;
		x->xf_fmt[x->nxf++] = (unsigned)id;
	}
}

static void
styles_end(struct xr *x, const char *name)
{
	if (strcmp(name, "numFmts") == 0)
		x->in_numfmts = false;
	else if (strcmp(name, "cellXfs") == 0)
		x->in_cellxfs = false;
}

/* The kind of each cell format, once styles.xml is read. */
static void
styles_resolve(struct xr *x)
{
	if (x->nxf == 0)
		return;
	if ((x->xf_kind = calloc(x->nxf, 1)) == NULL) {
		fail(x, SHEET_NOMEM, W_NOMEM);
		return;
	}
	for (size_t i = 0; i < x->nxf; i++) {
		enum fmt_kind k = builtin_kind(x->xf_fmt[i]);

		for (size_t j = 0; j < x->nfmts; j++)
			if (x->fmts[j].id == x->xf_fmt[i])
				k = (enum fmt_kind)x->fmts[j].kind;
		x->xf_kind[i] = (unsigned char)k;
	}
}

/* ---- sharedStrings.xml ---------------------------------------------------- */

static void
strings_start(struct xr *x, const char *name)
{
	if (strcmp(name, "si") == 0) {
		x->in_si = true;
		x->rph = 0;
		text_reset(&x->val);
	} else if (strcmp(name, "rPh") == 0)
		x->rph++;
	else if (strcmp(name, "t") == 0 && x->in_si && x->rph == 0)
		x->collect = true;
}

static void
strings_end(struct xr *x, const char *name)
{
	if (strcmp(name, "t") == 0)
		x->collect = false;
	else if (strcmp(name, "rPh") == 0 && x->rph > 0)
		x->rph--;
	else if (strcmp(name, "si") == 0 && x->in_si) {
		x->in_si = false;
		if (x->nstr >= XLSX_MAX_STRINGS) {
			fail(x, SHEET_LIMIT, W_STRINGS);
			return;
		}
		if (grow(x, (void **)&x->soff, &x->soff_size, x->nstr + 1, sizeof(*x->soff)) != 0 ||
		    grow(x, (void **)&x->sfull, &x->sfull_size, x->nstr + 1, sizeof(*x->sfull)) !=
			0)
			return;
		if (grow(x, (void **)&x->sdata, &x->ssize, x->slen + x->val.len + 1, 1) != 0)
			return;
		x->soff[x->nstr] = x->slen;
		x->sfull[x->nstr] = x->val.full;
		if (x->val.len > 0)
			memcpy(x->sdata + x->slen, x->val.p, x->val.len);
		x->slen += x->val.len;
		x->sdata[x->slen++] = '\0';
		x->nstr++;
	}
}

/* ---- the sheet ------------------------------------------------------------ */

/* Column index of a reference like "C7" (0 for A); 0 or -1. */
static int
parse_col(const char *ref, size_t *out)
{
	size_t c = 0, n = 0;
	const char *s = ref;

	for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++, n++) {
		if (n == MAX_COL_LETTERS)
			return -1;
		c = c * 26 + (size_t)((*s | 0x20) - 'a' + 1);
	}
	if (n == 0)
		return -1;
	for (const char *d = s; *d != '\0'; d++)
		if (*d < '0' || *d > '9')
			return -1;
	*out = c - 1;
	return 0;
}

static void
row_start(struct xr *x, const char **atts)
{
	const char *r = attr(atts, "r");
	size_t num;

	if (r == NULL)
		num = x->row_num + 1;
	else if (parse_size(r, SIZE_MAX - 1, &num) != 0 || num <= x->row_num) {
		/* Row numbers start at 1 and only go up. */
		fail(x, SHEET_FORMAT, W_BROKEN);
		return;
	}
	x->row_num = num;
	x->in_row = true;
	x->have_col = false;
	x->ncells = 0;
	x->rlen = 0;
}

static void
deliver(struct xr *x, size_t row, size_t ncells)
{
	if (x->st != SHEET_OK)
		return;
	for (size_t i = 0; i < ncells; i++)
		x->cells[i] = x->coff[i] == SIZE_MAX ? "" : x->rdata + x->coff[i];
	if (x->fn(x->ctx, row, x->cells, ncells) != 0)
		fail(x, SHEET_STOPPED, W_STOPPED);
}

static void
row_end(struct xr *x)
{
	size_t idx = x->row_num - 1;

	x->in_row = false;
	/* Empty rows wait for a row with data, so trailing formatted rows cost nothing. */
	if (x->ncells == 0)
		return;
	if (idx >= x->lim.max_rows) {
		fail(x, SHEET_LIMIT, W_ROWS);
		return;
	}
	for (; x->next_row < idx && x->st == SHEET_OK; x->next_row++)
		deliver(x, x->next_row, 0);
	deliver(x, idx, x->ncells);
	x->next_row = idx + 1;
}

static void
cell_start(struct xr *x, const char **atts)
{
	const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
	size_t col;

	if (r == NULL)
		col = x->have_col ? x->col + 1 : 0;
	else if (parse_col(r, &col) != 0 || (x->have_col && col <= x->col)) {
		/* Columns only go up within a row. */
		fail(x, SHEET_FORMAT, W_BROKEN);
		return;
	}
	x->col = col;
	x->have_col = true;
	x->in_cell = true;
	x->in_is = false;
	x->rph = 0;
	if (t == NULL || strlen(t) >= sizeof(x->ctype))
		x->ctype[0] = '\0';
	else
		memcpy(x->ctype, t, strlen(t) + 1);
	if (s == NULL || parse_size(s, SIZE_MAX, &x->cstyle) != 0)
		x->cstyle = 0;
	text_reset(&x->val);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil inverse). */
static void
civil(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (*m <= 2)
		++*y;
}

/*
 * An Excel date serial as "YYYY-MM-DD" (or with " HH:MM") in out; -1 when it is not one
 * (then the number stays as it is).  Day 1 is 1900-01-01, and day 60 the 1900-02-29 Excel
 * keeps for Lotus's sake, which has no ISO form.
 */
static int
format_date(const char *v, bool date1904, enum fmt_kind kind, char *out, size_t size)
{
	char *end;
	double serial;
	long long minutes, days;
	long long y;
	unsigned m, d;
	int n;

	errno = 0;
	serial = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !isfinite(serial))
		return -1;
	if (date1904)
		serial += 1462;
	/* 2958466 is 10000-01-01, past Excel's last date. */
	if (serial < 1 || serial >= 2958466)
		return -1;
	minutes = llround(serial * 1440);
	days = minutes / 1440;
	if (days == 60)
		return -1;
	/* 25569 days from 1899-12-30 (day 0 after the leap-year bug) to 1970-01-01. */
	civil(days - (days < 60 ? 25568 : 25569), &y, &m, &d);
	if (kind == FMT_DATETIME)
		n = snprintf(out, size, "%04lld-%02u-%02u %02lld:%02lld", y, m, d,
		    (minutes % 1440) / 60, minutes % 60);
	else
		n = snprintf(out, size, "%04lld-%02u-%02u", y, m, d);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static void
cell_end(struct xr *x)
{
	const char *v = x->val.len > 0 ? x->val.p : "";
	size_t vlen = x->val.len, full = x->val.full, i;
	char date[32];

	x->in_cell = false;
	x->collect = false;
	if (strcmp(x->ctype, "s") == 0) {
		if (vlen == 0)
			return;
		if (parse_size(v, SIZE_MAX, &i) != 0 || i >= x->nstr) {
			fail(x, SHEET_FORMAT, W_BROKEN);
			return;
		}
		v = x->sdata + x->soff[i];
		vlen = strlen(v);
		full = x->sfull[i];
	} else if (strcmp(x->ctype, "b") == 0 && vlen > 0) {
		v = strcmp(v, "0") == 0 ? "FALSE" : "TRUE";
		vlen = full = strlen(v);
	} else if ((x->ctype[0] == '\0' || strcmp(x->ctype, "n") == 0) && vlen > 0 &&
	    x->cstyle < x->nxf && x->xf_kind != NULL && x->xf_kind[x->cstyle] != FMT_NUMBER &&
	    format_date(v, x->date1904, (enum fmt_kind)x->xf_kind[x->cstyle], date, sizeof(date)) ==
		0) {
		v = date;
		vlen = full = strlen(v);
	}
	if (full > x->lim.max_cell) {
		fail(x, SHEET_LIMIT, W_CELL);
		return;
	}
	if (vlen == 0)
		return;
	if (x->col >= x->lim.max_cols) {
		fail(x, SHEET_LIMIT, W_COLS);
		return;
	}
	if (grow(x, (void **)&x->rdata, &x->rsize, x->rlen + vlen + 1, 1) != 0)
		return;
	for (; x->ncells < x->col; x->ncells++)
		x->coff[x->ncells] = SIZE_MAX;
	x->coff[x->col] = x->rlen;
	memcpy(x->rdata + x->rlen, v, vlen + 1);
	x->rlen += vlen + 1;
	x->ncells = x->col + 1;
}

static void
sheet_start(struct xr *x, const char *name, const char **atts)
{
	if (strcmp(name, "sheetData") == 0) {
		x->in_data = true;
		return;
	}
	if (!x->in_data)
		return;
	if (strcmp(name, "row") == 0) {
		if (!x->in_row)
			row_start(x, atts);
	} else if (strcmp(name, "c") == 0) {
		if (x->in_row && !x->in_cell)
			cell_start(x, atts);
	} else if (!x->in_cell) {
		/* Outside a cell only rows and cells matter. */
	} else if (strcmp(name, "is") == 0) {
		x->in_is = true;
	} else if (strcmp(name, "rPh") == 0) {
		x->rph++;
	} else if (strcmp(name, "v") == 0 || (strcmp(name, "t") == 0 && x->in_is && x->rph == 0)) {
		x->collect = true;
	}
}

static void
sheet_end(struct xr *x, const char *name)
{
	if (strcmp(name, "sheetData") == 0)
		x->in_data = false;
	else if (strcmp(name, "row") == 0 && x->in_row)
		row_end(x);
	else if (strcmp(name, "c") == 0 && x->in_cell)
		cell_end(x);
	else if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0)
		x->collect = false;
	else if (strcmp(name, "is") == 0)
		x->in_is = false;
	else if (strcmp(name, "rPh") == 0 && x->rph > 0)
		x->rph--;
}

/* ---- expat ----------------------------------------------------------------- */

struct part_ctx {
	struct xr *x;
	enum part part;
};

static void XMLCALL
on_start(void *data, const XML_Char *qname, const XML_Char **atts)
{
	struct part_ctx *pc = data;
	struct xr *x = pc->x;
	const char *name = local(qname);

	if (x->st != SHEET_OK)
		return;
	if (++x->depth > XLSX_MAX_DEPTH) {
		fail(x, SHEET_FORMAT, W_BROKEN);
		return;
	}
	switch (pc->part) {
	case PART_WORKBOOK:
		workbook_start(x, name, atts);
		break;
	case PART_RELS:
		rels_start(x, name, atts);
		break;
	case PART_STYLES:
		styles_start(x, name, atts);
		break;
	case PART_STRINGS:
		strings_start(x, name);
		break;
	case PART_SHEET:
		sheet_start(x, name, atts);
		break;
	}
}

static void XMLCALL
on_end(void *data, const XML_Char *qname)
{
	struct part_ctx *pc = data;
	struct xr *x = pc->x;
	const char *name = local(qname);

	if (x->st != SHEET_OK)
		return;
	if (x->depth > 0)
		x->depth--;
	switch (pc->part) {
	case PART_WORKBOOK:
		workbook_end(x, name);
		break;
	case PART_RELS:
		break;
	case PART_STYLES:
		styles_end(x, name);
		break;
	case PART_STRINGS:
		strings_end(x, name);
		break;
	case PART_SHEET:
		sheet_end(x, name);
		break;
	}
}

static void XMLCALL
on_text(void *data, const XML_Char *s, int len)
{
	struct part_ctx *pc = data;
	struct xr *x = pc->x;

	if (x->st != SHEET_OK || !x->collect || len <= 0)
		return;
	/* A cell longer than max_cell is refused, but its length must still be counted. */
	text_add(x, &x->val, s, (size_t)len, x->lim.max_cell);
}

/* No DTD at all: entity expansion (billion laughs) and external entities need one. */
static void XMLCALL
on_doctype(void *data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal)
{
	struct part_ctx *pc = data;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	fail(pc->x, SHEET_FORMAT, W_DTD);
}

/*
 * Inflates the entry `name` chunk by chunk into expat.  A missing entry is fine when
 * optional.  Returns x->st.
 */
static enum sheet_status
part_parse(struct xr *x, const char *name, enum part part, bool optional)
{
	struct part_ctx pc = { x, part };
	zip_int64_t idx = zip_name_locate(x->zip, name, 0);
	zip_stat_t st;
	zip_file_t *f;
	char *buf;
	zip_int64_t n;

	if (idx < 0) {
		if (!optional)
			fail(x, SHEET_FORMAT, part == PART_WORKBOOK ? W_NOTXLSX : W_BROKEN);
		return x->st;
	}
	zip_stat_init(&st);
	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0) {
		fail(x, SHEET_FORMAT, W_BROKEN);
		return x->st;
	}
	/* The declared size first: cheap, and most bombs say what they are. */
	if ((st.valid & ZIP_STAT_SIZE) && st.size > x->lim.max_bytes - x->total) {
		fail(x, SHEET_LIMIT, W_BIG);
		return x->st;
	}
	if ((f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0)) == NULL) {
		fail(x, SHEET_FORMAT, W_BROKEN);
		return x->st;
	}
	if ((buf = malloc(CHUNK)) == NULL || (x->p = XML_ParserCreateNS(NULL, '|')) == NULL) {
		free(buf);
		(void)zip_fclose(f);
		fail(x, SHEET_NOMEM, W_NOMEM);
		return x->st;
	}
	/* Never read a DTD, inside the document or outside it. */
	if (XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER) == 0)
		fail(x, SHEET_FORMAT, W_BROKEN);
	XML_SetUserData(x->p, &pc);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	x->depth = 0;
	x->collect = false;
	while (x->st == SHEET_OK) {
		/* The actual bytes count, whatever the header claimed. */
		n = zip_fread(f, buf, CHUNK);
		if (n < 0) {
			fail(x, SHEET_FORMAT, W_BROKEN);
			break;
		}
		if ((zip_uint64_t)n > x->lim.max_bytes - x->total) {
			fail(x, SHEET_LIMIT, W_BIG);
			break;
		}
		x->total += (size_t)n;
		if (XML_Parse(x->p, buf, (int)n, n == 0) != XML_STATUS_OK) {
			fail(x, SHEET_FORMAT, W_BROKEN);
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(x->p);
	x->p = NULL;
	free(buf);
	/* A CRC error shows up here, after the last byte. */
	if (zip_fclose(f) != 0)
		fail(x, SHEET_FORMAT, W_BROKEN);
	return x->st;
}

static void
xr_free(struct xr *x)
{
	free(x->val.p);
	free(x->fmts);
	free(x->xf_fmt);
	free(x->xf_kind);
	free(x->sdata);
	free(x->soff);
	free(x->sfull);
	free(x->coff);
	free(x->cells);
	free(x->rdata);
}

static enum sheet_status
read_archive(struct xr *x)
{
	bool have_rels;

	if (zip_get_num_entries(x->zip, 0) > XLSX_MAX_ENTRIES) {
		fail(x, SHEET_LIMIT, W_ENTRIES);
		return x->st;
	}
	if (part_parse(x, "xl/workbook.xml", PART_WORKBOOK, false) != SHEET_OK)
		return x->st;
	have_rels = zip_name_locate(x->zip, "xl/_rels/workbook.xml.rels", 0) >= 0;
	if (x->have_rid && !have_rels) {
		fail(x, SHEET_FORMAT, W_BROKEN);
		return x->st;
	}
	if (have_rels && part_parse(x, "xl/_rels/workbook.xml.rels", PART_RELS, false) != SHEET_OK)
		return x->st;
	if (x->have_rid && x->sheet_path[0] == '\0') {
		fail(x, SHEET_FORMAT, W_BROKEN);
		return x->st;
	}
	if (!x->have_rid)
		memcpy(
		    x->sheet_path, "xl/worksheets/sheet1.xml", sizeof("xl/worksheets/sheet1.xml"));
	if (x->styles_path[0] != '\0') {
		if (part_parse(x, x->styles_path, PART_STYLES, true) != SHEET_OK)
			return x->st;
		styles_resolve(x);
	}
	if (x->strings_path[0] == '\0')
		memcpy(x->strings_path, "xl/sharedStrings.xml", sizeof("xl/sharedStrings.xml"));
	if (part_parse(x, x->strings_path, PART_STRINGS, true) != SHEET_OK)
		return x->st;
	return part_parse(x, x->sheet_path, PART_SHEET, false);
}

enum sheet_status
xlsx_read(const void *buf, size_t len, const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
    const char **why)
{
	static const unsigned char ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	struct xr x = { 0 };
	zip_source_t *src;
	zip_error_t zerr;

	x.fn = fn;
	x.ctx = ctx;
	if (lim != NULL)
		x.lim = *lim;
	if (x.lim.max_rows == 0)
		x.lim.max_rows = SHEET_MAX_ROWS;
	if (x.lim.max_cols == 0)
		x.lim.max_cols = SHEET_MAX_COLS;
	if (x.lim.max_cell == 0)
		x.lim.max_cell = SHEET_MAX_CELL;
	if (x.lim.max_bytes == 0)
		x.lim.max_bytes = SHEET_MAX_BYTES;
	if (len >= sizeof(ole) && memcmp(buf, ole, sizeof(ole)) == 0) {
		fail(&x, SHEET_FORMAT, W_OLE);
		goto out;
	}
	if ((x.coff = calloc(x.lim.max_cols, sizeof(*x.coff))) == NULL ||
	    (x.cells = calloc(x.lim.max_cols, sizeof(*x.cells))) == NULL) {
		fail(&x, SHEET_NOMEM, W_NOMEM);
		goto out;
	}
	zip_error_init(&zerr);
	if ((src = zip_source_buffer_create(buf, len, 0, &zerr)) == NULL) {
		fail(&x, zip_error_code_zip(&zerr) == ZIP_ER_MEMORY ? SHEET_NOMEM : SHEET_FORMAT,
		    zip_error_code_zip(&zerr) == ZIP_ER_MEMORY ? W_NOMEM : W_NOTXLSX);
		zip_error_fini(&zerr);
		goto out;
	}
	if ((x.zip = zip_open_from_source(src, ZIP_RDONLY, &zerr)) == NULL) {
		zip_source_free(src);
		fail(&x, zip_error_code_zip(&zerr) == ZIP_ER_MEMORY ? SHEET_NOMEM : SHEET_FORMAT,
		    /* A zip cut short has no directory: broken rather than not a zip. */
		    zip_error_code_zip(&zerr) == ZIP_ER_NOZIP &&
			    !(len >= 4 && memcmp(buf, "PK\3\4", 4) == 0)
			? W_NOTXLSX
			: zip_error_code_zip(&zerr) == ZIP_ER_MEMORY ? W_NOMEM
								     : W_BROKEN);
		zip_error_fini(&zerr);
		goto out;
	}
	zip_error_fini(&zerr);
	(void)read_archive(&x);
	zip_discard(x.zip);
out:
	xr_free(&x);
	if (why != NULL)
		*why = x.st == SHEET_OK ? NULL : x.why;
	return x.st;
}
