#include "config.h"
#include "domain.h"

#include <string.h>

#define DIGITS "0123456789"

const char *const domain_lead_statuses[DOMAIN_LEAD_STATUS_COUNT + 1] = {
	"NEW",
	"ONBOARDING_CONFIRMED",
	"FIRST_CONTACT",
	"FOLLOW_UP",
	"VERIFICATION",
	"UNQUALIFIED",
	"GATHERING_DOCUMENTS",
	"CREDIT_ANALYSIS",
	"OFFER_PRESENTED",
	"NEGOTIATIONS",
	"TERMS_ACCEPTED",
	"CONTRACT_IN_PREPARATION",
	"CONTRACT_SIGNING",
	"CLOSED_WON",
	"CLOSED_LOST",
	"CLOSED_NO_FINANCING",
	"CANCELLED",
	"MERGED",
	"INBOUND",
	NULL,
};

const char *const domain_customer_types[] = { "osoba fizyczna", "JDG", "spółka", NULL };

const char *const domain_voivodeships[] = {
	"dolnośląskie",
	"kujawsko-pomorskie",
	"lubelskie",
	"lubuskie",
	"łódzkie",
	"małopolskie",
	"mazowieckie",
	"opolskie",
	"podkarpackie",
	"podlaskie",
	"pomorskie",
	"śląskie",
	"świętokrzyskie",
	"warmińsko-mazurskie",
	"wielkopolskie",
	"zachodniopomorskie",
	NULL,
};

int
domain_lead_status_parse(const char *s)
{
	for (int i = 0; i < DOMAIN_LEAD_STATUS_COUNT; i++)
		if (strcmp(domain_lead_statuses[i], s) == 0)
			return i;
	return -1;
}

bool
domain_postal_code(const char *s)
{
	return strlen(s) == 6 && strspn(s, DIGITS) == 2 && s[2] == '-' &&
	    strspn(s + 3, DIGITS) == 3;
}

bool
domain_vin(const char *s)
{
	return strspn(s, DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") ==
	    strlen(s);
}

bool
domain_pesel(const char *s)
{
	static const int w[10] = { 1, 3, 7, 9, 1, 3, 7, 9, 1, 3 };
	int sum = 0;

	if (strlen(s) != 11 || strspn(s, DIGITS) != 11)
		return false;
	for (int i = 0; i < 10; i++)
		sum += w[i] * (s[i] - '0');
	return (10 - sum % 10) % 10 == s[10] - '0';
}
