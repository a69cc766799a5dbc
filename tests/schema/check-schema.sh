#!/bin/sh
# check-schema.sh DBNAME - verify that a database has exactly the Izzy CRM schema
# that schema/migrations produce: the 23 model tables of spec/data-model.md §1
# and the rewrite's Session, PasswordToken, Outbox, RateLimit, UserAuditLog, ConsentAuditLog and
# ClientSession (and 0016's WorkerHeartbeat, HttpMetric and ProgramMetric, 0019's
# InboundMessage and InboundWebhookNonce, 0020's ScheduledJobRun, 0023's RetentionRun, 0025's
# SavedView, 0026's LeadConsent, 0028's RoundRobinState, RoundRobinMember and
# RoundRobinAuditLog, 0029's PartnerApiKey, PartnerApiKeyUse and PartnerApiKeyEvent, 0030's
# LeadSla, 0032's ImportJob and ImportMapping, 0034's PartnerWebForm and WebLeadSubmission,
# 0035's PartnerWebhook, 0037's LeadChange (0039: its kind) and LeadChangeHorizon); the 17 enum
# types with their values in database order (§2); every column's type,
# nullability and default (all timestamps timestamptz(3)); every index, primary
# key, unique key, foreign key (ON UPDATE CASCADE, ON DELETE per §0.5) and check
# constraint by name; the "updatedAt" triggers, the SQL helper functions and
# the lower-cased user e-mail addresses (0012).
# Anything missing, different or unexpected on those tables is a failure, so a
# database built from scratch and an upgraded reference database pass only if
# they are identical.
#
# Connection: the usual libpq environment (PGHOST, PGPORT, PGUSER, ...); psql
# must be in PATH (or set PSQL). Nothing is written: the expectations live in
# temporary tables of the check's own session.
#
# Output: one "ok <what>" or "FAIL <what>" line per item. Exit status 0 when
# everything is ok, 1 on any FAIL, 2 on a usage or connection error.
#
# The expected lists below are the reviewed output of a fresh migration run;
# when a migration changes the schema, update them in the same change.

set -u

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 DBNAME" >&2
	exit 2
fi
db=$1
psql_bin=${PSQL:-psql}

if ! out=$("$psql_bin" -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c 'SELECT 1' 2>&1); then
	printf 'FAIL cannot connect to database %s: %s\n' "$db" "$out"
	exit 2
fi

