/*
 * izzyctl: the administrator's command line.
 *
 *   izzyctl migrate deploy            apply pending schema/migrations/NNNN_*.sql,
 *                                     each in one transaction, checksum kept
 *   izzyctl migrate status            list applied / pending / edited files
 *   izzyctl migrate resolve --rolled-back NAME
 *                                     mark NAME rolled back (re-applied next deploy)
 *   izzyctl seed                      development seed, or with
 *                                     IZZY_ENV=production the production seed
 *   izzyctl db execute FILE           run FILE in one transaction
 *   izzyctl user create EMAIL ROLE "FULL NAME" [PARTNER_ID]
 *                                     ACTIVE user; password from IZZY_NEW_PASSWORD
 *                                     or the first line of stdin
 *   izzyctl check-integrity           run schema/checks/NN_*.sql in one read-only
 *                                     snapshot; report every finding, exit 1 if any
 *   izzyctl retention run [--dry-run] automatic retention (FR-39, common/retention.c):
 *                                     one line per lead ("notice|anonymise|exempt
 *                                     ID RULE DUE"), then the counts; --dry-run
 *                                     lists the same and changes nothing
 *   izzyctl tasks digest [YYYY-MM-DD] queue the daily task digest e-mails (issue 13,
 *                                     common/tasks.c) for the day (default: today in
 *                                     Europe/Warsaw); a second run the same day queues none
 *
 * Configuration from the environment (DATABASE_URL, IZZY_SCHEMA_DIR,
 * SEED_*, RETENTION_*).  Exit status 0 on success, 1 on failure, 2 on bad usage.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/audit.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/id.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/pass.h"
#include "common/retention.h"
#include "common/tasks.h"
#include "common/role.h"

#include "izzyctl.sql.h"

#ifndef IZZY_SCHEMA_DIR
#define IZZY_SCHEMA_DIR "/usr/local/share/izzy-crm/schema"
#endif

/* Migrations refuse to run past this: a 1 MiB migration is a mistake. */
#define SQL_FILE_MAX   (4 * 1024 * 1024)
#define MAX_MIGRATIONS 512

static const char MIGRATIONS_DDL[] =
    "CREATE TABLE IF NOT EXISTS \"_izzy_migrations\" ("
    " name text PRIMARY KEY, checksum text NOT NULL,"
    " \"appliedAt\" timestamptz NOT NULL DEFAULT now(), \"rolledBackAt\" timestamptz)";

static struct cfg cfg;
static char schema_dir[PATH_MAX];

static void
usage(void)
{
	fprintf(stderr,
	    "usage: izzyctl migrate deploy | migrate status | migrate resolve --rolled-back NAME\n"
	    "       izzyctl seed\n"
	    "       izzyctl db execute FILE\n"
	    "       izzyctl user create EMAIL ROLE \"FULL NAME\" [PARTNER_ID]\n"
	    "       izzyctl check-integrity\n"
	    "       izzyctl retention run [--dry-run]\n"
	    "       izzyctl tasks digest [YYYY-MM-DD]\n");
}

