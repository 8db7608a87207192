/* slurm-carbon: libFuzzer target for the providers' answer parsers, one
 * binary per provider (FUZZ_PROVIDER: 1 Electricity Maps, 2 WattTime and
 * its login, 3 UK Carbon Intensity national and regional, 4 Carbon Aware
 * SDK forecast, bylocation and average). The body is what a provider's
 * 2xx answer could be. Asserts: an accepted series keeps the series'
 * promises (fuzz_util.h), a token is a non-empty string, an average is
 * within 0..SC_INTENSITY_MAX; every refusal has a printable message.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "forecast/provider_casdk.h"
#include "forecast/provider_electricitymaps.h"
#include "forecast/provider_ukci.h"
#include "forecast/provider_watttime.h"
#include "tests/fuzz/fuzz_util.h"

#ifndef FUZZ_PROVIDER
#error "FUZZ_PROVIDER must be 1..4"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sc_err err = { "" };

#if FUZZ_PROVIDER == 1
	fuzz_series_outcome(sc_em_parse(buf, size, &err), &err);
#elif FUZZ_PROVIDER == 2
	char *token = NULL;

	fuzz_series_outcome(sc_wt_parse(buf, size, &err), &err);
	sc_err_clear(&err);
	if (sc_wt_parse_token(buf, size, &token, &err) == 0) {
		if (!token || !*token)
			abort();
		free(token);
	} else {
		if (token)
			abort();
		fuzz_check_err(&err);
	}
#elif FUZZ_PROVIDER == 3
	fuzz_series_outcome(sc_ukci_parse(buf, size, SC_UKCI_FORECAST, &err), &err);
	sc_err_clear(&err);
	fuzz_series_outcome(sc_ukci_parse(buf, size, SC_UKCI_ACTUAL, &err), &err);
#elif FUZZ_PROVIDER == 4
	double ci = -1;

	fuzz_series_outcome(sc_casdk_parse_forecast(buf, size, &err), &err);
	sc_err_clear(&err);
	fuzz_series_outcome(sc_casdk_parse_bylocation(buf, size, &err), &err);
	sc_err_clear(&err);
	if (sc_casdk_parse_average(buf, size, &ci, &err) == 0) {
		if (!(ci >= 0 && ci <= SC_INTENSITY_MAX))
			abort();
	} else {
		fuzz_check_err(&err);
	}
#endif
	return 0;
}
