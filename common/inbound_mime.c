/*
 * inbound_mime: GMime parsing of an inbound message; see inbound_mime.h.
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "arena.h"
#include "inbound_mime.h"

#define MAX_ATTACHMENTS 64

/* GMime takes a non-const array. */
static const char *fallback_charsets[] = { "UTF-8", "windows-1250", "iso-8859-2", NULL };

void
inbound_mime_init(void)
{
	g_mime_init();
}

/* An arena copy of a GLib string that is freed here; NULL stays NULL. */
static char *
take(struct arena *mem, char *s)
{
	char *out = s != NULL ? arena_strdup(mem, s) : NULL;

	g_free(s);
	return out;
}

/*
 * Text of a part as valid UTF-8 (declared charset, else the fallbacks), with
 * "\n" line ends and no trailing white space.
 */
static char *
part_text(GMimeTextPart *tp)
{
	char *s = g_mime_text_part_get_text(tp), *r, *w;
	size_t n;

	if (s != NULL && !g_utf8_validate(s, -1, NULL)) {
		char *u = g_mime_utils_decode_8bit(NULL, s, strlen(s));
		g_free(s);
		s = u;
	}
	if (s == NULL)
		return NULL;
	for (r = w = s; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/* Decoded size of a part's content. */
static long long
part_size(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *null;
	long long n = 0;

	if (w == NULL || (null = g_mime_stream_null_new()) == NULL)
		return 0;
	if (g_mime_data_wrapper_write_to_stream(w, null) >= 0)
		n = (long long)GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
	return n;
}

struct walk {
	struct arena *mem;
	char *text, *html;
	struct inbound_attachment att[MAX_ATTACHMENTS];
	size_t natt;
};

static void
visit(GMimeObject *parent, GMimeObject *obj, gpointer data)
{
	struct walk *w = data;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimePart *part;

	(void)parent;
	if (!GMIME_IS_PART(obj))
		return;
	part = GMIME_PART(obj);
	if (g_mime_part_is_attachment(part) || g_mime_part_get_filename(part) != NULL ||
	    !GMIME_IS_TEXT_PART(obj)) {
		if (w->natt < MAX_ATTACHMENTS) {
			const char *name = g_mime_part_get_filename(part);
			w->att[w->natt].name = name != NULL ? arena_strdup(w->mem, name) : NULL;
			w->att[w->natt].size = part_size(part);
			w->natt++;
		}
		return;
	}
	if (w->text == NULL && g_mime_content_type_is_type(ct, "text", "plain"))
		w->text = take(w->mem, part_text(GMIME_TEXT_PART(obj)));
	else if (w->html == NULL && g_mime_content_type_is_type(ct, "text", "html"))
		w->html = take(w->mem, part_text(GMIME_TEXT_PART(obj)));
}

/* "Name <addr>" or "addr" of the first mailbox of a list; NULL when none. */
static char *
first_mailbox(struct arena *mem, InternetAddressList *l)
{
	for (int i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		const char *name, *addr;

		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		name = internet_address_get_name(a);
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
		if (addr == NULL)
			continue;
		return name != NULL && *name != '\0' ? arena_printf(mem, "%s <%s>", name, addr)
						     : arena_strdup(mem, addr);
	}
	return NULL;
}

int
inbound_mime_parse(struct arena *mem, const char *raw, size_t len, struct inbound_msg *m)
{
	GMimeParserOptions *opts = g_mime_parser_options_new();
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg;
	struct walk w = { .mem = mem };
	InternetAddressList *to;
	struct inbound_attachment *att;
	int rc = -1;

	g_mime_parser_options_set_fallback_charsets(opts, fallback_charsets);
	msg = g_mime_parser_construct_message(parser, opts);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		goto out;
	memset(m, 0, sizeof(*m));
	m->from = first_mailbox(mem, g_mime_message_get_from(msg));
	to = g_mime_message_get_to(msg);
	if (to != NULL && internet_address_list_length(to) > 0)
		m->to = take(mem, internet_address_list_to_string(to, NULL, FALSE));
	if (g_mime_message_get_subject(msg) != NULL)
		m->subject = arena_strdup(mem, g_mime_message_get_subject(msg));
	if (g_mime_message_get_message_id(msg) != NULL)
		m->message_id = arena_strdup(mem, g_mime_message_get_message_id(msg));
	g_mime_message_foreach(msg, visit, &w);
	m->text = w.text;
	m->html = w.html;
	if (w.natt > 0 && (att = arena_alloc(mem, w.natt * sizeof(*att))) != NULL) {
		memcpy(att, w.att, w.natt * sizeof(*att));
		m->att = att;
		m->natt = w.natt;
	}
	g_object_unref(msg);
	rc = 0;
out:
	g_mime_parser_options_free(opts);
	return rc;
}
