/*
 * leads_email: e-mail to the lead's customer through the outbox
 * (spec/api.md §4.6.12, FR-62, SR-24).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/db.h"
#include "common/domain.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"
#include "common/html.h"
#include "common/outbox.h"

#include "leads.h"
#include "leads_email.sql.h"

/* Blank entries are dropped; the rest are http(s) URLs (SR-23). */
#define EMAIL_LINKS_MAX 20
static const struct field email_link = { "link", FT_STRING, F_TRIM, 0, 2048, NULL, NULL, NULL,
	leads_url_or_empty, "Invalid url" };
enum email_key {
	EMAIL_MESSAGE,
	EMAIL_LINKS,
	EMAIL_SUBJECT,
	EMAIL_REPLY_TO,
	EMAIL_QUOTED_TEXT,
	EMAIL_QUOTED_HTML,
	EMAIL__MAX
};
/* The limits keep one mail far below the 1 MiB body cap and a mail server's. */
static const struct field email_fields[EMAIL__MAX] = {
	/* Presence and blankness are the handler's: the reference answers "Message is required". */
	[EMAIL_MESSAGE] = { "message", FT_STRING, F_TRIM | F_MULTILINE, 0, 10000 },
	[EMAIL_LINKS] = { "links", FT_ARRAY, F_NULLABLE, 0, EMAIL_LINKS_MAX, NULL, NULL,
	    &email_link },
	/* One line: control characters (CR/LF) are refused, so no header injection (SR-24). */
	[EMAIL_SUBJECT] = { "subject", FT_STRING, F_NULLABLE | F_TRIM, 0, 200 },
	[EMAIL_REPLY_TO] = { "replyToNoteId", FT_CUID, F_NULLABLE, 0, 0 },
	[EMAIL_QUOTED_TEXT] = { "quotedText", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 20000 },
	[EMAIL_QUOTED_HTML] = { "quotedHtml", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 50000 },
};
const struct field_table leads_email_in = FIELD_TABLE(email_fields);

/* --- e-mail to the customer --------------------------------------------- */

#define EMAIL_SUBJECT_DEFAULT "Wiadomość z Carsalon.pl"
/* Pieces of a body: message (3), five per link, the block's end and the quote (3). */
#define BODY_PARTS (8 + 5 * EMAIL_LINKS_MAX)

/* True when s has a character other than white space. */
static bool
not_blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return true;
	return false;
}

/* The n strings of parts, one after the other, in one arena string; NULL when out of memory. */
static char *
join(struct req *r, const char *const *parts, size_t n)
{
	size_t len = 0;
	char *out, *o;

	for (size_t i = 0; i < n; i++) {
		if (parts[i] == NULL)
			return NULL;
		len += strlen(parts[i]);
	}
	if ((out = arena_alloc(r->mem, len + 1)) == NULL)
		return NULL;
	o = out;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		memcpy(o, parts[i], l);
		o += l;
	}
	*o = '\0';
	return out;
}

/*
 * url (an absolute http(s) URL, checked by the field table) with the
 * campaign parameters of §4.6.12 appended to its query, before any
 * fragment; a bare origin gains the "/" path a browser's URL serialiser
 * writes.  NULL when out of memory.
 */
static char *
track_link(struct req *r, const char *url)
{
	const char *host = strstr(url, "://"), *rest, *frag, *sep;
	size_t headlen;

	host = host != NULL ? host + 3 : url;
	rest = host + strcspn(host, "/?#");
	frag = strchr(rest, '#');
	headlen = frag != NULL ? (size_t)(frag - url) : strlen(url);
	if (memchr(rest, '?', headlen - (size_t)(rest - url)) == NULL)
		sep = "?";
	else if (url[headlen - 1] == '?' || url[headlen - 1] == '&')
		sep = "";
	else
		sep = "&";
	return arena_printf(r->mem,
	    "%.*s%s%.*s%sutm_source=izzy-crm&utm_medium=email&utm_campaign=lead-%s%s",
	    (int)(rest - url), url, *rest == '/' ? "" : "/", (int)(headlen - (size_t)(rest - url)),
	    rest, sep, r->id, frag != NULL ? frag : "");
}

