/*
 * fuzz_xlsx: the XLSX reader (common/xlsx_read.c) on hostile files.  An even first byte hands
 * the rest to xlsx_read as the file itself (broken archives, zip bombs); an odd one splits the
 * rest at NUL bytes into the sheet, the shared strings, the styles, the workbook and its
 * relationships, and stores them in a fresh archive, so the fuzzer reaches the XML parsers
 * without having to forge CRCs.  Besides the sanitizers, the oracle is the reader's promises:
 * rows in increasing order and under the limits, cells that are valid UTF-8 without NULs and
 * within max_cell, a reason exactly when it fails.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "common/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct sheet_limits lim = { 1000, 16, 256, 1024 * 1024 };

struct seen {
	bool any;
	size_t last;
};

static bool
utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		size_t n;

		if (*s < 0x80)
			n = 0;
		else if ((*s & 0xe0) == 0xc0 && *s >= 0xc2)
			n = 1;
		else if ((*s & 0xf0) == 0xe0)
			n = 2;
		else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4)
			n = 3;
		else
			return false;
		s++;
		for (; n > 0; n--, s++)
			if ((*s & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static int
on_row(void *ctx, size_t row, const char *const *cells, size_t ncells)
{
	struct seen *s = ctx;

	if ((s->any && row <= s->last) || row >= lim.max_rows || ncells > lim.max_cols)
		abort();
	/* Trailing empty cells are left out. */
	if (ncells > 0 && cells[ncells - 1][0] == '\0')
		abort();
	for (size_t i = 0; i < ncells; i++)
		if (strlen(cells[i]) > lim.max_cell || !utf8_ok((const unsigned char *)cells[i]))
			abort();
	s->any = true;
	s->last = row;
	return 0;
}

static void
check(const void *buf, size_t len)
{
	struct seen s = { false, 0 };
	const char *why = NULL;
	enum sheet_status st = xlsx_read(buf, len, &lim, on_row, &s, &why);

	if ((st == SHEET_OK) != (why == NULL) || st == SHEET_STOPPED)
		abort();
}

static const char *const names[] = {
	"xl/worksheets/sheet1.xml",
	"xl/sharedStrings.xml",
	"xl/styles.xml",
	"xl/workbook.xml",
	"xl/_rels/workbook.xml.rels",
};

/* A default for each part the input leaves out. */
static const char *const defaults[] = {
	"<worksheet><sheetData/></worksheet>",
	"<sst/>",
	"<styleSheet/>",
	"<workbook xmlns:r=\"r\"><sheets><sheet r:id=\"rId1\"/></sheets></workbook>",
	"<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>",
};

static void
check_parts(const uint8_t *data, size_t size)
{
	zip_error_t err;
	zip_source_t *src, *s;
	zip_t *z;
	zip_stat_t st;
	void *out;
	size_t part = 0, start = 0;

	zip_error_init(&err);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &err)) == NULL ||
	    (z = zip_open_from_source(src, ZIP_TRUNCATE, &err)) == NULL)
		abort();
	zip_source_keep(src);
	for (size_t i = 0; i <= size && part < 5; i++) {
		if (i < size && data[i] != '\0')
			continue;
		if ((s = zip_source_buffer(z, data + start, i - start, 0)) == NULL ||
		    zip_file_add(z, names[part], s, 0) < 0 ||
		    zip_set_file_compression(z, (zip_uint64_t)part, ZIP_CM_STORE, 0) != 0)
			abort();
		part++;
		start = i + 1;
	}
	for (; part < 5; part++)
		if ((s = zip_source_buffer(z, defaults[part], strlen(defaults[part]), 0)) == NULL ||
		    zip_file_add(z, names[part], s, 0) < 0 ||
		    zip_set_file_compression(z, (zip_uint64_t)part, ZIP_CM_STORE, 0) != 0)
			abort();
	if (zip_close(z) != 0 || zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0 ||
	    (out = malloc(st.size)) == NULL ||
	    zip_source_read(src, out, st.size) != (zip_int64_t)st.size)
		abort();
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&err);
	check(out, st.size);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0)
		check(data + 1, size - 1);
	else
		check_parts(data + 1, size - 1);
	return 0;
}
