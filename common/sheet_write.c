/*
 * sheet_write: database rows as a CSV or XLSX file (see sheet_write.h).
 */
#include "config.h"

#include "sheet_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <xlsxwriter.h>

#include "common/arena.h"
#include "common/log.h"

#define BOM "\xEF\xBB\xBF"

/* Room for one formatted date, number or prefix beyond the raw cell text. */
#define CELL_EXTRA 32

const char *
sheet_mime(enum sheet_fmt fmt)
{
	return fmt == SHEET_XLSX
	    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	    : "text/csv; charset=utf-8";
}

const char *
sheet_suffix(enum sheet_fmt fmt)
{
	return fmt == SHEET_XLSX ? "xlsx" : "csv";
}

bool
sheet_risky(const char *s)
{
	return s != NULL && *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

/* "YYYY-MM-DD[ HH:MM:SS]" into d; false when it is not that. */
static bool
parse_datetime(const char *s, bool with_time, lxw_datetime *d)
{
	int n = 0;

	memset(d, 0, sizeof(*d));
	if (with_time) {
		double sec = 0;
		if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%lf%n", &d->year, &d->month, &d->day, &d->hour,
			&d->min, &sec, &n) != 6)
			return false;
		d->sec = sec;
	} else if (sscanf(s, "%4d-%2d-%2d%n", &d->year, &d->month, &d->day, &n) != 3)
		return false;
	return s[n] == '\0' && d->year >= 1900 && d->year <= 9999 && d->month >= 1 &&
	    d->month <= 12 && d->day >= 1 && d->day <= 31 && d->hour >= 0 && d->hour <= 23 &&
	    d->min >= 0 && d->min <= 59;
}

/* A plain decimal ("-1234.50"); false for anything else (exponents, NaN, text). */
static bool
parse_number(const char *s, double *out)
{
	const char *p = s;
	char *end;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || strspn(p, "0123456789.") != strlen(p) ||
	    strchr(strchr(p, '.') != NULL ? strchr(p, '.') + 1 : p, '.') != NULL)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0';
}

/*
 * The text of one cell as CSV shows it (no quotes yet): dates DD.MM.YYYY
 * (HH:MM), numbers with a decimal comma, risky text with a leading '.
 * buf holds CELL_EXTRA bytes plus the value.
 */
static const char *
csv_text(enum sheet_type type, const char *v, char *buf, size_t bufsz)
{
	lxw_datetime d;
	double num;

	if (type == SHEET_DATETIME && parse_datetime(v, true, &d)) {
		snprintf(
		    buf, bufsz, "%02d.%02d.%04d %02d:%02d", d.day, d.month, d.year, d.hour, d.min);
		return buf;
	}
	if (type == SHEET_DATE && parse_datetime(v, false, &d)) {
		snprintf(buf, bufsz, "%02d.%02d.%04d", d.day, d.month, d.year);
		return buf;
	}
	if (type == SHEET_NUMBER && parse_number(v, &num)) {
		snprintf(buf, bufsz, "%s", v);
		for (char *p = buf; *p != '\0'; p++)
			if (*p == '.')
				*p = ',';
		return buf;
	}
	if (sheet_risky(v)) {
		snprintf(buf, bufsz, "'%s", v);
		return buf;
	}
	return v;
}

/* Appends "text" with its quotes doubled at *p. */
static char *
put_quoted(char *p, const char *text)
{
	*p++ = '"';
	for (; *text != '\0'; text++) {
		if (*text == '"')
			*p++ = '"';
		*p++ = *text;
	}
	*p++ = '"';
	return p;
}

/* Two passes over the rows: the exact size first, then the bytes, so the arena holds one copy. */
static int
write_csv(struct arena *mem, const struct sheet_col *cols, size_t ncols, const PGresult *res,
    char **out, size_t *len)
{
	int rows = PQntuples(res);
	size_t size = sizeof(BOM) - 1, maxcell = 0;
	char *buf, *cell, *p;

	for (size_t c = 0; c < ncols; c++)
		size += strlen(cols[c].label) * 2 + 3;
	size += 2;
	for (int i = 0; i < rows; i++) {
		for (size_t c = 0; c < ncols; c++) {
			size_t l = (size_t)PQgetlength(res, i, cols[c].field);
			if (l > maxcell)
				maxcell = l;
			/* Doubled quotes at worst, a prefix or a longer date, the quotes and ';'. */
			size += l * 2 + CELL_EXTRA + 3;
		}
		size += 2;
	}
	if ((buf = arena_alloc(mem, size + 1)) == NULL ||
	    (cell = arena_alloc(mem, maxcell + CELL_EXTRA)) == NULL) {
		log_error("sheet", "CSV of %d rows: out of memory", rows);
		return -1;
	}
	p = stpcpy(buf, BOM);
	for (size_t c = 0; c < ncols; c++) {
		if (c > 0)
			*p++ = ';';
		p = put_quoted(p, cols[c].label);
	}
	p = stpcpy(p, "\r\n");
	for (int i = 0; i < rows; i++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *v = PQgetvalue(res, i, cols[c].field);
			if (c > 0)
				*p++ = ';';
			p = put_quoted(p, csv_text(cols[c].type, v, cell, maxcell + CELL_EXTRA));
		}
		p = stpcpy(p, "\r\n");
	}
	*p = '\0';
	*out = buf;
	*len = (size_t)(p - buf);
	return 0;
}

