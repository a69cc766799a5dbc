-- Statements of cgi-bin/users.c.

-- name: users_placeholder
SELECT 1
