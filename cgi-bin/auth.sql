-- Statements of cgi-bin/auth.c.

-- name: auth_user_by_email
-- Addresses compare lower-cased (spec §9 item 26).  An upgraded reference
-- database may still hold addresses that differ only in case (migration 0012
-- reports them, "UserEmailCaseDuplicate"): among those only the exact
-- spelling matches, as in the reference, so the answer is one row or none.
SELECT u.id, u."hashedPassword", u.status::text, u.role::text, u."partnerId", p.name,
       u.email, u."fullName"
FROM "User" u LEFT JOIN "Partner" p ON p.id = u."partnerId"
WHERE lower(u.email) = lower($1)
  AND (u.email = $1 OR NOT EXISTS (SELECT 1 FROM "User" d
                                   WHERE lower(d.email) = lower($1) AND d.id <> u.id))

-- name: auth_me
SELECT json_build_object('user', json_build_object(
	'id', u.id, 'email', u.email, 'fullName', u."fullName", 'role', u.role,
	'status', u.status, 'phone', u.phone, 'partnerId', u."partnerId",
	'partner', CASE WHEN p.id IS NULL THEN NULL
		ELSE json_build_object('id', p.id, 'name', p.name) END))::text
FROM "User" u LEFT JOIN "Partner" p ON p.id = u."partnerId"
WHERE u.id = $1