/* IZZY_SCHEMA_DIR, else <exe>/../schema (a build tree), else the installed dir. */
static int
find_schema_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	struct stat st;

	if (cfg.schema_dir != NULL) {
		snprintf(schema_dir, sizeof(schema_dir), "%s", cfg.schema_dir);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		/* <top>/bin/izzyctl -> <top>/schema */
		snprintf(schema_dir, sizeof(schema_dir), "%s/schema", dirname(dirname(exe)));
		if (stat(schema_dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
	}
	snprintf(schema_dir, sizeof(schema_dir), "%s", IZZY_SCHEMA_DIR);
	if (stat(schema_dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	log_error("izzyctl", "schema directory not found; set IZZY_SCHEMA_DIR");
	return -1;
}

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL logged. */
static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		log_error("izzyctl", "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (len + 65536 + 1 > cap) {
			char *nb;
			cap = cap == 0 ? 65536 + 1 : cap * 2;
			if (cap > SQL_FILE_MAX || (nb = realloc(buf, cap)) == NULL) {
				log_error("izzyctl", "%s: too large or out of memory", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		log_error("izzyctl", "%s: read error", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Prepares only the statements a command needs: the schema may not exist yet. */
static int
use_stmts(struct db *db, int first, int n)
{
	return db_register(db, &izzyctl_sql[first], (size_t)n);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.sql names of the migrations folder; count returned, -1 on error. */
static int
list_migrations(char **names, int max)
{
	char dir[PATH_MAX + 16];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/migrations", schema_dir);
	if ((d = opendir(dir)) == NULL) {
		log_error("izzyctl", "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (n == max || (names[n] = strndup(e->d_name, len - 4)) == NULL) {
			log_error("izzyctl", "too many migrations or out of memory");
			while (n > 0)
				free(names[--n]);
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_names);
	return n;
}

/* Runs a script in one transaction; -1 (logged) on failure. */
static int
run_script(struct db *db, const char *sql)
{
	if (db_begin(db) == -1)
		return -1;
	if (db_exec(db, sql) == -1) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

static int
migrate(struct db *db, const char *mode)
{
	char *names[MAX_MIGRATIONS], path[PATH_MAX + 64], sum[CRYPTO_SHA256_HEX];
	int n, rc = 0, pending = 0;
	PGresult *applied;

	if (db_exec(db, MIGRATIONS_DDL) == -1 || use_stmts(db, SQL_IZZYCTL_APPLIED, 2) == -1)
		return 1;
	if ((n = list_migrations(names, MAX_MIGRATIONS)) == -1)
		return 1;
	if ((applied = db_run(db, &izzyctl_sql[SQL_IZZYCTL_APPLIED], 0, NULL)) == NULL) {
		rc = 1;
		goto out;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		const char *prev = NULL;
		char *sql;
		bool rolled_back = false;

		for (int j = 0; j < PQntuples(applied); j++)
			if (strcmp(PQgetvalue(applied, j, 0), names[i]) == 0) {
				prev = PQgetvalue(applied, j, 1);
				rolled_back = strcmp(PQgetvalue(applied, j, 2), "t") == 0;
			}
		snprintf(path, sizeof(path), "%s/migrations/%s.sql", schema_dir, names[i]);
		if ((sql = read_file(path)) == NULL) {
			rc = 1;
			break;
		}
		crypto_sha256_hex(sum, sql, strlen(sql));
		if (prev != NULL && !rolled_back) {
			if (strcmp(prev, sum) != 0) {
				log_error("izzyctl",
				    "migration %s was edited after it was applied "
				    "(add a new migration instead)",
				    names[i]);
				rc = 1;
			} else if (strcmp(mode, "status") == 0)
				printf("applied  %s\n", names[i]);
		} else if (strcmp(mode, "status") == 0) {
			printf("pending  %s\n", names[i]);
			pending++;
		} else {
			const char *params[2] = { names[i], sum };
			PGresult *res;
			printf("applying %s\n", names[i]);
			if (db_begin(db) == -1 || db_exec(db, sql) == -1 ||
			    (res = db_run(db, &izzyctl_sql[SQL_IZZYCTL_RECORD], 2, params)) ==
				NULL) {
				db_rollback(db);
				log_error("izzyctl",
				    "migration %s failed; nothing of it was applied", names[i]);
				rc = 1;
			} else {
				PQclear(res);
				if (db_commit(db) == -1)
					rc = 1;
			}
		}
		free(sql);
	}
	if (rc == 0 && strcmp(mode, "status") == 0 && pending > 0) {
		printf("%d pending migration(s)\n", pending);
		rc = 1;
	} else if (rc == 0)
		printf("database schema is up to date\n");
	PQclear(applied);
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

static int
resolve_rolled_back(struct db *db, const char *name)
{
	const char *params[1] = { name };
	PGresult *res;
	int rc;

	if (db_exec(db, MIGRATIONS_DDL) == -1 ||
	    use_stmts(db, SQL_IZZYCTL_RESOLVE_ROLLED_BACK, 1) == -1 ||
	    (res = db_run(db, &izzyctl_sql[SQL_IZZYCTL_RESOLVE_ROLLED_BACK], 1, params)) == NULL)
		return 1;
	rc = strcmp(PQcmdTuples(res), "1") == 0 ? 0 : 1;
	PQclear(res);
	if (rc != 0)
		log_error("izzyctl", "migration %s is not recorded as applied", name);
	else
		printf("marked %s as rolled back\n", name);
	return rc;
}

static int
set_config(struct db *db, const char *name, const char *value)
{
	const char *params[2] = { name, value };
	PGresult *res = db_run(db, &izzyctl_sql[SQL_IZZYCTL_SET_CONFIG], 2, params);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* Runs the seed files of schema/ in one transaction with the seed settings. */
static int
seed(struct db *db)
{
	bool prod = cfg.env == CFG_ENV_PRODUCTION;
	const char *admin_email = cfg.seed_admin_email, *admin_pw = cfg.seed_admin_password;
	const char *op_email = cfg.seed_operator_email, *op_pw = cfg.seed_operator_password;
	char admin_hash[PASS_HASH_SIZE] = "", op_hash[PASS_HASH_SIZE] = "";
	char path[PATH_MAX + 32];
	const char *files[2] = { "seed-templates.sql", prod ? "seed-prod.sql" : "seed-dev.sql" };
	int rc = 1;

	if (prod) {
		/* SR-6: no built-in credentials in production. */
		if (admin_email == NULL || admin_pw == NULL) {
			log_error("izzyctl",
			    "production seed needs SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD");
			return 1;
		}
		if (pass_policy_error(admin_pw) != NULL) {
			log_error(
			    "izzyctl", "SEED_ADMIN_PASSWORD: %s", pass_policy_error(admin_pw));
			return 1;
		}
		op_email = "";
	} else {
		admin_email = admin_email != NULL ? admin_email : "admin@example.com";
		admin_pw = admin_pw != NULL ? admin_pw : "Admin123!";
		op_email = op_email != NULL ? op_email : "operator@example.com";
		op_pw = op_pw != NULL ? op_pw : "Operator123!";
		if (pass_hash(op_hash, op_pw) == -1)
			return 1;
	}
	if (pass_hash(admin_hash, admin_pw) == -1 || use_stmts(db, SQL_IZZYCTL_SET_CONFIG, 1) == -1)
		return 1;
	if (db_begin(db) == -1)
		return 1;
	if (set_config(db, "izzy.admin_email", admin_email) == -1 ||
	    set_config(db, "izzy.admin_hash", admin_hash) == -1 ||
	    set_config(db, "izzy.operator_email", op_email) == -1 ||
	    set_config(db, "izzy.operator_hash", op_hash) == -1 ||
	    set_config(db, "izzy.reset_passwords", prod ? "off" : "on") == -1)
		goto out;
	for (size_t i = 0; i < 2; i++) {
		char *sql;
		snprintf(path, sizeof(path), "%s/%s", schema_dir, files[i]);
		if ((sql = read_file(path)) == NULL)
			goto out;
		if (db_exec(db, sql) == -1) {
			free(sql);
			goto out;
		}
		free(sql);
	}
	if (db_commit(db) == 0) {
		printf("seeded %s data\n", prod ? "production" : "development");
		rc = 0;
	}
out:
	db_rollback(db);
	return rc;
}

static int
db_execute(struct db *db, const char *file)
{
	char *sql = read_file(file);
	int rc;

	if (sql == NULL)
		return 1;
	rc = run_script(db, sql) == 0 ? 0 : 1;
	free(sql);
	return rc;
}

static int
user_create(struct db *db, int argc, char **argv)
{
	const char *pw = getenv("IZZY_NEW_PASSWORD"), *policy;
	char line[256], hash[PASS_HASH_SIZE], id[ID_SIZE];
	const char *params[6];
	enum role role;
	PGresult *res;

	if (argc < 3 || argc > 4) {
		usage();
		return 2;
	}
	if (role_parse(argv[1], &role) == -1) {
		log_error("izzyctl", "unknown role %s", argv[1]);
		return 2;
	}
	if (pw == NULL) {
		if (fgets(line, sizeof(line), stdin) == NULL) {
			log_error("izzyctl", "no password on stdin");
			return 2;
		}
		line[strcspn(line, "\r\n")] = '\0';
		pw = line;
	}
	if ((policy = pass_policy_error(pw)) != NULL) {
		log_error("izzyctl", "password: %s", policy);
		return 2;
	}
	if (pass_hash(hash, pw) == -1 || id_new(id) == -1 ||
	    use_stmts(db, SQL_IZZYCTL_USER_CREATE, 1) == -1)
		return 1;
	params[0] = id;
	params[1] = argv[0];
	params[2] = hash;
	params[3] = argv[1];
	params[4] = argv[2];
	params[5] = argc == 4 ? argv[3] : NULL;
	if ((res = db_run(db, &izzyctl_sql[SQL_IZZYCTL_USER_CREATE], 6, params)) == NULL)
		return 1;
	if (strcmp(PQcmdTuples(res), "1") != 0) {
		PQclear(res);
		log_error("izzyctl", "a user with that e-mail address already exists");
		return 1;
	}
	PQclear(res);
	printf("created user %s\n", id);
	return 0;
}

/* A check prints at most this many of its findings: the report stays readable. */
#define CHECK_SHOW_MAX 50
#define MAX_CHECKS     128

/* Sorted *.sql names (without .sql) of schema_dir/SUB; count, or -1 logged. */
static int
list_sql_files(const char *sub, char **names, int max)
{
	char dir[PATH_MAX + 16];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/%s", schema_dir, sub);
	if ((d = opendir(dir)) == NULL) {
		log_error("izzyctl", "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || e->d_name[0] == '.' || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (n == max || (names[n] = strndup(e->d_name, len - 4)) == NULL) {
			log_error("izzyctl", "too many files in %s or out of memory", dir);
			while (n > 0)
				free(names[--n]);
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_names);
	return n;
}

/* The text after "-- check: " on the first line of sql, into title. */
static void
check_title(const char *sql, char *title, size_t size)
{
	static const char tag[] = "-- check: ";
	size_t len;

	if (strncmp(sql, tag, sizeof(tag) - 1) != 0) {
		snprintf(title, size, "(no \"-- check:\" line)");
		return;
	}
	sql += sizeof(tag) - 1;
	len = strcspn(sql, "\r\n");
	snprintf(title, size, "%.*s", (int)(len < size ? len : size - 1), sql);
}

/*
 * Runs one check file: a single SELECT whose rows (ref, detail) are findings
 * (PQexecParams refuses a file with several statements).  Prints the
 * report's section; returns the number of findings, -1 (logged) if the check
 * could not run.
 */
static int
run_check(PGconn *conn, const char *name, const char *sql)
{
	char title[200];
	PGresult *res;
	int n;

	check_title(sql, title, sizeof(title));
	res = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQnfields(res) != 2) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		log_error("izzyctl", "check %s: SQLSTATE %s: %s", name, state != NULL ? state : "-",
		    msg != NULL ? msg : "the query must return two columns (ref, detail)");
		printf("ERROR  %s: %s: could not run (see the log)\n", name, title);
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	if (n == 0)
		printf("ok     %s: %s\n", name, title);
	else
		printf("FAIL   %s: %s: %d finding%s\n", name, title, n, n == 1 ? "" : "s");
	for (int i = 0; i < n && i < CHECK_SHOW_MAX; i++)
		printf("         %s: %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
	if (n > CHECK_SHOW_MAX)
		printf("         ... and %d more\n", n - CHECK_SHOW_MAX);
	PQclear(res);
	return n;
}

/*
 * izzyctl check-integrity: every schema/checks/NN_<what>.sql in name order,
 * in one REPEATABLE READ READ ONLY transaction, so that all checks see the
 * same snapshot and none can change data.  Exit 0 when every check is clean,
 * 1 on findings or when a check could not run.
 */
static int
check_integrity(struct db *db)
{
	char *names[MAX_CHECKS], path[PATH_MAX + 64];
	int n, rc = 0, findings = 0, failed = 0, bad = 0;
	PGconn *conn;

	if ((n = list_sql_files("checks", names, MAX_CHECKS)) == -1)
		return 1;
	if (n == 0) {
		log_error("izzyctl", "no checks in %s/checks", schema_dir);
		return 1;
	}
	if (db_connect(db) == -1 ||
	    db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") == -1) {
		rc = 1;
		goto out;
	}
	conn = db_conn(db);
	for (int i = 0; i < n; i++) {
		char *sql;
		int k;

		snprintf(path, sizeof(path), "%s/checks/%s.sql", schema_dir, names[i]);
		if ((sql = read_file(path)) == NULL) {
			bad++;
			continue;
		}
		/* A failed check aborts the transaction; the next ones run after it. */
		if (db_exec(db, "SAVEPOINT izzy_check") == -1) {
			free(sql);
			rc = 1;
			break;
		}
		k = run_check(conn, names[i], sql);
		free(sql);
		if (k == -1) {
			bad++;
			if (db_exec(db, "ROLLBACK TO SAVEPOINT izzy_check") == -1) {
				rc = 1;
				break;
			}
		} else if (k > 0) {
			findings += k;
			failed++;
		}
	}
	db_rollback(db);
	if (rc == 0) {
		printf("check-integrity: %d check%s, %d with findings (%d finding%s), %d could not "
		       "run\n",
		    n, n == 1 ? "" : "s", failed, findings, findings == 1 ? "" : "s", bad);
		rc = findings > 0 || bad > 0 ? 1 : 0;
	}
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

/* izzyctl retention run [--dry-run]: exit 0 done, 1 failed or another run busy. */
static int
retention(struct db *db, bool dry_run)
{
	struct retention_counts n;
	int rc;

	if (audit_init(db) == -1 || outbox_init(db) == -1 || retention_init(db) == -1)
		return 1;
	if ((rc = retention_run(db, &cfg, dry_run, "izzyctl", stdout, &n)) == -1)
		return 1;
	if (rc == 1) {
		log_error("izzyctl", "another retention run is in progress");
		return 1;
	}
	printf("%s: %ld noticed, %ld anonymised, %ld exempt, %ld skipped, %ld batch(es), "
	       "%ld mail(s)\n",
	    dry_run ? "dry run (nothing changed)" : "retention run", n.noticed, n.anonymised,
	    n.exempt, n.skipped, n.batches, n.mails);
	return 0;
}

/* izzyctl tasks digest [YYYY-MM-DD]: exit 0 done (count printed), 1 failed. */
static int
tasks_digest(struct db *db, const char *day)
{
	long mails;

	if (outbox_init(db) == -1 || tasks_init(db) == -1 ||
	    tasks_digest_run(db, cfg.app_base_url, day, &mails) == -1)
		return 1;
	printf("tasks digest: %ld mail(s) queued\n", mails);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256];
	struct db *db;
	int rc = 2;

	log_init("izzyctl");
	if (argc < 2) {
		usage();
		return 2;
	}
	if (cfg_load_tool(&cfg, err, sizeof(err)) == -1) {
		log_error("izzyctl", "%s", err);
		return 1;
	}
	cfg_set(&cfg);
	if (find_schema_dir() == -1)
		return 1;
	/* Migrations may legitimately run longer than a request. */
	if ((db = db_new(cfg.database_url, 3600000)) == NULL)
		return 1;
	if (strcmp(argv[1], "migrate") == 0 && argc == 3 &&
	    (strcmp(argv[2], "deploy") == 0 || strcmp(argv[2], "status") == 0))
		rc = migrate(db, argv[2]);
	else if (strcmp(argv[1], "migrate") == 0 && argc == 5 && strcmp(argv[2], "resolve") == 0 &&
	    strcmp(argv[3], "--rolled-back") == 0)
		rc = resolve_rolled_back(db, argv[4]);
	else if (strcmp(argv[1], "seed") == 0 && argc == 2)
		rc = seed(db);
	else if (strcmp(argv[1], "db") == 0 && argc == 4 && strcmp(argv[2], "execute") == 0)
		rc = db_execute(db, argv[3]);
	else if (strcmp(argv[1], "user") == 0 && argc >= 3 && strcmp(argv[2], "create") == 0)
		rc = user_create(db, argc - 3, argv + 3);
	else if (strcmp(argv[1], "check-integrity") == 0 && argc == 2)
		rc = check_integrity(db);
	else if (strcmp(argv[1], "retention") == 0 && argc >= 3 && argc <= 4 &&
	    strcmp(argv[2], "run") == 0 && (argc == 3 || strcmp(argv[3], "--dry-run") == 0))
		rc = retention(db, argc == 4);
	else if (strcmp(argv[1], "tasks") == 0 && argc >= 3 && argc <= 4 &&
	    strcmp(argv[2], "digest") == 0)
		rc = tasks_digest(db, argc == 4 ? argv[3] : NULL);
	else
		usage();
	db_free(db);
	return rc;
}
