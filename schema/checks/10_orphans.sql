-- check: rows that point at a row that does not exist
--
-- Every single-column foreign key of the schema, read from the catalogue so
-- that a table added by a later migration is covered too: a foreign key does
-- not protect rows loaded with triggers disabled (pg_restore
-- --disable-triggers, session_replication_role = replica) or written while the
-- constraint was dropped.  Then the id columns the model keeps without a
-- foreign key (spec/data-model.md sections 1.8, 1.17): Document.uploadedBy and
-- EmailLog.noteId.  One row per orphan: "<Table> <id>", "<column> -> missing
-- <Parent> <parent id>".
WITH fk AS (
	-- The child row is named by its primary key (most tables: "id"; some are keyed by
	-- their parent, e.g. "RoundRobinState"."partnerId"), its columns joined by "/".
	SELECT c.conrelid::regclass::text AS child, a.attname::text AS col,
	       c.confrelid::regclass::text AS parent, pa.attname::text AS pcol,
	       coalesce((SELECT string_agg(format('c.%I::text', ka.attname), ' || ''/'' || '
	                                   ORDER BY k.ord)
	                 FROM pg_constraint pk
	                 CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
	                 JOIN pg_attribute ka ON ka.attrelid = pk.conrelid AND ka.attnum = k.attnum
	                 WHERE pk.conrelid = c.conrelid AND pk.contype = 'p'), 'c.ctid::text') AS idexpr
	FROM pg_constraint c
	JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
	JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
	JOIN pg_namespace n ON n.oid = c.connamespace
	WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND n.nspname = current_schema()
), orphan AS (
	SELECT fk.child, fk.col, fk.parent, x.id, x.val
	FROM fk, XMLTABLE('/table/row' PASSING query_to_xml(format(
		'SELECT %5$s AS id, c.%2$I::text AS val FROM %1$s c '
		'WHERE c.%2$I IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %3$s p WHERE p.%4$I = c.%2$I) '
		'ORDER BY 1', fk.child, fk.col, fk.parent, fk.pcol, fk.idexpr), true, false, '')
		COLUMNS id text PATH 'id', val text PATH 'val') x
	UNION ALL
	SELECT '"Document"', 'uploadedBy', '"User"', d.id, d."uploadedBy"
	FROM "Document" d
	WHERE NOT EXISTS (SELECT 1 FROM "User" u WHERE u.id = d."uploadedBy")
	UNION ALL
	SELECT '"EmailLog"', 'noteId', '"LeadNote"', e.id, e."noteId"
	FROM "EmailLog" e
	WHERE e."noteId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "LeadNote" n WHERE n.id = e."noteId")
)
SELECT btrim(child, '"') || ' ' || id AS ref,
       col || ' -> missing ' || btrim(parent, '"') || ' ' || val AS detail
FROM orphan
ORDER BY child, col, id
