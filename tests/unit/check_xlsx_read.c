/*
 * check_xlsx_read: the XLSX reader (common/xlsx_read.c).  Every file is built here in memory
 * with libzip, part by part, so each test shows the XML it feeds; the hostile ones (zip bombs,
 * DOCTYPEs, broken archives) are made the same way, then patched where libzip would not write
 * them; one more comes from libxlsxwriter, the export's writer.  A transcript records each row
 * as "row:cell|cell|...".
 */
#include "config.h"
#include "common/xlsx_read.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <xlsxwriter.h>
#include <zip.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct ent {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen(data) */
};

/* An archive of the entries, deflated; the caller frees it. */
static unsigned char *
zip_make(const struct ent *e, size_t n, size_t *outlen)
{
	zip_error_t err;
	zip_source_t *src, *s;
	zip_t *z;
	zip_stat_t st;
	unsigned char *out;

	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	ck_assert_ptr_nonnull(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(z);
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		s = zip_source_buffer(z, e[i].data, e[i].len ? e[i].len : strlen(e[i].data), 0);
		ck_assert_ptr_nonnull(s);
		ck_assert_int_ge(zip_file_add(z, e[i].name, s, ZIP_FL_OVERWRITE), 0);
	}
	ck_assert_int_eq(zip_close(z), 0);
	ck_assert_int_eq(zip_source_stat(src, &st), 0);
	ck_assert_int_eq(zip_source_open(src), 0);
	out = malloc(st.size);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&err);
	*outlen = st.size;
	return out;
}

struct transcript {
	char buf[8192];
	size_t len, rows, stop_at;
	size_t heap_at[2]; /* heap in use at rows 1000 and 4999 */
};

static void
add(struct transcript *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n < sizeof(t->buf)) {
		memcpy(t->buf + t->len, s, n + 1);
		t->len += n;
	}
}

static int
record(void *ctx, size_t row, const char *const *cells, size_t ncells)
{
	struct transcript *t = ctx;
	char num[32];

