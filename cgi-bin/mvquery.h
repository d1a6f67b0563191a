/*
 * mvquery.h — the meter values of one transaction as the web tier reads
 * them: the values as received while they are kept (meter_values), and
 * for the months past meter_values_retention_days their 15-minute rollup
 * (meter_rollup, sql/020, ocppd/mv_keep.h) in the same columns — each
 * rollup row is the last sample of its series and quarter hour, with the
 * count, minimum, maximum and mean of the numbers it stands for.
 *
 * A rollup row shows only once meter_retention says the raw values it
 * came from are gone, so no value appears twice.
 */
#ifndef CGI_MVQUERY_H
#define CGI_MVQUERY_H

/* The columns of MVQ_SQL, in order. */
enum {
	MVQ_TS,
	MVQ_MEASURAND,
	MVQ_VALUE,
	MVQ_NUM, /* value_num: in num_unit */
	MVQ_UNIT,
	MVQ_PHASE,
	MVQ_CONTEXT,
	MVQ_LOCATION,
	MVQ_FORMAT,
	MVQ_NUM_UNIT,
	MVQ_SEQ,
	MVQ_SAMPLES, /* NULL for a value as received */
	MVQ_MIN,
	MVQ_MAX,
	MVQ_AVG
};

/* Parameters: the transaction id, raw_filter's, the transaction id
 * again, rollup_filter's, then tail's.  Time order, then as received. */
#define MVQ_SQL(raw_filter, rollup_filter, tail)                               \
	"SELECT ts, measurand, value, value_num, unit, phase, context, "       \
	"location, format, num_unit, seq, samples, num_min, num_max, num_avg " \
	"FROM (SELECT ts, measurand, value, value_num, unit, phase, context, " \
	"location, format, num_unit, id AS seq, NULL AS samples, "             \
	"NULL AS num_min, NULL AS num_max, NULL AS num_avg "                   \
	"FROM meter_values WHERE transaction_id = ?" raw_filter                \
	" UNION ALL SELECT ts_last, measurand, value_last, num_last, unit, "   \
	"NULLIF(phase, ''), context, location, format, num_unit, 0, samples, " \
	"num_min, num_max, num_avg FROM meter_rollup WHERE transaction_id = ?" \
	" AND part_bound <= (SELECT dropped_below FROM meter_retention "       \
	"WHERE id = 1)" rollup_filter ") v ORDER BY ts, seq" tail

/* The API's filters on either side: a measurand set (FIND_IN_SET list,
 * "" for all), a phase ("" for any), from and to (NULL for open); each
 * parameter twice. */
#define MVQ_FILTER(ts)                                                         \
	" AND (? = '' OR FIND_IN_SET(measurand, ?) > 0)"                       \
	" AND (? = '' OR phase = ?)"                                           \
	" AND (? IS NULL OR " ts " >= ?) AND (? IS NULL OR " ts " < ?)"

#endif
