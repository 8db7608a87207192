/* slurm-carbon: a key's JSON object inside a job's comment.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "record/comment.h"

/* What sacctmgr made of quotes, read back as quotes. */
static void backticks_to_quotes(char *s)
{
	for (; *s; s++)
		if (*s == '`')
			*s = '"';
}

/* Position of the last top-level JSON object in s that contains key as a
 * member, parsed into *obj; -1 if none. */
static long find_object(const char *s, const char *key, json_t **obj)
{
	long best = -1;

	*obj = NULL;
	for (const char *p = s; (p = strchr(p, '{')); p++) {
		json_error_t e;
		json_t *o = json_loads(p, JSON_DISABLE_EOF_CHECK, &e);
		if (!o)
			continue;
		if (json_is_object(o) && json_object_get(o, key)) {
			json_decref(*obj);
			*obj = o;
			best = p - s;
			p += e.position - 1; /* skip over the object */
		} else {
			json_decref(o);
		}
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
	return o;
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
			 * back as JSON so that every object is found. */
			dec = strdup(existing);
			if (dec)
				backticks_to_quotes(dec);
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