	t->rows++;
	if (row == 1000 || row == 4999)
		t->heap_at[row == 1000 ? 0 : 1] = mallinfo2().uordblks;
	snprintf(num, sizeof(num), "%zu:", row);
	add(t, num);
	for (size_t i = 0; i < ncells; i++) {
		if (i > 0)
			add(t, "|");
		add(t, cells[i]);
	}
	add(t, "\n");
	return t->stop_at != 0 && t->rows == t->stop_at;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG  "http://schemas.openxmlformats.org/package/2006/relationships"
#define T_SHEET NS_REL "/worksheet"

/* The first sheet ("Leady") is rId2 → worksheets/data.xml; sheet1.xml is the second one. */
static const char WORKBOOK[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><workbookPr/><sheets>"
    "<sheet name=\"Leady\" sheetId=\"1\" r:id=\"rId2\"/>"
    "<sheet name=\"Inne\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships xmlns=\"" NS_PKG "\">"
    "<Relationship Id=\"rId1\" Type=\"" T_SHEET "\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" T_SHEET "\" Target=\"/xl/worksheets/data.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/></Relationships>";
static const char STRINGS[] =
    "<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
    "<si><t>Imię</t></si>"
    "<si><r><t>Zażółć </t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">gęślą jaźń</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>フリガナ</t></rPh></si>"
    "<si><t>&lt;b&gt; &amp; \"x\"</t></si></sst>";
/* cellXfs: 0 general, 1 built-in date 14, 2 custom dd.mm.yyyy, 3 built-in 22, 4 "0.00". */
static const char STYLES[] =
    "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"2\">"
    "<numFmt numFmtId=\"164\" formatCode=\"dd\\.mm\\.yyyy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"&quot;dni: &quot;0.00\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"22\"/><xf numFmtId=\"2\"/><xf numFmtId=\"165\"/>"
    "</cellXfs></styleSheet>";
static const char OTHER[] =
    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>drugi arkusz</t></is></c>"
    "</row></sheetData></worksheet>";

static unsigned char *
xlsx_with(const char *sheet, size_t *len)
{
	const struct ent e[] = {
		{ "[Content_Types].xml", "<Types/>", 0 },
		{ "xl/workbook.xml", WORKBOOK, 0 },
		{ "xl/_rels/workbook.xml.rels", RELS, 0 },
		{ "xl/sharedStrings.xml", STRINGS, 0 },
		{ "xl/styles.xml", STYLES, 0 },
		{ "xl/worksheets/sheet1.xml", OTHER, 0 },
		{ "xl/worksheets/data.xml", sheet, 0 },
	};

	return zip_make(e, NELEM(e), len);
}

static enum sheet_status
run(const unsigned char *buf, size_t len, const struct sheet_limits *lim, struct transcript *t,
    const char **why)
{
	memset(t, 0, sizeof(*t));
	return xlsx_read(buf, len, lim, record, t, why);
}

static enum sheet_status
run_sheet(const char *sheet, const struct sheet_limits *lim, struct transcript *t, const char **why)
{
	size_t len;
	unsigned char *buf = xlsx_with(sheet, &len);
	enum sheet_status st = run(buf, len, lim, t, why);

	free(buf);
	return st;
}

#define SHEET(rows) "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"

START_TEST(test_cells)
{
	struct transcript t;
	const char *why = "unset";
	enum sheet_status st = run_sheet(
	    SHEET(
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		"<c r=\"C1\" t=\"s\"><v>2</v></c></row>"
		/* B2 missing; a formula with its cached value, one without; a styled empty cell far
		   * out that must not count against max_cols. */
		"<row r=\"2\" spans=\"1:6\"><c r=\"A2\" t=\"inlineStr\"><is><t>Łódź</t></is></c>"
		"<c r=\"C2\"><v>12.5</v></c><c r=\"D2\" t=\"b\"><v>1</v></c>"
		"<c r=\"E2\" t=\"str\"><f>cmd|' /C calc'!A0</f><v>wynik</v></c>"
		"<c r=\"F2\"><f>SUM(C2:C3)</f></c><c r=\"G2\" t=\"e\"><v>#N/A</v></c>"
		"<c r=\"XFD2\" s=\"1\"/></row>"
		/* Rows 3 and 4 are not in the file. */
		"<row r=\"5\"><c r=\"B5\" s=\"1\"><v>45292</v></c><c r=\"C5\" "
		"s=\"2\"><v>45351</v></c>"
		"<c r=\"D5\" s=\"3\"><v>45292.5</v></c><c r=\"E5\" s=\"4\"><v>45292</v></c>"
		"<c r=\"F5\" s=\"5\"><v>3</v></c><c r=\"G5\" s=\"1\" t=\"b\"><v>0</v></c>"
		"<c r=\"H5\" s=\"1\"><v>60</v></c><c r=\"I5\" s=\"1\"><v>59</v></c></row>"
		/* No r attributes: the next row and the next columns. */
		"<row><c><v>1</v></c><c><v>2</v></c></row>"
		/* Formatted but empty rows at the end: not delivered, not over max_rows. */
		"<row r=\"7\" ht=\"20\"/><row r=\"1048576\"><c r=\"A1048576\" s=\"1\"/></row>"),
	    NULL, &t, &why);

	ck_assert_int_eq(st, SHEET_OK);
	ck_assert_ptr_null(why);
	ck_assert_str_eq(t.buf,
	    "0:Imię|Zażółć gęślą jaźń|<b> & \"x\"\n"
	    "1:Łódź||12.5|TRUE|wynik||#N/A\n"
	    "2:\n"
	    "3:\n"
	    "4:|2024-01-01|2024-02-29|2024-01-01 12:00|45292|3|FALSE|60|1900-02-28\n"
	    "5:1|2\n");
	ck_assert_ptr_null(strstr(t.buf, "calc"));
	ck_assert_ptr_null(strstr(t.buf, "drugi"));
}
END_TEST

START_TEST(test_date1904)
{
	static const char wb[] =
	    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
	    "<workbookPr date1904=\"true\"/><sheets>"
	    "<sheet name=\"Leady\" sheetId=\"1\" r:id=\"rId2\"/></sheets></workbook>";
	const struct ent e[] = {
		{ "xl/workbook.xml", wb, 0 },
		{ "xl/_rels/workbook.xml.rels", RELS, 0 },
		{ "xl/styles.xml", STYLES, 0 },
		{ "xl/worksheets/data.xml",
		    SHEET("<row><c s=\"1\"><v>43830</v></c><c s=\"3\"><v>0.75</v></c></row>"), 0 },
	};
	struct transcript t;
	size_t len;
	unsigned char *buf = zip_make(e, NELEM(e), &len);

	/* No shared strings at all is fine. */
	ck_assert_int_eq(run(buf, len, NULL, &t, NULL), SHEET_OK);
	ck_assert_str_eq(t.buf, "0:2024-01-01|1904-01-01 18:00\n");
	free(buf);
}
END_TEST

START_TEST(test_fallback)
{
	/* No sheets listed: xl/worksheets/sheet1.xml; no relationships, no styles. */
	static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\"><workbookPr date1904=\"1\"/>"
				 "</workbook>";
	const struct ent e[] = {
		{ "xl/workbook.xml", wb, 0 },
		{ "xl/worksheets/sheet1.xml",
		    SHEET("<row r=\"1\"><c r=\"B1\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t>"
			  "</r></is></c></row>"),
		    0 },
	};
	struct transcript t;
	size_t len;
	unsigned char *buf = zip_make(e, NELEM(e), &len);

	ck_assert_int_eq(run(buf, len, NULL, &t, NULL), SHEET_OK);
	ck_assert_str_eq(t.buf, "0:|ab\n");
	free(buf);
}
END_TEST

START_TEST(test_limits)
{
	static const struct {
		const char *sheet;
		struct sheet_limits lim;
		enum sheet_status want;
		const char *why, *rows;
	} rows[] = {
		{ SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></c></row>"
			"<row r=\"3\"><c><v>3</v></c></row>"),
		    { 2, 0, 0, 0 }, SHEET_LIMIT, "arkusz ma za dużo wierszy", "0:1\n1:2\n" },
		/* A far row counts by its number, not by how many rows came before. */
		{ SHEET("<row r=\"100001\"><c><v>1</v></c></row>"), { 100, 0, 0, 0 }, SHEET_LIMIT,
		    "arkusz ma za dużo wierszy", "" },
		{ SHEET("<row r=\"1\"><c r=\"C1\"><v>1</v></c></row>"), { 0, 2, 0, 0 }, SHEET_LIMIT,
		    "arkusz ma za dużo kolumn", "" },
		{ SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>12345</t><t>6</t></is></c></row>"),
		    { 0, 0, 5, 0 }, SHEET_LIMIT, "komórka arkusza ma za długi tekst", "" },
		{ SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>12345</t></is></c></row>"),
		    { 0, 0, 5, 0 }, SHEET_OK, NULL, "0:12345\n" },
		/* Shared string 1 is 17 bytes, kept only up to max_cell: refused where used. */
		{ SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row><row><c "
			"t=\"s\"><v>1</v></c></row>"),
		    { 0, 0, 8, 0 }, SHEET_LIMIT, "komórka arkusza ma za długi tekst", "0:Imię\n" },
		/* Everything inflated counts. */
		{ SHEET("<row r=\"1\"><c><v>1</v></c></row>"), { 0, 0, 0, 1000 }, SHEET_LIMIT,
		    "plik XLSX po rozpakowaniu jest za duży", "" },
		/* Broken sheets: rows going back, columns going back, a bad reference, an unknown
		 * shared string. */
		{ SHEET("<row r=\"2\"/><row r=\"1\"/>"), { 0 }, SHEET_FORMAT,
		    "plik XLSX jest uszkodzony", "" },
		{ SHEET("<row><c r=\"B1\"/><c r=\"A1\"/></row>"), { 0 }, SHEET_FORMAT,
		    "plik XLSX jest uszkodzony", "" },
		{ SHEET("<row><c r=\"AAAA1\"><v>1</v></c></row>"), { 0 }, SHEET_FORMAT,
		    "plik XLSX jest uszkodzony", "" },
		{ SHEET("<row><c t=\"s\"><v>3</v></c></row>"), { 0 }, SHEET_FORMAT,
		    "plik XLSX jest uszkodzony", "" },
		{ "<worksheet><sheetData><row>", { 0 }, SHEET_FORMAT, "plik XLSX jest uszkodzony",
		    "" },
	};
	struct transcript t;
	const char *why;

