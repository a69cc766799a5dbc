#include "config.h"
#include "role.h"

#include <string.h>

static const char *const role_names[ROLE__MAX] = {
	[ROLE_PARTNER] = "PARTNER",
	[ROLE_PARTNER_MANAGER] = "PARTNER_MANAGER",
	[ROLE_PARTNER_EMPLOYEE] = "PARTNER_EMPLOYEE",
	[ROLE_OPERATOR] = "OPERATOR",
	[ROLE_SUPERVISOR] = "SUPERVISOR",
	[ROLE_ADMIN] = "ADMIN",
	[ROLE_AUDITOR] = "AUDITOR",
};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : NULL;
}

int
role_parse(const char *s, enum role *out)
{
	for (int i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}
