-- Statements of cgi-bin/auth.c.

-- name: auth_user_by_email
-- Exact, case-sensitive match as in the reference (spec §2.7).
SELECT u.id, u."hashedPassword", u.status::text, u.role::text, u."partnerId", p.name,
       u.email, u."fullName"
FROM "User" u LEFT JOIN "Partner" p ON p.id = u."partnerId"
WHERE u.email = $1

-- name: auth_me
SELECT json_build_object('user', json_build_object(
	'id', u.id, 'email', u.email, 'fullName', u."fullName", 'role', u.role,
	'status', u.status, 'phone', u.phone, 'partnerId', u."partnerId",
	'partner', CASE WHEN p.id IS NULL THEN NULL
		ELSE json_build_object('id', p.id, 'name', p.name) END))::text
FROM "User" u LEFT JOIN "Partner" p ON p.id = u."partnerId"
WHERE u.id = $1