	for (size_t i = 0; i < NELEM(rows); i++) {
		why = NULL;
		ck_assert_msg(
		    run_sheet(rows[i].sheet, &rows[i].lim, &t, &why) == rows[i].want, "row %zu", i);
		if (rows[i].why == NULL)
			ck_assert_ptr_null(why);
		else
			ck_assert_str_eq(why, rows[i].why);
		ck_assert_str_eq(t.buf, rows[i].rows);
	}
}
END_TEST

START_TEST(test_doctype)
{
	static const char *const sheets[] = {
		/* Billion laughs. */
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
		"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol3;</t></is></c></row>"
		"</sheetData></worksheet>",
		/* An external entity. */
		"<!DOCTYPE worksheet [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&x;</t></is></c></row>"
		"</sheetData></worksheet>",
		/* An external DTD. */
		"<!DOCTYPE worksheet SYSTEM \"http://127.0.0.1:1/x.dtd\"><worksheet/>",
	};
	struct transcript t;
	const char *why;

	for (size_t i = 0; i < NELEM(sheets); i++) {
		ck_assert_int_eq(run_sheet(sheets[i], NULL, &t, &why), SHEET_FORMAT);
		ck_assert_str_eq(why, "plik XLSX zawiera niedozwoloną deklarację DOCTYPE");
		ck_assert_str_eq(t.buf, "");
	}
}
END_TEST

