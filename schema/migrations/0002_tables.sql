-- 0002_tables: the 23 model tables of spec/data-model.md section 1 with their columns.
--
-- Each table is created with only its primary key; every column is then added
-- with ADD COLUMN IF NOT EXISTS. On an empty database this yields the final
-- definition in the spec's column order. On a reference database the tables and
-- most columns exist already and only what its migrations never created is added
-- (VehicleCurrent.vin, the MessageDraft table, section 7.3). Type, nullability and
-- default differences of existing reference columns (timestamp(3) without time
-- zone, nullable text[], updatedAt without default) are repaired in
-- 0005_reference_upgrade.sql; keys and foreign keys come in 0003_keys.sql.

SET LOCAL client_min_messages = warning;

-- section 1.1
CREATE TABLE IF NOT EXISTS "Partner" (
	"id" text NOT NULL,
	CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Partner"
	ADD COLUMN IF NOT EXISTS "name"      text NOT NULL,
	ADD COLUMN IF NOT EXISTS "contact"   jsonb,
	ADD COLUMN IF NOT EXISTS "status"    "PartnerStatus" NOT NULL DEFAULT 'ACTIVE',
	ADD COLUMN IF NOT EXISTS "slaRules"  jsonb,
	ADD COLUMN IF NOT EXISTS "notes"     text,
	ADD COLUMN IF NOT EXISTS "createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt" timestamptz(3) NOT NULL DEFAULT now();

-- section 1.2
CREATE TABLE IF NOT EXISTS "User" (
	"id" text NOT NULL,
	CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "User"
	ADD COLUMN IF NOT EXISTS "email"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "hashedPassword" text NOT NULL,
	ADD COLUMN IF NOT EXISTS "role"           "UserRole" NOT NULL,
	ADD COLUMN IF NOT EXISTS "fullName"       text NOT NULL,
	ADD COLUMN IF NOT EXISTS "phone"          text,
	ADD COLUMN IF NOT EXISTS "status"         "UserStatus" NOT NULL DEFAULT 'ACTIVE',
	ADD COLUMN IF NOT EXISTS "partnerId"      text,
	ADD COLUMN IF NOT EXISTS "createdAt"      timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"      timestamptz(3) NOT NULL DEFAULT now();

-- section 1.3
CREATE TABLE IF NOT EXISTS "Lead" (
	"id" text NOT NULL,
	CONSTRAINT "Lead_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Lead"
	ADD COLUMN IF NOT EXISTS "partnerId"       text NOT NULL,
	ADD COLUMN IF NOT EXISTS "assignedUserId"  text,
	ADD COLUMN IF NOT EXISTS "createdByUserId" text,
	ADD COLUMN IF NOT EXISTS "status"          "LeadStatus" NOT NULL DEFAULT 'NEW',
	ADD COLUMN IF NOT EXISTS "sourceMetadata"  jsonb,
	ADD COLUMN IF NOT EXISTS "notes"           text,
	ADD COLUMN IF NOT EXISTS "leadCreatedAt"   timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "claimedAt"       timestamptz(3),
	ADD COLUMN IF NOT EXISTS "lastContactAt"   timestamptz(3),
	ADD COLUMN IF NOT EXISTS "nextActionAt"    timestamptz(3),
	ADD COLUMN IF NOT EXISTS "createdAt"       timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"       timestamptz(3) NOT NULL DEFAULT now();

-- section 1.4
CREATE TABLE IF NOT EXISTS "CustomerProfile" (
	"id" text NOT NULL,
	CONSTRAINT "CustomerProfile_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "CustomerProfile"
	ADD COLUMN IF NOT EXISTS "leadId"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "firstName"       text NOT NULL,
	ADD COLUMN IF NOT EXISTS "lastName"        text NOT NULL,
	ADD COLUMN IF NOT EXISTS "dateOfBirth"     timestamptz(3),
	ADD COLUMN IF NOT EXISTS "nationalIdHash"  text,
	ADD COLUMN IF NOT EXISTS "email"           text,
	ADD COLUMN IF NOT EXISTS "phone"           text,
	ADD COLUMN IF NOT EXISTS "alternateEmails" text[] NOT NULL DEFAULT '{}',
	ADD COLUMN IF NOT EXISTS "employmentInfo"  jsonb,
	ADD COLUMN IF NOT EXISTS "address"         jsonb,
	ADD COLUMN IF NOT EXISTS "createdAt"       timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"       timestamptz(3) NOT NULL DEFAULT now();

-- section 1.5 (vin has no migration in the reference, section 7.3)
CREATE TABLE IF NOT EXISTS "VehicleCurrent" (
	"id" text NOT NULL,
	CONSTRAINT "VehicleCurrent_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "VehicleCurrent"
	ADD COLUMN IF NOT EXISTS "leadId"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "make"            text,
	ADD COLUMN IF NOT EXISTS "model"           text,
	ADD COLUMN IF NOT EXISTS "year"            integer,
	ADD COLUMN IF NOT EXISTS "mileage"         integer,
	ADD COLUMN IF NOT EXISTS "ownershipStatus" text,
	ADD COLUMN IF NOT EXISTS "vin"             text;

-- section 1.6
CREATE TABLE IF NOT EXISTS "VehicleDesired" (
	"id" text NOT NULL,
	CONSTRAINT "VehicleDesired_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "VehicleDesired"
	ADD COLUMN IF NOT EXISTS "leadId"      text NOT NULL,
	ADD COLUMN IF NOT EXISTS "make"        text,
	ADD COLUMN IF NOT EXISTS "model"       text,
	ADD COLUMN IF NOT EXISTS "year"        integer,
	ADD COLUMN IF NOT EXISTS "budget"      numeric(65,30),
	ADD COLUMN IF NOT EXISTS "preferences" jsonb;

-- section 1.7
CREATE TABLE IF NOT EXISTS "FinancingApplication" (
	"id" text NOT NULL,
	CONSTRAINT "FinancingApplication_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "FinancingApplication"
	ADD COLUMN IF NOT EXISTS "leadId"        text NOT NULL,
	ADD COLUMN IF NOT EXISTS "bank"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "loanAmount"    numeric(65,30),
	ADD COLUMN IF NOT EXISTS "downPayment"   numeric(65,30),
	ADD COLUMN IF NOT EXISTS "termMonths"    integer,
	ADD COLUMN IF NOT EXISTS "income"        numeric(65,30),
	ADD COLUMN IF NOT EXISTS "expenses"      numeric(65,30),
	ADD COLUMN IF NOT EXISTS "creditScore"   integer,
	ADD COLUMN IF NOT EXISTS "submittedBy"   text,
	ADD COLUMN IF NOT EXISTS "submittedAt"   timestamptz(3),
	ADD COLUMN IF NOT EXISTS "bankReference" text,
	ADD COLUMN IF NOT EXISTS "decision"      "BankDecisionStatus" DEFAULT 'PENDING',
	ADD COLUMN IF NOT EXISTS "decisionAt"    timestamptz(3),
	ADD COLUMN IF NOT EXISTS "createdAt"     timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"     timestamptz(3) NOT NULL DEFAULT now();

-- section 1.8 (uploadedBy is a user id without a foreign key, as in the reference)
CREATE TABLE IF NOT EXISTS "Document" (
	"id" text NOT NULL,
	CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Document"
	ADD COLUMN IF NOT EXISTS "leadId"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "type"            text NOT NULL,
	ADD COLUMN IF NOT EXISTS "filePath"        text NOT NULL,
	ADD COLUMN IF NOT EXISTS "version"         integer NOT NULL DEFAULT 1,
	ADD COLUMN IF NOT EXISTS "uploadedBy"      text NOT NULL,
	ADD COLUMN IF NOT EXISTS "uploadedAt"      timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "checksum"        text,
	ADD COLUMN IF NOT EXISTS "originalName"    text,
	ADD COLUMN IF NOT EXISTS "mimeType"        text,
	ADD COLUMN IF NOT EXISTS "sizeBytes"       integer,
	ADD COLUMN IF NOT EXISTS "storageProvider" text,
	ADD COLUMN IF NOT EXISTS "storageKey"      text;

-- section 1.9
CREATE TABLE IF NOT EXISTS "Offer" (
	"id" text NOT NULL,
	CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Offer"
	ADD COLUMN IF NOT EXISTS "leadId"                text NOT NULL,
	ADD COLUMN IF NOT EXISTS "title"                 text NOT NULL,
	ADD COLUMN IF NOT EXISTS "url"                   text,
	ADD COLUMN IF NOT EXISTS "price"                 numeric(65,30),
	ADD COLUMN IF NOT EXISTS "currency"              text DEFAULT 'PLN',
	ADD COLUMN IF NOT EXISTS "availabilityStatus"    "OfferStatus" NOT NULL DEFAULT 'PENDING',
	ADD COLUMN IF NOT EXISTS "availabilityCheckedAt" timestamptz(3),
	ADD COLUMN IF NOT EXISTS "notes"                 text,
	ADD COLUMN IF NOT EXISTS "createdAt"             timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"             timestamptz(3) NOT NULL DEFAULT now();

-- section 1.10
CREATE TABLE IF NOT EXISTS "Agreement" (
	"id" text NOT NULL,
	CONSTRAINT "Agreement_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Agreement"
	ADD COLUMN IF NOT EXISTS "leadId"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "version"         integer NOT NULL DEFAULT 1,
	ADD COLUMN IF NOT EXISTS "draftFilePath"   text,
	ADD COLUMN IF NOT EXISTS "signatureStatus" "SignatureStatus" NOT NULL DEFAULT 'DRAFT',
	ADD COLUMN IF NOT EXISTS "signedFilePath"  text,
	ADD COLUMN IF NOT EXISTS "signedAt"        timestamptz(3),
	ADD COLUMN IF NOT EXISTS "signatureMethod" text,
	ADD COLUMN IF NOT EXISTS "notes"           text,
	ADD COLUMN IF NOT EXISTS "createdAt"       timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"       timestamptz(3) NOT NULL DEFAULT now();

-- section 1.11
CREATE TABLE IF NOT EXISTS "Reminder" (
	"id" text NOT NULL,
	CONSTRAINT "Reminder_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Reminder"
	ADD COLUMN IF NOT EXISTS "leadId"         text NOT NULL,
	ADD COLUMN IF NOT EXISTS "assignedUserId" text,
	ADD COLUMN IF NOT EXISTS "dueAt"          timestamptz(3) NOT NULL,
	ADD COLUMN IF NOT EXISTS "description"    text NOT NULL,
	ADD COLUMN IF NOT EXISTS "status"         "ReminderStatus" NOT NULL DEFAULT 'OPEN',
	ADD COLUMN IF NOT EXISTS "createdAt"      timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"      timestamptz(3) NOT NULL DEFAULT now();

-- section 1.12
CREATE TABLE IF NOT EXISTS "AuditLog" (
	"id" text NOT NULL,
	CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "AuditLog"
	ADD COLUMN IF NOT EXISTS "leadId"    text NOT NULL,
	ADD COLUMN IF NOT EXISTS "userId"    text,
	ADD COLUMN IF NOT EXISTS "action"    text NOT NULL,
	ADD COLUMN IF NOT EXISTS "field"     text,
	ADD COLUMN IF NOT EXISTS "oldValue"  jsonb,
	ADD COLUMN IF NOT EXISTS "newValue"  jsonb,
	ADD COLUMN IF NOT EXISTS "metadata"  jsonb,
	ADD COLUMN IF NOT EXISTS "createdAt" timestamptz(3) NOT NULL DEFAULT now();

-- section 1.13
CREATE TABLE IF NOT EXISTS "LeadNote" (
	"id" text NOT NULL,
	CONSTRAINT "LeadNote_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "LeadNote"
	ADD COLUMN IF NOT EXISTS "leadId"    text NOT NULL,
	ADD COLUMN IF NOT EXISTS "authorId"  text,
	ADD COLUMN IF NOT EXISTS "content"   text NOT NULL,
	ADD COLUMN IF NOT EXISTS "link"      text,
	ADD COLUMN IF NOT EXISTS "type"      "LeadNoteType" NOT NULL DEFAULT 'MANUAL',
	ADD COLUMN IF NOT EXISTS "metadata"  jsonb,
	ADD COLUMN IF NOT EXISTS "createdAt" timestamptz(3) NOT NULL DEFAULT now();

-- section 1.14 (the column "timestamp" is named like the type; always quote it)
CREATE TABLE IF NOT EXISTS "LeadStatusHistory" (
	"id" text NOT NULL,
	CONSTRAINT "LeadStatusHistory_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "LeadStatusHistory"
	ADD COLUMN IF NOT EXISTS "leadId"      text NOT NULL,
	ADD COLUMN IF NOT EXISTS "oldStatus"   "LeadStatus" NOT NULL,
	ADD COLUMN IF NOT EXISTS "newStatus"   "LeadStatus" NOT NULL,
	ADD COLUMN IF NOT EXISTS "changedById" text,
	ADD COLUMN IF NOT EXISTS "timestamp"   timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "reason"      text;

-- section 1.15 (no migration in the reference, section 7.3)
CREATE TABLE IF NOT EXISTS "MessageDraft" (
	"id" text NOT NULL,
	CONSTRAINT "MessageDraft_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "MessageDraft"
	ADD COLUMN IF NOT EXISTS "leadId"    text NOT NULL,
	ADD COLUMN IF NOT EXISTS "userId"    text NOT NULL,
	ADD COLUMN IF NOT EXISTS "subject"   text,
	ADD COLUMN IF NOT EXISTS "body"      text,
	ADD COLUMN IF NOT EXISTS "links"     text[] NOT NULL DEFAULT '{}',
	ADD COLUMN IF NOT EXISTS "createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt" timestamptz(3) NOT NULL DEFAULT now();

-- section 1.16
CREATE TABLE IF NOT EXISTS "ApplicationForm" (
	"id" text NOT NULL,
	CONSTRAINT "ApplicationForm_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "ApplicationForm"
	ADD COLUMN IF NOT EXISTS "leadId"             text NOT NULL,
	ADD COLUMN IF NOT EXISTS "status"             "ApplicationFormStatus" NOT NULL DEFAULT 'DRAFT',
	ADD COLUMN IF NOT EXISTS "createdByUserId"    text,
	ADD COLUMN IF NOT EXISTS "uniqueLink"         text NOT NULL,
	ADD COLUMN IF NOT EXISTS "accessCodeHash"     text NOT NULL,
	ADD COLUMN IF NOT EXISTS "linkGeneratedAt"    timestamptz(3),
	ADD COLUMN IF NOT EXISTS "linkExpiresAt"      timestamptz(3),
	ADD COLUMN IF NOT EXISTS "isClientActive"     boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS "lastClientActivity" timestamptz(3),
	ADD COLUMN IF NOT EXISTS "lastAutoSave"       timestamptz(3),
	ADD COLUMN IF NOT EXISTS "completionPercent"  integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "currentStep"        integer NOT NULL DEFAULT 1,
	ADD COLUMN IF NOT EXISTS "formData"           jsonb,
	ADD COLUMN IF NOT EXISTS "submittedAt"        timestamptz(3),
	ADD COLUMN IF NOT EXISTS "submittedByClient"  boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS "unlockHistory"      jsonb,
	ADD COLUMN IF NOT EXISTS "ipAddress"          text,
	ADD COLUMN IF NOT EXISTS "userAgent"          text,
	ADD COLUMN IF NOT EXISTS "createdAt"          timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"          timestamptz(3) NOT NULL DEFAULT now();

-- section 1.17 (noteId is a LeadNote id without a foreign key, as in the reference)
CREATE TABLE IF NOT EXISTS "EmailLog" (
	"id" text NOT NULL,
	CONSTRAINT "EmailLog_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EmailLog"
	ADD COLUMN IF NOT EXISTS "applicationFormId" text NOT NULL,
	ADD COLUMN IF NOT EXISTS "leadId"            text NOT NULL,
	ADD COLUMN IF NOT EXISTS "type"              "EmailLogType" NOT NULL,
	ADD COLUMN IF NOT EXISTS "status"            "EmailLogStatus" NOT NULL DEFAULT 'SENT',
	ADD COLUMN IF NOT EXISTS "sentAt"            timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "sentTo"            text,
	ADD COLUMN IF NOT EXISTS "payload"           jsonb,
	ADD COLUMN IF NOT EXISTS "noteCreated"       boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS "noteId"            text,
	ADD COLUMN IF NOT EXISTS "createdAt"         timestamptz(3) NOT NULL DEFAULT now();

-- section 1.18
CREATE TABLE IF NOT EXISTS "ConsentTemplate" (
	"id" text NOT NULL,
	CONSTRAINT "ConsentTemplate_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "ConsentTemplate"
	ADD COLUMN IF NOT EXISTS "consentType"     "ConsentType" NOT NULL,
	ADD COLUMN IF NOT EXISTS "formType"        text NOT NULL DEFAULT 'financing_application',
	ADD COLUMN IF NOT EXISTS "title"           text NOT NULL,
	ADD COLUMN IF NOT EXISTS "content"         text NOT NULL,
	ADD COLUMN IF NOT EXISTS "helpText"        text,
	ADD COLUMN IF NOT EXISTS "version"         integer NOT NULL,
	ADD COLUMN IF NOT EXISTS "validFrom"       timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "validTo"         timestamptz(3),
	ADD COLUMN IF NOT EXISTS "isActive"        boolean NOT NULL DEFAULT true,
	ADD COLUMN IF NOT EXISTS "isRequired"      boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS "tags"            text[] NOT NULL DEFAULT '{}',
	ADD COLUMN IF NOT EXISTS "createdByUserId" text,
	ADD COLUMN IF NOT EXISTS "createdAt"       timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"       timestamptz(3) NOT NULL DEFAULT now();

-- section 1.19
CREATE TABLE IF NOT EXISTS "ConsentRecord" (
	"id" text NOT NULL,
	CONSTRAINT "ConsentRecord_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "ConsentRecord"
	ADD COLUMN IF NOT EXISTS "consentTemplateId" text NOT NULL,
	ADD COLUMN IF NOT EXISTS "consentType"       "ConsentType" NOT NULL,
	ADD COLUMN IF NOT EXISTS "applicationFormId" text,
	ADD COLUMN IF NOT EXISTS "leadId"            text NOT NULL,
	ADD COLUMN IF NOT EXISTS "consentGiven"      boolean NOT NULL,
	ADD COLUMN IF NOT EXISTS "consentMethod"     "ConsentMethod" NOT NULL DEFAULT 'ONLINE_FORM',
	ADD COLUMN IF NOT EXISTS "ipAddress"         text,
	ADD COLUMN IF NOT EXISTS "userAgent"         text,
	ADD COLUMN IF NOT EXISTS "recordedByUserId"  text,
	ADD COLUMN IF NOT EXISTS "partnerId"         text,
	ADD COLUMN IF NOT EXISTS "recordedAt"        timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "withdrawnAt"       timestamptz(3),
	ADD COLUMN IF NOT EXISTS "notes"             text,
	ADD COLUMN IF NOT EXISTS "version"           integer NOT NULL,
	ADD COLUMN IF NOT EXISTS "consentText"       text NOT NULL,
	ADD COLUMN IF NOT EXISTS "accessCodeHash"    text,
	ADD COLUMN IF NOT EXISTS "helpTextSnapshot"  text,
	ADD COLUMN IF NOT EXISTS "createdAt"         timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"         timestamptz(3) NOT NULL DEFAULT now();

-- section 1.20
CREATE TABLE IF NOT EXISTS "InsuranceOnboardingSession" (
	"id" text NOT NULL,
	CONSTRAINT "InsuranceOnboardingSession_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "InsuranceOnboardingSession"
	ADD COLUMN IF NOT EXISTS "leadId"         text NOT NULL,
	ADD COLUMN IF NOT EXISTS "status"         "InsuranceOnboardingStatus" NOT NULL DEFAULT 'CREATED',
	ADD COLUMN IF NOT EXISTS "token"          text NOT NULL,
	ADD COLUMN IF NOT EXISTS "tokenExpiresAt" timestamptz(3) NOT NULL,
	ADD COLUMN IF NOT EXISTS "sentByUserId"   text,
	ADD COLUMN IF NOT EXISTS "smsSentAt"      timestamptz(3),
	ADD COLUMN IF NOT EXISTS "emailSentAt"    timestamptz(3),
	ADD COLUMN IF NOT EXISTS "openedAt"       timestamptz(3),
	ADD COLUMN IF NOT EXISTS "slotSelectedAt" timestamptz(3),
	ADD COLUMN IF NOT EXISTS "consentsCapAt"  timestamptz(3),
	ADD COLUMN IF NOT EXISTS "ipAddress"      text,
	ADD COLUMN IF NOT EXISTS "userAgent"      text,
	ADD COLUMN IF NOT EXISTS "createdAt"      timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt"      timestamptz(3) NOT NULL DEFAULT now();

-- section 1.21
CREATE TABLE IF NOT EXISTS "ContactSchedule" (
	"id" text NOT NULL,
	CONSTRAINT "ContactSchedule_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "ContactSchedule"
	ADD COLUMN IF NOT EXISTS "sessionId"     text NOT NULL,
	ADD COLUMN IF NOT EXISTS "leadId"        text NOT NULL,
	ADD COLUMN IF NOT EXISTS "preferredDate" timestamptz(3) NOT NULL,
	ADD COLUMN IF NOT EXISTS "preferredSlot" text NOT NULL,
	ADD COLUMN IF NOT EXISTS "timezone"      text NOT NULL DEFAULT 'Europe/Warsaw',
	ADD COLUMN IF NOT EXISTS "source"        text NOT NULL DEFAULT 'lp_onboarding',
	ADD COLUMN IF NOT EXISTS "createdAt"     timestamptz(3) NOT NULL DEFAULT now();

-- section 1.22 (templateKey refers to MessageTemplate.key without a foreign key)
CREATE TABLE IF NOT EXISTS "CommunicationLog" (
	"id" text NOT NULL,
	CONSTRAINT "CommunicationLog_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "CommunicationLog"
	ADD COLUMN IF NOT EXISTS "sessionId"         text NOT NULL,
	ADD COLUMN IF NOT EXISTS "channel"           "CommChannel" NOT NULL,
	ADD COLUMN IF NOT EXISTS "templateKey"       text,
	ADD COLUMN IF NOT EXISTS "status"            "CommStatus" NOT NULL DEFAULT 'PENDING',
	ADD COLUMN IF NOT EXISTS "providerMessageId" text,
	ADD COLUMN IF NOT EXISTS "sentTo"            text,
	ADD COLUMN IF NOT EXISTS "payload"           jsonb,
	ADD COLUMN IF NOT EXISTS "retries"           integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "errorMessage"      text,
	ADD COLUMN IF NOT EXISTS "sentAt"            timestamptz(3),
	ADD COLUMN IF NOT EXISTS "deliveredAt"       timestamptz(3),
	ADD COLUMN IF NOT EXISTS "createdAt"         timestamptz(3) NOT NULL DEFAULT now();

-- section 1.23 (updatedBy is a user id without a foreign key, as in the reference)
CREATE TABLE IF NOT EXISTS "MessageTemplate" (
	"id" text NOT NULL,
	CONSTRAINT "MessageTemplate_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "MessageTemplate"
	ADD COLUMN IF NOT EXISTS "key"       text NOT NULL,
	ADD COLUMN IF NOT EXISTS "channel"   "CommChannel" NOT NULL,
	ADD COLUMN IF NOT EXISTS "subject"   text,
	ADD COLUMN IF NOT EXISTS "body"      text NOT NULL,
	ADD COLUMN IF NOT EXISTS "isActive"  boolean NOT NULL DEFAULT true,
	ADD COLUMN IF NOT EXISTS "version"   integer NOT NULL DEFAULT 1,
	ADD COLUMN IF NOT EXISTS "updatedBy" text,
	ADD COLUMN IF NOT EXISTS "createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "updatedAt" timestamptz(3) NOT NULL DEFAULT now();
