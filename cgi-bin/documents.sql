-- cgi-bin/documents: the Document rows of a lead (spec/api.md sections 4.6.6, 4.6.7, 4.15).
-- A stored file's "filePath" is answered as its authorised download path (SR-27); the stored
-- value stays the reference's ("/uploads/<leadId>/<name>" or the S3 URL). Nobody gets the
-- server path of "storageKey": disk documents answer their key relative to UPLOAD_DIR.

-- name: documents_insert
-- $1 id  $2 lead  $3 type  $4 filePath  $5 uploadedBy  $6 checksum  $7 originalName
-- $8 mimeType  $9 sizeBytes  $10 storageProvider  $11 storageKey
WITH d AS (
	INSERT INTO "Document" (id, "leadId", type, "filePath", version, "uploadedBy", checksum,
		"originalName", "mimeType", "sizeBytes", "storageProvider", "storageKey")
	VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9::integer, $10, $11)
	RETURNING id, "leadId", type, "filePath", version, "uploadedBy", "uploadedAt", checksum,
		"originalName", "mimeType", "sizeBytes", "storageProvider", "storageKey"
)
SELECT json_build_object('id', d.id, 'leadId', d."leadId", 'type', d.type,
	'filePath', CASE WHEN d."storageProvider" IS NULL THEN d."filePath"
		ELSE '/api/leads/' || d."leadId" || '/documents/' || d.id || '/download' END,
	'version', d.version, 'uploadedBy', d."uploadedBy", 'uploadedAt', izzy_ts(d."uploadedAt"),
	'checksum', d.checksum, 'originalName', d."originalName", 'mimeType', d."mimeType",
	'sizeBytes', d."sizeBytes", 'storageProvider', d."storageProvider",
	'storageKey', CASE WHEN d."storageProvider" = 'disk' THEN substr(d."filePath", 10)
		ELSE d."storageKey" END)::text
FROM d;

-- name: documents_list
-- $1 lead: its documents, newest first (the shape of the lead detail's "documents").
SELECT coalesce(json_agg(json_build_object('id', d.id, 'leadId', d."leadId", 'type', d.type,
	'filePath', CASE WHEN d."storageProvider" IS NULL THEN d."filePath"
		ELSE '/api/leads/' || d."leadId" || '/documents/' || d.id || '/download' END,
	'version', d.version, 'uploadedBy', d."uploadedBy", 'uploadedAt', izzy_ts(d."uploadedAt"),
	'checksum', d.checksum, 'originalName', d."originalName", 'mimeType', d."mimeType",
	'sizeBytes', d."sizeBytes", 'storageProvider', d."storageProvider")
	ORDER BY d."uploadedAt" DESC, d.id), '[]')::text
FROM "Document" d WHERE d."leadId" = $1;

-- name: documents_get
-- $1 document  $2 lead: what a download needs.
SELECT d."filePath", d."storageProvider", d."storageKey", coalesce(d."originalName", ''),
	d."mimeType", d."erasureRequestedAt" IS NOT NULL
FROM "Document" d WHERE d.id = $1 AND d."leadId" = $2;

-- name: documents_by_path
-- $1 the legacy public path "/uploads/<leadId>/<name>" (spec/api.md section 4.15): its document.
SELECT d.id, d."leadId" FROM "Document" d
WHERE d."filePath" = $1 AND d."storageProvider" = 'disk'
ORDER BY d."uploadedAt" DESC LIMIT 1;

-- name: documents_delete
-- $1 document: undoes an insert whose file could not be put in place.
DELETE FROM "Document" WHERE id = $1;
