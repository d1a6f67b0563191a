/*
 * tzif.c — UTC offsets from TZif files (tzif.h): RFC 8536's header, the
 * transition table and the POSIX TZ footer, nothing else (leap second
 * records are skipped: Unix time has none).
 */
#include "tzif.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timeutil.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_hdr(const unsigned char *p, size_t len, struct hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return -1;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (h->timecnt > TZIF_MAX_TRANS || !h->typecnt ||
	    h->typecnt > TZIF_MAX_TYPES || h->charcnt > 65536 ||
	    h->leapcnt > 65536 || h->isutcnt > h->typecnt ||
	    h->isstdcnt > h->typecnt)
		return -1;
	return 0;
}

/* Bytes of a data block with time values of tsz bytes. */
static size_t block_len(const struct hdr *h, size_t tsz)
{
	return h->timecnt * tsz + h->timecnt + h->typecnt * 6 + h->charcnt +
	       h->leapcnt * (tsz + 4) + h->isstdcnt + h->isutcnt;
}

int tzif_parse(const unsigned char *buf, size_t len, struct tzif *z)
{
	memset(z, 0, sizeof *z);
	struct hdr h;
	if (read_hdr(buf, len, &h))
		return -1;
	size_t tsz = 4, off = 44;
	int ver = buf[4];
	if (ver >= '2') {
		/* Skip the v1 block; the 64-bit one follows its own header. */
		off += block_len(&h, 4);
		if (off > len || read_hdr(buf + off, len - off, &h))
			return -1;
		off += 44;
		tsz = 8;
	}
	if (off + block_len(&h, tsz) > len)
		return -1;
	const unsigned char *p = buf + off;
	z->ntrans = (int)h.timecnt;
	z->ntypes = (int)h.typecnt;
	for (uint32_t i = 0; i < h.timecnt; i++)
		z->trans[i] = tsz == 8 ? be64(p + i * 8)
		                       : (int64_t)(int32_t)be32(p + i * 4);
	p += h.timecnt * tsz;
	for (uint32_t i = 0; i < h.timecnt; i++) {
		if (p[i] >= h.typecnt)
			return -1;
		z->idx[i] = p[i];
	}
	p += h.timecnt;
	for (uint32_t i = 0; i < h.typecnt; i++)
		z->off[i] = (int32_t)be32(p + i * 6);
	/* Before the first transition: the first type (RFC 8536 3.2). */
	z->std_off = z->off[0];
	if (ver >= '2') {
		const unsigned char *f = buf + off + block_len(&h, tsz);
		const unsigned char *e = buf + len;
		if (f < e && *f == '\n') {
			const unsigned char *nl =
			    memchr(f + 1, '\n', e - f - 1);
			if (nl && nl - f - 1 < 128) {
				char rule[128];
				memcpy(rule, f + 1, nl - f - 1);
				rule[nl - f - 1] = 0;
				if (*rule && tzif_parse_rule(rule, z))
					return -1;
			}
		}
	}
	return 0;
}

/* A zone abbreviation: letters, or <...> quoted. */
static const char *skip_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e ? e + 1 : NULL;
	}
	const char *b = s;
	while (isalpha((unsigned char)*s))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] as seconds; NULL on a bad one. */
static const char *parse_hms(const char *s, long *out)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	long v[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++) {
		char *e;
		v[i] = strtol(s, &e, 10);
		if (e == s || v[i] < 0 || v[i] > 167)
			return NULL;
		s = e;
		if (*s != ':' || i == 2)
			break;
		s++;
	}
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return s;
}

static const char *parse_date(const char *s, struct tzif_rule *r)
{
	if (*s++ != 'M')
		return NULL; /* Jn and n forms: no current zone uses them */
	char *e;
	r->month = (int)strtol(s, &e, 10);
	if (*e != '.')
		return NULL;
	r->week = (int)strtol(e + 1, &e, 10);
	if (*e != '.')
		return NULL;
	r->wday = (int)strtol(e + 1, &e, 10);
	if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 ||
	    r->wday < 0 || r->wday > 6)
		return NULL;
	s = e;
	long t = 7200;
	if (*s == '/' && !(s = parse_hms(s + 1, &t)))
		return NULL;
	r->secs = (int)t;
	return s;
}

int tzif_parse_rule(const char *s, struct tzif *z)
{
	long off;
	if (!(s = skip_name(s)) || !(s = parse_hms(s, &off)))
		return -1;
	z->have_rule = 1;
	z->std_off = (int32_t)-off; /* POSIX counts west positive */
	if (!*s)
		return 0;
	if (!(s = skip_name(s)))
		return -1;
	long doff = off - 3600;
	if (*s != ',' && !(s = parse_hms(s, &doff)))
		return -1;
	z->dst_off = (int32_t)-doff;
	if (*s++ != ',' || !(s = parse_date(s, &z->start)) || *s++ != ',' ||
	    !(s = parse_date(s, &z->end)) || *s)
		return -1;
	z->rule_dst = 1;
	return 0;
}

int tzif_load(const char *dir, const char *name, struct tzif *z)
{
	memset(z, 0, sizeof *z);
	if (!name || !*name || strlen(name) > 64 || *name == '/' ||
	    strstr(name, ".."))
		return -1;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return -1;
	if (!strcmp(name, "UTC"))
		return 0;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/usr/share/zoneinfo",
	         name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	static const size_t cap = 1 << 17;
	unsigned char *buf = malloc(cap);
	size_t n = 0;
	ssize_t r;
	while (buf && n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	close(fd);
	int rc = buf && n < cap ? tzif_parse(buf, n, z) : -1;
	free(buf);
	return rc;
}

/* UTC seconds at which a rule's local date-time happens in year y, the
 * local clock running at offset lo. */
static int64_t rule_utc(const struct tzif_rule *r, int64_t y, int32_t lo)
{
	int64_t first = time_days_from_civil(y, r->month, 1);
	/* 1970-01-01 was a Thursday (4). */
	int wd1 = (int)(((first % 7) + 7 + 4) % 7);
	int64_t day = first + (r->wday - wd1 + 7) % 7 + (r->week - 1) * 7;
	int64_t y2;
	int m2, d2;
	time_civil_from_days(day, &y2, &m2, &d2);
	while (m2 != r->month) { /* week 5 past the month: the last one */
		day -= 7;
		time_civil_from_days(day, &y2, &m2, &d2);
	}
	return day * 86400 + r->secs - lo;
}

static int32_t rule_offset(const struct tzif *z, int64_t t)
{
	if (!z->rule_dst)
		return z->std_off;
	int64_t y, local = t + z->std_off;
	int m, d;
	time_civil_from_days(local / 86400 - (local % 86400 < 0), &y, &m, &d);
	int64_t on = rule_utc(&z->start, y, z->std_off);
	int64_t off = rule_utc(&z->end, y, z->dst_off);
	if (on < off) /* northern hemisphere */
		return t >= on && t < off ? z->dst_off : z->std_off;
	return t >= off && t < on ? z->std_off : z->dst_off;
}

int32_t tzif_offset(const struct tzif *z, int64_t utc_s)
{
	if (!z->ntrans)
		return rule_offset(z, utc_s);
	if (utc_s < z->trans[0])
		return z->off[0];
	if (utc_s >= z->trans[z->ntrans - 1] && z->have_rule)
		return rule_offset(z, utc_s);
	int lo = 0, hi = z->ntrans - 1; /* last transition <= utc_s */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (z->trans[mid] <= utc_s)
			lo = mid;
		else
			hi = mid - 1;
	}
	return z->off[z->idx[lo]];
}
