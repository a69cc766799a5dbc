-- Statements of cgi-bin/leads_profile.c: customer, vehicles and financing.
-- "Patch" parameters are JSON objects holding only the keys the client sent,
-- so "absent = unchanged" and "null = clear" stay distinct without building SQL.

-- name: leads_profile_customer_upsert
-- $3: patch of firstName, lastName, email, phone; $4: patch of the address keys.
-- The stored address keeps only its four known keys, overlaid with $4
-- (api.md section 4.6.2).  A missing profile is created with empty names.
INSERT INTO "CustomerProfile" AS c (id, "leadId", "firstName", "lastName", email, phone, address)
VALUES ($1, $2, coalesce($3::jsonb->>'firstName', ''), coalesce($3::jsonb->>'lastName', ''),
        $3::jsonb->>'email', $3::jsonb->>'phone', $4::jsonb)
ON CONFLICT ("leadId") DO UPDATE SET
	"firstName" = CASE WHEN $3::jsonb ? 'firstName' THEN EXCLUDED."firstName" ELSE c."firstName" END,
	"lastName" = CASE WHEN $3::jsonb ? 'lastName' THEN EXCLUDED."lastName" ELSE c."lastName" END,
	email = CASE WHEN $3::jsonb ? 'email' THEN EXCLUDED.email ELSE c.email END,
	phone = CASE WHEN $3::jsonb ? 'phone' THEN EXCLUDED.phone ELSE c.phone END,
	address = coalesce((SELECT jsonb_object_agg(e.key, e.value)
	                      FROM jsonb_each(CASE WHEN jsonb_typeof(c.address) = 'object'
	                                           THEN c.address ELSE '{}'::jsonb END) e
	                     WHERE e.key IN ('city', 'voivodeship', 'postalCode', 'customerType')),
	                   '{}'::jsonb) || $4::jsonb
RETURNING json_build_object('customerProfile', json_build_object(
	'id', c.id, 'leadId', c."leadId", 'firstName', c."firstName", 'lastName', c."lastName",
	'dateOfBirth', izzy_ts(c."dateOfBirth"), 'nationalIdHash', c."nationalIdHash",
	'email', c.email, 'phone', c.phone, 'alternateEmails', to_json(c."alternateEmails"),
	'employmentInfo', c."employmentInfo", 'address', c.address,
	'createdAt', izzy_ts(c."createdAt"), 'updatedAt', izzy_ts(c."updatedAt"))),
          json_build_object('firstName', c."firstName", 'lastName', c."lastName", 'email', c.email,
	'phone', c.phone, 'address', c.address)

-- name: leads_profile_current_upsert
-- $3: patch of make, model, year, mileage, ownershipStatus, vin (no nulls: an
-- absent field keeps its value, api.md section 4.6.4).
INSERT INTO "VehicleCurrent" AS v (id, "leadId", make, model, year, mileage, "ownershipStatus", vin)
VALUES ($1, $2, $3::jsonb->>'make', $3::jsonb->>'model', ($3::jsonb->>'year')::integer,
        ($3::jsonb->>'mileage')::integer, $3::jsonb->>'ownershipStatus', $3::jsonb->>'vin')
ON CONFLICT ("leadId") DO UPDATE SET
	make = coalesce(EXCLUDED.make, v.make),
	model = coalesce(EXCLUDED.model, v.model),
	year = coalesce(EXCLUDED.year, v.year),
	mileage = coalesce(EXCLUDED.mileage, v.mileage),
	"ownershipStatus" = coalesce(EXCLUDED."ownershipStatus", v."ownershipStatus"),
	vin = coalesce(EXCLUDED.vin, v.vin)

-- name: leads_profile_current_delete
DELETE FROM "VehicleCurrent" WHERE "leadId" = $1

-- name: leads_profile_desired_upsert
-- $3: patch of make, model, year (no nulls), budget and preferences (null clears).
-- preferences is stored as sent: jsonb keeps every key, array and string.
INSERT INTO "VehicleDesired" AS v (id, "leadId", make, model, year, budget, preferences)
VALUES ($1, $2, $3::jsonb->>'make', $3::jsonb->>'model', ($3::jsonb->>'year')::integer,
        ($3::jsonb->>'budget')::numeric, nullif($3::jsonb->'preferences', 'null'::jsonb))
ON CONFLICT ("leadId") DO UPDATE SET
	make = coalesce(EXCLUDED.make, v.make),
	model = coalesce(EXCLUDED.model, v.model),
	year = coalesce(EXCLUDED.year, v.year),
	budget = CASE WHEN $3::jsonb ? 'budget' THEN EXCLUDED.budget ELSE v.budget END,
	preferences = CASE WHEN $3::jsonb ? 'preferences' THEN EXCLUDED.preferences ELSE v.preferences END

-- name: leads_profile_desired_delete
DELETE FROM "VehicleDesired" WHERE "leadId" = $1

