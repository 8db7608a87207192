/* slurm-carbon: a key's JSON object inside a job's comment.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/json.h"
#include "record/comment.h"

/* What sacctmgr made of quotes, read back as quotes. */
static void backticks_to_quotes(char *s)
{
	for (; *s; s++)
		if (*s == '`')
			*s = '"';
}

struct span {
	size_t start, end; /* s[start] is '{', s[end] its matching '}' */
};

/* The balanced {...} spans of s that no other balanced span contains, in order, into
 * *out (malloc'd; *n of them). One pass: braces inside JSON strings are skipped when
 * in_strings is set; an opening brace that is never closed encloses nothing. -1 when out
 * of memory. */
static int top_spans(const char *s, int in_strings, struct span **out, size_t *n)
{
	size_t *open = NULL, nopen = 0, capopen = 0, cap = 0, cnt = 0, i;
	struct span *sp = NULL;
	int str = 0;

	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (str) {
			if (c == '\\' && s[i + 1])
				i++;
			else if (c == '"')
				str = 0;
		} else if (c == '"' && in_strings && nopen) {
			str = 1;
		} else if (c == '{') {
			if (SC_GROW(open, capopen, nopen + 1) < 0)
				goto oom;
			open[nopen++] = i;
		} else if (c == '}' && nopen) {
			if (SC_GROW(sp, cap, cnt + 1) < 0)
				goto oom;
			sp[cnt++] = (struct span){ open[--nopen], i };
		}
	}
	free(open);
	/* Spans are recorded as they close, inner ones first: walking back from the last one
	 * closed, a span is top-level when it starts left of every top-level span seen so far.
	 * Those go to the front of sp in reverse, then are put in order. */
	{
		size_t k = 0, leftmost = SIZE_MAX;
		struct span *top = malloc((cnt ? cnt : 1) * sizeof(*top));
		if (!top) {
			free(sp);
			return -1;
		}
		for (size_t j = cnt; j-- > 0;)
			if (sp[j].start < leftmost) {
				leftmost = sp[j].start;
				top[k++] = sp[j];
			}
		for (size_t a = 0; a < k; a++)
			sp[a] = top[k - 1 - a];
		free(top);
		cnt = k;
	}
	*out = sp;
	*n = cnt;
	return 0;
oom:
	free(open);
	free(sp);
	return -1;
}

/* Position of the last top-level JSON object in s that contains key as a member, parsed
 * into *obj; -1 if none (or out of memory). Linear in the length of s: each top-level
 * balanced span is parsed once, and spans do not overlap. Braces inside JSON strings are
 * skipped; when that finds nothing (stray quotes in free text), braces are matched without
 * regard to quotes. */
static long find_object(const char *s, const char *key, json_t **obj)
{
	long best = -1;

	*obj = NULL;
	for (int in_strings = 1; in_strings >= 0 && best < 0; in_strings--) {
		struct span *sp;
		size_t n;
		if (top_spans(s, in_strings, &sp, &n) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			json_error_t e;
			json_t *o = json_loadb(s + sp[i].start, sp[i].end - sp[i].start + 1, 0, &e);
			if (o && json_is_object(o) && json_object_get(o, key)) {
				json_decref(*obj);
				*obj = o;
				best = (long)sp[i].start;
			} else {
				json_decref(o);
			}
		}
		free(sp);
	}
	return best;
}

char *sc_comment_set(const char *existing, const char *key, json_t *value)
{
	json_t *root = NULL;
	json_error_t e;
	char *out = NULL, *enc = NULL;
	size_t n;

	if (!value)
		return NULL;
	if (!existing || !*existing) {
		root = json_object();
		if (!root || json_object_set_new(root, key, value)) {
			json_decref(root);
			return NULL;
		}
		out = sc_json_dumps(root);
		json_decref(root);
		return out;
	}
	root = json_loads(existing, 0, &e);
	if (root && json_is_object(root)) {
		/* The whole comment is one JSON object: add or replace the key. */
		if (json_object_set_new(root, key, value)) {
			json_decref(root);
			return NULL;
		}
		out = sc_json_dumps(root);
		json_decref(root);
		return out;
	}
	json_decref(root);
	{
		/* Text with our object somewhere: replace that object only. */
		json_t *old;
		long pos = find_object(existing, key, &old);
		json_t *wrap = json_object();
		if (!wrap || json_object_set_new(wrap, key, value)) {
			json_decref(wrap);
			json_decref(old);
			return NULL;
		}
		enc = sc_json_dumps(wrap);
		json_decref(wrap);
		if (!enc) {
			json_decref(old);
			return NULL;
		}
		if (pos >= 0) {
			json_error_t e2;
			json_t *again = json_loads(existing + pos, JSON_DISABLE_EOF_CHECK, &e2);
			size_t oldlen = e2.position;
			const char *tail = existing + pos + oldlen;
			json_decref(again);
			json_decref(old);
			n = (size_t)pos + strlen(enc) + strlen(tail) + 1;
			out = malloc(n);
			if (out)
				snprintf(out, n, "%.*s%s%s", (int)pos, existing, enc, tail);
		} else {
			n = strlen(existing) + 1 + strlen(enc) + 1;
			out = malloc(n);
			if (out)
				snprintf(out, n, "%s %s", existing, enc);
		}
		free(enc);
		return out;
	}
}

