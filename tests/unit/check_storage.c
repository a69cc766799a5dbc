/*
 * check_storage: the storage drivers' pure parts (common/storage.c).
 * Pre-signing is checked against the worked example of AWS's documentation
 * ("Authenticating Requests: Using Query Parameters (AWS Signature Version
 * 4)", the GET of examplebucket/test.txt); the disk driver's life cycle
 * runs in a private directory: a committed upload appears under its lead,
 * anything else leaves the directory as it was.
 */
#include "config.h"
#include "common/storage.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/arena.h"
#include "common/cfg.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_presign_aws_example)
{
	struct cfg_upload c = {
		.s3 = true,
		.s3_bucket = "examplebucket",
		.s3_region = "us-east-1",
		.s3_endpoint = "https://s3.amazonaws.com",
		.s3_access_key_id = "AKIAIOSFODNN7EXAMPLE",
		.s3_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	};
	struct arena *a = arena_new(1 << 20);
	/* 2013-05-24T00:00:00Z */
	char *url = storage_presign_cfg(a, &c, "test.txt", NULL, 1369353600, 86400);

	ck_assert_ptr_nonnull(url);
	ck_assert_str_eq(url,
	    "https://examplebucket.s3.amazonaws.com/test.txt"
	    "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
	    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
	    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
	    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
	/* A different secret gives a different signature (the key is really used). */
	c.s3_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEX";
	ck_assert(strstr(storage_presign_cfg(a, &c, "test.txt", NULL, 1369353600, 86400),
		      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404") == NULL);
	arena_free(a);
}
END_TEST

/* Path style for MinIO-type servers: the bucket is the first path segment. */
START_TEST(test_presign_path_style)
{
	struct cfg_upload c = {
		.s3 = true,
		.s3_bucket = "izzy",
		.s3_region = "eu-central-1",
		.s3_endpoint = "http://127.0.0.1:9000/",
		.s3_access_key_id = "AK",
		.s3_secret_access_key = "SK",
		.s3_force_path_style = true,
	};
	struct arena *a = arena_new(1 << 20);
	char *url = storage_presign_cfg(
	    a, &c, "leads/cx/1-ab.pdf", "attachment; filename*=UTF-8''%C5%BC.pdf", 1369353600, 300);

	ck_assert_ptr_nonnull(url);
	ck_assert_msg(strncmp(url, "http://127.0.0.1:9000/izzy/leads/cx/1-ab.pdf?X-Amz-", 50) == 0,
	    "%s", url);
	ck_assert_ptr_nonnull(strstr(url, "&X-Amz-Expires=300&"));
	ck_assert_ptr_nonnull(strstr(url,
	    "&response-content-disposition=attachment%3B%20filename%2A%3DUTF-8%27%27%25C5%25BC.pdf"
	    "&X-Amz-Signature="));
	arena_free(a);
}
END_TEST

static const struct {
	const char *in, *want;
} disp_rows[] = {
	{ "dowód osobisty.pdf",
	    "attachment; filename=\"dow__d osobisty.pdf\"; "
	    "filename*=UTF-8''dow%C3%B3d%20osobisty.pdf" },
	{ "../../etc/passwd", "attachment; filename=\"passwd\"; filename*=UTF-8''passwd" },
	{ "C:\\Users\\x\\a\"b.pdf",
	    "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf" },
	{ "a\r\nSet-Cookie: x=1",
	    "attachment; filename=\"a__Set-Cookie: x=1\"; "
	    "filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1" },
	{ "dir/", "attachment; filename=\"plik\"; filename*=UTF-8''plik" },
};

START_TEST(test_disposition)
{
	struct arena *a = arena_new(1 << 20);

	for (size_t i = 0; i < NELEM(disp_rows); i++) {
		char *d = storage_disposition(a, disp_rows[i].in);
		ck_assert_ptr_nonnull(d);
		ck_assert_str_eq(d, disp_rows[i].want);
		ck_assert(strpbrk(d, "\r\n") == NULL);
	}
	arena_free(a);
}
END_TEST

START_TEST(test_disk_name)
{
	const char *lead = "clead00000000000000000001";

	ck_assert_str_eq(
	    storage_disk_name(
		"/uploads/clead00000000000000000001/1731234567890-a1b2c3d4e5f6.pdf", lead),
	    "1731234567890-a1b2c3d4e5f6.pdf");
	ck_assert_ptr_null(storage_disk_name("/uploads/clead00000000000000000001/../x", lead));
	ck_assert_ptr_null(storage_disk_name("/uploads/clead00000000000000000001/.tmp", lead));
	ck_assert_ptr_null(storage_disk_name("/uploads/clead00000000000000000002/a.pdf", lead));
	ck_assert_ptr_null(storage_disk_name("/uploads/clead00000000000000000001/a/b.pdf", lead));
	ck_assert_ptr_null(storage_disk_name("/uploads/clead00000000000000000001/a%2fb", lead));
	ck_assert_ptr_null(storage_disk_name("https://x.pl/a.pdf", lead));
	ck_assert_ptr_null(storage_disk_name("/uploads/clead00000000000000000001/", lead));
}
END_TEST

/* Regular files under dir, counted recursively. */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		n += e->d_type == DT_DIR ? count_files(p) : 1;
	}
	closedir(d);
	return n;
}

START_TEST(test_disk_lifecycle)
{
	char dir[] = "/tmp/izzy-check-storage-XXXXXX";
	struct cfg_upload c = { 0 };
	struct arena *a = arena_new(1 << 20);
	struct storage_obj *o;
	const char *fp, *key;
	char path[4200];
	FILE *f;
	char buf[16] = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	c.dir = dir;
	ck_assert_int_eq(storage_init(&c), 0);
	ck_assert_str_eq(storage_provider(), "disk");

	/* Rejected: never stored, the spool goes at the arena's reset. */
	ck_assert_ptr_nonnull(o = storage_begin(a, "clead00000000000000000001"));
	ck_assert_int_eq(storage_write(o, "abc", 3), 0);
	ck_assert_int_eq(count_files(dir), 1);
	arena_reset(a);
	ck_assert_int_eq(count_files(dir), 0);

	/* Stored but the row did not commit: nothing either. */
	ck_assert_ptr_nonnull(o = storage_begin(a, "clead00000000000000000001"));
	ck_assert_int_eq(storage_write(o, "abc", 3), 0);
	ck_assert_int_eq(storage_store(o, ".pdf", "application/pdf", &fp, &key), STORAGE_OK);
	arena_reset(a);
	ck_assert_int_eq(count_files(dir), 0);

	/* Committed: one file under the lead, named by us, with the bytes. */
	ck_assert_ptr_nonnull(o = storage_begin(a, "clead00000000000000000001"));
	ck_assert_int_eq(storage_write(o, "ab", 2), 0);
	ck_assert_int_eq(storage_write(o, "c", 1), 0);
	ck_assert_uint_eq(storage_size(o), 3);
	ck_assert_str_eq(
	    storage_sha256(o), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(storage_store(o, ".pdf", "application/pdf", &fp, &key), STORAGE_OK);
	ck_assert_int_eq(storage_commit(o), 0);
	ck_assert_ptr_nonnull(storage_disk_name(fp, "clead00000000000000000001"));
	/* fp is arena memory: take the name before the request ends. */
	snprintf(path, sizeof(path), "%s/clead00000000000000000001/%s", dir, strrchr(fp, '/') + 1);
	arena_reset(a);
	ck_assert_int_eq(count_files(dir), 1);
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 3);
	fclose(f);
	ck_assert_str_eq(buf, "abc");

	/* A lead id that could leave the root is refused. */
	ck_assert_ptr_null(storage_begin(a, "c../../../etc"));
	ck_assert_ptr_null(storage_begin(a, "cabcdefgh/x"));

	unlink(path);
	snprintf(path, sizeof(path), "%s/clead00000000000000000001", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/.tmp", dir);
	rmdir(path);
	rmdir(dir);
	arena_free(a);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_presign_aws_example);
	tcase_add_test(tc, test_presign_path_style);
	tcase_add_test(tc, test_disposition);
	tcase_add_test(tc, test_disk_name);
	tcase_add_test(tc, test_disk_lifecycle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
