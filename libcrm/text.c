/* text.c: UTF-8 validation and display width. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crm-int.h"

int
crm_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, len;
	uint32_t c, min;

	while (i < n) {
		/* Eight ASCII bytes at a time, none of them NUL. */
		while (i + 8 <= n) {
			uint64_t x;

			memcpy(&x, s + i, 8);
			if ((x & 0x8080808080808080ULL) != 0 ||
			    ((x - 0x0101010101010101ULL) & ~x &
			    0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2, c &= 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, c &= 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, c &= 0x07, min = 0x10000;
		} else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		/* No overlong forms, surrogates or values past U+10FFFF. */
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* East Asian Wide and Fullwidth ranges (UAX #11), the common blocks. */
static const uint32_t wide[][2] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 },
	{ 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff },
	{ 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f9ff }, { 0x1fa70, 0x1faff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

static int
cwidth(uint32_t c)
{
	size_t lo = 0, hi = sizeof wide / sizeof wide[0], mid;

	/* Combining marks and zero-width characters take no column. */
	if ((c >= 0x300 && c <= 0x36f) || c == 0x200b || c == 0x200c ||
	    c == 0x200d || c == 0xfeff || (c >= 0xfe00 && c <= 0xfe0f))
		return 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < wide[mid][0])
			hi = mid;
		else if (c > wide[mid][1])
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

size_t
crm_utf8_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0;
	uint32_t c;
	int k;

	while (*s != '\0') {
		c = *s;
		if (c < 0x80) {
			w++;
			s++;
			continue;
		}
		k = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 :
		    (c & 0xf8) == 0xf0 ? 3 : 0;
		c &= k == 1 ? 0x1f : k == 2 ? 0x0f : 0x07;
		s++;
		while (k-- > 0 && (*s & 0xc0) == 0x80)
			c = c << 6 | (*s++ & 0x3f);
		w += (size_t)cwidth(c);
	}
	return w;
}

size_t
crm_utf8_cut(const char *str, size_t width, size_t *w)
{
	const unsigned char *s = (const unsigned char *)str, *p;
	size_t at = 0;
	uint32_t c;
	int k, cw;

	*w = 0;
	for (p = s; *p != '\0';) {
		c = *p;
		k = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ?
		    2 : (c & 0xf8) == 0xf0 ? 3 : 0;
		if (k > 0)
			c &= k == 1 ? 0x1f : k == 2 ? 0x0f : 0x07;
		p++;
		while (k-- > 0 && (*p & 0xc0) == 0x80)
			c = c << 6 | (*p++ & 0x3f);
		cw = cwidth(c);
		if (*w + (size_t)cw > width)
			break;
		*w += (size_t)cw;
		at = (size_t)(p - s);
	}
	return at;
}
