/*
 * leads_export: the data subject's export (Art. 15 RODO; FR-40, SR-45,
 * SR-46) as JSON or as a printable HTML page.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/db.h"
#include "common/html.h"
#include "common/http.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_export.sql.h"

static const char *const export_formats[] = { "json", "html", NULL };
enum export_key { EXPORT_FORMAT, EXPORT__MAX };
static const struct field export_fields[EXPORT__MAX] = {
	[EXPORT_FORMAT] = { "format", FT_ENUM, 0, 0, 0, export_formats },
};
const struct field_table leads_export_q = FIELD_TABLE(export_fields);

/* --- the printable rendering --------------------------------------------- */

/* Polish labels of the export's keys; a key not listed is shown as it is. */
static const struct {
	const char *key, *label;
} labels[] = {
	{ "lead", "Informacje o leadzie" },
	{ "personalData", "Dane osobowe" },
	{ "vehicles", "Pojazdy" },
	{ "applicationForms", "Wnioski (formularze)" },
	{ "clientSessions", "Sesje klienta w formularzu" },
	{ "onboarding", "Onboarding ubezpieczeniowy" },
	{ "contactSchedule", "Preferowane terminy kontaktu" },
	{ "consents", "Historia zgód (z oryginalną treścią)" },
	{ "communications", "Komunikacja" },
	{ "documents", "Dokumenty (metadane)" },
	{ "thirdPartyDisclosures", "Udostępnienia podmiotom trzecim" },
	{ "statusHistory", "Historia statusów" },
	{ "auditTrail", "Dziennik zdarzeń" },
	{ "notes", "Notatki i wiadomości" },
	{ "emailLog", "Wysłane e-maile (formularz)" },
	{ "communicationLog", "SMS i e-mail (onboarding)" },
	{ "outbox", "Wiadomości wychodzące" },
	{ "firstName", "Imię" },
	{ "lastName", "Nazwisko" },
	{ "email", "E-mail" },
	{ "phone", "Telefon" },
	{ "address", "Adres" },
	{ "dateOfBirth", "Data urodzenia" },
	{ "consentText", "Treść zgody (w brzmieniu z chwili jej wyrażenia)" },
	{ "consentGiven", "Zgoda wyrażona" },
	{ "templateTitle", "Zgoda" },
	{ "templateVersion", "Wersja" },
	{ "recordedAt", "Data" },
	{ "withdrawnAt", "Cofnięta" },
	{ "recipient", "Odbiorca" },
	{ "purpose", "Cel" },
	{ "scope", "Zakres" },
	{ "date", "Data" },
	{ "status", "Status" },
	{ "createdAt", "Utworzono" },
};

static const char *
label(const char *key)
{
	for (size_t i = 0; i < NELEM(labels); i++)
		if (strcmp(labels[i].key, key) == 0)
			return labels[i].label;
	return key;
}

/* Writes v as HTML; every text goes through common/html.  -1 when out of memory. */
static int
render(struct arena *mem, FILE *f, const cJSON *v)
{
	const cJSON *c;
	char *t;

	if (cJSON_IsNull(v)) {
		fputs("<span class=\"none\">—</span>", f);
	} else if (cJSON_IsString(v)) {
		if ((t = html_escape_lines(mem, v->valuestring)) == NULL)
			return -1;
		fputs(t, f);
	} else if (cJSON_IsBool(v)) {
		fputs(cJSON_IsTrue(v) ? "tak" : "nie", f);
	} else if (cJSON_IsNumber(v)) {
		fprintf(f, "%.15g", v->valuedouble);
	} else if (cJSON_IsArray(v)) {
		if (cJSON_GetArraySize(v) == 0)
			fputs("<span class=\"none\">brak</span>", f);
		cJSON_ArrayForEach(c, v)
		{
			fputs("<div class=\"item\">", f);
			if (render(mem, f, c) == -1)
				return -1;
			fputs("</div>", f);
		}
	} else if (cJSON_IsObject(v)) {
		fputs("<table>", f);
		cJSON_ArrayForEach(c, v)
		{
			if ((t = html_escape(mem, label(c->string))) == NULL)
				return -1;
			fprintf(f, "<tr><th>%s</th><td>", t);
			if (render(mem, f, c) == -1)
				return -1;
			fputs("</td></tr>", f);
		}
		fputs("</table>", f);
	}
	return 0;
}

static const char HTML_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"pl\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>Eksport danych osobowych (art. 15 RODO)</title>\n<style>\n"
    "body{font:11pt/1.4 sans-serif;margin:2em;color:#000}\n"
    "h1{font-size:16pt}h2{font-size:13pt;border-bottom:1px solid #888;margin-top:1.5em}\n"
    "table{border-collapse:collapse;width:100%;margin:.2em 0}\n"
    "th,td{border:1px solid #bbb;padding:.2em .4em;text-align:left;vertical-align:top}\n"
    "th{width:22%;background:#f2f2f2;font-weight:600}\n"
    ".item{margin:.3em 0}.none{color:#777}.notice{border:1px solid #888;padding:.5em}\n"
    "td{word-break:break-word}\n"
    "@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}"
    "a{color:#000;text-decoration:none}}\n"
    "</style>\n</head>\n<body>\n";

