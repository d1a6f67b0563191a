/*
 * test_multipart.c — cgi-bin/multipart.c: the boundary from the
 * Content-Type, the parts of a multipart/form-data body (names, file
 * names, binary contents with CR LF inside), and the bodies it refuses
 * (no closing delimiter, a part without headers, too many parts).
 */
#include "check.h"

#include "../../cgi-bin/multipart.h"

static void test_boundary(void)
{
	char b[80];
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=abc123", b,
	                             sizeof b),
	          0);
	CHECK_STR(b, "abc123");
	CHECK_INT(multipart_boundary("Multipart/Form-Data; charset=x; "
	                             "boundary=\"q u\"",
	                             b, sizeof b),
	          0);
	CHECK_STR(b, "q u");
	CHECK_INT(multipart_boundary("application/x-www-form-urlencoded", b,
	                             sizeof b),
	          -1);
	CHECK_INT(multipart_boundary("multipart/form-data", b, sizeof b), -1);
	CHECK_INT(multipart_boundary(NULL, b, sizeof b), -1);
}

static const char body[] = "preamble\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"csrf\"\r\n"
                           "\r\n"
                           "tok\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"image\"; "
                           "filename=\"fw 1.bin\"\r\n"
                           "Content-Type: application/octet-stream\r\n"
                           "\r\n"
                           "a\r\nb\0c\r\n-XyZ\r\n"
                           "--XyZ--\r\n";

static void test_parse(void)
{
	struct multipart_part p[MULTIPART_MAX_PARTS];
	int n = multipart_parse(body, sizeof body - 1, "XyZ", p,
	                        MULTIPART_MAX_PARTS);
	CHECK_INT(n, 2);
	CHECK_STR(p[0].name, "csrf");
	CHECK_STR(p[0].filename, "");
	CHECK_INT(p[0].len, 3);
	CHECK(!memcmp(p[0].data, "tok", 3));
	const struct multipart_part *img = multipart_get(p, n, "image");
	CHECK(img != NULL);
	CHECK_STR(img->filename, "fw 1.bin");
	/* the content keeps its CR LF, NUL and a lookalike delimiter */
	CHECK_INT(img->len, 12);
	CHECK(!memcmp(img->data, "a\r\nb\0c\r\n-XyZ", 12));
	CHECK(multipart_get(p, n, "signature") == NULL);
}

static void test_refused(void)
{
	struct multipart_part p[MULTIPART_MAX_PARTS];
	static const char cut[] = "--B\r\nContent-Disposition: form-data; "
	                          "name=\"a\"\r\n\r\nhalf a file";
	CHECK_INT(multipart_parse(cut, sizeof cut - 1, "B", p, 8), -1);
	static const char nohead[] = "--B\r\nno blank line\r\n--B--\r\n";
	CHECK_INT(multipart_parse(nohead, sizeof nohead - 1, "B", p, 8), -1);
	static const char three[] =
	    "--B\r\n\r\n1\r\n--B\r\n\r\n2\r\n--B\r\n\r\n3\r\n--B--\r\n";
	CHECK_INT(multipart_parse(three, sizeof three - 1, "B", p, 2), -1);
	CHECK_INT(multipart_parse(three, sizeof three - 1, "B", p, 3), 3);
	CHECK_INT(multipart_parse("", 0, "B", p, 8), -1);
}

int main(void)
{
	RUN(test_boundary);
	RUN(test_parse);
	RUN(test_refused);
	CHECK_EXIT();
}