-- name: leads_profile_amount_available
-- amountAvailable is the down payment of the most recent financing application;
-- without one, a non-null amount creates {bank: "TBD", downPayment} ($3 = new id).
WITH latest AS (
	SELECT id FROM "FinancingApplication" WHERE "leadId" = $1
	ORDER BY "createdAt" DESC, id DESC LIMIT 1
), upd AS (
	UPDATE "FinancingApplication" f
	SET "downPayment" = $2::numeric, bank = CASE WHEN f.bank = '' THEN 'TBD' ELSE f.bank END
	FROM latest WHERE f.id = latest.id
	RETURNING f.id
)
INSERT INTO "FinancingApplication" (id, "leadId", bank, "downPayment")
SELECT $3, $1, 'TBD', $2::numeric
WHERE NOT EXISTS (SELECT 1 FROM latest) AND $2::numeric IS NOT NULL

-- name: leads_profile_vehicles_get
-- The response of PATCH .../vehicles and the vehicle_updated audit value
-- ($2: amountAvailable as sent, or NULL).
SELECT json_build_object('vehicleCurrent', vc, 'vehicleDesired', vd, 'financingApps', fa),
       json_build_object('vehicleCurrent', vc, 'vehicleDesired', vd, 'amountAvailable', $2::text)
FROM (SELECT
	(SELECT json_build_object('id', v.id, 'leadId', v."leadId", 'make', v.make, 'model', v.model,
	            'year', v.year, 'mileage', v.mileage, 'ownershipStatus', v."ownershipStatus", 'vin', v.vin)
	   FROM "VehicleCurrent" v WHERE v."leadId" = $1) AS vc,
	(SELECT json_build_object('id', v.id, 'leadId', v."leadId", 'make', v.make, 'model', v.model,
	            'year', v.year, 'budget', izzy_money(v.budget), 'preferences', v.preferences)
	   FROM "VehicleDesired" v WHERE v."leadId" = $1) AS vd,
	coalesce((SELECT json_agg(json_build_object('id', f.id, 'leadId', f."leadId", 'bank', f.bank,
	            'loanAmount', izzy_money(f."loanAmount"), 'downPayment', izzy_money(f."downPayment"),
	            'termMonths', f."termMonths", 'income', izzy_money(f.income),
	            'expenses', izzy_money(f.expenses), 'creditScore', f."creditScore",
	            'submittedBy', f."submittedBy", 'submittedAt', izzy_ts(f."submittedAt"),
	            'bankReference', f."bankReference", 'decision', f.decision,
	            'decisionAt', izzy_ts(f."decisionAt"), 'createdAt', izzy_ts(f."createdAt"),
	            'updatedAt', izzy_ts(f."updatedAt")))
	   FROM (SELECT * FROM "FinancingApplication" WHERE "leadId" = $1
	         ORDER BY "createdAt" DESC, id DESC LIMIT 1) f), '[]'::json) AS fa
) s

-- name: leads_profile_financing_owned
-- The application to replace, only if it belongs to the lead (SR-16).
SELECT id FROM "FinancingApplication" WHERE id = $1 AND "leadId" = $2 FOR UPDATE

-- name: leads_profile_financing_insert
INSERT INTO "FinancingApplication" (id, "leadId", bank, "loanAmount", "downPayment", "termMonths",
    income, expenses, "creditScore", "submittedBy", "submittedAt", "bankReference", decision,
    "decisionAt")
VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6::integer, $7::numeric, $8::numeric, $9::integer,
        $10, $11::timestamptz, $12, $13::"BankDecisionStatus", $14::timestamptz)

-- name: leads_profile_financing_update
-- Full replacement: every field not sent is NULL (api.md section 4.6.5).
UPDATE "FinancingApplication"
SET bank = $3, "loanAmount" = $4::numeric, "downPayment" = $5::numeric, "termMonths" = $6::integer,
    income = $7::numeric, expenses = $8::numeric, "creditScore" = $9::integer, "submittedBy" = $10,
    "submittedAt" = $11::timestamptz, "bankReference" = $12,
    decision = $13::"BankDecisionStatus", "decisionAt" = $14::timestamptz
WHERE id = $1 AND "leadId" = $2

-- name: leads_profile_financing_get
SELECT json_build_object('id', f.id, 'leadId', f."leadId", 'bank', f.bank,
           'loanAmount', izzy_money(f."loanAmount"), 'downPayment', izzy_money(f."downPayment"),
           'termMonths', f."termMonths", 'income', izzy_money(f.income),
           'expenses', izzy_money(f.expenses), 'creditScore', f."creditScore",
           'submittedBy', f."submittedBy", 'submittedAt', izzy_ts(f."submittedAt"),
           'bankReference', f."bankReference", 'decision', f.decision,
           'decisionAt', izzy_ts(f."decisionAt"), 'createdAt', izzy_ts(f."createdAt"),
           'updatedAt', izzy_ts(f."updatedAt"))
FROM "FinancingApplication" f WHERE f.id = $1