/* The printable page of the export doc; arena text, NULL when out of memory. */
static const char *
export_html(struct arena *mem, const char *json)
{
	cJSON *doc = cJSON_Parse(json), *s;
	char *buf = NULL, *out = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	if (doc == NULL)
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL) {
		cJSON_Delete(doc);
		return NULL;
	}
	fputs(HTML_HEAD, f);
	fputs("<h1>Eksport danych osobowych (art. 15 RODO)</h1>\n<table>", f);
	fputs("<tr><th>Identyfikator</th><td>", f);
	rc |= render(mem, f, cJSON_GetObjectItemCaseSensitive(doc, "leadId"));
	fputs("</td></tr><tr><th>Data eksportu</th><td>", f);
	rc |= render(mem, f, cJSON_GetObjectItemCaseSensitive(doc, "exportedAt"));
	fputs("</td></tr></table>\n<h2>Prawa osoby, której dane dotyczą</h2>\n<p class=\"notice\">",
	    f);
	rc |= render(mem, f, cJSON_GetObjectItemCaseSensitive(doc, "rightsNotice"));
	fputs("</p>\n", f);
	cJSON_ArrayForEach(s, doc)
	{
		char *t;

		if (strcmp(s->string, "leadId") == 0 || strcmp(s->string, "exportedAt") == 0 ||
		    strcmp(s->string, "rightsNotice") == 0)
			continue;
		if ((t = html_escape(mem, label(s->string))) == NULL) {
			rc = -1;
			break;
		}
		fprintf(f, "<section>\n<h2>%s</h2>\n", t);
		rc |= render(mem, f, s);
		fputs("\n</section>\n", f);
	}
	fputs("</body>\n</html>\n", f);
	cJSON_Delete(doc);
	if (ferror(f) != 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (rc == 0)
		out = arena_strndup(mem, buf, len);
	free(buf);
	return out;
}

/* --- the endpoint ----------------------------------------------------------- */

/*
 * GET /api/leads/:id/data-export[?format=json|html], ADMIN (FR-40, SR-46).
 * Everything held about the lead's client (leads_export.sql): personal data,
 * lead info, consent history with the text as shown, communications, the
 * documents' metadata, disclosures to banks, status history, audit trail and
 * a notice of the person's rights.  format=json (default) is the JSON
 * document, html the same as a printable page (every value escaped by
 * common/html); both as an attachment lead_<id>_export_<UTC time>.<ext>.
 * Each export is audited (SR-45) as data_exported {format, exportedAt} in
 * the transaction that reads the data.
 * 400 validation (an unknown format); 404 Lead not found.
 */
int
leads_data_export(struct req *r)
{
	bool html = r->q->v[EXPORT_FORMAT].present && strcmp(r->q->v[EXPORT_FORMAT].s, "html") == 0;
	const char *p[1] = { r->id }, *doc, *body, *meta, *disp;
	char stamp[32], *safe_id;
	cJSON *m;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if ((res = db_query(r->db, r->mem, &leads_export_sql[SQL_LEADS_EXPORT_DATA], 1, p)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "Lead not found");
	valid_format_date(stamp, (long long)r->now * 1000);
	if ((doc = leads_cell(r, res, 0)) == NULL || (m = cJSON_CreateObject()) == NULL) {
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if (cJSON_AddStringToObject(m, "format", html ? "html" : "json") == NULL ||
	    cJSON_AddStringToObject(m, "exportedAt", stamp) == NULL) {
		cJSON_Delete(m);
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if ((meta = json_print_take(r->mem, m)) == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "data_exported", NULL, NULL, NULL, meta }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	body = html ? export_html(r->mem, doc) : doc;
	/* The file name carries the id; anything but [A-Za-z0-9_-] becomes _. */
	for (char *s = stamp; *s != '\0'; s++)
		if (*s == ':' || *s == '.')
			*s = '-';
	if ((safe_id = arena_strdup(r->mem, r->id)) == NULL)
		return leads_fail_500(r);
	for (char *s = safe_id; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			*s = '_';
	disp = arena_printf(r->mem, "attachment; filename=\"lead_%s_export_%s.%s\"", safe_id, stamp,
	    html ? "html" : "json");
	if (body == NULL || disp == NULL || http_header(r, "Content-Disposition", disp) == -1)
		return leads_fail_500(r);
	log_info(
	    "leads", "lead %s data export (%s) by %s", r->id, html ? "html" : "json", r->user->id);
	return html ? http_ok_text(r, "text/html; charset=utf-8", body) : http_ok_raw(r, body);
}

int
leads_export_init(struct db *db)
{
	return db_register(db, leads_export_sql, LEADS_EXPORT_SQL__MAX);
}
