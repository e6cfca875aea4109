/*
 * log.h: leveled logging to stderr, with secret redaction.
 *
 * Every secret vigil reads is registered with log_add_secret(); every log
 * line, and every string passed through log_redact(), has each registered
 * secret replaced by "[REDACTED]".  Thread-safe.
 */
#ifndef LOG_H
#define LOG_H

#include <stdio.h>

enum log_level {
	LOG_QUIET = -1,
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_TRACE,
};

void	 log_set_level(int);
/* Registers a secret (copied); strings shorter than 4 bytes are ignored. */
void	 log_add_secret(const char *);
/* Forgets every registered secret (wiping the copies). */
void	 log_clear_secrets(void);
/* Returns a newly allocated copy of s with every secret replaced. */
char	*log_redact(const char *s);

void	 log_msg(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * The status line: one transient line at the bottom of a terminal's
 * stderr (the collection progress).  Nothing is drawn unless stderr is a
 * TTY.  log_status() draws text as the status line, replacing the one up
 * (NULL or "": removes it); it is cut to the terminal's width.  Every log
 * line, and every line printed with log_above(), first clears the status
 * line and then draws it again below, so no line is ever glued onto it.
 * Higher layers (run.c) own what it says; log.c only keeps it intact.
 */
void	 log_status(const char *text);
/* Prints a line (fmt, a newline is added) to f above the status line. */
void	 log_above(FILE *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_trace(...)	log_msg(LOG_TRACE, __VA_ARGS__)
#define log_debug_f(fmt, ...) \
	log_msg(LOG_DEBUG, "%s: " fmt, __func__, ##__VA_ARGS__)

#endif
