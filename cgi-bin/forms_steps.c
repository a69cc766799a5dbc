/*
 * forms_steps: the step table of the client's application form and its
 * server-side check (FR-48, SR-19).  The table is the stored JSON contract
 * of spec/frontend.md §8.5: a flat object of the keys below (text as strings,
 * two booleans, numbers as strings or numbers) plus "consents".
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain.h"
#include "common/valid.h"

#include "forms_steps.h"

enum kind {
	K_TEXT,
	K_BOOL,
	K_PESEL,
	K_SEX,
	K_PHONE,
	K_EMAIL,
	K_DATE,  /* YYYY-MM-DD */
	K_MONTH, /* YYYY-MM */
	K_POSTAL,
	K_ENUM,
	K_DOCNUM,
	K_NIP,
	K_REGON,
	K_COUNT,     /* integer >= 0 */
	K_MONEY_POS, /* amount > 0 */
	K_MONEY,     /* amount >= 0 */
	K_CONSENTS,
};

/* Required on submit; R_RESID: required unless isResidentialSameAsRegistered is true. */
enum req { R_NO, R_YES, R_RESID };

struct step_field {
	const char *key;
	int step;
	enum kind kind;
	enum req req;
	const char *missing; /* the message when a required field is empty */
	const char *const *options;
};

static const char *const marital[] = { "single", "married", "divorced", "widowed", NULL };
static const char *const documents[] = { "id_card", "passport", NULL };
static const char *const educations[] = { "primary", "secondary", "higher", "postgraduate", NULL };

