-- Statements of cgi-bin/leads_read.c.

-- name: leads_read_placeholder
SELECT 1
