-- Statements of cgi-bin/onboarding.c (spec/api.md §4.6.14, §4.6.15, §4.11, §4.12,
-- §7.9; FR-69..73, SR-21).  The session's "token" column holds the SHA-256 (hex)
-- of the link token, never the token.

-- name: onboarding_contact
-- The client's first name, e-mail and phone (no profile: no row).
SELECT cp."firstName", cp.email, cp.phone FROM "CustomerProfile" cp WHERE cp."leadId" = $1

-- name: onboarding_start
-- The lead's one session (spec 4.6.14 step 2): a restart replaces the token and
-- clears the progress; the contact schedule row is kept.  "smsSentAt" and
-- "emailSentAt" are the times the messages were queued in the outbox.
INSERT INTO "InsuranceOnboardingSession" (id, "leadId", status, token, "tokenExpiresAt",
	"sentByUserId", "smsSentAt", "emailSentAt", "updatedAt")
VALUES ($1, $2, 'ONBOARDING_SENT', $3, now() + make_interval(hours => $4::int), $5, now(), now(),
	now())
ON CONFLICT ("leadId") DO UPDATE SET
	status = 'ONBOARDING_SENT', token = EXCLUDED.token,
	"tokenExpiresAt" = EXCLUDED."tokenExpiresAt", "sentByUserId" = EXCLUDED."sentByUserId",
	"smsSentAt" = now(), "emailSentAt" = now(), "openedAt" = NULL, "slotSelectedAt" = NULL,
	"consentsCapAt" = NULL, "updatedAt" = now()
RETURNING id, izzy_ts("tokenExpiresAt")

-- name: onboarding_message
-- An active message template with {{firstName}} and {{link}} filled in and any
-- other placeholder dropped (data-model 1.23); no row: the built-in text.
SELECT t.subject,
       regexp_replace(replace(replace(t.body, '{{link}}', $3), '{{firstName}}', $2),
           '\{\{[^}]*\}\}', '', 'g')
FROM "MessageTemplate" t WHERE t.key = $1 AND t."isActive"

-- name: onboarding_get
-- The staff view (spec 4.6.15); the communication log is the lead's onboarding
-- messages in the outbox, newest first, with their delivery state.
SELECT json_build_object('data', (
	SELECT json_build_object('id', s.id, 'status', s.status,
		'smsSentAt', izzy_ts(s."smsSentAt"), 'emailSentAt', izzy_ts(s."emailSentAt"),
		'openedAt', izzy_ts(s."openedAt"), 'slotSelectedAt', izzy_ts(s."slotSelectedAt"),
		'consentsCapAt', izzy_ts(s."consentsCapAt"),
		'tokenExpiresAt', izzy_ts(s."tokenExpiresAt"),
		'createdAt', izzy_ts(s."createdAt"), 'updatedAt', izzy_ts(s."updatedAt"),
		'contactSchedule', (SELECT json_build_object('preferredDate', izzy_ts(c."preferredDate"),
				'preferredSlot', c."preferredSlot", 'timezone', c.timezone)
			FROM "ContactSchedule" c WHERE c."sessionId" = s.id),
		'communicationLogs', coalesce((SELECT json_agg(json_build_object('id', o.id,
				'channel', o.channel, 'status', o.status, 'sentTo', o.recipient,
				'sentAt', izzy_ts(o."sentAt"), 'errorMessage', o."lastError",
				'createdAt', izzy_ts(o."createdAt")) ORDER BY o."createdAt" DESC, o.id DESC)
			FROM (SELECT * FROM "Outbox" o WHERE o."leadId" = s."leadId"
				AND o.template IN ('sms_welcome_insurance', 'email_welcome_insurance')
				ORDER BY o."createdAt" DESC, o.id DESC LIMIT 10) o), '[]'::json))
	FROM "InsuranceOnboardingSession" s WHERE s."leadId" = $1))::text

-- name: onboarding_by_token
-- The session of a token hash: id, lead, status, expired (or the lead erased),
-- the client's first name.
SELECT s.id, s."leadId", s.status::text,
       s."tokenExpiresAt" <= now() OR l."anonymizedAt" IS NOT NULL, cp."firstName"
FROM "InsuranceOnboardingSession" s
JOIN "Lead" l ON l.id = s."leadId"
LEFT JOIN "CustomerProfile" cp ON cp."leadId" = s."leadId"
WHERE s.token = $1

-- name: onboarding_open
-- The first successful verify (spec 4.11.1).
UPDATE "InsuranceOnboardingSession" SET "openedAt" = now(), status = 'LINK_OPENED',
	"updatedAt" = now()
WHERE id = $1 AND "openedAt" IS NULL

-- name: onboarding_slots
-- The calendar offered (schema 0022) as [{"date","slots":[...]}]; $1 = a fixed
-- clock in seconds (tests) or NULL.
SELECT coalesce(json_agg(json_build_object('date', d.day, 'slots', d.slots) ORDER BY d.day),
	'[]'::json)::text
FROM (SELECT o.day, json_agg(o.slot ORDER BY o.slot) AS slots
	FROM izzy_onboarding_slots(coalesce(to_timestamp($1::bigint), now()), $2::int, $3) o
	GROUP BY o.day) d

-- name: onboarding_slot_offered
SELECT 1 FROM izzy_onboarding_slots(coalesce(to_timestamp($1::bigint), now()), $2::int, $3) o
WHERE o.day = $4::date AND o.slot = $5