static const struct step_field steps[] = {
	/* 1: personal data */
	{ "pesel", 1, K_PESEL, R_YES, "PESEL jest wymagany", NULL },
	{ "gender", 1, K_SEX, R_YES, "Płeć jest wymagana", NULL },
	{ "firstName", 1, K_TEXT, R_YES, "Imię jest wymagane", NULL },
	{ "lastName", 1, K_TEXT, R_YES, "Nazwisko jest wymagane", NULL },
	{ "mobilePhone", 1, K_PHONE, R_YES, "Numer telefonu jest wymagany", NULL },
	{ "email", 1, K_EMAIL, R_YES, "Adres e-mail jest wymagany", NULL },
	{ "birthDate", 1, K_DATE, R_YES, "Data urodzenia jest wymagana", NULL },
	{ "birthPlace", 1, K_TEXT, R_YES, "Miejsce urodzenia jest wymagane", NULL },
	{ "countryOfBirth", 1, K_TEXT, R_YES, "Kraj urodzenia jest wymagany", NULL },
	{ "citizenship", 1, K_TEXT, R_YES, "Obywatelstwo jest wymagane", NULL },
	{ "secondCitizenship", 1, K_TEXT, R_NO, NULL, NULL },
	{ "nationality", 1, K_TEXT, R_YES, "Narodowość jest wymagana", NULL },
	{ "maidenName", 1, K_TEXT, R_YES, "Nazwisko rodowe jest wymagane", NULL },
	{ "mothersMaidenName", 1, K_TEXT, R_YES, "Nazwisko panieńskie matki jest wymagane", NULL },
	{ "maritalStatus", 1, K_ENUM, R_YES, "Stan cywilny jest wymagany", marital },
	{ "childrenCount", 1, K_COUNT, R_NO, NULL, NULL },
	{ "isTaxResident", 1, K_BOOL, R_NO, NULL, NULL },
	/* 2: identity document */
	{ "documentType", 2, K_ENUM, R_YES, "Rodzaj dokumentu jest wymagany", documents },
	{ "documentNumber", 2, K_DOCNUM, R_YES, "Numer dokumentu jest wymagany", NULL },
	{ "issueDate", 2, K_DATE, R_YES, "Data wydania jest wymagana", NULL },
	{ "expiryDate", 2, K_DATE, R_YES, "Data ważności jest wymagana", NULL },
	{ "education", 2, K_ENUM, R_YES, "Wykształcenie jest wymagane", educations },
	/* 3: addresses */
	{ "registeredStreet", 3, K_TEXT, R_YES, "Ulica jest wymagana", NULL },
	{ "registeredPostalCode", 3, K_POSTAL, R_YES, "Kod pocztowy jest wymagany", NULL },
	{ "registeredCity", 3, K_TEXT, R_YES, "Miejscowość jest wymagana", NULL },
	{ "registeredPostOffice", 3, K_TEXT, R_YES, "Poczta jest wymagana", NULL },
	{ "isResidentialSameAsRegistered", 3, K_BOOL, R_NO, NULL, NULL },
	{ "residentialCountry", 3, K_TEXT, R_NO, NULL, NULL },
	{ "residentialStreet", 3, K_TEXT, R_RESID, "Ulica zamieszkania jest wymagana", NULL },
	{ "residentialPostalCode", 3, K_POSTAL, R_RESID, "Kod pocztowy zamieszkania jest wymagany",
	    NULL },
	{ "residentialCity", 3, K_TEXT, R_RESID, "Miejscowość zamieszkania jest wymagana", NULL },
	{ "residentialPostOffice", 3, K_TEXT, R_NO, NULL, NULL },
	{ "propertyType", 3, K_TEXT, R_NO, NULL, NULL },
	{ "ownershipType", 3, K_TEXT, R_NO, NULL, NULL },
	{ "addressFrom", 3, K_MONTH, R_NO, NULL, NULL },
	/* 4: employment */
	{ "incomeSource", 4, K_TEXT, R_YES, "Źródło dochodów jest wymagane", NULL },
	{ "employmentSince", 4, K_MONTH, R_YES, "Data zatrudnienia jest wymagana", NULL },
	{ "profession", 4, K_TEXT, R_YES, "Zawód jest wymagany", NULL },
	{ "position", 4, K_TEXT, R_YES, "Stanowisko jest wymagane", NULL },
	{ "employmentSector", 4, K_TEXT, R_YES, "Sektor zatrudnienia jest wymagany", NULL },
	{ "totalWorkExperience", 4, K_TEXT, R_YES, "Staż pracy jest wymagany", NULL },
	{ "workplaceType", 4, K_TEXT, R_YES, "Rodzaj zakładu pracy jest wymagany", NULL },
	{ "employerName", 4, K_TEXT, R_YES, "Nazwa pracodawcy jest wymagana", NULL },
	{ "employerPhone", 4, K_PHONE, R_YES, "Telefon do pracodawcy jest wymagany", NULL },
	{ "employerStreet", 4, K_TEXT, R_YES, "Ulica pracodawcy jest wymagana", NULL },
	{ "employerPostalCode", 4, K_POSTAL, R_YES, "Kod pocztowy jest wymagany", NULL },
	{ "employerCity", 4, K_TEXT, R_YES, "Miejscowość pracodawcy jest wymagana", NULL },
	{ "employerPostOffice", 4, K_TEXT, R_YES, "Poczta pracodawcy jest wymagana", NULL },
	{ "employerNip", 4, K_NIP, R_NO, NULL, NULL },
	{ "employerRegon", 4, K_REGON, R_NO, NULL, NULL },
	/* 5: budget */
	{ "mainIncome", 5, K_MONEY_POS, R_YES, "Główne dochody są wymagane", NULL },
	{ "otherIncome", 5, K_MONEY, R_NO, NULL, NULL },
	{ "housingFees", 5, K_MONEY, R_NO, NULL, NULL },
	{ "otherLivingCosts", 5, K_MONEY, R_NO, NULL, NULL },
	{ "loanInstallments", 5, K_MONEY, R_NO, NULL, NULL },
	{ "cardLimits", 5, K_MONEY, R_NO, NULL, NULL },
	{ "otherFinancialLiabilities", 5, K_MONEY, R_NO, NULL, NULL },
	/* 6: the consent answers as shown (the records are what counts, SR-20) */
	{ "consents", 6, K_CONSENTS, R_NO, NULL, NULL },
};
#define NSTEPS        (sizeof(steps) / sizeof(steps[0]))

#define MONEY_MAX     1e9
#define CHILDREN_MAX  30
#define CONSENTS_MAX  20

#define MSG_UNKNOWN   "Nieznane pole formularza"
#define MSG_TYPE      "Nieprawidłowy typ wartości"
#define MSG_TOO_LONG  "Wartość jest za długa (maks. 200 znaków)"
#define MSG_CHARS     "Wartość zawiera niedozwolone znaki"
#define MSG_FUTURE    "Data nie może być z przyszłości"
#define MSG_DATE      "Nieprawidłowa data (RRRR-MM-DD)"
#define MSG_MONTH     "Nieprawidłowy miesiąc (RRRR-MM)"
#define MSG_NEGATIVE  "Wartość nie może być ujemna"
#define MSG_AMOUNT    "Podaj kwotę w złotych"
#define MSG_ENUM      "Wybierz jedną z dostępnych wartości"
#define MSG_PESEL_LEN "PESEL musi mieć 11 cyfr"
#define MSG_PESEL     "Nieprawidłowy numer PESEL"