/* Reads path whole into arena memory; -1 (logged) on failure. */
static int
slurp(struct arena *mem, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;

	if (f == NULL) {
		log_error("sheet", "cannot open the XLSX file: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == -1 || st.st_size <= 0 ||
	    (buf = arena_alloc(mem, (size_t)st.st_size + 1)) == NULL ||
	    fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		log_error(
		    "sheet", "cannot read the XLSX file back (%lld bytes)", (long long)st.st_size);
		fclose(f);
		return -1;
	}
	buf[st.st_size] = '\0';
	*out = buf;
	*len = (size_t)st.st_size;
	return fclose(f) == 0 ? 0 : -1;
}

/* The rows into the workbook at path; -1 (logged) on failure. */
static int
build_xlsx(const char *path, const char *dir, const struct sheet_col *cols, size_t ncols,
    const PGresult *res)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = (char *)dir };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws;
	lxw_format *head, *date, *datetime, *number;
	int rows = PQntuples(res);
	lxw_error err = LXW_NO_ERROR;

	if (wb == NULL) {
		log_error("sheet", "workbook_new_opt failed");
		return -1;
	}
	ws = workbook_add_worksheet(wb, "Leady");
	head = workbook_add_format(wb);
	date = workbook_add_format(wb);
	datetime = workbook_add_format(wb);
	number = workbook_add_format(wb);
	if (ws == NULL || head == NULL || date == NULL || datetime == NULL || number == NULL) {
		log_error("sheet", "workbook set-up failed");
		workbook_close(wb);
		return -1;
	}
	format_set_bold(head);
	format_set_num_format(date, "dd.mm.yyyy");
	format_set_num_format(datetime, "dd.mm.yyyy hh:mm");
	format_set_num_format(number, "#,##0.00");
	for (size_t c = 0; c < ncols && err == LXW_NO_ERROR; c++) {
		err = worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].label, head);
		if (err == LXW_NO_ERROR)
			err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
			    cols[c].type == SHEET_TEXT ? 22 : 16, NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
	if (err == LXW_NO_ERROR && ncols > 0)
		err = worksheet_autofilter(ws, 0, 0, (lxw_row_t)rows, (lxw_col_t)(ncols - 1));
	for (int i = 0; i < rows && err == LXW_NO_ERROR; i++) {
		for (size_t c = 0; c < ncols && err == LXW_NO_ERROR; c++) {
			const char *v = PQgetvalue(res, i, cols[c].field);
			lxw_row_t row = (lxw_row_t)i + 1;
			lxw_col_t col = (lxw_col_t)c;
			lxw_datetime d;
			double num;

			if (PQgetisnull(res, i, cols[c].field) || *v == '\0')
				continue;
			if ((cols[c].type == SHEET_DATETIME || cols[c].type == SHEET_DATE) &&
			    parse_datetime(v, cols[c].type == SHEET_DATETIME, &d))
				err = worksheet_write_datetime(
				    ws, row, col, &d, cols[c].type == SHEET_DATE ? date : datetime);
			else if (cols[c].type == SHEET_NUMBER && parse_number(v, &num))
				err = worksheet_write_number(ws, row, col, num, number);
			else if (sheet_risky(v)) {
				size_t l = strlen(v);
				char *t = malloc(l + 2);
				if (t == NULL) {
					err = LXW_ERROR_MEMORY_MALLOC_FAILED;
					break;
				}
				t[0] = '\'';
				memcpy(t + 1, v, l + 1);
				err = worksheet_write_string(ws, row, col, t, NULL);
				free(t);
			} else
				err = worksheet_write_string(ws, row, col, v, NULL);
		}
	}
	if (err != LXW_NO_ERROR) {
		log_error("sheet", "XLSX row: %s", lxw_strerror(err));
		workbook_close(wb);
		return -1;
	}
	if ((err = workbook_close(wb)) != LXW_NO_ERROR) {
		log_error("sheet", "workbook_close: %s", lxw_strerror(err));
		return -1;
	}
	return 0;
}

static int
write_xlsx(struct arena *mem, const struct sheet_col *cols, size_t ncols, const PGresult *res,
    char **out, size_t *len)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];
	int rc;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/izzy-xlsx-XXXXXX", tmp) >= sizeof(dir) ||
	    mkdtemp(dir) == NULL) {
		log_error(
		    "sheet", "cannot make a private temporary directory: %s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/export.xlsx", dir);
	rc = build_xlsx(path, dir, cols, ncols, res);
	if (rc == 0)
		rc = slurp(mem, path, out, len);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("sheet", "cannot remove %s: %s", path, strerror(errno));
	if (rmdir(dir) == -1)
		log_warn("sheet", "cannot remove %s: %s", dir, strerror(errno));
	return rc;
}

int
sheet_write(struct arena *mem, enum sheet_fmt fmt, const struct sheet_col *cols, size_t ncols,
    const PGresult *res, char **out, size_t *len)
{
	return fmt == SHEET_XLSX ? write_xlsx(mem, cols, ncols, res, out, len)
				 : write_csv(mem, cols, ncols, res, out, len);
}
