/*
 * inbound: the inbound e-mail procedure (spec/api.md §5.3); see inbound.h.
 */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "inbound.h"
#include "json.h"
#include "log.h"
#include "sanitize.h"

#include "inbound.sql.h"

#define SOURCE_TAG "izzylease.pl"

int
inbound_init(struct db *db)
{
	return db_register(db, inbound_sql, INBOUND_SQL__MAX);
}

const char *
inbound_result_message(enum inbound_result r)
{
	switch (r) {
	case INBOUND_NOTE:
		return "Email processed and attached to lead";
	case INBOUND_LEAD:
		return "Lead auto-created from incoming email";
	case INBOUND_NO_PARTNER:
		return "Unknown sender (partner missing)";
	case INBOUND_RATE_LIMITED:
		return "Rate limited";
	case INBOUND_DUPLICATE:
		return "Email already processed";
	case INBOUND_NO_SENDER:
		return "Missing 'from' field";
	case INBOUND_ERROR:
		break;
	}
	return "Internal server error";
}

const char *
inbound_result_name(enum inbound_result r)
{
	static const char *const names[] = { "note", "lead", "no-partner", "rate-limited",
		"duplicate", "no-sender", "error" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "error";
}

/* A copy of s[0..n) without leading and trailing white space. */
static char *
trimmed(struct arena *mem, const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(mem, s, n);
}

char *
inbound_sender(struct arena *mem, const char *from)
{
	const char *lt = from != NULL ? strchr(from, '<') : NULL;
	const char *gt = from != NULL ? strrchr(from, '>') : NULL;

	if (from == NULL)
		return arena_strdup(mem, "");
	if (lt != NULL && gt != NULL && gt > lt)
		return trimmed(mem, lt + 1, (size_t)(gt - lt - 1));
	return trimmed(mem, from, strlen(from));
}

int
inbound_name(struct arena *mem, const char *from, const char *sender, char **first, char **last)
{
	const char *lt = from != NULL ? strchr(from, '<') : NULL;
	char *name = NULL, *p, *tok, *save = NULL;
	size_t n;

	*first = *last = NULL;
	if (lt != NULL)
		name = trimmed(mem, from, (size_t)(lt - from));
	if (name != NULL && (n = strlen(name)) >= 2 && name[0] == '"' && name[n - 1] == '"')
		name = trimmed(mem, name + 1, n - 2);
	/* "<jan@x.pl>": an empty display name is Unknown Sender (the §5.3 example); only a
	 * bare address gives its local part. */
	if (lt == NULL) {
		const char *at = strchr(sender, '@');
		char *q;

		name =
		    arena_strndup(mem, sender, at != NULL ? (size_t)(at - sender) : strlen(sender));
		if (name == NULL)
			return -1;
		for (p = q = name; *p != '\0'; p++)
			if (*p != '"' && *p != '<' && *p != '>')
				*q++ = *p;
		*q = '\0';
	}
	if (name == NULL)
		return -1;
	for (tok = strtok_r(name, " \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (*first == NULL)
			*first = tok;
		else if (*last == NULL)
			*last = arena_strdup(mem, tok);
		else
			*last = arena_printf(mem, "%s %s", *last, tok);
	}
	if (*first == NULL)
		*first = arena_strdup(mem, "Unknown");
	if (*last == NULL)
		*last = arena_strdup(mem, "Sender");
	return *first != NULL && *last != NULL ? 0 : -1;
}

char *
inbound_phone(struct arena *mem, const char *body)
{
	regex_t re;
	regmatch_t m;
	char *out = NULL;

	if (body == NULL || regcomp(&re, "\\+?[0-9][0-9 -]{6,}[0-9]", REG_EXTENDED) != 0)
		return NULL;
	if (regexec(&re, body, 1, &m, 0) == 0 &&
	    (out = arena_alloc(mem, (size_t)(m.rm_eo - m.rm_so) + 1)) != NULL) {
		size_t k = 0;
		for (regoff_t i = m.rm_so; i < m.rm_eo; i++)
			if (body[i] != ' ')
				out[k++] = body[i];
		out[k] = '\0';
	}
	regfree(&re);
	return out;
}

/* Lower case of s for matching: ASCII, plus the Polish capitals Ó and Ł. */
static char *
lower_pl(const char *s)
{
	char *out = strdup(s != NULL ? s : "");

	if (out == NULL)
		return NULL;
	for (unsigned char *p = (unsigned char *)out; *p != '\0'; p++) {
		if (p[0] == 0xC3 && p[1] == 0x93)
			p[1] = 0xB3;
		else if (p[0] == 0xC5 && p[1] == 0x81)
			p[1] = 0x82;
		else
			*p = (unsigned char)tolower(*p);
	}
	return out;
}

const char *
inbound_customer_type(const char *subject, const char *body)
{
	static const char *const words[] = { "spółka", "s.a.", "s.c.", "spj", "sp k", "firma",
		"company", "ltd" };
	char *s = lower_pl(subject), *b = lower_pl(body);
	bool firm = false;
	regex_t re;

	if (s == NULL || b == NULL) {
		free(s);
		free(b);
		return "osoba prywatna";
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && !firm; i++)
		firm = strstr(s, words[i]) != NULL || strstr(b, words[i]) != NULL;
	if (!firm && regcomp(&re, "sp\\.? ?z ?o\\.? ?o\\.?", REG_EXTENDED | REG_NOSUB) == 0) {
		firm = regexec(&re, s, 0, NULL, 0) == 0 || regexec(&re, b, 0, NULL, 0) == 0;
		regfree(&re);
	}
	free(s);
	free(b);
	return firm ? "firma" : "osoba prywatna";
}

/* Appends the UTF-8 encoding of code point c to out at *k (room for 4 bytes assumed). */
static void
put_utf8(char *out, size_t *k, unsigned long c)
{
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80)
		out[(*k)++] = (char)c;
	else if (c < 0x800) {
		out[(*k)++] = (char)(0xC0 | (c >> 6));
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		out[(*k)++] = (char)(0xE0 | (c >> 12));
		out[(*k)++] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	} else {
		out[(*k)++] = (char)(0xF0 | (c >> 18));
		out[(*k)++] = (char)(0x80 | ((c >> 12) & 0x3F));
		out[(*k)++] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	}
}

char *
inbound_html_text(struct arena *mem, const char *html)
{
	static const struct {
		const char *name;
		unsigned long c;
	} ents[] = { { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "apos", '\'' }, { "nbsp", ' ' } };
	size_t n = html != NULL ? strlen(html) : 0, k = 0;
	char *out = arena_alloc(mem, n + 8);
	const char *p = html;

	if (out == NULL)
		return NULL;
	while (p != NULL && *p != '\0') {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			const char *t = p + 1 + (p[1] == '/');
			size_t len = strcspn(t, " />");

			if ((len == 2 && strncasecmp(t, "br", 2) == 0) ||
			    (p[1] == '/' &&
				((len == 1 && strncasecmp(t, "p", 1) == 0) ||
				    (len == 2 && strncasecmp(t, "li", 2) == 0) ||
				    (len == 2 && tolower((unsigned char)t[0]) == 'h') ||
				    (len == 3 && strncasecmp(t, "div", 3) == 0) ||
				    (len == 10 && strncasecmp(t, "blockquote", 10) == 0))))
				out[k++] = '\n';
			if (end == NULL)
				break;
			p = end + 1;
			continue;
		}
		if (*p == '&') {
			const char *semi = strchr(p, ';');
			bool done = false;

			if (semi != NULL && semi - p <= 10) {
				if (p[1] == '#') {
					char *e;
					unsigned long c = p[2] == 'x' || p[2] == 'X'
					    ? strtoul(p + 3, &e, 16)
					    : strtoul(p + 2, &e, 10);
					if (e == semi && e > p + 2) {
						put_utf8(out, &k, c);
						done = true;
					}
				} else
					for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
						if ((size_t)(semi - p - 1) ==
							strlen(ents[i].name) &&
						    strncmp(p + 1, ents[i].name,
							strlen(ents[i].name)) == 0) {
							out[k++] = (char)ents[i].c;
							done = true;
							break;
						}
			}
			if (done) {
				p = semi + 1;
				continue;
			}
		}
		/* A new line in the source is only white space in HTML. */
		out[k++] = *p == '\r' || *p == '\n' ? ' ' : *p;
		p++;
	}
	out[k] = '\0';
	return trimmed(mem, out, k);
}

