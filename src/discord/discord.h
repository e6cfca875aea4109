/*
 * discord.h: what the Discord source (discord/collect.c) shares with the
 * Discord freeze (discord/freeze.c): the bot's rate-limit buckets, read
 * from X-RateLimit-Bucket, -Remaining and -Reset-After, and the
 * permission bitfield parser.  A 429 is retried by the HTTP layer after
 * Retry-After (rate group "discord", DISCORD_GLOBAL_RPS per second).
 */
#ifndef DISCORD_H
#define DISCORD_H

#include <stdint.h>

#include <jansson.h>

#include "http.h"

struct freeze_ops;

#define DISCORD_API		"https://discord.com/api/v10"
#define DISCORD_GLOBAL_RPS	50

struct discord_buckets;

struct discord_buckets *discord_buckets_new(void);
void	 discord_buckets_free(struct discord_buckets *);
/* Monotonic time before which route must not be called (0: now). */
double	 discord_bucket_until(struct discord_buckets *, const char *route);
/* Records the bucket headers of a response on route. */
void	 discord_bucket_update(struct discord_buckets *, const char *route,
	    const struct http_req *);
double	 discord_mono_now(void);
void	 discord_sleep_s(double);
/* A permission bitfield: decimal string or JSON integer; 0 or -1. */
int	 discord_parse_perms(json_t *, uint64_t *);

/* The freeze's Discord operations (discord/freeze.c; freeze.h). */
extern const struct freeze_ops discord_freeze_ops;

#endif