int
forms_steps_step_of(const char *key)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (strcmp(steps[i].key, key) == 0)
			return steps[i].step;
	return 0;
}

static const struct step_field *
field_of(const char *key)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (strcmp(steps[i].key, key) == 0)
			return &steps[i];
	return NULL;
}

/* The non-empty string value of key in data (after leading blanks), or NULL. */
static const char *
text_of(const cJSON *data, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(data, key);
	const char *s;

	if (!cJSON_IsString(it))
		return NULL;
	for (s = it->valuestring; *s == ' '; s++)
		;
	return *s != '\0' ? it->valuestring : NULL;
}

/* An amount as a string ("1234.50", "1234,50") or a number; false if neither. */
static bool
amount_of(const cJSON *it, double *out)
{
	char buf[32], *end;
	size_t n;

	if (cJSON_IsNumber(it)) {
		*out = it->valuedouble;
		return isfinite(*out);
	}
	if (!cJSON_IsString(it) || (n = strlen(it->valuestring)) == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, it->valuestring, n + 1);
	for (char *p = buf; *p != '\0'; p++) {
		if (*p == ',')
			*p = '.';
		else if ((*p < '0' || *p > '9') && *p != '.' && *p != '-')
			return false;
	}
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool
in_options(const char *s, const char *const *opt)
{
	for (; *opt != NULL; opt++)
		if (strcmp(s, *opt) == 0)
			return true;
	return false;
}

/* Letters then digits: the Polish ID card ABC123456, the passport AB1234567. */
static bool
doc_number(const char *s, const char *type)
{
	size_t letters = type != NULL && strcmp(type, "passport") == 0 ? 2 : 3;

	if (strlen(s) != 9)
		return false;
	for (size_t i = 0; i < 9; i++) {
		char c = s[i];
		bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

		if (i < letters ? !letter : c < '0' || c > '9')
			return false;
	}
	return true;
}

static bool
consents_ok(const cJSON *it)
{
	const cJSON *e;

	if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > CONSENTS_MAX)
		return false;
	cJSON_ArrayForEach(e, it)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "templateId");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(e, "version");
		const cJSON *given = cJSON_GetObjectItemCaseSensitive(e, "given");

		if (!cJSON_IsObject(e) || cJSON_GetArraySize(e) != 3 || !cJSON_IsString(id) ||
		    strlen(id->valuestring) > 64 || !cJSON_IsNumber(ver) || !cJSON_IsBool(given))
			return false;
	}
	return true;
}

