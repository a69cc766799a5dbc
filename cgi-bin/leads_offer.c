/*
 * leads_offer: signed offer links for the marketplace (SR-30): issued for a
 * lead by staff, verified publicly.  Nothing is stored.
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
#include "common/domain.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"
#include "common/cfg.h"
#include "common/offerlink.h"

#include "leads.h"

enum offer_key { OFFER_BASE, OFFER_DISCOUNT, OFFER_DAYS, OFFER__MAX };
static const struct field offer_fields[OFFER__MAX] = {
	[OFFER_BASE] = { "baseUrl", FT_URL, F_REQUIRED | F_TRIM, 0, 0 },
	[OFFER_DISCOUNT] = { "discountPln", FT_INT, F_REQUIRED, 0, 100000000 },
	[OFFER_DAYS] = { "expiresInDays", FT_INT, 0, 1, OFFERLINK_TTL_MAX_DAYS },
};
const struct field_table leads_offer_in = FIELD_TABLE(offer_fields);

enum verify_key { VERIFY_OFFER, VERIFY_SIG, VERIFY__MAX };
static const struct field verify_fields[VERIFY__MAX] = {
	[VERIFY_OFFER] = { "offer", FT_STRING, F_REQUIRED, 1, OFFERLINK_PARAM_MAX },
	[VERIFY_SIG] = { "sig", FT_STRING, F_REQUIRED, 1, 128 },
};
const struct field_table leads_verify_q = FIELD_TABLE(verify_fields);

/* --- offer links -------------------------------------------------------- */

/*
 * POST /api/leads/:id/offer-link, OPERATOR (scoped), SUPERVISOR, ADMIN.
 * {baseUrl: http(s) URL, discountPln: int >= 0, expiresInDays?: 1-90 (14)}.
 * 400 validation; 404; 403.  Nothing is stored.
 * 200 {"finalUrl": baseUrl + offer=<payload>&sig=<HMAC>, "expiresAt"} (SR-30).
 */
int
leads_offer_link(struct req *r)
{
	const struct value *v = r->in->v;
	long long days = v[OFFER_DAYS].present ? v[OFFER_DAYS].i : OFFERLINK_TTL_DAYS;
	struct offerlink l;
	struct offerlink_key key;
	char expires[32], *url;
	cJSON *o;

	if (strlen(v[OFFER_BASE].s) > 2048) {
		static const char *const path[] = { "baseUrl" };
		cJSON *issues = NULL;
		if (leads_add_issue(
			&issues, path, 1, "String must contain at most 2048 character(s)") == -1) {
			cJSON_Delete(issues);
			return leads_fail_500(r);
		}
		return http_fail_issues(r, issues);
	}
	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	memset(&l, 0, sizeof(l));
	snprintf(l.lead_id, sizeof(l.lead_id), "%s", r->id);
	l.discount_pln = v[OFFER_DISCOUNT].i;
	l.exp = r->now + (int64_t)days * 86400;
	if (offerlink_key(cfg_get(), &key) == -1 ||
	    (url = offerlink_build(r->mem, &key, v[OFFER_BASE].s, &l)) == NULL)
		return leads_fail_500(r);
	explicit_bzero(&key, sizeof(key));
	valid_format_date(expires, (long long)l.exp * 1000);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "finalUrl", url) == NULL ||
	    cJSON_AddStringToObject(o, "expiresAt", expires) == NULL) {
		cJSON_Delete(o);
		return leads_fail_500(r);
	}
	log_info("leads", "lead %s offer link issued by %s", r->id, r->user->id);
	return http_ok(r, o);
}

/*
 * GET /api/leads/offer-link/verify?offer=…&sig=…, public (the marketplace
 * or its customers' browsers).  Signature first, in constant time, then expiry.
 * 400 validation (parameter missing); 400 INVALID_SIGNATURE for a forged,
 * altered or malformed link; 410 LINK_EXPIRED.
 * 200 {"valid":true,"discountPln","leadId","expiresAt"}.
 */
int
leads_offer_verify(struct req *r)
{
	struct offerlink l;
	struct offerlink_key key;
	enum offerlink_err e;
	char expires[32];
	cJSON *o;

	if (offerlink_key(cfg_get(), &key) == -1)
		return leads_fail_500(r);
	e = offerlink_verify(&key, r->q->v[VERIFY_OFFER].s, r->q->v[VERIFY_SIG].s, r->now, &l);
	explicit_bzero(&key, sizeof(key));
	if (e == OFFERLINK_EXPIRED)
		return http_fail(r, 410, "LINK_EXPIRED", "Offer link expired");
	if (e != OFFERLINK_OK) {
		log_info("leads", "offer link rejected");
		return http_fail(r, 400, "INVALID_SIGNATURE", "Invalid offer link");
	}
	valid_format_date(expires, (long long)l.exp * 1000);
	if ((o = cJSON_CreateObject()) == NULL || cJSON_AddBoolToObject(o, "valid", true) == NULL ||
	    cJSON_AddNumberToObject(o, "discountPln", (double)l.discount_pln) == NULL ||
	    cJSON_AddStringToObject(o, "leadId", l.lead_id) == NULL ||
	    cJSON_AddStringToObject(o, "expiresAt", expires) == NULL) {
		cJSON_Delete(o);
		return leads_fail_500(r);
	}
	return http_ok(r, o);
}