out=$("$psql_bin" -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" 2>&1 <<'SQL'
SET client_min_messages = warning;

CREATE TEMP TABLE want_enum (ord serial, name text, vals text);
COPY want_enum (name, vals) FROM stdin WITH (DELIMITER '|');
UserRole|PARTNER,OPERATOR,SUPERVISOR,ADMIN,AUDITOR,PARTNER_MANAGER,PARTNER_EMPLOYEE
UserStatus|ACTIVE,INACTIVE,INVITED
PartnerStatus|ACTIVE,INACTIVE,PENDING
LeadStatus|NEW,ONBOARDING_CONFIRMED,FIRST_CONTACT,FOLLOW_UP,VERIFICATION,UNQUALIFIED,GATHERING_DOCUMENTS,CREDIT_ANALYSIS,OFFER_PRESENTED,NEGOTIATIONS,TERMS_ACCEPTED,CONTRACT_IN_PREPARATION,CONTRACT_SIGNING,CLOSED_WON,CLOSED_LOST,CLOSED_NO_FINANCING,CANCELLED,MERGED,INBOUND
LeadNoteType|MANUAL,EMAIL_SENT,EMAIL_RECEIVED
BankDecisionStatus|PENDING,APPROVED,REJECTED
OfferStatus|PENDING,AVAILABLE,UNAVAILABLE,RESERVED
SignatureStatus|DRAFT,SENT,SIGNED,CANCELLED
ReminderStatus|OPEN,COMPLETED,CANCELLED
ApplicationFormStatus|DRAFT,IN_PROGRESS,READY,SUBMITTED,LOCKED,UNLOCKED
ConsentType|PARTNER_DECLARATION,MARKETING,FINANCIAL_PARTNERS,VEHICLE_PARTNERS,PHONE_CONTACT
ConsentMethod|ONLINE_FORM,PHONE_CALL,PARTNER_SUBMISSION
EmailLogType|LINK_SENT,REMINDER_24H,REMINDER_5DAYS,UNLOCKED,READY_FOR_REVIEW
EmailLogStatus|SENT,DELIVERED,FAILED,OPENED
InsuranceOnboardingStatus|CREATED,ONBOARDING_SENT,LINK_OPENED,SLOT_SELECTED,ONBOARDING_CONFIRMED,CONSENTS_CAPTURED,COMPLETED
CommChannel|SMS,EMAIL,WEBHOOK
CommStatus|PENDING,SENT,DELIVERED,FAILED,DEAD
\.

-- table | column | format_type | NO = NOT NULL | default ("-" = none)
CREATE TEMP TABLE want_col (ord serial, tbl text, col text, typ text, nullable text, dflt text);
COPY want_col (tbl, col, typ, nullable, dflt) FROM stdin WITH (DELIMITER '|', NULL '-');
Agreement|id|text|NO|-
Agreement|leadId|text|NO|-
Agreement|version|integer|NO|1
Agreement|draftFilePath|text|yes|-
Agreement|signatureStatus|"SignatureStatus"|NO|'DRAFT'::"SignatureStatus"
Agreement|signedFilePath|text|yes|-
Agreement|signedAt|timestamp(3) with time zone|yes|-
Agreement|signatureMethod|text|yes|-
Agreement|notes|text|yes|-
Agreement|createdAt|timestamp(3) with time zone|NO|now()
Agreement|updatedAt|timestamp(3) with time zone|NO|now()
ApplicationForm|id|text|NO|-
ApplicationForm|leadId|text|NO|-
ApplicationForm|status|"ApplicationFormStatus"|NO|'DRAFT'::"ApplicationFormStatus"
ApplicationForm|createdByUserId|text|yes|-
ApplicationForm|uniqueLink|text|NO|-
ApplicationForm|accessCodeHash|text|NO|-
ApplicationForm|linkGeneratedAt|timestamp(3) with time zone|yes|-
ApplicationForm|linkExpiresAt|timestamp(3) with time zone|yes|-
ApplicationForm|isClientActive|boolean|NO|false
ApplicationForm|lastClientActivity|timestamp(3) with time zone|yes|-
ApplicationForm|lastAutoSave|timestamp(3) with time zone|yes|-
ApplicationForm|completionPercent|integer|NO|0
ApplicationForm|currentStep|integer|NO|1
ApplicationForm|formData|jsonb|yes|-
ApplicationForm|submittedAt|timestamp(3) with time zone|yes|-
ApplicationForm|submittedByClient|boolean|NO|false
ApplicationForm|unlockHistory|jsonb|yes|-
ApplicationForm|ipAddress|text|yes|-
ApplicationForm|userAgent|text|yes|-
ApplicationForm|clientActiveSince|timestamp(3) with time zone|yes|-
ApplicationForm|consentsSince|timestamp(3) with time zone|yes|-
ApplicationForm|createdAt|timestamp(3) with time zone|NO|now()
ApplicationForm|updatedAt|timestamp(3) with time zone|NO|now()
AuditLog|id|text|NO|-
AuditLog|leadId|text|NO|-
AuditLog|userId|text|yes|-
AuditLog|action|text|NO|-
AuditLog|field|text|yes|-
AuditLog|oldValue|jsonb|yes|-
AuditLog|newValue|jsonb|yes|-
AuditLog|metadata|jsonb|yes|-
AuditLog|createdAt|timestamp(3) with time zone|NO|now()
ClientSession|id|text|NO|-
ClientSession|applicationFormId|text|NO|-
ClientSession|tokenHash|text|NO|-
ClientSession|ipAddress|text|yes|-
ClientSession|userAgent|text|yes|-
ClientSession|createdAt|timestamp(3) with time zone|NO|now()
ClientSession|lastSeenAt|timestamp(3) with time zone|NO|now()
ClientSession|expiresAt|timestamp(3) with time zone|NO|-
ClientSession|revokedAt|timestamp(3) with time zone|yes|-
SavedView|id|text|NO|-
SavedView|userId|text|NO|-
SavedView|name|text|NO|-
SavedView|state|jsonb|NO|'{}'::jsonb
SavedView|shared|boolean|NO|false
SavedView|createdAt|timestamp(3) with time zone|NO|now()
SavedView|updatedAt|timestamp(3) with time zone|NO|now()
RoundRobinState|partnerId|text|NO|-
RoundRobinState|lastUserId|text|yes|-
RoundRobinState|lastLeadId|text|yes|-
RoundRobinState|turns|bigint|NO|0
RoundRobinState|lastAssignedAt|timestamp(3) with time zone|yes|-
RoundRobinMember|partnerId|text|NO|-
RoundRobinMember|userId|text|NO|-
RoundRobinMember|current|bigint|NO|0
RoundRobinAuditLog|id|text|NO|-
RoundRobinAuditLog|actorId|text|yes|-
RoundRobinAuditLog|partnerId|text|NO|-
RoundRobinAuditLog|action|text|NO|-
RoundRobinAuditLog|oldValue|jsonb|yes|-
RoundRobinAuditLog|newValue|jsonb|yes|-
RoundRobinAuditLog|createdAt|timestamp(3) with time zone|NO|now()
LeadSla|leadId|text|NO|-
LeadSla|startedAt|timestamp(3) with time zone|NO|-
LeadSla|firstContactDueAt|timestamp(3) with time zone|yes|-
LeadSla|firstContactAt|timestamp(3) with time zone|yes|-
LeadSla|firstContactById|text|yes|-
LeadSla|firstContactKind|text|yes|-
LeadSla|firstContactMinutes|integer|yes|-
LeadSla|firstContactBreachedAt|timestamp(3) with time zone|yes|-
LeadSla|followUpDueAt|timestamp(3) with time zone|yes|-
LeadSla|followUpAt|timestamp(3) with time zone|yes|-
LeadSla|followUpBreachedAt|timestamp(3) with time zone|yes|-
CommunicationLog|id|text|NO|-
CommunicationLog|sessionId|text|yes|-
CommunicationLog|channel|"CommChannel"|NO|-
CommunicationLog|templateKey|text|yes|-
CommunicationLog|status|"CommStatus"|NO|'PENDING'::"CommStatus"
CommunicationLog|providerMessageId|text|yes|-
CommunicationLog|sentTo|text|yes|-
CommunicationLog|payload|jsonb|yes|-
CommunicationLog|retries|integer|NO|0
CommunicationLog|errorMessage|text|yes|-
CommunicationLog|sentAt|timestamp(3) with time zone|yes|-
CommunicationLog|deliveredAt|timestamp(3) with time zone|yes|-
CommunicationLog|createdAt|timestamp(3) with time zone|NO|now()
CommunicationLog|leadId|text|yes|-
CommunicationLog|outboxId|text|yes|-
CommunicationLog|direction|text|NO|'OUTBOUND'::text
CommunicationLog|attempts|integer|NO|0
ConsentRecord|id|text|NO|-
ConsentRecord|consentTemplateId|text|NO|-
ConsentRecord|consentType|"ConsentType"|NO|-
ConsentRecord|applicationFormId|text|yes|-
ConsentRecord|leadId|text|NO|-
ConsentRecord|consentGiven|boolean|NO|-
ConsentRecord|consentMethod|"ConsentMethod"|NO|'ONLINE_FORM'::"ConsentMethod"
ConsentRecord|ipAddress|text|yes|-
ConsentRecord|userAgent|text|yes|-
ConsentRecord|recordedByUserId|text|yes|-
ConsentRecord|partnerId|text|yes|-
ConsentRecord|recordedAt|timestamp(3) with time zone|NO|now()
ConsentRecord|withdrawnAt|timestamp(3) with time zone|yes|-
ConsentRecord|notes|text|yes|-
ConsentRecord|version|integer|NO|-
ConsentRecord|consentText|text|NO|-
ConsentRecord|accessCodeHash|text|yes|-
ConsentRecord|helpTextSnapshot|text|yes|-
ConsentRecord|createdAt|timestamp(3) with time zone|NO|now()
ConsentRecord|updatedAt|timestamp(3) with time zone|NO|now()
ConsentRecord|needsClientConfirmation|boolean|NO|false
ConsentRecord|withdrawnByUserId|text|yes|-
ConsentRecord|withdrawalChannel|text|yes|-
ConsentRecord|clientSessionId|text|yes|-
ConsentAuditLog|id|text|NO|-
ConsentAuditLog|actorId|text|yes|-
ConsentAuditLog|action|text|NO|-
ConsentAuditLog|templateId|text|yes|-
ConsentAuditLog|metadata|jsonb|yes|-
ConsentAuditLog|createdAt|timestamp(3) with time zone|NO|now()
ConsentTemplate|id|text|NO|-
ConsentTemplate|consentType|"ConsentType"|NO|-
ConsentTemplate|formType|text|NO|'financing_application'::text
ConsentTemplate|title|text|NO|-
ConsentTemplate|content|text|NO|-
ConsentTemplate|helpText|text|yes|-
ConsentTemplate|version|integer|NO|-
ConsentTemplate|validFrom|timestamp(3) with time zone|NO|now()
ConsentTemplate|validTo|timestamp(3) with time zone|yes|-
ConsentTemplate|isActive|boolean|NO|true
ConsentTemplate|isRequired|boolean|NO|false
ConsentTemplate|tags|text[]|NO|'{}'::text[]
ConsentTemplate|createdByUserId|text|yes|-
ConsentTemplate|createdAt|timestamp(3) with time zone|NO|now()
ConsentTemplate|updatedAt|timestamp(3) with time zone|NO|now()
ContactSchedule|id|text|NO|-
ContactSchedule|sessionId|text|NO|-
ContactSchedule|leadId|text|NO|-
ContactSchedule|preferredDate|timestamp(3) with time zone|NO|-
ContactSchedule|preferredSlot|text|NO|-
ContactSchedule|timezone|text|NO|'Europe/Warsaw'::text
ContactSchedule|source|text|NO|'lp_onboarding'::text
ContactSchedule|createdAt|timestamp(3) with time zone|NO|now()
CustomerProfile|id|text|NO|-
CustomerProfile|leadId|text|NO|-
CustomerProfile|firstName|text|NO|-
CustomerProfile|lastName|text|NO|-
CustomerProfile|dateOfBirth|timestamp(3) with time zone|yes|-
CustomerProfile|nationalIdHash|text|yes|-
CustomerProfile|email|text|yes|-
CustomerProfile|phone|text|yes|-
CustomerProfile|alternateEmails|text[]|NO|'{}'::text[]
CustomerProfile|employmentInfo|jsonb|yes|-
CustomerProfile|address|jsonb|yes|-
CustomerProfile|createdAt|timestamp(3) with time zone|NO|now()
CustomerProfile|updatedAt|timestamp(3) with time zone|NO|now()
Document|id|text|NO|-
Document|leadId|text|NO|-
Document|type|text|NO|-
Document|filePath|text|NO|-
Document|version|integer|NO|1
Document|uploadedBy|text|NO|-
Document|uploadedAt|timestamp(3) with time zone|NO|now()
Document|checksum|text|yes|-
Document|originalName|text|yes|-
Document|mimeType|text|yes|-
Document|sizeBytes|integer|yes|-
Document|storageProvider|text|yes|-
Document|storageKey|text|yes|-
Document|erasureRequestedAt|timestamp(3) with time zone|yes|-
EmailLog|id|text|NO|-
EmailLog|applicationFormId|text|NO|-
EmailLog|leadId|text|NO|-
EmailLog|type|"EmailLogType"|NO|-
EmailLog|status|"EmailLogStatus"|NO|'SENT'::"EmailLogStatus"
EmailLog|sentAt|timestamp(3) with time zone|NO|now()
EmailLog|sentTo|text|yes|-
EmailLog|payload|jsonb|yes|-
EmailLog|noteCreated|boolean|NO|false
EmailLog|noteId|text|yes|-
EmailLog|createdAt|timestamp(3) with time zone|NO|now()
FinancingApplication|id|text|NO|-
FinancingApplication|leadId|text|NO|-
FinancingApplication|bank|text|NO|-
FinancingApplication|loanAmount|numeric(65,30)|yes|-
FinancingApplication|downPayment|numeric(65,30)|yes|-
FinancingApplication|termMonths|integer|yes|-
FinancingApplication|income|numeric(65,30)|yes|-
FinancingApplication|expenses|numeric(65,30)|yes|-
FinancingApplication|creditScore|integer|yes|-
FinancingApplication|submittedBy|text|yes|-
FinancingApplication|submittedAt|timestamp(3) with time zone|yes|-
FinancingApplication|bankReference|text|yes|-
FinancingApplication|decision|"BankDecisionStatus"|yes|'PENDING'::"BankDecisionStatus"
FinancingApplication|decisionAt|timestamp(3) with time zone|yes|-
FinancingApplication|createdAt|timestamp(3) with time zone|NO|now()
FinancingApplication|updatedAt|timestamp(3) with time zone|NO|now()
InsuranceOnboardingSession|id|text|NO|-
InsuranceOnboardingSession|leadId|text|NO|-
InsuranceOnboardingSession|status|"InsuranceOnboardingStatus"|NO|'CREATED'::"InsuranceOnboardingStatus"
InsuranceOnboardingSession|token|text|NO|-
InsuranceOnboardingSession|tokenExpiresAt|timestamp(3) with time zone|NO|-
InsuranceOnboardingSession|sentByUserId|text|yes|-
InsuranceOnboardingSession|smsSentAt|timestamp(3) with time zone|yes|-
InsuranceOnboardingSession|emailSentAt|timestamp(3) with time zone|yes|-
InsuranceOnboardingSession|openedAt|timestamp(3) with time zone|yes|-
InsuranceOnboardingSession|slotSelectedAt|timestamp(3) with time zone|yes|-
InsuranceOnboardingSession|consentsCapAt|timestamp(3) with time zone|yes|-
InsuranceOnboardingSession|ipAddress|text|yes|-
InsuranceOnboardingSession|userAgent|text|yes|-
InsuranceOnboardingSession|createdAt|timestamp(3) with time zone|NO|now()
InsuranceOnboardingSession|updatedAt|timestamp(3) with time zone|NO|now()
Lead|id|text|NO|-
Lead|partnerId|text|NO|-
Lead|assignedUserId|text|yes|-
Lead|createdByUserId|text|yes|-
Lead|status|"LeadStatus"|NO|'NEW'::"LeadStatus"
Lead|sourceMetadata|jsonb|yes|-
Lead|notes|text|yes|-
Lead|leadCreatedAt|timestamp(3) with time zone|NO|now()
Lead|claimedAt|timestamp(3) with time zone|yes|-
Lead|lastContactAt|timestamp(3) with time zone|yes|-
Lead|nextActionAt|timestamp(3) with time zone|yes|-
Lead|createdAt|timestamp(3) with time zone|NO|now()
Lead|updatedAt|timestamp(3) with time zone|NO|now()
Lead|anonymizedAt|timestamp(3) with time zone|yes|-
Lead|anonymizedById|text|yes|-
Lead|mergedIntoId|text|yes|-
Lead|retentionExempt|boolean|NO|false
Lead|retentionNoticeAt|timestamp(3) with time zone|yes|-
LeadCount|partnerId|text|NO|-
LeadCount|assignedUserId|text|NO|-
LeadCount|status|"LeadStatus"|NO|-
LeadCount|n|integer|NO|-
LeadCountByCreator|partnerId|text|NO|-
LeadCountByCreator|createdByUserId|text|NO|-
LeadCountByCreator|assignedUserId|text|NO|-
LeadCountByCreator|status|"LeadStatus"|NO|-
LeadCountByCreator|n|integer|NO|-
LeadNote|id|text|NO|-
LeadNote|leadId|text|NO|-
LeadNote|authorId|text|yes|-
LeadNote|content|text|NO|-
LeadNote|link|text|yes|-
LeadNote|type|"LeadNoteType"|NO|'MANUAL'::"LeadNoteType"
LeadNote|metadata|jsonb|yes|-
LeadNote|createdAt|timestamp(3) with time zone|NO|now()
LeadStatusHistory|id|text|NO|-
LeadStatusHistory|leadId|text|NO|-
LeadStatusHistory|oldStatus|"LeadStatus"|NO|-
LeadStatusHistory|newStatus|"LeadStatus"|NO|-
LeadStatusHistory|changedById|text|yes|-
LeadStatusHistory|timestamp|timestamp(3) with time zone|NO|now()
LeadStatusHistory|reason|text|yes|-
LeadStatusHistory|reasonCode|text|yes|-
LeadStatusHistory|override|boolean|NO|false
MessageDraft|id|text|NO|-
MessageDraft|leadId|text|NO|-
MessageDraft|userId|text|NO|-
MessageDraft|subject|text|yes|-
MessageDraft|body|text|yes|-
MessageDraft|links|text[]|NO|'{}'::text[]
MessageDraft|createdAt|timestamp(3) with time zone|NO|now()
MessageDraft|updatedAt|timestamp(3) with time zone|NO|now()
MessageTemplate|id|text|NO|-
MessageTemplate|key|text|NO|-
MessageTemplate|channel|"CommChannel"|NO|-
MessageTemplate|subject|text|yes|-
MessageTemplate|body|text|NO|-
MessageTemplate|isActive|boolean|NO|true
MessageTemplate|version|integer|NO|1
MessageTemplate|updatedBy|text|yes|-
MessageTemplate|createdAt|timestamp(3) with time zone|NO|now()
MessageTemplate|updatedAt|timestamp(3) with time zone|NO|now()
Offer|id|text|NO|-
Offer|leadId|text|NO|-
Offer|title|text|NO|-
Offer|url|text|yes|-
Offer|price|numeric(65,30)|yes|-
Offer|currency|text|yes|'PLN'::text
Offer|availabilityStatus|"OfferStatus"|NO|'PENDING'::"OfferStatus"
Offer|availabilityCheckedAt|timestamp(3) with time zone|yes|-
Offer|notes|text|yes|-
Offer|createdAt|timestamp(3) with time zone|NO|now()
Offer|updatedAt|timestamp(3) with time zone|NO|now()
Outbox|id|text|NO|-
Outbox|channel|text|NO|'EMAIL'::text
Outbox|recipient|text|NO|-
Outbox|subject|text|yes|-
Outbox|bodyText|text|NO|-
Outbox|bodyHtml|text|yes|-
Outbox|payload|jsonb|yes|-
Outbox|template|text|yes|-
Outbox|leadId|text|yes|-
Outbox|status|text|NO|'PENDING'::text
Outbox|attempts|integer|NO|0
Outbox|nextAttemptAt|timestamp(3) with time zone|NO|now()
Outbox|lastError|text|yes|-
Outbox|dedupeKey|text|yes|-
Outbox|createdAt|timestamp(3) with time zone|NO|now()
Outbox|sentAt|timestamp(3) with time zone|yes|-
Outbox|webhookId|text|yes|-
Outbox|lastHttpStatus|integer|yes|-
Partner|id|text|NO|-
Partner|name|text|NO|-
Partner|contact|jsonb|yes|-
Partner|status|"PartnerStatus"|NO|'ACTIVE'::"PartnerStatus"
Partner|slaRules|jsonb|yes|-
Partner|notes|text|yes|-
Partner|createdAt|timestamp(3) with time zone|NO|now()
Partner|updatedAt|timestamp(3) with time zone|NO|now()
Partner|roundRobinEnabled|boolean|NO|false
PasswordToken|id|text|NO|-
PasswordToken|userId|text|NO|-
PasswordToken|tokenHash|text|NO|-
PasswordToken|purpose|text|NO|-
PasswordToken|createdAt|timestamp(3) with time zone|NO|now()
PasswordToken|expiresAt|timestamp(3) with time zone|NO|-
PasswordToken|usedAt|timestamp(3) with time zone|yes|-
PasswordToken|createdById|text|yes|-
RateLimit|key|text|NO|-
RateLimit|windowStart|timestamp(3) with time zone|NO|-
RateLimit|count|integer|NO|-
Reminder|id|text|NO|-
Reminder|leadId|text|NO|-
Reminder|assignedUserId|text|yes|-
Reminder|dueAt|timestamp(3) with time zone|NO|-
Reminder|description|text|NO|-
Reminder|status|"ReminderStatus"|NO|'OPEN'::"ReminderStatus"
Reminder|createdAt|timestamp(3) with time zone|NO|now()
Reminder|updatedAt|timestamp(3) with time zone|NO|now()
Session|id|text|NO|-
Session|userId|text|NO|-
Session|tokenHash|text|NO|-
Session|createdAt|timestamp(3) with time zone|NO|now()
Session|lastSeenAt|timestamp(3) with time zone|NO|now()
Session|expiresAt|timestamp(3) with time zone|NO|-
Session|revokedAt|timestamp(3) with time zone|yes|-
Session|revokeReason|text|yes|-
Session|ip|text|yes|-
Session|userAgent|text|yes|-
User|id|text|NO|-
User|email|text|NO|-
User|hashedPassword|text|NO|-
User|role|"UserRole"|NO|-
User|fullName|text|NO|-
User|phone|text|yes|-
User|status|"UserStatus"|NO|'ACTIVE'::"UserStatus"
User|partnerId|text|yes|-
User|createdAt|timestamp(3) with time zone|NO|now()
User|updatedAt|timestamp(3) with time zone|NO|now()
User|roundRobinWeight|integer|NO|1
User|absentFrom|date|yes|-
User|absentUntil|date|yes|-
UserAuditLog|id|text|NO|-
UserAuditLog|actorId|text|yes|-
UserAuditLog|targetUserId|text|NO|-
UserAuditLog|action|text|NO|-
UserAuditLog|oldValue|jsonb|yes|-
UserAuditLog|newValue|jsonb|yes|-
UserAuditLog|createdAt|timestamp(3) with time zone|NO|now()
VehicleCurrent|id|text|NO|-
VehicleCurrent|leadId|text|NO|-
VehicleCurrent|make|text|yes|-
VehicleCurrent|model|text|yes|-
VehicleCurrent|year|integer|yes|-
VehicleCurrent|mileage|integer|yes|-
VehicleCurrent|ownershipStatus|text|yes|-
VehicleCurrent|vin|text|yes|-
VehicleDesired|id|text|NO|-
VehicleDesired|leadId|text|NO|-
VehicleDesired|make|text|yes|-
VehicleDesired|model|text|yes|-
VehicleDesired|year|integer|yes|-
VehicleDesired|budget|numeric(65,30)|yes|-
VehicleDesired|preferences|jsonb|yes|-
WorkerHeartbeat|name|text|NO|-
WorkerHeartbeat|beatAt|timestamp(3) with time zone|NO|now()
WorkerHeartbeat|pollSeconds|integer|NO|-
InboundMessage|id|text|NO|-
InboundMessage|messageId|text|NO|-
InboundMessage|source|text|NO|-
InboundMessage|outcome|text|NO|-
InboundMessage|leadId|text|yes|-
InboundMessage|noteId|text|yes|-
InboundMessage|senderHash|text|NO|-
InboundMessage|receivedAt|timestamp(3) with time zone|NO|now()
InboundWebhookNonce|signature|text|NO|-
InboundWebhookNonce|receivedAt|timestamp(3) with time zone|NO|now()
ScheduledJobRun|name|text|NO|-
ScheduledJobRun|startedAt|timestamp(3) with time zone|yes|-
ScheduledJobRun|endedAt|timestamp(3) with time zone|yes|-
ScheduledJobRun|ok|boolean|yes|-
ScheduledJobRun|counts|jsonb|yes|-
ScheduledJobRun|lastError|text|yes|-
ScheduledJobRun|runs|integer|NO|0
ScheduledJobRun|nextRunAt|timestamp(3) with time zone|NO|now()
HttpMetric|program|text|NO|-
HttpMetric|method|text|NO|-
HttpMetric|route|text|NO|-
HttpMetric|status|integer|NO|-
HttpMetric|count|bigint|NO|0
HttpMetric|sumSeconds|double precision|NO|0
HttpMetric|buckets|bigint[]|NO|-
ProgramMetric|program|text|NO|-
ProgramMetric|name|text|NO|-
ProgramMetric|value|bigint|NO|0
RetentionRun|id|text|NO|-
RetentionRun|trigger|text|NO|-
RetentionRun|startedAt|timestamp(3) with time zone|NO|-
RetentionRun|finishedAt|timestamp(3) with time zone|NO|now()
RetentionRun|counts|jsonb|NO|-
LeadConsent|id|text|NO|-
LeadConsent|given|text[]|NO|'{}'::text[]
LeadConsent|financing|boolean|NO|false
LeadConsent|types|bigint|NO|0
LeadConsent|records|json|NO|'[]'::json
LeadConsent|updatedAt|timestamp(3) with time zone|NO|now()
PartnerApiKey|id|text|NO|-
PartnerApiKey|partnerId|text|NO|-
PartnerApiKey|name|text|NO|-
PartnerApiKey|prefix|text|NO|-
PartnerApiKey|keyHash|text|NO|-
PartnerApiKey|scopes|text[]|NO|-
PartnerApiKey|rateLimitPerMinute|integer|NO|60
PartnerApiKey|expiresAt|timestamp(3) with time zone|yes|-
PartnerApiKey|revokedAt|timestamp(3) with time zone|yes|-
PartnerApiKey|lastUsedAt|timestamp(3) with time zone|yes|-
PartnerApiKey|useCount|bigint|NO|0
PartnerApiKey|createdByUserId|text|yes|-
PartnerApiKey|createdAt|timestamp(3) with time zone|NO|now()
PartnerApiKeyUse|id|bigint|NO|nextval('"PartnerApiKeyUse_id_seq"'::regclass)
PartnerApiKeyUse|keyId|text|NO|-
PartnerApiKeyUse|method|text|NO|-
PartnerApiKeyUse|route|text|NO|-
PartnerApiKeyUse|ip|text|yes|-
PartnerApiKeyUse|createdAt|timestamp(3) with time zone|NO|now()
PartnerApiKeyEvent|id|text|NO|-
PartnerApiKeyEvent|keyId|text|NO|-
PartnerApiKeyEvent|actorId|text|yes|-
PartnerApiKeyEvent|action|text|NO|-
PartnerApiKeyEvent|createdAt|timestamp(3) with time zone|NO|now()
ImportJob|id|text|NO|-
ImportJob|userId|text|NO|-
ImportJob|partnerId|text|yes|-
ImportJob|status|text|NO|'UPLOADED'::text
ImportJob|fileName|text|NO|''::text
ImportJob|format|text|NO|'CSV'::text
ImportJob|file|bytea|yes|-
ImportJob|fileSize|integer|NO|0
ImportJob|columns|jsonb|NO|'[]'::jsonb
ImportJob|mapping|jsonb|yes|-
ImportJob|report|jsonb|yes|-
ImportJob|totalRows|integer|NO|0
ImportJob|validRows|integer|NO|0
ImportJob|processedRows|integer|NO|0
ImportJob|createdCount|integer|NO|0
ImportJob|skippedCount|integer|NO|0
ImportJob|createdLeadIds|text[]|NO|'{}'::text[]
ImportJob|createdAt|timestamp(3) with time zone|NO|now()
ImportJob|startedAt|timestamp(3) with time zone|yes|-
ImportJob|finishedAt|timestamp(3) with time zone|yes|-
ImportJob|undoneAt|timestamp(3) with time zone|yes|-
ImportMapping|userId|text|NO|-
ImportMapping|mapping|jsonb|NO|'{}'::jsonb
ImportMapping|updatedAt|timestamp(3) with time zone|NO|now()
PartnerWebhook|id|text|NO|-
PartnerWebhook|partnerId|text|NO|-
PartnerWebhook|url|text|NO|-
PartnerWebhook|events|text[]|NO|-
PartnerWebhook|secret|text|NO|-
PartnerWebhook|active|boolean|NO|true
PartnerWebhook|createdByUserId|text|yes|-
PartnerWebhook|createdAt|timestamp(3) with time zone|NO|now()
PartnerWebhook|updatedAt|timestamp(3) with time zone|NO|now()
LeadChange|xid|xid8|NO|-
LeadChange|changedAt|timestamp(3) with time zone|NO|now()
LeadChange|kind|text|NO|'L'::text
LeadChangeHorizon|id|integer|NO|1
LeadChangeHorizon|prunedBelow|xid8|NO|-
LeadChangeHorizon|prunedAt|timestamp(3) with time zone|NO|now()
PartnerWebForm|partnerId|text|NO|-
PartnerWebForm|enabled|boolean|NO|false
PartnerWebForm|formKey|text|NO|-
PartnerWebForm|allowedOrigins|text[]|NO|'{}'::text[]
PartnerWebForm|templateIds|text[]|NO|'{}'::text[]
PartnerWebForm|rateLimitPerHour|integer|NO|100
PartnerWebForm|updatedByUserId|text|yes|-
PartnerWebForm|createdAt|timestamp(3) with time zone|NO|now()
PartnerWebForm|updatedAt|timestamp(3) with time zone|NO|now()
WebLeadSubmission|id|text|NO|-
WebLeadSubmission|partnerId|text|NO|-
WebLeadSubmission|leadId|text|NO|-
WebLeadSubmission|answers|jsonb|NO|'[]'::jsonb
WebLeadSubmission|ipAddress|text|yes|-
WebLeadSubmission|userAgent|text|yes|-
WebLeadSubmission|origin|text|yes|-
WebLeadSubmission|tokenHash|text|NO|-
WebLeadSubmission|expiresAt|timestamp(3) with time zone|NO|-
WebLeadSubmission|confirmedAt|timestamp(3) with time zone|yes|-
WebLeadSubmission|confirmIp|text|yes|-
WebLeadSubmission|confirmUserAgent|text|yes|-
WebLeadSubmission|createdAt|timestamp(3) with time zone|NO|now()
\.

-- table | index | primary/unique/index | access method | key columns | predicate ("-" = none)
-- gin indexes are the pg_trgm search indexes: required only where pg_trgm is installed.
CREATE TEMP TABLE want_idx (tbl text, name text, kind text, method text, cols text, pred text);
COPY want_idx FROM stdin WITH (DELIMITER '|', NULL '-');
Agreement|Agreement_leadId_key|unique|btree|"leadId"|-
Agreement|Agreement_pkey|primary|btree|id|-
ApplicationForm|ApplicationForm_leadId_key|unique|btree|"leadId"|-
ApplicationForm|ApplicationForm_pkey|primary|btree|id|-
ApplicationForm|ApplicationForm_uniqueLink_key|unique|btree|"uniqueLink"|-
AuditLog|AuditLog_leadId_createdAt_idx|index|btree|"leadId","createdAt"|-
AuditLog|AuditLog_pkey|primary|btree|id|-
ClientSession|ClientSession_applicationFormId_idx|index|btree|"applicationFormId"|-
ClientSession|ClientSession_pkey|primary|btree|id|-
ClientSession|ClientSession_tokenHash_key|unique|btree|"tokenHash"|-
SavedView|SavedView_pkey|primary|btree|id|-
SavedView|SavedView_shared_idx|index|btree|shared|shared
SavedView|SavedView_userId_name_key|unique|btree|"userId",name|-
RoundRobinState|RoundRobinState_pkey|primary|btree|"partnerId"|-
RoundRobinMember|RoundRobinMember_pkey|primary|btree|"partnerId","userId"|-
RoundRobinAuditLog|RoundRobinAuditLog_pkey|primary|btree|id|-
RoundRobinAuditLog|RoundRobinAuditLog_partnerId_idx|index|btree|"partnerId"|-
LeadSla|LeadSla_pkey|primary|btree|"leadId"|-
LeadSla|LeadSla_firstContact_open_idx|index|btree|"firstContactDueAt"|"firstContactAt" IS NULL AND "firstContactDueAt" IS NOT NULL
LeadSla|LeadSla_followUp_open_idx|index|btree|"followUpDueAt"|"followUpAt" IS NULL AND "followUpDueAt" IS NOT NULL
LeadSla|LeadSla_startedAt_idx|index|btree|"startedAt"|-
CommunicationLog|CommunicationLog_pkey|primary|btree|id|-
CommunicationLog|CommunicationLog_sessionId_idx|index|btree|"sessionId"|-
CommunicationLog|CommunicationLog_leadId_createdAt_idx|index|btree|"leadId","createdAt"|-
CommunicationLog|CommunicationLog_outboxId_idx|index|btree|"outboxId"|-
ConsentAuditLog|ConsentAuditLog_createdAt_idx|index|btree|"createdAt"|-
ConsentAuditLog|ConsentAuditLog_pkey|primary|btree|id|-
ConsentRecord|ConsentRecord_applicationFormId_idx|index|btree|"applicationFormId"|-
ConsentRecord|ConsentRecord_recordedAt_idx|index|btree|"recordedAt"|-
ConsentRecord|ConsentRecord_consentTemplateId_idx|index|btree|"consentTemplateId"|-
ConsentRecord|ConsentRecord_leadId_idx|index|btree|"leadId"|-
ConsentRecord|ConsentRecord_pkey|primary|btree|id|-
ConsentTemplate|ConsentTemplate_consentType_formType_version_key|unique|btree|"consentType","formType",version|-
ConsentTemplate|ConsentTemplate_formType_isActive_idx|index|btree|"formType","isActive"|-
ConsentTemplate|ConsentTemplate_pkey|primary|btree|id|-
ContactSchedule|ContactSchedule_leadId_idx|index|btree|"leadId"|-
ContactSchedule|ContactSchedule_pkey|primary|btree|id|-
ContactSchedule|ContactSchedule_sessionId_key|unique|btree|"sessionId"|-
CustomerProfile|CustomerProfile_email_idx|index|btree|email|-
CustomerProfile|CustomerProfile_email_lower_idx|index|btree|lower(email)|-
CustomerProfile|CustomerProfile_email_trgm_idx|index|gin|email|-
CustomerProfile|CustomerProfile_firstName_trgm_idx|index|gin|"firstName"|-
CustomerProfile|CustomerProfile_lastName_trgm_idx|index|gin|"lastName"|-
CustomerProfile|CustomerProfile_leadId_key|unique|btree|"leadId"|-
CustomerProfile|CustomerProfile_leadId_names_idx|index|btree|"leadId",id,"firstName","lastName"|-
CustomerProfile|CustomerProfile_nationalIdHash_idx|index|btree|"nationalIdHash"|-
CustomerProfile|CustomerProfile_phone_key_idx|index|btree|izzy_phone_key(phone)|-
CustomerProfile|CustomerProfile_phone_trgm_idx|index|gin|phone|-
CustomerProfile|CustomerProfile_pkey|primary|btree|id|-
Document|Document_leadId_idx|index|btree|"leadId"|-
Document|Document_pkey|primary|btree|id|-
EmailLog|EmailLog_applicationFormId_type_idx|index|btree|"applicationFormId",type|-
EmailLog|EmailLog_leadId_idx|index|btree|"leadId"|-
EmailLog|EmailLog_pkey|primary|btree|id|-
FinancingApplication|FinancingApplication_leadId_idx|index|btree|"leadId"|-
FinancingApplication|FinancingApplication_pkey|primary|btree|id|-
InsuranceOnboardingSession|InsuranceOnboardingSession_leadId_key|unique|btree|"leadId"|-
InsuranceOnboardingSession|InsuranceOnboardingSession_pkey|primary|btree|id|-
InsuranceOnboardingSession|InsuranceOnboardingSession_token_key|unique|btree|token|-
LeadCount|LeadCount_pkey|primary|btree|"partnerId","assignedUserId",status|-
LeadCountByCreator|LeadCountByCreator_pkey|primary|btree|"partnerId","createdByUserId","assignedUserId",status|-
LeadNote|LeadNote_leadId_idx|index|btree|"leadId"|-
LeadNote|LeadNote_pkey|primary|btree|id|-
LeadStatusHistory|LeadStatusHistory_changedById_idx|index|btree|"changedById"|-
LeadStatusHistory|LeadStatusHistory_leadId_idx|index|btree|"leadId"|-
LeadStatusHistory|LeadStatusHistory_pkey|primary|btree|id|-
Lead|Lead_assignedUserId_idx|index|btree|"assignedUserId"|-
Lead|Lead_createdByUserId_idx|index|btree|"createdByUserId"|-
Lead|Lead_leadCreatedAt_idx|index|btree|"leadCreatedAt"|-
Lead|Lead_partnerId_idx|index|btree|"partnerId"|-
Lead|Lead_pkey|primary|btree|id|-
Lead|Lead_status_idx|index|btree|status|-
Lead|Lead_status_leadCreatedAt_idx|index|btree|status,"leadCreatedAt",id|-
MessageDraft|MessageDraft_leadId_userId_key|unique|btree|"leadId","userId"|-
MessageDraft|MessageDraft_pkey|primary|btree|id|-
MessageTemplate|MessageTemplate_key_key|unique|btree|key|-
MessageTemplate|MessageTemplate_pkey|primary|btree|id|-
Offer|Offer_leadId_idx|index|btree|"leadId"|-
Offer|Offer_pkey|primary|btree|id|-
Outbox|Outbox_dedupeKey_key|unique|btree|"dedupeKey"|-
Outbox|Outbox_leadId_idx|index|btree|"leadId"|-
Outbox|Outbox_nextAttemptAt_idx|index|btree|"nextAttemptAt"|status = 'PENDING'::text
Outbox|Outbox_pkey|primary|btree|id|-
Partner|Partner_createdAt_idx|index|btree|"createdAt"|-
Partner|Partner_pkey|primary|btree|id|-
PasswordToken|PasswordToken_pkey|primary|btree|id|-
PasswordToken|PasswordToken_tokenHash_key|unique|btree|"tokenHash"|-
PasswordToken|PasswordToken_userId_idx|index|btree|"userId"|-
RateLimit|RateLimit_pkey|primary|btree|key|-
Reminder|Reminder_leadId_idx|index|btree|"leadId"|-
Reminder|Reminder_pkey|primary|btree|id|-
Reminder|Reminder_open_assignee_due_idx|index|btree|"assignedUserId","dueAt"|status = 'OPEN'::"ReminderStatus"
Reminder|Reminder_open_lead_due_idx|index|btree|"leadId","dueAt"|status = 'OPEN'::"ReminderStatus"
Session|Session_pkey|primary|btree|id|-
Session|Session_tokenHash_key|unique|btree|"tokenHash"|-
Session|Session_userId_idx|index|btree|"userId"|-
User|User_createdAt_idx|index|btree|"createdAt"|-
User|User_email_key|unique|btree|email|-
User|User_email_lower_key|unique|btree|lower(email)|-
User|User_partnerId_idx|index|btree|"partnerId"|-
User|User_pkey|primary|btree|id|-
UserAuditLog|UserAuditLog_pkey|primary|btree|id|-
UserAuditLog|UserAuditLog_targetUserId_idx|index|btree|"targetUserId"|-
VehicleCurrent|VehicleCurrent_leadId_key|unique|btree|"leadId"|-
VehicleCurrent|VehicleCurrent_pkey|primary|btree|id|-
VehicleDesired|VehicleDesired_leadId_key|unique|btree|"leadId"|-
VehicleDesired|VehicleDesired_pkey|primary|btree|id|-
WorkerHeartbeat|WorkerHeartbeat_pkey|primary|btree|name|-
ScheduledJobRun|ScheduledJobRun_pkey|primary|btree|name|-
HttpMetric|HttpMetric_pkey|primary|btree|program,method,route,status|-
ProgramMetric|ProgramMetric_pkey|primary|btree|program,name|-
InboundMessage|InboundMessage_pkey|primary|btree|id|-
InboundMessage|InboundMessage_messageId_key|unique|btree|"messageId"|-
InboundMessage|InboundMessage_receivedAt_idx|index|btree|"receivedAt"|-
InboundMessage|InboundMessage_senderHash_receivedAt_idx|index|btree|"senderHash","receivedAt"|-
InboundMessage|InboundMessage_leadId_idx|index|btree|"leadId"|-
InboundWebhookNonce|InboundWebhookNonce_pkey|primary|btree|signature|-
InboundWebhookNonce|InboundWebhookNonce_receivedAt_idx|index|btree|"receivedAt"|-
RetentionRun|RetentionRun_pkey|primary|btree|id|-
LeadConsent|LeadConsent_pkey|primary|btree|id|-
PartnerApiKey|PartnerApiKey_pkey|primary|btree|id|-
PartnerApiKey|PartnerApiKey_keyHash_key|unique|btree|"keyHash"|-
PartnerApiKey|PartnerApiKey_partnerId_idx|index|btree|"partnerId"|-
PartnerApiKeyUse|PartnerApiKeyUse_pkey|primary|btree|id|-
PartnerApiKeyUse|PartnerApiKeyUse_keyId_createdAt_idx|index|btree|"keyId","createdAt"|-
PartnerApiKeyEvent|PartnerApiKeyEvent_pkey|primary|btree|id|-
PartnerApiKeyEvent|PartnerApiKeyEvent_keyId_idx|index|btree|"keyId"|-
ImportJob|ImportJob_pkey|primary|btree|id|-
ImportJob|ImportJob_userId_createdAt_idx|index|btree|"userId","createdAt"|-
ImportMapping|ImportMapping_pkey|primary|btree|"userId"|-
Lead|Lead_mergedIntoId_idx|index|btree|"mergedIntoId"|"mergedIntoId" IS NOT NULL
PartnerWebhook|PartnerWebhook_pkey|primary|btree|id|-
PartnerWebhook|PartnerWebhook_partnerId_idx|index|btree|"partnerId"|-
LeadChange|LeadChange_pkey|primary|btree|xid,kind|-
LeadChangeHorizon|LeadChangeHorizon_pkey|primary|btree|id|-
Outbox|Outbox_webhookId_createdAt_idx|index|btree|"webhookId","createdAt"|"webhookId" IS NOT NULL
PartnerWebForm|PartnerWebForm_pkey|primary|btree|"partnerId"|-
PartnerWebForm|PartnerWebForm_formKey_key|unique|btree|"formKey"|-
WebLeadSubmission|WebLeadSubmission_pkey|primary|btree|id|-
WebLeadSubmission|WebLeadSubmission_tokenHash_key|unique|btree|"tokenHash"|-
WebLeadSubmission|WebLeadSubmission_leadId_idx|index|btree|"leadId"|-
\.

-- table | constraint | column | referenced table | ON DELETE (ON UPDATE is always CASCADE)
CREATE TEMP TABLE want_fk (tbl text, name text, cols text, ref text, on_delete text);
COPY want_fk FROM stdin WITH (DELIMITER '|');
Agreement|Agreement_leadId_fkey|leadId|Lead|RESTRICT
ApplicationForm|ApplicationForm_createdByUserId_fkey|createdByUserId|User|SET NULL
ApplicationForm|ApplicationForm_leadId_fkey|leadId|Lead|RESTRICT
AuditLog|AuditLog_leadId_fkey|leadId|Lead|RESTRICT
AuditLog|AuditLog_userId_fkey|userId|User|SET NULL
ClientSession|ClientSession_applicationFormId_fkey|applicationFormId|ApplicationForm|CASCADE
SavedView|SavedView_userId_fkey|userId|User|CASCADE
RoundRobinState|RoundRobinState_partnerId_fkey|partnerId|Partner|CASCADE
RoundRobinMember|RoundRobinMember_partnerId_fkey|partnerId|Partner|CASCADE
RoundRobinMember|RoundRobinMember_userId_fkey|userId|User|CASCADE
RoundRobinAuditLog|RoundRobinAuditLog_actorId_fkey|actorId|User|SET NULL
RoundRobinAuditLog|RoundRobinAuditLog_partnerId_fkey|partnerId|Partner|CASCADE
CommunicationLog|CommunicationLog_sessionId_fkey|sessionId|InsuranceOnboardingSession|RESTRICT
CommunicationLog|CommunicationLog_leadId_fkey|leadId|Lead|RESTRICT
CommunicationLog|CommunicationLog_outboxId_fkey|outboxId|Outbox|SET NULL
ConsentRecord|ConsentRecord_applicationFormId_fkey|applicationFormId|ApplicationForm|SET NULL
ConsentRecord|ConsentRecord_consentTemplateId_fkey|consentTemplateId|ConsentTemplate|RESTRICT
ConsentRecord|ConsentRecord_leadId_fkey|leadId|Lead|RESTRICT
ConsentRecord|ConsentRecord_partnerId_fkey|partnerId|Partner|SET NULL
ConsentRecord|ConsentRecord_recordedByUserId_fkey|recordedByUserId|User|SET NULL
ConsentRecord|ConsentRecord_withdrawnByUserId_fkey|withdrawnByUserId|User|SET NULL
ConsentAuditLog|ConsentAuditLog_actorId_fkey|actorId|User|SET NULL
ConsentAuditLog|ConsentAuditLog_templateId_fkey|templateId|ConsentTemplate|RESTRICT
ConsentTemplate|ConsentTemplate_createdByUserId_fkey|createdByUserId|User|SET NULL
ContactSchedule|ContactSchedule_leadId_fkey|leadId|Lead|RESTRICT
ContactSchedule|ContactSchedule_sessionId_fkey|sessionId|InsuranceOnboardingSession|RESTRICT
CustomerProfile|CustomerProfile_leadId_fkey|leadId|Lead|RESTRICT
Document|Document_leadId_fkey|leadId|Lead|RESTRICT
EmailLog|EmailLog_applicationFormId_fkey|applicationFormId|ApplicationForm|RESTRICT
EmailLog|EmailLog_leadId_fkey|leadId|Lead|RESTRICT
FinancingApplication|FinancingApplication_leadId_fkey|leadId|Lead|RESTRICT
InsuranceOnboardingSession|InsuranceOnboardingSession_leadId_fkey|leadId|Lead|RESTRICT
InsuranceOnboardingSession|InsuranceOnboardingSession_sentByUserId_fkey|sentByUserId|User|SET NULL
LeadNote|LeadNote_authorId_fkey|authorId|User|SET NULL
LeadNote|LeadNote_leadId_fkey|leadId|Lead|RESTRICT
LeadStatusHistory|LeadStatusHistory_changedById_fkey|changedById|User|SET NULL
LeadStatusHistory|LeadStatusHistory_leadId_fkey|leadId|Lead|RESTRICT
Lead|Lead_anonymizedById_fkey|anonymizedById|User|SET NULL
Lead|Lead_assignedUserId_fkey|assignedUserId|User|SET NULL
Lead|Lead_createdByUserId_fkey|createdByUserId|User|SET NULL
Lead|Lead_mergedIntoId_fkey|mergedIntoId|Lead|SET NULL
Lead|Lead_partnerId_fkey|partnerId|Partner|RESTRICT
MessageDraft|MessageDraft_leadId_fkey|leadId|Lead|RESTRICT
MessageDraft|MessageDraft_userId_fkey|userId|User|RESTRICT
Offer|Offer_leadId_fkey|leadId|Lead|RESTRICT
Outbox|Outbox_leadId_fkey|leadId|Lead|SET NULL
PasswordToken|PasswordToken_createdById_fkey|createdById|User|SET NULL
PasswordToken|PasswordToken_userId_fkey|userId|User|CASCADE
Reminder|Reminder_assignedUserId_fkey|assignedUserId|User|SET NULL
Reminder|Reminder_leadId_fkey|leadId|Lead|RESTRICT
Session|Session_userId_fkey|userId|User|CASCADE
User|User_partnerId_fkey|partnerId|Partner|SET NULL
UserAuditLog|UserAuditLog_actorId_fkey|actorId|User|SET NULL
UserAuditLog|UserAuditLog_targetUserId_fkey|targetUserId|User|RESTRICT
VehicleCurrent|VehicleCurrent_leadId_fkey|leadId|Lead|RESTRICT
VehicleDesired|VehicleDesired_leadId_fkey|leadId|Lead|RESTRICT
InboundMessage|InboundMessage_leadId_fkey|leadId|Lead|SET NULL
LeadConsent|LeadConsent_id_fkey|id|Lead|CASCADE
PartnerApiKey|PartnerApiKey_partnerId_fkey|partnerId|Partner|CASCADE
PartnerApiKey|PartnerApiKey_createdByUserId_fkey|createdByUserId|User|SET NULL
PartnerApiKeyUse|PartnerApiKeyUse_keyId_fkey|keyId|PartnerApiKey|CASCADE
PartnerApiKeyEvent|PartnerApiKeyEvent_keyId_fkey|keyId|PartnerApiKey|CASCADE
PartnerApiKeyEvent|PartnerApiKeyEvent_actorId_fkey|actorId|User|SET NULL
LeadSla|LeadSla_leadId_fkey|leadId|Lead|CASCADE
ImportJob|ImportJob_userId_fkey|userId|User|CASCADE
ImportJob|ImportJob_partnerId_fkey|partnerId|Partner|SET NULL
ImportMapping|ImportMapping_userId_fkey|userId|User|CASCADE
PartnerWebhook|PartnerWebhook_partnerId_fkey|partnerId|Partner|CASCADE
PartnerWebhook|PartnerWebhook_createdByUserId_fkey|createdByUserId|User|SET NULL
Outbox|Outbox_webhookId_fkey|webhookId|PartnerWebhook|CASCADE
PartnerWebForm|PartnerWebForm_partnerId_fkey|partnerId|Partner|CASCADE
PartnerWebForm|PartnerWebForm_updatedByUserId_fkey|updatedByUserId|User|SET NULL
WebLeadSubmission|WebLeadSubmission_partnerId_fkey|partnerId|Partner|CASCADE
WebLeadSubmission|WebLeadSubmission_leadId_fkey|leadId|Lead|CASCADE
\.

-- table | constraint | definition
CREATE TEMP TABLE want_check (tbl text, name text, def text);
COPY want_check FROM stdin WITH (DELIMITER '|');
CommunicationLog|CommunicationLog_direction_check|CHECK ((direction = ANY (ARRAY['OUTBOUND'::text, 'INBOUND'::text])))
Outbox|Outbox_channel_check|CHECK ((channel = ANY (ARRAY['EMAIL'::text, 'SMS'::text, 'WEBHOOK'::text])))
Outbox|Outbox_status_check|CHECK ((status = ANY (ARRAY['PENDING'::text, 'SENDING'::text, 'SENT'::text, 'FAILED'::text])))
InboundMessage|InboundMessage_outcome_check|CHECK ((outcome = ANY (ARRAY['NOTE'::text, 'LEAD'::text, 'NO_PARTNER'::text, 'RATE_LIMITED'::text])))
InboundMessage|InboundMessage_source_check|CHECK ((source = ANY (ARRAY['IMAP'::text, 'WEBHOOK'::text])))
PasswordToken|PasswordToken_purpose_check|CHECK ((purpose = ANY (ARRAY['RESET'::text, 'INVITE'::text])))
User|User_roundRobinWeight_check|CHECK ((("roundRobinWeight" >= 0) AND ("roundRobinWeight" <= 100)))
User|User_absence_check|CHECK ((("absentFrom" IS NULL) OR ("absentUntil" IS NULL) OR ("absentFrom" <= "absentUntil")))
LeadSla|LeadSla_firstContactKind_check|CHECK (("firstContactKind" = ANY (ARRAY['STATUS'::text, 'NOTE'::text, 'MESSAGE'::text])))
ImportJob|ImportJob_status_check|CHECK ((status = ANY (ARRAY['UPLOADED'::text, 'VALIDATED'::text, 'RUNNING'::text, 'DONE'::text, 'FAILED'::text, 'UNDONE'::text])))
PartnerWebhook|PartnerWebhook_events_check|CHECK (((cardinality(events) > 0) AND (events <@ ARRAY['lead.created'::text, 'lead.status_changed'::text, 'application.submitted'::text])))
PartnerWebhook|PartnerWebhook_url_check|CHECK ((url ~ '^https?://'::text))
LeadChange|LeadChange_kind_check|CHECK ((kind = ANY (ARRAY['L'::text, 'D'::text])))
LeadChangeHorizon|LeadChangeHorizon_one_row_check|CHECK ((id = 1))
\.

CREATE TEMP VIEW our_rel AS
	SELECT c.oid, c.relname
	  FROM pg_class c
	 WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
	   AND c.relkind IN ('r', 'p')
	   AND c.relname IN (SELECT tbl FROM want_col);

-- Tables
SELECT CASE WHEN r.oid IS NULL THEN 'FAIL table ' || t.tbl || ' missing'
            ELSE 'ok table ' || t.tbl END
  FROM (SELECT tbl, min(ord) AS ord FROM want_col GROUP BY tbl) t
  LEFT JOIN our_rel r ON r.relname = t.tbl
 ORDER BY t.ord;

-- Enum types and value order
SELECT CASE WHEN h.vals IS NULL THEN 'FAIL enum ' || w.name || ' missing'
            WHEN h.vals <> w.vals THEN 'FAIL enum ' || w.name || ' is (' || h.vals || '), want (' || w.vals || ')'
            ELSE 'ok enum ' || w.name END
  FROM want_enum w
  LEFT JOIN LATERAL (
	SELECT string_agg(e.enumlabel::text, ',' ORDER BY e.enumsortorder) AS vals
	  FROM pg_enum e WHERE e.enumtypid = to_regtype(quote_ident(w.name))) h ON true
 ORDER BY w.ord;

-- Columns of the tables that exist
WITH have AS (
	SELECT r.relname AS tbl, a.attname::text AS col, format_type(a.atttypid, a.atttypmod) AS typ,
	       CASE WHEN a.attnotnull THEN 'NO' ELSE 'yes' END AS nullable,
	       pg_get_expr(d.adbin, d.adrelid) AS dflt
	  FROM our_rel r
	  JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	  LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
), want AS (
	SELECT w.* FROM want_col w JOIN our_rel r ON r.relname = w.tbl
), cmp AS (
	SELECT coalesce(w.tbl, h.tbl) AS tbl, coalesce(w.ord, 0) AS ord, coalesce(w.col, h.col) AS col,
	       CASE WHEN h.col IS NULL THEN 'missing'
	            WHEN w.col IS NULL THEN 'unexpected (' || h.typ || ')'
	            ELSE concat_ws('; ',
	                CASE WHEN h.typ <> w.typ THEN 'type ' || h.typ || ', want ' || w.typ END,
	                CASE WHEN h.nullable <> w.nullable
	                     THEN CASE w.nullable WHEN 'NO' THEN 'nullable, want NOT NULL'
	                                          ELSE 'NOT NULL, want nullable' END END,
	                CASE WHEN h.dflt IS DISTINCT FROM w.dflt
	                     THEN 'default ' || coalesce(h.dflt, 'none') || ', want ' || coalesce(w.dflt, 'none') END)
	       END AS problem
	  FROM want w FULL JOIN have h ON h.tbl = w.tbl AND h.col = w.col
)
SELECT line FROM (
	SELECT tbl, 1 AS k, ord, 'FAIL column ' || tbl || '.' || col || ': ' || problem AS line
	  FROM cmp WHERE problem <> ''
	UNION ALL
	SELECT tbl, 0, 0, 'ok columns of ' || tbl || ' (' || count(*) || ')'
	  FROM cmp GROUP BY tbl HAVING bool_and(problem = '')
) x ORDER BY tbl, k, ord, line;

SELECT CASE WHEN count(*) = 0 THEN 'ok every timestamp column is timestamptz'
            ELSE 'FAIL timestamp without time zone: ' || string_agg(c.table_name || '.' || c.column_name, ', ') END
  FROM information_schema.columns c
 WHERE c.table_schema = current_schema()
   AND c.table_name IN (SELECT tbl FROM want_col)
   AND c.data_type = 'timestamp without time zone';

-- Indexes (primary keys and unique keys included)
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS have_trgm \gset
WITH have AS (
	SELECT r.relname AS tbl, i.relname::text AS name,
	       CASE WHEN x.indisprimary THEN 'primary' WHEN x.indisunique THEN 'unique' ELSE 'index' END AS kind,
	       am.amname::text AS method,
	       (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ',' ORDER BY k)
	          FROM generate_series(1, x.indnatts) AS k) AS cols,
	       pg_get_expr(x.indpred, x.indrelid, true) AS pred
	  FROM our_rel r
	  JOIN pg_index x ON x.indrelid = r.oid
	  JOIN pg_class i ON i.oid = x.indexrelid
	  JOIN pg_am am ON am.oid = i.relam
), want AS (
	SELECT w.* FROM want_idx w JOIN our_rel r ON r.relname = w.tbl
	 WHERE w.method <> 'gin' OR :'have_trgm'::boolean
)
SELECT CASE WHEN h.name IS NULL THEN 'FAIL index ' || w.name || ' missing'
            WHEN w.name IS NULL THEN 'FAIL index ' || h.name || ' on ' || h.tbl || ' unexpected'
            WHEN (h.tbl, h.kind, h.method, h.cols, h.pred) IS DISTINCT FROM (w.tbl, w.kind, w.method, w.cols, w.pred)
            THEN 'FAIL index ' || w.name || ' is ' || concat_ws(' ', h.kind, h.method, h.tbl, '(' || h.cols || ')', h.pred)
                 || ', want ' || concat_ws(' ', w.kind, w.method, w.tbl, '(' || w.cols || ')', w.pred)
            ELSE 'ok index ' || w.name END
  FROM want w FULL JOIN have h ON h.name = w.name
 ORDER BY coalesce(w.tbl, h.tbl), coalesce(w.name, h.name);
