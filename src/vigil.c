/*
 * vigil.c: main: global options, then the command from cmd_table[].
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "http.h"
#include "log.h"
#include "policy.h"
#include "source.h"
#include "vigil.h"

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: vigil [global options] COMMAND [options]\n\n"
	    "vigil audits the accounts a team runs on (registrar, cloud, "
	    "directory...)\nagainst declarative rules.\n\ncommands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		fprintf(f, "  %-10s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fputs("\nglobal options:\n", f);
	cmd_print_opts(cmd_global_opts, f);
	fprintf(f, "\n"
	    "exit status: 0 ok, 1 findings at or above --fail-on, 2 usage/"
	    "policy/rule\nerror, 3 incomplete (a source failed), 4 write "
	    "failed.  See vigil(1).\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_GLOBAL_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct globals	 g = { 0 };
	size_t		 i;
	int		 c, r;

	setlocale(LC_ALL, "C");
	log_set_level(LOG_WARN);
	source_register_types();
	opterr = 1;
	while ((c = getopt_long(argc, argv, "+" CMD_GLOBAL_SHORTOPTS,
	    longopts, NULL)) != -1) {
		if (cmd_global_opt(&g, c, optarg))
			continue;
		switch (c) {
		case 'V':
			printf("vigil %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return VGL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return VGL_EXIT_USAGE;
	}
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, argv[optind]) == 0)
			break;
	}
	if (cmd_table[i] == NULL) {
		const char	*best = NULL;
		int		 d, bestd = 3;
		size_t		 k;

		/* The nearest command within two edits, or a prefix. */
		for (k = 0; cmd_table[k] != NULL; k++) {
			d = policy_edit_distance(argv[optind],
			    cmd_table[k]->name);
			if (strlen(argv[optind]) >= 3 && strncmp(argv[optind],
			    cmd_table[k]->name, strlen(argv[optind])) == 0)
				d = 1;
			if (d < bestd) {
				bestd = d;
				best = cmd_table[k]->name;
			}
		}
		if (best != NULL)
			fprintf(stderr, "vigil: unknown command '%s'; did you "
			    "mean '%s'? See 'vigil --help'\n", argv[optind],
			    best);
		else
			fprintf(stderr, "vigil: unknown command '%s'; see "
			    "'vigil --help'\n", argv[optind]);
		return VGL_EXIT_USAGE;
	}
	http_global_init();
	argc -= optind;
	argv += optind;
	optind = 0;	/* full reinitialisation of getopt */
	r = cmd_run(cmd_table[i], &g, argc, argv);
	http_global_cleanup();
	log_clear_secrets();
	return r;
}
