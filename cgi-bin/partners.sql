-- Statements of cgi-bin/partners.c.

-- name: partners_placeholder
SELECT 1