/* The format message of one present value, or NULL when it is fine. */
static const char *
check_value(const struct step_field *f, const cJSON *it, const cJSON *data, const char *today)
{
	const char *s;
	double d;
	char birth[11], sex;

	switch (f->kind) {
	case K_BOOL:
		return cJSON_IsBool(it) || cJSON_IsNull(it) ? NULL : MSG_TYPE;
	case K_CONSENTS:
		return consents_ok(it) ? NULL : "Nieprawidłowy zapis zgód";
	case K_COUNT:
	case K_MONEY:
	case K_MONEY_POS:
		if (cJSON_IsString(it) && it->valuestring[0] == '\0')
			return NULL;
		if (!amount_of(it, &d))
			return f->kind == K_COUNT ? "Podaj liczbę" : MSG_AMOUNT;
		if (d < 0)
			return f->kind == K_COUNT ? "Liczba dzieci nie może być ujemna"
						  : MSG_NEGATIVE;
		if (f->kind == K_COUNT)
			return d == floor(d) && d <= CHILDREN_MAX ? NULL : "Podaj liczbę";
		if (d > MONEY_MAX)
			return MSG_AMOUNT;
		return f->kind == K_MONEY_POS && d < 1 ? f->missing : NULL;
	default:
		break;
	}
	if (!cJSON_IsString(it))
		return MSG_TYPE;
	s = it->valuestring;
	if (chars(s) > FORMS_TEXT_MAX)
		return MSG_TOO_LONG;
	if (!printable(s))
		return MSG_CHARS;
	if (s[0] == '\0')
		return NULL;
	switch (f->kind) {
	case K_PESEL:
		return strlen(s) != 11                  ? MSG_PESEL_LEN
		    : valid_pesel(s, today, NULL, NULL) ? NULL
							: MSG_PESEL;
	case K_SEX:
		if (strcmp(s, "M") != 0 && strcmp(s, "K") != 0)
			return "Płeć musi mieć wartość M lub K";
		if (valid_pesel(text_of(data, "pesel"), today, birth, &sex) && s[0] != sex)
			return "Płeć nie zgadza się z numerem PESEL";
		return NULL;
	case K_PHONE:
		return valid_phone(s) ? NULL
				      : "Wpisz poprawny numer telefonu (np. +48 123 456 789 lub "
					"123456789)";
	case K_EMAIL:
		return valid_email(s) ? NULL : "Nieprawidłowy format email";
	case K_POSTAL:
		return domain_postal_code(s) ? NULL : "Nieprawidłowy kod pocztowy";
	case K_ENUM:
		return in_options(s, f->options) ? NULL : MSG_ENUM;
	case K_DOCNUM:
		return doc_number(s, text_of(data, "documentType"))
		    ? NULL
		    : "Nieprawidłowy numer dokumentu (dowód: ABC123456, paszport: AB1234567)";
	case K_NIP:
		return valid_nip(s) ? NULL : "Nieprawidłowy NIP";
	case K_REGON:
		return valid_regon(s) ? NULL : "Nieprawidłowy REGON";
	case K_MONTH:
		if (!valid_ym(s))
			return MSG_MONTH;
		return strncmp(s, today, 7) > 0 ? MSG_FUTURE : NULL;
	case K_DATE:
		break;
	default:
		return NULL;
	}
	/* K_DATE and its cross-field rules */
	if (!valid_ymd(s))
		return MSG_DATE;
	if (strcmp(f->key, "expiryDate") == 0) {
		const char *issued = text_of(data, "issueDate");

		if (strcmp(s, today) <= 0)
			return "Dokument stracił ważność";
		if (issued != NULL && valid_ymd(issued) && strcmp(s, issued) <= 0)
			return "Data ważności musi być późniejsza niż data wydania";
		return NULL;
	}
	if (strcmp(s, today) > 0)
		return MSG_FUTURE;
	if (strcmp(f->key, "birthDate") == 0 &&
	    valid_pesel(text_of(data, "pesel"), today, birth, NULL) && strcmp(s, birth) != 0)
		return "Data urodzenia nie zgadza się z numerem PESEL";
	return NULL;
}

static int
add_issue(cJSON *issues, const char *key, const char *msg, int *bad)
{
	const char *path[2] = { "formData", key };

	(*bad)++;
	return valid_issue_custom(issues, path, 2, msg);
}

int
forms_steps_check(const cJSON *data, bool complete, const char *today, cJSON *issues)
{
	const cJSON *it, *same;
	int bad = 0;

	if (!cJSON_IsObject(data))
		return -1;
	cJSON_ArrayForEach(it, data)
	{
		const struct step_field *f = field_of(it->string);
		const char *msg;

		if (f == NULL)
			msg = MSG_UNKNOWN;
		else if (cJSON_IsNull(it))
			msg = NULL;
		else
			msg = check_value(f, it, data, today);
		if (msg != NULL && add_issue(issues, it->string, msg, &bad) == -1)
			return -1;
	}
	if (!complete)
		return bad > 0 ? -1 : 0;
	same = cJSON_GetObjectItemCaseSensitive(data, "isResidentialSameAsRegistered");
	for (size_t i = 0; i < NSTEPS; i++) {
		const struct step_field *f = &steps[i];
		bool needed = f->req == R_YES || (f->req == R_RESID && !cJSON_IsTrue(same));

		it = cJSON_GetObjectItemCaseSensitive(data, f->key);
		if (!needed)
			continue;
		if (f->kind == K_MONEY_POS ? it == NULL || cJSON_IsNull(it) ||
			    (cJSON_IsString(it) && it->valuestring[0] == '\0')
					   : text_of(data, f->key) == NULL)
			if (add_issue(issues, f->key, f->missing, &bad) == -1)
				return -1;
	}
	return bad > 0 ? -1 : 0;
}