/* One path segment of a link title, percent-decoded when that gives clean UTF-8. */
static char *
title_segment(struct req *r, const char *s, size_t n)
{
	char *raw = arena_strndup(r->mem, s, n), *dec = arena_alloc(r->mem, n + 1);

	if (raw == NULL || dec == NULL)
		return NULL;
	if (!valid_urldecode(dec, raw, n) || !valid_utf8(dec, strlen(dec)))
		return raw;
	for (const char *p = dec; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return raw;
	return dec;
}

/*
 * The text of a link in the HTML body (§4.6.12, FR-62): "Make Model" when
 * the URL's path holds /samochod/<Make>/<Model> (the model's dashes as
 * spaces), else the URL itself.  Not escaped yet; NULL when out of memory.
 */
static const char *
link_title(struct req *r, const char *url)
{
	const char *host = strstr(url, "://"), *path, *make, *model;
	char *p, *mk, *md;
	size_t mlen, dlen;

	host = host != NULL ? host + 3 : url;
	path = host + strcspn(host, "/?#");
	if ((p = arena_strndup(r->mem, path, strcspn(path, "?#"))) == NULL)
		return NULL;
	if ((make = strstr(p, "/samochod/")) == NULL)
		return url;
	make += strlen("/samochod/");
	mlen = strcspn(make, "/");
	if (mlen == 0 || make[mlen] != '/')
		return url;
	model = make + mlen + 1;
	if ((dlen = strcspn(model, "/")) == 0)
		return url;
	if ((mk = title_segment(r, make, mlen)) == NULL ||
	    (md = title_segment(r, model, dlen)) == NULL)
		return NULL;
	for (char *q = md; *q != '\0'; q++)
		if (*q == '-')
			*q = ' ';
	return arena_printf(r->mem, "%s %s", mk, md);
}

/*
 * POST /api/leads/:id/email, OPERATOR (scoped: SR-14 fix; client guard),
 * SUPERVISOR, ADMIN (§4.6.12, FR-62, SR-24).
 * {message: 1-10000 trimmed, links?: up to 20 http(s) URLs (blank dropped),
 * subject?: up to 200 trimmed (blank: "Wiadomość z Carsalon.pl"),
 * replyToNoteId?: a note of this lead, quotedText?, quotedHtml?}.
 * 400 "Message is required" (absent or blank); 400 validation; 404 Lead not
 * found; 403 Access denied; 409 CLIENT_ACTIVE;
 * 409 "Lead is anonymized"; 404 "Lead or customer email not found";
 * 404 "Note not found" (replyToNoteId of another lead or none);
 * 400 "Invalid recipient or subject" (not a single line: header injection);
 * 500 "Failed to send email" when the mail cannot be queued.
 * Nothing is sent here: one transaction queues the mail in the Outbox (text
 * plus HTML in which every supplied text is escaped; quotedHtml is kept in
 * the note's metadata only, the HTML quote is the escaped quotedText) and
 * adds the EMAIL_SENT note (metadata with outboxId and delivery QUEUED)
 * and AuditLog email_sent {noteId, outboxId}.  Links carry utm parameters.
 * 200 (not 201, COMPAT): the note with its author.  The draft stays.
 */
int
leads_email(struct req *r)
{
	const struct value *v = r->in->v, *links = &v[EMAIL_LINKS];
	const char *message = v[EMAIL_MESSAGE].s, *reply_to = json_in_nonempty(&v[EMAIL_REPLY_TO]);
	const char *quoted_text = json_in_nonempty(&v[EMAIL_QUOTED_TEXT]);
	const char *quoted_html = json_in_nonempty(&v[EMAIL_QUOTED_HTML]);
	const char *subject = json_in_nonempty(&v[EMAIL_SUBJECT]), *to, *links_json, *text, *html;
	const char *tparts[BODY_PARTS], *hparts[BODY_PARTS], *resp, *audit_new;
	size_t nt = 0, nh = 0, nlinks = 0;
	char note_id[ID_SIZE], outbox_id[ID_SIZE];
	struct lead_ref ref;
	cJSON *tracked;
	PGresult *res;

	if (message == NULL || *message == '\0')
		return http_fail(r, 400, NULL, "Message is required");
	if (lead_access(r, r->id, LEAD_WRITE, &ref) == -1)
		return 0;
	if (ref.anonymized)
		return http_fail(r, 409, NULL, LEADS_ANONYMIZED_MSG);
	{
		const char *p[1] = { r->id };
		res = db_query(r->db, r->mem, &leads_email_sql[SQL_LEADS_EMAIL_RECIPIENT], 1, p);
	}
	if (res == NULL)
		return http_fail_db(r);
	if ((to = leads_cell(r, res, 0)) == NULL)
		return http_fail(r, 404, NULL, "Lead or customer email not found");
	if (reply_to != NULL) {
		const char *p[2] = { reply_to, r->id };
		if ((res = db_query(r->db, r->mem, &leads_email_sql[SQL_LEADS_EMAIL_REPLY_NOTE], 2,
			 p)) == NULL)
			return http_fail_db(r);
		if (PQntuples(res) != 1)
			return http_fail(r, 404, NULL, "Note not found");
	}
	if (subject == NULL)
		subject = EMAIL_SUBJECT_DEFAULT;
	/* The field table refuses CR/LF in the subject; the stored address is
	 * checked here, with outbox_mail's rule, so that its refusal is a 400. */
	if (strpbrk(to, "\r\n,;") != NULL || strpbrk(subject, "\r\n") != NULL)
		return http_fail(r, 400, NULL, "Invalid recipient or subject");
	if (!not_blank(quoted_text))
		quoted_text = NULL;

	/* Both bodies piece by piece (§4.6.12): message, "Links:" block, quote. */
	if ((tracked = cJSON_CreateArray()) == NULL)
		return leads_fail_500(r);
	tparts[nt++] = message;
	hparts[nh++] = "<p>";
	hparts[nh++] = html_escape_lines(r->mem, message);
	hparts[nh++] = "</p>";
	for (size_t i = 0; links->present && !links->null && i < links->n; i++) {
		const char *url = links->arr[i].s, *link, *title;
		if (url == NULL || url[0] == '\0')
			continue;
		if ((link = track_link(r, url)) == NULL || (title = link_title(r, link)) == NULL ||
		    !cJSON_AddItemToArray(tracked, cJSON_CreateString(link))) {
			cJSON_Delete(tracked);
			return leads_fail_500(r);
		}
		tparts[nt++] = nlinks == 0 ? "\n\nLinks:\n- " : "\n- ";
		tparts[nt++] = link;
		hparts[nh++] = nlinks == 0 ? "<p>Links:<br><a href=\"" : "<br><a href=\"";
		hparts[nh++] = html_escape(r->mem, link);
		hparts[nh++] = "\">";
		hparts[nh++] = html_escape(r->mem, title);
		hparts[nh++] = "</a>";
		nlinks++;
	}
	if (nlinks > 0)
		hparts[nh++] = "</p>";
	if (quoted_text != NULL) {
		tparts[nt++] = "\n\n";
		tparts[nt++] = quoted_text;
		hparts[nh++] = "<hr><div style=\"color:#6b7280\">";
		hparts[nh++] = html_escape_lines(r->mem, quoted_text);
		hparts[nh++] = "</div>";
	}
	if ((links_json = json_print_take(r->mem, tracked)) == NULL ||
	    (text = join(r, tparts, nt)) == NULL || (html = join(r, hparts, nh)) == NULL ||
	    id_new(note_id) == -1)
		return leads_fail_500(r);

	/* Again under the row lock: an anonymisation may have run meanwhile. */
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if (outbox_mail(r->db, r->mem,
		&(struct outbox_mail){ to, subject, text, html, "lead_email", r->id, NULL },
		outbox_id) == -1) {
		db_rollback(r->db);
		return http_fail(r, 500, NULL, "Failed to send email");
	}
	{
		const char *p[12] = { note_id, r->id, r->user->id, message, r->user->email, to,
			subject, links_json, html, reply_to, quoted_html, outbox_id };
		res = db_query(r->db, r->mem, &leads_email_sql[SQL_LEADS_EMAIL_NOTE_INSERT], 12, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if ((resp = leads_cell(r, res, 0)) == NULL || (audit_new = leads_cell(r, res, 1)) == NULL) {
		db_rollback(r->db);
		return http_fail(r, 500, NULL, "Failed to send email");
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "email_sent", "notes", NULL, audit_new, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s e-mail note %s queued as %s (%zu link(s)) by %s", r->id, note_id,
	    outbox_id, nlinks, r->user->id);
	return http_ok_raw(r, resp);
}

int
leads_email_init(struct db *db)
{
	return db_register(db, leads_email_sql, LEADS_EMAIL_SQL__MAX);
}