/* The Message-ID without white space and one pair of <>; NULL when empty. */
static char *
normal_message_id(struct arena *mem, const char *id)
{
	char *s;
	size_t n;

	if (id == NULL || (s = trimmed(mem, id, strlen(id))) == NULL)
		return NULL;
	n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s[n - 1] = '\0';
		s++;
	}
	return *s != '\0' && strlen(s) <= 995 ? s : NULL;
}

/* The identity of a message without a Message-ID: the SHA-256 of its parts. */
static char *
digest_id(struct arena *mem, const struct inbound_msg *m)
{
	const char *parts[] = { m->from, m->to, m->subject, m->text, m->html };
	char hex[CRYPTO_SHA256_HEX];
	size_t len = 0;
	char *buf, *p;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		len += (parts[i] != NULL ? strlen(parts[i]) : 0) + 1;
	if ((buf = arena_alloc(mem, len + 1)) == NULL)
		return NULL;
	p = buf;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t n = parts[i] != NULL ? strlen(parts[i]) : 0;
		memcpy(p, parts[i] != NULL ? parts[i] : "", n);
		p += n;
		*p++ = '\x1f';
	}
	crypto_sha256_hex(hex, buf, len);
	return arena_printf(mem, "sha256:%s", hex);
}

/* The note's metadata (inbound.h); NULL when out of memory. */
static const char *
note_metadata(struct arena *mem, const struct inbound_msg *m, const char *sender, const char *html,
    const char *mid, bool new_lead)
{
	cJSON *o = cJSON_CreateObject(), *a = NULL;
	bool bad = o == NULL;

	bad = bad || json_add_str_null(o, "from", m->from) == -1 ||
	    json_add_str_null(o, "senderEmail", sender) == -1 ||
	    json_add_str_null(o, "to", m->to) == -1 ||
	    json_add_str_null(o, "subject", m->subject) == -1 ||
	    json_add_str_null(o, "html", html) == -1 ||
	    json_add_str_null(o, "direction", "INCOMING") == -1 ||
	    json_add_str_null(o, "messageId", mid) == -1 ||
	    json_add_str_null(o, "receivedVia", m->source) == -1 ||
	    (new_lead && json_add_str_null(o, "source", SOURCE_TAG) == -1) ||
	    (a = cJSON_AddArrayToObject(o, "attachments")) == NULL;
	for (size_t i = 0; !bad && i < m->natt; i++) {
		cJSON *e = cJSON_CreateObject();

		if (e == NULL || !cJSON_AddItemToArray(a, e)) {
			cJSON_Delete(e);
			bad = true;
			break;
		}
		bad = json_add_str_null(e, "name", m->att[i].name) == -1 ||
		    cJSON_AddNumberToObject(e, "size", (double)m->att[i].size) == NULL;
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_print_take(mem, o);
}

/* Writes the note, the log row and the outcome; -1 on failure. */
static int
write_note(struct db *db, struct arena *mem, const struct inbound_msg *m, const char *row,
    const char *lead, const char *sender, const char *mid, const char *outcome)
{
	char note_id[ID_SIZE], log_id[ID_SIZE];
	const char *html = m->html != NULL && *m->html != '\0' ? sanitize_html(mem, m->html) : NULL;
	const char *content = m->text != NULL && *m->text != '\0' ? m->text : NULL;
	const char *meta;
	const char *params[8];
	PGresult *res;

	if (m->html != NULL && *m->html != '\0' && html == NULL)
		return -1;
	if (content == NULL && html != NULL) {
		content = inbound_html_text(mem, html);
		if (content != NULL && *content == '\0')
			content = NULL;
	}
	if (content == NULL)
		content = "(No content)";
	meta = note_metadata(mem, m, sender, html, mid, strcmp(outcome, "LEAD") == 0);
	if (meta == NULL || id_new(note_id) == -1 || id_new(log_id) == -1)
		return -1;
	params[0] = note_id;
	params[1] = lead;
	params[2] = content;
	params[3] = meta;
	params[4] = log_id;
	params[5] = row;
	params[6] = outcome;
	params[7] = mid;
	res = db_query(db, mem, &inbound_sql[SQL_INBOUND_NOTE], 8, params);
	return res != NULL && strcmp(PQcmdTuples(res), "1") == 0 ? 0 : -1;
}

/* The lead's notes text (§5.3): six lines. */
static char *
lead_notes(struct arena *mem, const struct inbound_msg *m, const char *body)
{
	return arena_printf(mem,
	    "Lead utworzony automatycznie z wiadomości e-mail (" SOURCE_TAG ").\nFrom: %s\nTo: "
	    "%s\nSubject: %s\n\n%s",
	    m->from, m->to != NULL && *m->to != '\0' ? m->to : "(unknown)",
	    m->subject != NULL && *m->subject != '\0' ? m->subject : "(No Subject)", body);
}

/* Creates the lead of an unknown sender; -1 on failure. */
static int
create_lead(struct db *db, struct arena *mem, const struct cfg_inbound *ic,
    const struct inbound_msg *m, const char *sender, const char *mid, char lead_id[ID_SIZE])
{
	const char *body = m->text != NULL && *m->text != '\0' ? m->text : NULL;
	const char *plain = body != NULL ? body
	    : m->html != NULL            ? inbound_html_text(mem, sanitize_html(mem, m->html))
					 : NULL;
	char prof_id[ID_SIZE], *first, *last, *notes, *phone;
	cJSON *meta = cJSON_CreateObject();
	const char *meta_s, *params[9];
	PGresult *res;

	if (meta == NULL || json_add_str_null(meta, "source", SOURCE_TAG) == -1 ||
	    json_add_str_null(meta, "direction", "INCOMING_EMAIL") == -1 ||
	    json_add_str_null(meta, "messageId", mid) == -1 ||
	    json_add_str_null(meta, "customerType",
		inbound_customer_type(m->subject, plain != NULL ? plain : "")) == -1) {
		cJSON_Delete(meta);
		return -1;
	}
	if ((meta_s = json_print_take(mem, meta)) == NULL ||
	    inbound_name(mem, m->from, sender, &first, &last) == -1 || id_new(lead_id) == -1 ||
	    id_new(prof_id) == -1 ||
	    (notes = lead_notes(
		 mem, m, plain != NULL && *plain != '\0' ? plain : "(No content)")) == NULL)
		return -1;
	/* The reference looks in the text body, or in the HTML when there is no text. */
	phone = inbound_phone(mem, body != NULL ? body : m->html);
	params[0] = lead_id;
	params[1] = ic->partner_id;
	params[2] = meta_s;
	params[3] = notes;
	params[4] = prof_id;
	params[5] = first;
	params[6] = last;
	params[7] = sender;
	params[8] = phone;
	res = db_query(db, mem, &inbound_sql[SQL_INBOUND_CREATE_LEAD], 9, params);
	return res != NULL ? 0 : -1;
}

/* Sets the outcome of a message that made no note; -1 on failure. */
static int
set_outcome(struct db *db, struct arena *mem, const char *row, const char *outcome)
{
	const char *params[2] = { row, outcome };

	return db_query(db, mem, &inbound_sql[SQL_INBOUND_OUTCOME], 2, params) != NULL ? 0 : -1;
}

/* Steps 2 and 3 of inbound.h inside the open transaction; ERROR leaves it to roll back. */
static enum inbound_result
decide(struct db *db, struct arena *mem, const struct cfg_inbound *ic, const struct inbound_msg *m,
    const char *row, const char *sender, const char *mid, char lead_id[ID_SIZE])
{
	const char *params[1] = { sender };
	PGresult *res = db_query(db, mem, &inbound_sql[SQL_INBOUND_FIND_LEAD], 1, params);
	long per_sender, all;

	if (res == NULL)
		return INBOUND_ERROR;
	if (PQntuples(res) == 1) {
		snprintf(lead_id, ID_SIZE, "%s", PQgetvalue(res, 0, 0));
		return write_note(db, mem, m, row, lead_id, sender, mid, "NOTE") == 0
		    ? INBOUND_NOTE
		    : INBOUND_ERROR;
	}
	if (ic->partner_id == NULL)
		return set_outcome(db, mem, row, "NO_PARTNER") == 0 ? INBOUND_NO_PARTNER
								    : INBOUND_ERROR;
	if (db_query(db, mem, &inbound_sql[SQL_INBOUND_CAP_LOCK], 0, NULL) == NULL ||
	    (res = db_query(db, mem, &inbound_sql[SQL_INBOUND_CAP_COUNT], 1, params)) == NULL ||
	    PQntuples(res) != 1)
		return INBOUND_ERROR;
	per_sender = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	all = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	if (per_sender >= ic->max_per_sender_hour || all >= ic->max_per_hour) {
		log_warn("email-inbound",
		    "[email-inbound] Rate limited auto-lead for message %s: %ld from the sender, "
		    "%ld in all in the last hour",
		    row, per_sender, all);
		return set_outcome(db, mem, row, "RATE_LIMITED") == 0 ? INBOUND_RATE_LIMITED
								      : INBOUND_ERROR;
	}
	if (create_lead(db, mem, ic, m, sender, mid, lead_id) == -1 ||
	    write_note(db, mem, m, row, lead_id, sender, mid, "LEAD") == -1)
		return INBOUND_ERROR;
	return INBOUND_LEAD;
}

enum inbound_result
inbound_process(struct db *db, struct arena *mem, const struct cfg_inbound *ic,
    const struct inbound_msg *m, char lead_id[ID_SIZE])
{
	char row[ID_SIZE];
	const char *sender, *mid;
	const char *params[4];
	enum inbound_result r;
	PGresult *res;

	lead_id[0] = '\0';
	if ((sender = inbound_sender(mem, m->from)) == NULL)
		return INBOUND_ERROR;
	if (*sender == '\0' || strlen(sender) > 320)
		return INBOUND_NO_SENDER;
	mid = normal_message_id(mem, m->message_id);
	if (mid == NULL)
		mid = m->fallback_id != NULL ? m->fallback_id : digest_id(mem, m);
	if (mid == NULL || id_new(row) == -1 || db_begin(db) == -1)
		return INBOUND_ERROR;
	params[0] = row;
	params[1] = mid;
	params[2] = m->source;
	params[3] = sender;
	if ((res = db_query(db, mem, &inbound_sql[SQL_INBOUND_CLAIM], 4, params)) == NULL) {
		db_rollback(db);
		return INBOUND_ERROR;
	}
	if (PQntuples(res) == 0) {
		db_rollback(db);
		log_info("email-inbound", "[email-inbound] %s message already processed; skipped",
		    m->source);
		return INBOUND_DUPLICATE;
	}
	r = decide(db, mem, ic, m, row, sender, mid, lead_id);
	if (r == INBOUND_ERROR || db_commit(db) == -1) {
		db_rollback(db);
		lead_id[0] = '\0';
		log_error("email-inbound",
		    "[email-inbound] %s message %s not processed (rolled back)", m->source, row);
		return INBOUND_ERROR;
	}
	log_info("email-inbound", "[email-inbound] %s message %s: %s%s%s", m->source, row,
	    inbound_result_name(r), *lead_id != '\0' ? ", lead " : "", lead_id);
	return r;
}
