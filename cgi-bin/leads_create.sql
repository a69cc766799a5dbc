-- Statements of cgi-bin/leads_create.c: POST /api/leads.

-- name: leads_create_check
-- Before the insert: does the partner exist, and the first consent template id
-- (of $2, in order) that does not exist.
SELECT EXISTS (SELECT 1 FROM "Partner" WHERE id = $1),
       (SELECT t.id FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n)
        WHERE NOT EXISTS (SELECT 1 FROM "ConsentTemplate" c WHERE c.id = t.id)
        ORDER BY t.n LIMIT 1)

-- name: leads_create
-- The lead and its rows in one statement, so in one transaction (spec/api.md
-- section 4.5.1).  $1 the lead as a JSON object built by the handler:
-- {id, partnerId, actorId, assignedUserId, sourceMetadata, notes,
--  customer:{id, firstName, lastName, email, phone, dateOfBirth, nationalIdHash, address},
--  currentVehicle?:{id, make, model, year, mileage, ownershipStatus, vin},
--  desiredVehicle?:{id, make, model, year, budget, preferences},
--  financing?:{id, bank, loanAmount, downPayment, termMonths, income, expenses},
--  consents:[{id, templateId}], consentMethod, ipAddress, userAgent}
-- Consent evidence comes from the template row, never from the client
-- (SR-37, SR-39).  Answers the 201 body; $2..$4 (actor) scope the duplicate
-- check, which sees the database as it was before this lead.
WITH j AS (
	SELECT $1::jsonb AS j
), lead AS (
	INSERT INTO "Lead" (id, "partnerId", "assignedUserId", "createdByUserId", status, "sourceMetadata", notes)
	SELECT j->>'id', j->>'partnerId',
	       -- round robin on (0028): the rotation's trigger assigns, not the creator
	       CASE WHEN izzy_round_robin_on(j->>'partnerId') THEN NULL ELSE j->>'assignedUserId' END,
	       j->>'actorId', 'NEW', j->'sourceMetadata', j->>'notes'
	FROM j
	RETURNING id, status, "partnerId", "leadCreatedAt"
), prof AS (
	INSERT INTO "CustomerProfile" (id, "leadId", "firstName", "lastName", "dateOfBirth", "nationalIdHash",
		email, phone, address)
	SELECT c->>'id', j->>'id', c->>'firstName', c->>'lastName', (c->>'dateOfBirth')::timestamptz,
	       c->>'nationalIdHash', c->>'email', c->>'phone', c->'address'
	FROM (SELECT j, j->'customer' AS c FROM j) x
), vc AS (
	INSERT INTO "VehicleCurrent" (id, "leadId", make, model, year, mileage, "ownershipStatus", vin)
	SELECT v->>'id', j->>'id', v->>'make', v->>'model', (v->>'year')::int, (v->>'mileage')::int,
	       v->>'ownershipStatus', v->>'vin'
	FROM (SELECT j, j->'currentVehicle' AS v FROM j) x
	WHERE v IS NOT NULL
), vd AS (
	INSERT INTO "VehicleDesired" (id, "leadId", make, model, year, budget, preferences)
	SELECT v->>'id', j->>'id', v->>'make', v->>'model', (v->>'year')::int, (v->>'budget')::numeric,
	       v->'preferences'
	FROM (SELECT j, j->'desiredVehicle' AS v FROM j) x
	WHERE v IS NOT NULL
), fin AS (
	INSERT INTO "FinancingApplication" (id, "leadId", bank, "loanAmount", "downPayment", "termMonths",
		income, expenses)
	SELECT v->>'id', j->>'id', v->>'bank', (v->>'loanAmount')::numeric, (v->>'downPayment')::numeric,
	       (v->>'termMonths')::int, (v->>'income')::numeric, (v->>'expenses')::numeric
	FROM (SELECT j, j->'financing' AS v FROM j) x
	WHERE v IS NOT NULL
), cons AS (
	INSERT INTO "ConsentRecord" (id, "consentTemplateId", "consentType", "applicationFormId", "leadId",
		"consentGiven", "consentMethod", "ipAddress", "userAgent", "recordedByUserId", "partnerId",
		version, "consentText", "helpTextSnapshot")
	SELECT e->>'id', t.id, t."consentType", NULL, j->>'id', true, (j->>'consentMethod')::"ConsentMethod",
	       j->>'ipAddress', j->>'userAgent', j->>'actorId', j->>'partnerId',
	       t.version, t.content, t."helpText"
	FROM j, jsonb_array_elements(j->'consents') AS e
	JOIN "ConsentTemplate" t ON t.id = e->>'templateId'
	RETURNING id
), dup AS (
	SELECT array_agg(d.id ORDER BY d."leadCreatedAt" DESC, d.id DESC) AS ids
	FROM (
		SELECT l.id, l."leadCreatedAt"
		FROM j, "CustomerProfile" cp
		JOIN "Lead" l ON l.id = cp."leadId"
		WHERE (lower(cp.email) = lower(j->'customer'->>'email')
		       OR izzy_phone_key(cp.phone) = izzy_phone_key(j->'customer'->>'phone')
		       OR cp."nationalIdHash" = j->'customer'->>'nationalIdHash')
		  AND izzy_lead_visible($2, $3, $4, l."partnerId", l."assignedUserId", l."createdByUserId")
		  AND l.status <> 'MERGED' AND l."anonymizedAt" IS NULL
		ORDER BY l."leadCreatedAt" DESC, l.id DESC
		LIMIT 20
	) d
)
SELECT (jsonb_build_object('id', l.id, 'status', l.status, 'partnerId', l."partnerId",
	'leadCreatedAt', izzy_ts(l."leadCreatedAt"))
	|| CASE WHEN dup.ids IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('duplicates',
		jsonb_build_object('warning', 'Możliwy duplikat leada', 'leadIds', to_jsonb(dup.ids))) END)::text,
       (SELECT count(*) FROM cons), coalesce(cardinality(dup.ids), 0)
FROM lead l, dup
