-- 0038_list_change: the lead list answered from the program's cache too, exactly
-- (issue 15: the list's rate; 0037 did it for the board).
--
-- The list's summaries read, besides what the board reads (0037), the form's id
-- and status ("ApplicationForm"), the onboarding's status
-- ("InsuranceOnboardingSession"), the consent state ("LeadConsent") and the
-- active consent templates ("ConsentTemplate").  Their writes now leave their
-- transaction id in "LeadChange" as well.  The form and the onboarding count
-- only when a lead's row comes or goes or its status (or lead) changes: a
-- client's autosave, many a minute while a form is filled in, rewrites other
-- columns and must not turn every cached list into a miss.
--
-- A list search's page is now its own static statement (cgi-bin/leads_read.sql,
-- leads_list_search_page: planned once, where izzy_lead_page()'s EXECUTE planned
-- every search), so leads_list passes NULL as izzy_lead_page()'s search.  The
-- function's search branch stays for the previous release's programs, which run
-- against this schema during a rolling deploy.
--
--   izzy_sla_next_due(sla)  the next instant at which izzy_sla_json(sla) changes
--                           without a write (an open deadline passes and the lead
--                           becomes "breached"); NULL: none.  The board's and the
--                           list's answers hold until the earliest of their rows'.

SET LOCAL client_min_messages = warning;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['LeadConsent', 'ConsentTemplate'] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_change', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
			'FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_change_trigger()', t || '_change', t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['ApplicationForm', 'InsuranceOnboardingSession'] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_change', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OF status, "leadId" OR DELETE OR TRUNCATE ON %I '
			'FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_change_trigger()', t || '_change', t);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION izzy_sla_next_due(s "LeadSla")
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT least(
		CASE WHEN s."firstContactAt" IS NULL AND s."firstContactDueAt" > izzy_now()
			THEN s."firstContactDueAt" END,
		CASE WHEN s."followUpAt" IS NULL AND s."followUpDueAt" > izzy_now()
			THEN s."followUpDueAt" END)
$$;
