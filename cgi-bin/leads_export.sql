-- Statements of cgi-bin/leads_export.c: the data subject's export (Art. 15,
-- FR-40, SR-46).

-- name: leads_export_data
-- Everything the system holds about the lead's client, as one JSON document.
-- The personal data, the form's answers and the messages are exported whole
-- (to_jsonb of the row): Art. 15 gives the person every stored datum, and a
-- column added later is exported without touching this file.  Removed are
-- only secrets and storage internals that say nothing about the person
-- (PIN and link hashes, tokens and their hashes, storage keys and paths, the keyed PESEL
-- hash, the outbox's dedupe key).  Consents carry the text exactly as shown
-- ("consentText", the snapshot taken when the consent was given) next to the
-- template's title and version.  No row when the lead does not exist.
--   $1 lead
SELECT json_build_object(
	'exportedAt', izzy_ts(now()),
	'leadId', l.id,
	'rightsNotice',
	'Na podstawie art. 15 RODO przysługuje Pani/Panu prawo dostępu do danych osobowych. '
	'Przysługuje również prawo do sprostowania danych (art. 16), ich usunięcia (art. 17), '
	'ograniczenia przetwarzania (art. 18), przenoszenia danych (art. 20), wniesienia sprzeciwu '
	'(art. 21), cofnięcia zgody w dowolnym momencie bez wpływu na zgodność z prawem '
	'przetwarzania przed jej cofnięciem oraz wniesienia skargi do Prezesa Urzędu Ochrony '
	'Danych Osobowych.',
	'lead', json_build_object(
		'id', l.id, 'status', l.status, 'source', l."sourceMetadata"->'source',
		'sourceMetadata', l."sourceMetadata", 'notes', l.notes,
		'partner', (SELECT json_build_object('id', p.id, 'name', p.name)
		              FROM "Partner" p WHERE p.id = l."partnerId"),
		'createdAt', izzy_ts(l."createdAt"), 'leadCreatedAt', izzy_ts(l."leadCreatedAt"),
		'lastContactAt', izzy_ts(l."lastContactAt"), 'anonymizedAt', izzy_ts(l."anonymizedAt"),
		'retentionExempt', l."retentionExempt"),
	'personalData', (SELECT to_jsonb(cp) - 'nationalIdHash' FROM "CustomerProfile" cp
	                  WHERE cp."leadId" = l.id),
	'vehicles', json_build_object(
		'current', (SELECT to_jsonb(v) FROM "VehicleCurrent" v WHERE v."leadId" = l.id),
		'desired', (SELECT to_jsonb(v) FROM "VehicleDesired" v WHERE v."leadId" = l.id)),
	'applicationForms', (SELECT coalesce(json_agg(
		to_jsonb(f) - ARRAY['uniqueLink', 'accessCodeHash'] ORDER BY f."createdAt"), '[]')
		FROM "ApplicationForm" f WHERE f."leadId" = l.id),
	'clientSessions', (SELECT coalesce(json_agg(
		to_jsonb(cs) - 'tokenHash' ORDER BY cs."createdAt"), '[]')
		FROM "ClientSession" cs JOIN "ApplicationForm" f ON f.id = cs."applicationFormId"
		WHERE f."leadId" = l.id),
	'onboarding', (SELECT coalesce(json_agg(
		to_jsonb(s) - 'token' ORDER BY s."createdAt"), '[]')
		FROM "InsuranceOnboardingSession" s WHERE s."leadId" = l.id),
	'contactSchedule', (SELECT coalesce(json_agg(to_jsonb(cs) ORDER BY cs."preferredDate"), '[]')
		FROM "ContactSchedule" cs WHERE cs."leadId" = l.id),
	'consents', (SELECT coalesce(json_agg(json_build_object(
		'id', cr.id, 'consentType', cr."consentType", 'templateTitle', ct.title,
		'templateVersion', cr.version, 'consentText', cr."consentText",
		'helpText', cr."helpTextSnapshot", 'consentGiven', cr."consentGiven",
		'consentMethod', cr."consentMethod", 'recordedAt', izzy_ts(cr."recordedAt"),
		'ipAddress', cr."ipAddress", 'userAgent', cr."userAgent",
		'partnerId', cr."partnerId", 'recordedByUserId', cr."recordedByUserId",
		'notes', cr.notes, 'withdrawnAt', izzy_ts(cr."withdrawnAt"),
		'withdrawalChannel', cr."withdrawalChannel") ORDER BY cr."recordedAt", cr.id), '[]')
		FROM "ConsentRecord" cr JOIN "ConsentTemplate" ct ON ct.id = cr."consentTemplateId"
		WHERE cr."leadId" = l.id),
	'communications', json_build_object(
		'notes', (SELECT coalesce(json_agg(json_build_object(
			'id', n.id, 'type', n.type, 'content', n.content, 'link', n.link,
			'metadata', n.metadata, 'createdAt', izzy_ts(n."createdAt")) ORDER BY n."createdAt"), '[]')
			FROM "LeadNote" n WHERE n."leadId" = l.id),
		'emailLog', (SELECT coalesce(json_agg(to_jsonb(e) ORDER BY e."sentAt"), '[]')
			FROM "EmailLog" e WHERE e."leadId" = l.id),
		'communicationLog', (SELECT coalesce(json_agg(to_jsonb(c) ORDER BY c."createdAt"), '[]')
			FROM "CommunicationLog" c
			WHERE c."leadId" = l.id
			   OR c."sessionId" IN (SELECT s.id FROM "InsuranceOnboardingSession" s
			                         WHERE s."leadId" = l.id)),
		'outbox', (SELECT coalesce(json_agg(to_jsonb(o) - 'dedupeKey' ORDER BY o."createdAt"), '[]')
			FROM "Outbox" o WHERE o."leadId" = l.id)),
	'documents', (SELECT coalesce(json_agg(json_build_object(
		'id', d.id, 'type', d.type, 'originalName', d."originalName", 'mimeType', d."mimeType",
		'sizeBytes', d."sizeBytes", 'version', d.version, 'uploadedAt', izzy_ts(d."uploadedAt"),
		'erasureRequestedAt', izzy_ts(d."erasureRequestedAt")) ORDER BY d."uploadedAt"), '[]')
		FROM "Document" d WHERE d."leadId" = l.id),
	'thirdPartyDisclosures', (SELECT coalesce(json_agg(json_build_object(
		'recipient', fa.bank, 'recipientType', 'BANK',
		'date', izzy_ts(coalesce(fa."submittedAt", fa."createdAt")),
		'purpose', 'Wniosek o finansowanie pojazdu',
		'scope', 'Dane osobowe i kontaktowe, dane o zatrudnieniu, dochodach i wydatkach, '
		         'kwota i okres finansowania',
		'reference', fa."bankReference", 'decision', fa.decision,
		'decisionAt', izzy_ts(fa."decisionAt")) ORDER BY fa."createdAt"), '[]')
		FROM "FinancingApplication" fa WHERE fa."leadId" = l.id),
	'statusHistory', (SELECT coalesce(json_agg(json_build_object(
		'oldStatus', h."oldStatus", 'newStatus', h."newStatus", 'reason', h.reason,
		'at', izzy_ts(h."timestamp")) ORDER BY h."timestamp"), '[]')
		FROM "LeadStatusHistory" h WHERE h."leadId" = l.id),
	'auditTrail', (SELECT coalesce(json_agg(json_build_object(
		'action', a.action, 'field', a.field, 'oldValue', a."oldValue", 'newValue', a."newValue",
		'metadata', a.metadata, 'userId', a."userId", 'at', izzy_ts(a."createdAt"))
		ORDER BY a."createdAt", a.id), '[]')
		FROM "AuditLog" a WHERE a."leadId" = l.id)
)
FROM "Lead" l WHERE l.id = $1
