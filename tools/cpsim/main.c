/*
 * main.c — cpsim, the OCPP 1.6-J (and 2.0.1) charge point simulator and load
 * generator.  Parses the command line and hands over to one of the three
 * modes: session.c (a charge point), scenario_run.c (a scripted one) or
 * load.c (many, for benchmarks).
 */
#include <stdio.h>

#include "load.h"
#include "opts.h"
#include "scenario_run.h"
#include "session.h"
#include "session201.h"
#include "signals.h"
#include "url.h"

int main(int argc, char **argv)
{
	struct cpsim_opts o;
	struct cp_url u;
	char err[512];
	int r;

	r = opts_parse(argc, argv, &o, err, sizeof err);
	if (r > 0)
		return 0;
	if (r < 0) {
		fprintf(stderr, "cpsim: %s\n(cpsim --help for usage)\n", err);
		return 2;
	}
	if (url_parse(o.url, &u, err, sizeof err)) {
		fprintf(stderr, "cpsim: %s\n", err);
		return 2;
	}
	if (!u.identity[0]) {
		fprintf(stderr,
		        "cpsim: the URL names no %s (its last path "
		        "segment)\n",
		        o.load ? "identity prefix" : "charge point identity");
		return 2;
	}
	signals_install();
	if (o.load)
		return load_run(&o, &u);
	if (o.scenario)
		return scenario_run(&o, &u);
	if (o.ocpp201)
		return session201_run(&o, &u);
	return session_run(&o, &u);
}