/* The object under key as plain JSON only. */
static json_t *plain_get(const char *comment, const char *key)
{
	json_t *o, *v;

	if (!comment || find_object(comment, key, &o) < 0)
		return NULL;
	v = json_object_get(o, key);
	if (!json_is_object(v)) {
		json_decref(o);
		return NULL;
	}
	json_incref(v);
	json_decref(o);
	return v;
}

/* In the backtick form, the object after the last "`key`:" read on its own:
 * what sacctmgr made of a comment whose other text had a '\'' inside a JSON
 * string (it became a '`' too, so the whole no longer reads as JSON). */
static json_t *backtick_member(const char *comment, const char *key)
{
	size_t klen = strlen(key);
	char *pat = malloc(klen + 4), *dec;
	const char *at = NULL, *p = comment;
	json_error_t e;
	json_t *o;

	if (!pat)
		return NULL;
	snprintf(pat, klen + 4, "`%s`:", key);
	while ((p = strstr(p, pat)) != NULL)
		at = p++;
	free(pat);
	if (!at || !(dec = strdup(at + klen + 3)))
		return NULL;
	backticks_to_quotes(dec);
	o = json_loads(dec, JSON_DISABLE_EOF_CHECK, &e);
	free(dec);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *sc_comment_get(const char *comment, const char *key)
{
	json_t *o;
	char *dec;

	if (!comment || !*comment)
		return NULL;
	o = plain_get(comment, key);
	if (o || !strchr(comment, '`'))
		return o;
	/* The form sacctmgr stores: quotes became backticks. */
	dec = strdup(comment);
	if (!dec)
		return NULL;
	backticks_to_quotes(dec);
	o = plain_get(dec, key);
	free(dec);
	return o ? o : backtick_member(comment, key);
}

/* existing with what sacctmgr made of JSON turned back into JSON: the whole
 * comment when it is one JSON object in the backtick form (someone set JSON
 * through sacctmgr), else the object that begins "{`key`:". malloc'd; NULL
 * when out of memory. A copy of existing when neither is there. */
static char *unbacktick(const char *existing, const char *key)
{
	size_t n = strlen(existing), klen = strlen(key);
	char *out = strdup(existing), *pat;
	const char *at;
	json_t *o;
	json_error_t e;

	if (!out)
		return NULL;
	backticks_to_quotes(out);
	o = json_loads(out, 0, &e);
	if (o && json_is_object(o)) {
		json_decref(o);
		return out;
	}
	json_decref(o);
	memcpy(out, existing, n + 1);
	pat = malloc(klen + 5);
	if (!pat) {
		free(out);
		return NULL;
	}
	snprintf(pat, klen + 5, "{`%s`:", key);
	at = strstr(existing, pat);
	free(pat);
	if (at) {
		size_t pos = (size_t)(at - existing), len;
		backticks_to_quotes(out + pos);
		o = json_loads(out + pos, JSON_DISABLE_EOF_CHECK, &e);
		len = o ? (size_t)e.position : 0;
		json_decref(o);
		/* Only the object's own text stays decoded. */
		memcpy(out + pos + len, existing + pos + len, n - pos - len + 1);
	}
	return out;
}

char *sc_comment_encode(const char *existing, const char *key, json_t *value,
			enum sc_comment_form form)
{
	char *dec = NULL, *out;

	if (!value)
		return NULL;
	if (existing && *existing) {
		if (form == SC_COMMENT_SACCTMGR) {
			/* All of it is stored with backticks anyway: read it
			 * as it will read back (every '`' and '\'' a quote) so
			 * that every object is found, and replaced in place. */
			dec = strdup(existing);
			for (char *p = dec; p && *p; p++)
				if (*p == '`' || *p == '\'')
					*p = '"';
		} else {
			json_t *plain = plain_get(existing, key);
			dec = plain ? strdup(existing) : unbacktick(existing, key);
			json_decref(plain);
		}
		if (!dec) {
			json_decref(value);
			return NULL;
		}
	}
	out = sc_comment_set(dec, key, value);
	free(dec);
	if (out && form == SC_COMMENT_SACCTMGR)
		for (char *p = out; *p; p++)
			if (*p == '"' || *p == '\'')
				*p = '`';
	return out;
}

int sc_comment_same(const char *value, const char *stored)
{
	int folded;

	value = value ? value : "";
	stored = stored ? stored : "";
	folded = !strchr(stored, '"');
	for (; *value && *stored; value++, stored++) {
		int v = (unsigned char)*value, s = (unsigned char)*stored;
		if (v == s)
			continue;
		if (!folded)
			return 0;
		if ((v == '"' || v == '\'') && s == '`')
			continue;
		if (tolower(v) != tolower(s))
			return 0;
	}
	return !*value && !*stored;
}