START_TEST(test_depth)
{
	char sheet[4096] = "<worksheet>";

	for (int i = 0; i < 100; i++)
		strcat(sheet, "<a>");
	ck_assert_int_eq(run_sheet(sheet, NULL, &(struct transcript){ 0 }, NULL), SHEET_FORMAT);
}
END_TEST

START_TEST(test_not_xlsx)
{
	static const char csv[] = "Imię;Nazwisko\nJan;Kowalski\n";
	static const unsigned char ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0 };
	const struct ent e[] = { { "word/document.xml", "<w/>", 0 } };
	struct transcript t;
	const char *why;
	size_t len;
	unsigned char *buf;

	ck_assert_int_eq(
	    run((const unsigned char *)csv, strlen(csv), NULL, &t, &why), SHEET_FORMAT);
	ck_assert_str_eq(why, "to nie jest plik XLSX");
	ck_assert_int_eq(run((const unsigned char *)"", 0, NULL, &t, &why), SHEET_FORMAT);
	ck_assert_int_eq(run(ole, sizeof(ole), NULL, &t, &why), SHEET_FORMAT);
	ck_assert_ptr_nonnull(strstr(why, "zaszyfrowany"));
	/* A zip, but not a workbook. */
	buf = zip_make(e, NELEM(e), &len);
	ck_assert_int_eq(run(buf, len, NULL, &t, &why), SHEET_FORMAT);
	ck_assert_str_eq(why, "to nie jest plik XLSX");
	free(buf);
}
END_TEST

START_TEST(test_broken_zip)
{
	struct transcript t;
	const char *why;
	size_t len, hits = 0;
	/* Long enough to be deflated, so flipping a byte breaks the stream or its CRC. */
	char sheet[16384] = "<worksheet><sheetData>";
	unsigned char *buf;

	for (int i = 0; i < 200; i++)
		strcat(sheet, "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>");
	strcat(sheet, "</sheetData></worksheet>");
	buf = xlsx_with(sheet, &len);
	ck_assert_int_eq(run(buf, len, NULL, &t, &why), SHEET_OK);
	/* Cut short: the central directory is gone. */
	ck_assert_int_eq(run(buf, len / 2, NULL, &t, &why), SHEET_FORMAT);
	ck_assert_str_eq(why, "plik XLSX jest uszkodzony");
	/* Every corruption of the data is refused or read without harm, never a crash. */
	for (size_t i = 0; i < len; i += 7) {
		buf[i] ^= 0x5a;
		if (run(buf, len, NULL, &t, &why) != SHEET_OK)
			hits++;
		buf[i] ^= 0x5a;
	}
	ck_assert_uint_gt(hits, 0);
	free(buf);
}
END_TEST

