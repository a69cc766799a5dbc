-- Statements of cgi-bin/leads_write.c.

-- name: leads_write_placeholder
SELECT 1
