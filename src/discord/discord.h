/*
 * discord.h: what the Discord source (discord/collect.c) shares with the
 * Discord freeze (discord/freeze.c): the API base, the bot's global rate
 * and the permission bitfield parser.  Both send every request in the
 * HTTP rate group "discord" (DISCORD_GLOBAL_RPS per second, bucket
 * headers read by the HTTP layer: http_client_set_rate_buckets()), with
 * the route's name as rate_route; a 429 is retried after Retry-After.
 */
#ifndef DISCORD_H
#define DISCORD_H

#include <stdint.h>

#include <jansson.h>

#include "http.h"

struct freeze_ops;

#define DISCORD_API		"https://discord.com/api/v10"
#define DISCORD_GLOBAL_RPS	50

/* A permission bitfield: decimal string or JSON integer; 0 or -1. */
int	 discord_parse_perms(json_t *, uint64_t *);

/* The freeze's Discord operations (discord/freeze.c; freeze.h). */
extern const struct freeze_ops discord_freeze_ops;

#endif