SELECT 'ok index ' || name || ' not required: pg_trgm is not installed'
  FROM want_idx WHERE method = 'gin' AND NOT :'have_trgm'::boolean ORDER BY name;

-- Foreign keys
WITH have AS (
	SELECT r.relname AS tbl, c.conname::text AS name,
	       (SELECT string_agg(a.attname::text, ',' ORDER BY k.i)
	          FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
	          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols,
	       (SELECT relname::text FROM pg_class WHERE oid = c.confrelid) AS ref,
	       CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL' WHEN 'c' THEN 'CASCADE'
	            WHEN 'a' THEN 'NO ACTION' WHEN 'd' THEN 'SET DEFAULT' END AS on_delete,
	       c.confupdtype = 'c' AS upd_cascade
	  FROM our_rel r JOIN pg_constraint c ON c.conrelid = r.oid AND c.contype = 'f'
), want AS (
	SELECT w.* FROM want_fk w JOIN our_rel r ON r.relname = w.tbl
)
SELECT CASE WHEN h.name IS NULL THEN 'FAIL foreign key ' || w.name || ' missing'
            WHEN w.name IS NULL THEN 'FAIL foreign key ' || h.name || ' on ' || h.tbl || ' unexpected'
            WHEN (h.tbl, h.cols, h.ref, h.on_delete) IS DISTINCT FROM (w.tbl, w.cols, w.ref, w.on_delete)
                 OR NOT h.upd_cascade
            THEN 'FAIL foreign key ' || w.name || ' is ' || h.tbl || '(' || h.cols || ') -> ' || h.ref
                 || ' ON DELETE ' || h.on_delete || CASE WHEN h.upd_cascade THEN '' ELSE ' without ON UPDATE CASCADE' END
                 || ', want ' || w.tbl || '(' || w.cols || ') -> ' || w.ref || ' ON DELETE ' || w.on_delete
            ELSE 'ok foreign key ' || w.name END
  FROM want w FULL JOIN have h ON h.name = w.name
 ORDER BY coalesce(w.tbl, h.tbl), coalesce(w.name, h.name);

-- Check constraints
WITH have AS (
	SELECT r.relname AS tbl, c.conname::text AS name, pg_get_constraintdef(c.oid) AS def
	  FROM our_rel r JOIN pg_constraint c ON c.conrelid = r.oid AND c.contype = 'c'
), want AS (
	SELECT w.* FROM want_check w JOIN our_rel r ON r.relname = w.tbl
)
SELECT CASE WHEN h.name IS NULL THEN 'FAIL check ' || w.name || ' missing'
            WHEN w.name IS NULL THEN 'FAIL check ' || h.name || ' on ' || h.tbl || ' unexpected'
            WHEN (h.tbl, h.def) IS DISTINCT FROM (w.tbl, w.def)
            THEN 'FAIL check ' || w.name || ' is ' || h.tbl || ' ' || h.def || ', want ' || w.tbl || ' ' || w.def
            ELSE 'ok check ' || w.name END
  FROM want w FULL JOIN have h ON h.name = w.name
 ORDER BY coalesce(w.tbl, h.tbl), coalesce(w.name, h.name);

-- Triggers: one BEFORE UPDATE FOR EACH ROW "updatedAt" trigger per table that has the column,
-- and the lead counter triggers on "Lead"
WITH have AS (
	SELECT r.relname AS tbl, t.tgname::text AS name, t.tgfoid::regproc::text AS func,
	       t.tgtype::int AS tgtype   -- ROW (1) | BEFORE (2) | INSERT (4) | DELETE (8) | UPDATE (16) | TRUNCATE (32)
	  FROM our_rel r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
), want AS (
	SELECT w.tbl, w.tbl || '_set_updatedAt' AS name, 'izzy_set_updated_at' AS func, 19 AS tgtype,
	       'BEFORE UPDATE FOR EACH ROW' AS what
	  FROM want_col w JOIN our_rel r ON r.relname = w.tbl
	 WHERE w.col = 'updatedAt'
	UNION ALL
	-- 0010: the lead counters kept exact; AFTER INSERT OR DELETE OR UPDATE FOR EACH ROW (1|4|8|16)
	-- and AFTER TRUNCATE FOR EACH STATEMENT (32).
	SELECT 'Lead', 'Lead_count', 'izzy_lead_count', 29, 'AFTER INSERT OR DELETE OR UPDATE FOR EACH ROW'
	UNION ALL
	SELECT 'Lead', 'Lead_count_truncate', 'izzy_lead_count', 32, 'AFTER TRUNCATE FOR EACH STATEMENT'
	UNION ALL
	-- 0015: partner-declared consents need the client's confirmation (SR-39); BEFORE INSERT FOR EACH ROW (1|2|4)
	SELECT 'ConsentRecord', 'ConsentRecord_partner_flag', 'izzy_consent_partner_flag', 7, 'BEFORE INSERT FOR EACH ROW'
	UNION ALL
	-- 0026: "LeadConsent" kept by AFTER ... FOR EACH STATEMENT triggers (transition tables)
	SELECT 'ConsentRecord', 'ConsentRecord_lead_consent_ins', 'izzy_lead_consent_trigger', 4, 'AFTER INSERT FOR EACH STATEMENT'
	UNION ALL
	SELECT 'ConsentRecord', 'ConsentRecord_lead_consent_upd', 'izzy_lead_consent_trigger', 16, 'AFTER UPDATE FOR EACH STATEMENT'
	UNION ALL
	SELECT 'ConsentRecord', 'ConsentRecord_lead_consent_del', 'izzy_lead_consent_trigger', 8, 'AFTER DELETE FOR EACH STATEMENT'
	UNION ALL
	-- 0028: round-robin assignment of new leads (BEFORE INSERT ROW 1|2|4) and its audit (AFTER INSERT ROW 1|4)
	SELECT 'Lead', 'Lead_round_robin_assign', 'izzy_round_robin_assign_trigger', 7, 'BEFORE INSERT FOR EACH ROW'
	UNION ALL
	SELECT 'Lead', 'Lead_round_robin_audit', 'izzy_round_robin_audit_trigger', 5, 'AFTER INSERT FOR EACH ROW'
	UNION ALL
	SELECT 'ConsentRecord', 'ConsentRecord_lead_consent_trunc', 'izzy_lead_consent_trigger', 32, 'AFTER TRUNCATE FOR EACH STATEMENT'
	UNION ALL
	-- 0030: the SLA timers: the lead's deadline, then its contacts (AFTER INSERT ROW 1|4)
	SELECT 'Lead', 'Lead_sla', 'izzy_sla_lead_trigger', 5, 'AFTER INSERT FOR EACH ROW'
	UNION ALL
	SELECT 'LeadStatusHistory', 'LeadStatusHistory_sla', 'izzy_sla_status_trigger', 5, 'AFTER INSERT FOR EACH ROW'
	UNION ALL
	SELECT 'LeadNote', 'LeadNote_sla', 'izzy_sla_note_trigger', 5, 'AFTER INSERT FOR EACH ROW'
	UNION ALL
	SELECT 'Outbox', 'Outbox_sla', 'izzy_sla_outbox_trigger', 5, 'AFTER INSERT FOR EACH ROW'
	UNION ALL
	-- 0035: partner webhook events, queued in the transaction of the change (AFTER ... FOR EACH ROW)
	SELECT 'Lead', 'Lead_webhook_created', 'izzy_lead_webhook_created', 5, 'AFTER INSERT FOR EACH ROW'
	UNION ALL
	SELECT 'Lead', 'Lead_webhook_status', 'izzy_lead_webhook_status', 17, 'AFTER UPDATE FOR EACH ROW'
	UNION ALL
	SELECT 'ApplicationForm', 'ApplicationForm_webhook_submitted', 'izzy_form_webhook_submitted', 17, 'AFTER UPDATE FOR EACH ROW'
	UNION ALL
	-- 0037: what the board reads, written: AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE FOR EACH STATEMENT (4|8|16|32)
	SELECT t, t || '_change', 'izzy_lead_change_trigger', 60, 'AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE FOR EACH STATEMENT'
	FROM unnest(ARRAY['Lead', 'CustomerProfile', 'Partner', 'User', 'LeadSla']) t
	UNION ALL
	-- 0038: what the list reads besides, written (the form and the onboarding: UPDATE OF status, "leadId")
	SELECT t, t || '_change', 'izzy_lead_change_trigger', 60, 'AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE FOR EACH STATEMENT'
	FROM unnest(ARRAY['LeadConsent', 'ConsentTemplate', 'ApplicationForm', 'InsuranceOnboardingSession']) t
	UNION ALL
	-- 0039: what only the detail reads, written (kind 'D'; the form's columns: AFTER UPDATE FOR EACH ROW, 1|16)
	SELECT 'ApplicationForm', 'ApplicationForm_detail_change', 'izzy_lead_change_trigger', 17, 'AFTER UPDATE FOR EACH ROW'
	UNION ALL
	SELECT t, t || '_detail_change', 'izzy_lead_change_trigger', 60, 'AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE FOR EACH STATEMENT'
	FROM unnest(ARRAY['VehicleCurrent', 'VehicleDesired', 'FinancingApplication', 'Document',
		'Offer', 'Agreement', 'Reminder', 'AuditLog', 'LeadNote', 'LeadStatusHistory', 'ConsentRecord']) t
)
SELECT CASE WHEN h.name IS NULL THEN 'FAIL trigger ' || w.name || ' missing'
            WHEN w.name IS NULL THEN 'FAIL trigger ' || h.name || ' on ' || h.tbl || ' unexpected'
            WHEN h.tbl <> w.tbl OR h.func <> w.func OR h.tgtype <> w.tgtype
            THEN 'FAIL trigger ' || w.name || ' must be ' || w.what || ' on ' || w.tbl
                 || ' executing ' || w.func || '()'
            ELSE 'ok trigger ' || w.name END
  FROM want w FULL JOIN have h ON h.name = w.name
 ORDER BY coalesce(w.tbl, h.tbl), coalesce(w.name, h.name);

-- "LeadCount" and "LeadCountByCreator" hold exactly the per-group lead counts (0010)
SELECT to_regclass('"LeadCount"') IS NOT NULL AND to_regclass('"LeadCountByCreator"') IS NOT NULL AS have_lc \gset
\if :have_lc
SELECT CASE WHEN count(*) = 0 THEN 'ok LeadCount matches Lead'
            ELSE 'FAIL LeadCount differs from Lead in ' || count(*) || ' group(s)' END
  FROM (SELECT "partnerId", coalesce("assignedUserId", '') AS a, status, count(*) AS n
          FROM "Lead" GROUP BY 1, 2, 3) l
  FULL JOIN (SELECT * FROM "LeadCount" WHERE n <> 0) k
    ON k."partnerId" = l."partnerId" AND k."assignedUserId" = l.a AND k.status = l.status
 WHERE l.n IS DISTINCT FROM k.n;
SELECT CASE WHEN count(*) = 0 THEN 'ok LeadCountByCreator matches Lead'
            ELSE 'FAIL LeadCountByCreator differs from Lead in ' || count(*) || ' group(s)' END
  FROM (SELECT "partnerId", coalesce("createdByUserId", '') AS c, coalesce("assignedUserId", '') AS a,
               status, count(*) AS n
          FROM "Lead" GROUP BY 1, 2, 3, 4) l
  FULL JOIN (SELECT * FROM "LeadCountByCreator" WHERE n <> 0) k
    ON k."partnerId" = l."partnerId" AND k."createdByUserId" = l.c AND k."assignedUserId" = l.a
   AND k.status = l.status
 WHERE l.n IS DISTINCT FROM k.n;
\endif

-- SQL helper functions, by behaviour
SELECT to_regprocedure('izzy_csv_cell(text)') IS NOT NULL AS have_csv,
       to_regprocedure('izzy_consent_capture(text,text,text,jsonb,"ConsentMethod",text,text,text,text,text,text,boolean)') IS NOT NULL
       AND to_regprocedure('izzy_consent_records_page(text,text,text,text,text,text,boolean,text,text,timestamptz,timestamptz,timestamptz,timestamptz,text,text,text,bigint,bigint)') IS NOT NULL
       AND to_regprocedure('izzy_consent_current("ConsentType",text)') IS NOT NULL AS have_capture \gset
\if :have_csv
SELECT CASE WHEN izzy_csv_cell('abc') = 'abc' AND izzy_csv_cell(NULL) = ''
             AND izzy_csv_cell('a,"b"') = '"a,""b"""' AND izzy_csv_cell('=SUM(A1)') = '''=SUM(A1)'
             AND izzy_csv_cell('-1,5') = '"''-1,5"' AND izzy_csv_cell(E'a\nb') = E'"a\nb"'
            THEN 'ok function izzy_csv_cell'
            ELSE 'FAIL function izzy_csv_cell' END;
\else
SELECT 'FAIL function izzy_csv_cell(text) missing';
\endif
SELECT to_regprocedure('izzy_csv_quoted(text)') IS NOT NULL AS have_csvq \gset
\if :have_csvq
SELECT CASE WHEN izzy_csv_quoted('abc') = '"abc"' AND izzy_csv_quoted(NULL) = '""'
             AND izzy_csv_quoted('a;"b"') = '"a;""b"""' AND izzy_csv_quoted('=SUM(A1)') = '"''=SUM(A1)"'
             AND izzy_csv_quoted('-1') = '"''-1"'
            THEN 'ok function izzy_csv_quoted'
            ELSE 'FAIL function izzy_csv_quoted' END;
\else
SELECT 'FAIL function izzy_csv_quoted(text) missing';
\endif
\if :have_capture
SELECT 'ok functions izzy_consent_capture, izzy_consent_records_page, izzy_consent_current';
\else
SELECT 'FAIL function izzy_consent_capture, izzy_consent_records_page or izzy_consent_current missing';
\endif
-- 0030: the SLA working time (Friday 15:45 + 30 working minutes in Warsaw, over
-- a weekend and 3 May: Tuesday 08:15)
SELECT to_regprocedure('izzy_sla_deadline(timestamptz,integer,jsonb)') IS NOT NULL AS have_sla \gset
\if :have_sla
SELECT CASE WHEN izzy_sla_deadline('2027-04-30 13:45+00', 30, '{}') = '2027-05-04 06:15+00'
            THEN 'ok function izzy_sla_deadline'
            ELSE 'FAIL function izzy_sla_deadline' END;
\else
SELECT 'FAIL function izzy_sla_deadline(timestamptz, integer, jsonb) missing';
\endif
-- 0022: the onboarding calendar (Friday 17:30 in Warsaw: no slot left today; the
-- next day offered is Monday, with all nine slots)
SELECT to_regprocedure('izzy_onboarding_slots(timestamptz,integer,text)') IS NOT NULL AS have_slots \gset
\if :have_slots
SELECT CASE WHEN (SELECT min("day")::text || ' ' || count(*)
                    FROM izzy_onboarding_slots('2026-03-27 16:30+00', 1, 'Europe/Warsaw'))
                 = '2026-03-30 9'
            THEN 'ok function izzy_onboarding_slots'
            ELSE 'FAIL function izzy_onboarding_slots' END;
\else
SELECT 'FAIL function izzy_onboarding_slots(timestamptz, integer, text) missing';
\endif
SELECT to_regprocedure('izzy_ts(timestamptz)') IS NOT NULL AS have_ts,
       to_regprocedure('izzy_money(numeric)') IS NOT NULL AS have_money \gset
\if :have_ts
SELECT CASE WHEN izzy_ts('2025-10-24 19:00:00.5+02') = '2025-10-24T17:00:00.500Z'
             AND izzy_ts('2025-11-08 23:30:00.123+00') = '2025-11-08T23:30:00.123Z'
             AND izzy_ts(NULL) IS NULL
            THEN 'ok function izzy_ts'
            ELSE 'FAIL function izzy_ts: ' || izzy_ts('2025-10-24 19:00:00.5+02')
                 || ', want 2025-10-24T17:00:00.500Z' END;
\else
SELECT 'FAIL function izzy_ts(timestamptz) missing';
\endif
\if :have_money
SELECT CASE WHEN izzy_money(120000.000000000000000000000000000000) = '120000'
             AND izzy_money(7500.50) = '7500.5'
             AND izzy_money(0.000) = '0'
             AND izzy_money(0.05) = '0.05'
             AND izzy_money(NULL) IS NULL
            THEN 'ok function izzy_money'
            ELSE 'FAIL function izzy_money: ' || izzy_money(120000.000) || ' ' || izzy_money(7500.50)
                 || ', want 120000 7500.5' END;
\else
SELECT 'FAIL function izzy_money(numeric) missing';
\endif
SELECT to_regprocedure('izzy_lead_summary(text,boolean)') IS NOT NULL AS have_summary,
       to_regprocedure('izzy_lead_consent_status(text)') IS NOT NULL AS have_consent \gset
\if :have_summary
SELECT CASE WHEN izzy_lead_summary('no-such-lead', true) IS NULL
            THEN 'ok function izzy_lead_summary'
            ELSE 'FAIL function izzy_lead_summary: a summary for an unknown lead' END;
\else
SELECT 'FAIL function izzy_lead_summary(text, boolean) missing';
\endif
\if :have_consent
SELECT CASE WHEN izzy_lead_consent_status('no-such-lead') IN ('complete', 'incomplete', 'missing_required', 'no_templates')
            THEN 'ok function izzy_lead_consent_status'
            ELSE 'FAIL function izzy_lead_consent_status: ' || coalesce(izzy_lead_consent_status('no-such-lead'), 'NULL') END;
\else
SELECT 'FAIL function izzy_lead_consent_status(text) missing';
\endif
SELECT to_regprocedure('izzy_consent_status(text[],text[],text[])') IS NOT NULL AS have_cs,
       to_regprocedure('izzy_phone_key(text)') IS NOT NULL AS have_pk \gset
\if :have_cs
SELECT CASE WHEN izzy_consent_status('{}', '{}', '{}') = 'no_templates'
             AND izzy_consent_status(NULL, NULL, '{a}') = 'complete'
             AND izzy_consent_status('{a,b}', '{c}', '{a}') = 'missing_required'
             AND izzy_consent_status('{a}', '{c}', '{a}') = 'incomplete'
             AND izzy_consent_status('{a}', '{c}', '{c,a,x}') = 'complete'
             AND izzy_consent_status('{a}', '{}', NULL) = 'missing_required'
            THEN 'ok function izzy_consent_status'
            ELSE 'FAIL function izzy_consent_status' END;
\else
SELECT 'FAIL function izzy_consent_status(text[],text[],text[]) missing';
\endif
\if :have_pk
SELECT CASE WHEN izzy_phone_key('+48 600-100-200') = '600100200'
             AND izzy_phone_key('600100200') = '600100200'
             AND izzy_phone_key('12345678') IS NULL
             AND izzy_phone_key(NULL) IS NULL
            THEN 'ok function izzy_phone_key'
            ELSE 'FAIL function izzy_phone_key: ' || coalesce(izzy_phone_key('+48 600-100-200'), 'NULL') END;
\else
SELECT 'FAIL function izzy_phone_key(text) missing';
\endif

-- User e-mail addresses lower-cased (0012).  "User_email_lower_key" above is
-- missing while case-duplicates are left; the view lists them.
SELECT to_regclass('"UserEmailCaseDuplicate"') IS NOT NULL AS have_dupview,
       to_regprocedure('izzy_user_email_lower()') IS NOT NULL AS have_lowerfn \gset
\if :have_dupview
SELECT CASE WHEN count(*) = 0 THEN 'ok no user e-mail addresses differ only in case'
            ELSE 'FAIL ' || count(*) || ' users in "UserEmailCaseDuplicate"' END
  FROM "UserEmailCaseDuplicate";
\else
SELECT 'FAIL view UserEmailCaseDuplicate missing';
\endif
\if :have_lowerfn
SELECT 'ok function izzy_user_email_lower';
\else
SELECT 'FAIL function izzy_user_email_lower() missing';
\endif
SQL
)
rc=$?

# Every line is "ok ..." or "FAIL ..."; anything else (a psql error) is a failure too.
printf '%s\n' "$out" | sed -e '/^$/d' -e '/^ok /b' -e '/^FAIL /b' -e 's/^/FAIL psql: /'
if [ $rc -ne 0 ]; then
	exit 2
fi
if printf '%s\n' "$out" | grep -v -e '^ok ' -e '^$' >/dev/null; then
	exit 1
fi
exit 0