/* Sets the uncompressed size of `name` in its local header and central directory entry. */
static void
patch_size(unsigned char *buf, size_t len, const char *name, uint32_t size)
{
	size_t nlen = strlen(name), hits = 0;

	for (size_t i = 0; i + 46 + nlen <= len; i++) {
		size_t off;

		if (memcmp(buf + i, "PK\3\4", 4) == 0 && memcmp(buf + i + 30, name, nlen) == 0)
			off = i + 22;
		else if (memcmp(buf + i, "PK\1\2", 4) == 0 && memcmp(buf + i + 46, name, nlen) == 0)
			off = i + 24;
		else
			continue;
		for (int b = 0; b < 4; b++)
			buf[off + (size_t)b] = (unsigned char)(size >> (8 * b));
		hits++;
	}
	ck_assert_uint_eq(hits, 2);
}

START_TEST(test_zip_bomb)
{
	static const char head[] = "<worksheet><sheetData>";
	const size_t big = 100u * 1024 * 1024;
	struct sheet_limits lim = { 0, 0, 0, 1024 * 1024 };
	struct transcript t;
	const char *why;
	size_t len;
	char *sheet = malloc(big + 1);
	unsigned char *buf;

	ck_assert_ptr_nonnull(sheet);
	memset(sheet, ' ', big);
	memcpy(sheet, head, strlen(head));
	sheet[big] = '\0';
	buf = xlsx_with(sheet, &len);
	free(sheet);
	ck_assert_uint_lt(len, 1024 * 1024);
	/* Honest headers: refused from the declared size. */
	ck_assert_int_eq(run(buf, len, &lim, &t, &why), SHEET_LIMIT);
	ck_assert_str_eq(why, "plik XLSX po rozpakowaniu jest za duży");
	/* Lying headers (libzip inflates past the declared size): refused when the bytes
	 * actually inflated pass the limit. */
	patch_size(buf, len, "xl/worksheets/data.xml", 1000);
	ck_assert_int_eq(run(buf, len, &lim, &t, &why), SHEET_LIMIT);
	ck_assert_str_eq(why, "plik XLSX po rozpakowaniu jest za duży");
	/* The same with the default limit (64 MiB). */
	ck_assert_int_eq(run(buf, len, NULL, &t, &why), SHEET_LIMIT);
	ck_assert_str_eq(t.buf, "");
	free(buf);
}
END_TEST

START_TEST(test_many_entries)
{
	static char names[XLSX_MAX_ENTRIES + 1][32];
	static struct ent e[XLSX_MAX_ENTRIES + 1];
	struct transcript t;
	const char *why;
	size_t len;
	unsigned char *buf;

	for (size_t i = 0; i < NELEM(e); i++) {
		snprintf(names[i], sizeof(names[i]), "x/%zu.xml", i);
		e[i].name = names[i];
		e[i].data = "<a/>";
	}
	e[0].name = "xl/workbook.xml";
	e[0].data = WORKBOOK;
	buf = zip_make(e, NELEM(e), &len);
	ck_assert_int_eq(run(buf, len, NULL, &t, &why), SHEET_LIMIT);
	ck_assert_str_eq(why, "plik XLSX ma za dużo części");
	free(buf);
}
END_TEST

START_TEST(test_stream_5000_rows)
{
	static const char row[] = "<row><c t=\"inlineStr\"><is><t>Wiersz z tekstem</t></is></c>"
				  "<c><v>123456789</v></c><c t=\"s\"><v>1</v></c></row>";
	size_t size = 64 + 5000 * sizeof(row), n;
	char *sheet = malloc(size);
	struct transcript t;
	unsigned char *buf;
	size_t len;

	ck_assert_ptr_nonnull(sheet);
	n = (size_t)snprintf(sheet, size, "<worksheet><sheetData>");
	for (int i = 0; i < 5000; i++) {
		memcpy(sheet + n, row, sizeof(row) - 1);
		n += sizeof(row) - 1;
	}
	memcpy(sheet + n, "</sheetData></worksheet>", sizeof("</sheetData></worksheet>"));
	buf = xlsx_with(sheet, &len);
	free(sheet);
	ck_assert_int_eq(run(buf, len, NULL, &t, NULL), SHEET_OK);
	ck_assert_uint_eq(t.rows, 5000);
	/* Streamed: 4000 rows later the heap has not grown (a byte a row would show). */
	ck_assert_uint_lt(t.heap_at[1], t.heap_at[0] + 2048);
	free(buf);
}
END_TEST

