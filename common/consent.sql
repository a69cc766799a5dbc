-- Statements of common/consent.c.

-- name: consent_capture
-- izzy_consent_capture() of schema 0015: the checks and the inserts in one call.
SELECT izzy_consent_capture($1, $2, $3, $4::jsonb, $5::"ConsentMethod", $6, $7, $8, $9, $10, $11,
	$12::boolean)::text