-- name: onboarding_lead_lock
-- The lead row under its lock, before the session's (the staff start locks in
-- the same order through lead_begin).
SELECT l.status::text, l."anonymizedAt" IS NOT NULL FROM "Lead" l WHERE l.id = $1 FOR UPDATE

-- name: onboarding_lock
-- The session under its row lock, re-checked: still this token, not expired.
SELECT s.id, s."tokenExpiresAt" <= now() FROM "InsuranceOnboardingSession" s
WHERE s.id = $1 AND s.token = $2 FOR UPDATE

-- name: onboarding_schedule
-- The chosen slot (spec 4.11.2 step 1): the day is stored as its UTC midnight.
INSERT INTO "ContactSchedule" (id, "sessionId", "leadId", "preferredDate", "preferredSlot",
	timezone, source)
VALUES ($1, $2, $3, ($4::date)::timestamp AT TIME ZONE 'UTC', $5, $6, 'lp_onboarding')
ON CONFLICT ("sessionId") DO UPDATE SET "preferredDate" = EXCLUDED."preferredDate",
	"preferredSlot" = EXCLUDED."preferredSlot", timezone = EXCLUDED.timezone
RETURNING json_build_object('scheduleId', id, 'preferredDate', izzy_ts("preferredDate"),
	'preferredSlot', "preferredSlot")::text

-- name: onboarding_slot_mark
-- Slot chosen; confirmed once the consents are captured too (FR-73).
UPDATE "InsuranceOnboardingSession" SET "slotSelectedAt" = now(), "updatedAt" = now(),
	status = CASE WHEN "consentsCapAt" IS NULL THEN 'SLOT_SELECTED'
		ELSE 'ONBOARDING_CONFIRMED' END::"InsuranceOnboardingStatus"
WHERE id = $1
RETURNING status::text

-- name: onboarding_consents_mark
-- Consents captured with the request's evidence; confirmed once a slot is chosen too.
UPDATE "InsuranceOnboardingSession" SET "consentsCapAt" = now(), "ipAddress" = $2,
	"userAgent" = $3, "updatedAt" = now(),
	status = CASE WHEN "slotSelectedAt" IS NULL THEN 'CONSENTS_CAPTURED'
		ELSE 'ONBOARDING_CONFIRMED' END::"InsuranceOnboardingStatus"
WHERE id = $1
RETURNING status::text

-- name: onboarding_lead_confirm
-- NEW or FIRST_CONTACT -> ONBOARDING_CONFIRMED (requirements §2.3), with history.
WITH u AS (
	UPDATE "Lead" SET status = 'ONBOARDING_CONFIRMED', "updatedAt" = now()
	WHERE id = $2 AND status IN ('NEW', 'FIRST_CONTACT')
	RETURNING id
)
INSERT INTO "LeadStatusHistory" (id, "leadId", "oldStatus", "newStatus", "changedById", reason)
SELECT $1, u.id, $3::"LeadStatus", 'ONBOARDING_CONFIRMED', NULL,
	'Klient potwierdził termin kontaktu i zgody (onboarding)'
FROM u
RETURNING 1

-- name: onboarding_notice
-- What the staff notice says: the client's name, the slot and its day in Polish.
SELECT trim(coalesce(cp."firstName", '') || ' ' || coalesce(cp."lastName", '')), c."preferredSlot",
       (ARRAY['poniedziałek', 'wtorek', 'środa', 'czwartek', 'piątek', 'sobota', 'niedziela'])
	   [extract(isodow FROM c."preferredDate" AT TIME ZONE 'UTC')::int] || ', ' ||
       extract(day FROM c."preferredDate" AT TIME ZONE 'UTC')::int || ' ' ||
       (ARRAY['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia',
	   'września', 'października', 'listopada', 'grudnia'])
	   [extract(month FROM c."preferredDate" AT TIME ZONE 'UTC')::int],
       to_char(c."preferredDate" AT TIME ZONE 'UTC', 'YYYY-MM-DD')
FROM "ContactSchedule" c LEFT JOIN "CustomerProfile" cp ON cp."leadId" = c."leadId"
WHERE c."sessionId" = $1

-- name: onboarding_templates
-- The message templates (spec 4.12), by key.
SELECT json_build_object('data', coalesce(json_agg(json_build_object('id', t.id, 'key', t.key,
	'channel', t.channel, 'subject', t.subject, 'body', t.body, 'isActive', t."isActive",
	'version', t.version, 'updatedBy', t."updatedBy", 'createdAt', izzy_ts(t."createdAt"),
	'updatedAt', izzy_ts(t."updatedAt")) ORDER BY t.key), '[]'::json))::text
FROM "MessageTemplate" t

-- name: onboarding_template_update
-- $3: whether "subject" was sent; $5 isActive or NULL (unchanged).
UPDATE "MessageTemplate" t SET body = $2,
	subject = CASE WHEN $3::boolean THEN $4 ELSE t.subject END,
	"isActive" = coalesce($5::boolean, t."isActive"), version = t.version + 1,
	"updatedBy" = $6, "updatedAt" = now()
WHERE t.id = $1
RETURNING json_build_object('id', t.id, 'key', t.key, 'channel', t.channel,
	'subject', t.subject, 'body', t.body, 'isActive', t."isActive", 'version', t.version,
	'updatedBy', t."updatedBy", 'createdAt', izzy_ts(t."createdAt"),
	'updatedAt', izzy_ts(t."updatedAt"))::text