START_TEST(test_callback_stops)
{
	struct transcript t;
	const char *why;
	size_t len;
	unsigned char *buf = xlsx_with(
	    SHEET("<row><c><v>1</v></c></row><row><c><v>2</v></c></row><row><c><v>3</v></c></row>"),
	    &len);

	memset(&t, 0, sizeof(t));
	t.stop_at = 2;
	ck_assert_int_eq(xlsx_read(buf, len, NULL, record, &t, &why), SHEET_STOPPED);
	ck_assert_str_eq(t.buf, "0:1\n1:2\n");
	free(buf);
}
END_TEST

/* What the export writes (libxlsxwriter) reads back as it was written. */
START_TEST(test_libxlsxwriter)
{
	static const char path[] = "check_xlsx_read.tmp.xlsx";
	lxw_datetime when = { 2024, 3, 5, 0, 0, 0 };
	lxw_workbook *wb;
	lxw_worksheet *ws, *other;
	lxw_format *date, *bold;
	struct transcript t;
	FILE *f;
	unsigned char *buf;
	long len;

	for (int constant_memory = 0; constant_memory <= 1; constant_memory++) {
		lxw_workbook_options opt = { .constant_memory = (uint8_t)constant_memory };

		wb = workbook_new_opt(path, &opt);
		ck_assert_ptr_nonnull(wb);
		ws = workbook_add_worksheet(wb, "Leady");
		other = workbook_add_worksheet(wb, "Inne");
		date = workbook_add_format(wb);
		format_set_num_format(date, "dd.mm.yyyy");
		bold = workbook_add_format(wb);
		format_set_bold(bold);
		worksheet_write_string(ws, 0, 0, "Imię", bold);
		worksheet_write_string(ws, 0, 1, "Kwota", NULL);
		worksheet_write_string(ws, 0, 3, "Data", NULL);
		worksheet_write_string(ws, 1, 0, "Żaneta Łęcka", NULL);
		worksheet_write_number(ws, 1, 1, 1234.5, NULL);
		worksheet_write_boolean(ws, 1, 2, 1, NULL);
		worksheet_write_datetime(ws, 1, 3, &when, date);
		worksheet_write_formula(ws, 1, 4, "=cmd|' /C calc'!A0", NULL);
		worksheet_write_blank(ws, 1, 40, bold);
		worksheet_write_number(ws, 3, 0, 7, NULL);
		worksheet_write_string(other, 0, 0, "drugi arkusz", NULL);
		ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);

		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		ck_assert_int_gt(len, 0);
		rewind(f);
		buf = malloc((size_t)len);
		ck_assert_ptr_nonnull(buf);
		ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		ck_assert_int_eq(remove(path), 0);
		ck_assert_int_eq(run(buf, (size_t)len, NULL, &t, NULL), SHEET_OK);
		/* The formula's cached value (libxlsxwriter writes 0), never the formula. */
		ck_assert_str_eq(t.buf,
		    "0:Imię|Kwota||Data\n"
		    "1:Żaneta Łęcka|1234.5|TRUE|2024-03-05|0\n"
		    "2:\n"
		    "3:7\n");
		free(buf);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("xlsx_read");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cells);
	tcase_add_test(tc, test_date1904);
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_doctype);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_not_xlsx);
	tcase_add_test(tc, test_broken_zip);
	tcase_add_test(tc, test_zip_bomb);
	tcase_add_test(tc, test_many_entries);
	tcase_add_test(tc, test_stream_5000_rows);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_libxlsxwriter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
