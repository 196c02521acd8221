//! Reading the sums: a span of days as periods, the sums of a scope up to a day, new-in-period, a trend's buckets.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{COUNTERS, Counts, N, corrupt, day_number, month_number, year_number};
use crate::Result;
use crate::db::{Row, Tx, Value};
use crate::figures::GroupKey;

/// The first day any fact can be dated: "up to D" is "from this day to D".
fn beginning() -> Date {
    Date::constant(1900, 1, 1)
}

/// Inclusive ranges of `period` whose rows hold, together and once, the facts dated `first..=last`: whole years,
/// whole months, then days. Consecutive pieces of the same kind are one range (the numbers between two consecutive
/// months or days, like 202613 or 20261132, are no period at all).
pub(crate) fn periods(first: Date, last: Date) -> Vec<(i64, i64)> {
    let mut out: Vec<(u8, i64, i64)> = Vec::new();
    let mut d = first;
    while d <= last {
        let (kind, number, end) = if d.day_of_year() == 1 && d.last_of_year() <= last {
            (0, year_number(d), d.last_of_year())
        } else if d.day() == 1 && d.last_of_month() <= last {
            (1, month_number(d), d.last_of_month())
        } else {
            (2, day_number(d), d)
        };
        match out.last_mut() {
            Some((k, _, hi)) if *k == kind => *hi = number,
            _ => out.push((kind, number, number)),
        }
        let Ok(next) = end.tomorrow() else { break };
        d = next;
    }
    out.into_iter().map(|(_, lo, hi)| (lo, hi)).collect()
}

/// `(f.period BETWEEN … OR …)` for `ranges`, bound into `values`.
fn in_periods(ranges: &[(i64, i64)], values: &mut Vec<Value>) -> String {
    if ranges.is_empty() {
        return "1 = 0".to_owned();
    }
    let parts: Vec<String> = ranges
        .iter()
        .map(|(lo, hi)| {
            let lo = crate::scope::bind(values, *lo);
            let hi = crate::scope::bind(values, *hi);
            format!("f.period BETWEEN {lo} AND {hi}")
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

/// The group of the key columns (region, unit, category) from column `at`.
fn group_key_at(row: &Row, at: usize) -> Result<GroupKey> {
    let unit = row.int(at + 1)?;
    Ok(GroupKey { region_code: row.text(at)?, unit_id: (unit != 0).then_some(unit), category_code: row.text(at + 2)? })
}

/// `CASE WHEN <the periods of piece i> THEN offset + i … END` over disjoint pieces of days, and the condition of all
/// their periods, bound into `values`: one read that sums each piece apart (each fact row lies in one piece at most).
fn pieces_case(pieces: &[(Date, Date)], offset: usize, values: &mut Vec<Value>) -> (String, String) {
    let mut arms = String::new();
    let mut all = Vec::new();
    for (i, (f, l)) in pieces.iter().enumerate() {
        let ranges = periods(*f, *l);
        all.extend_from_slice(&ranges);
        arms.push_str(&format!(" WHEN {} THEN {}", in_periods(&ranges, values), offset + i));
    }
    (format!("CASE{arms} END"), in_periods(&all, values))
}

fn sum_columns() -> String {
    COUNTERS.iter().map(|c| format!("CAST(SUM(f.{c}) AS BIGINT)")).collect::<Vec<_>>().join(", ")
}

/// The sums of the facts dated `first..=last` where `cond` holds (on `appeal_facts f`), per group.
pub(crate) fn sums(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    first: Option<Date>,
    last: Date,
) -> Result<HashMap<GroupKey, Counts>> {
    Ok(sums_of_spans(tx, cond, values, &[(first, last)])?.pop().unwrap_or_default())
}

/// The sums of each span `first..=last` (`None`: from the first fact on), per group, in one read: the spans are cut
/// where any of them starts or ends, and each piece is read once (a bulletin's four spans, "up to the end of last
/// month", "last month", "up to today" and "this month", are three pieces over the rows of one).
pub(crate) fn sums_of_spans(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    spans: &[(Option<Date>, Date)],
) -> Result<Vec<HashMap<GroupKey, Counts>>> {
    let spans: Vec<(Date, Date)> = spans.iter().map(|(f, l)| (f.unwrap_or_else(beginning), *l)).collect();
    let mut cuts: Vec<Date> = spans.iter().flat_map(|(f, l)| [*f, l.tomorrow().unwrap_or(*l)]).collect();
    cuts.sort();
    cuts.dedup();
    // The pieces between consecutive cuts that some span covers.
    let pieces: Vec<(Date, Date)> = cuts
        .windows(2)
        .filter_map(|w| Some((w[0], w[1].yesterday().ok()?)))
        .filter(|(f, l)| f <= l && spans.iter().any(|(sf, sl)| sf <= f && l <= sl))
        .collect();
    let mut vals = values.to_vec();
    let (case, within) = pieces_case(&pieces, 0, &mut vals);
    let rows = tx.query(
        &format!(
            "SELECT {case}, f.region_code, f.unit_id, f.category_code, {} FROM appeal_facts f \
             WHERE {cond} AND {within} GROUP BY 1, f.region_code, f.unit_id, f.category_code",
            sum_columns()
        ),
        &vals,
    )?;
    let mut out = vec![HashMap::new(); spans.len()];
    for row in &rows {
        let piece = row.opt_int(0)?.and_then(|i| usize::try_from(i).ok()).and_then(|i| pieces.get(i));
        let (pf, pl) = *piece.ok_or_else(|| corrupt("piece of a span"))?;
        let mut v = [0; N];
        for (i, x) in v.iter_mut().enumerate() {
            *x = row.opt_int(4 + i)?.unwrap_or(0);
        }
        let (key, counts) = (group_key_at(row, 1)?, Counts::from_values(v));
        for (sums, (sf, sl)) in out.iter_mut().zip(&spans) {
            if *sf <= pf && pl <= *sl {
                let total: &mut Counts = sums.entry(key.clone()).or_default();
                total.add(&counts, 1);
            }
        }
    }
    Ok(out)
}

/// Appeals submitted in `first..=last` and voided by `last`, per group (where `cond` holds on `appeal_voided f`).
pub(crate) fn voided_within(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    first: Date,
    last: Date,
) -> Result<HashMap<GroupKey, i64>> {
    let mut values = values.to_vec();
    let (lo, hi) =
        (crate::scope::bind(&mut values, day_number(first)), crate::scope::bind(&mut values, day_number(last)));
    let rows = tx.query(
        &format!(
            "SELECT f.region_code, f.unit_id, f.category_code, CAST(SUM(f.appeals) AS BIGINT) FROM appeal_voided f \
             WHERE {cond} AND f.submitted_on >= {lo} AND f.submitted_on <= {hi} AND f.closed_on <= {hi} \
             GROUP BY f.region_code, f.unit_id, f.category_code"
        ),
        &values,
    )?;
    rows.iter().map(|row| Ok((group_key_at(row, 0)?, row.opt_int(3)?.unwrap_or(0)))).collect()
}

/// For a trend: the facts of each of `spans` (bucket i+1; bucket 0 is everything before the first), summed over the
/// scope: (submitted, voided, resolved) per bucket, and the appeals submitted in each bucket and voided by `as_of`.
pub(crate) fn trend_buckets(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    spans: &[(Date, Date)],
    as_of: Date,
) -> Result<(Vec<[i64; 3]>, Vec<i64>)> {
    let n = spans.len() + 1;
    let mut facts = vec![[0; 3]; n];
    let mut voided = vec![0; n];
    let Some(&(first, _)) = spans.first() else { return Ok((facts, voided)) };
    let mut buckets = Vec::with_capacity(n);
    if let Ok(before) = first.yesterday() {
        buckets.push((beginning(), before));
    }
    buckets.extend_from_slice(spans);
    let offset = n - buckets.len();
    let mut vals = values.to_vec();
    let (case, within) = pieces_case(&buckets, offset, &mut vals);
    let rows = tx.query(
        &format!(
            "SELECT {case}, CAST(SUM(f.submitted) AS BIGINT), CAST(SUM(f.voided) AS BIGINT), \
             CAST(SUM(f.resolved) AS BIGINT) FROM appeal_facts f WHERE {cond} AND {within} GROUP BY 1"
        ),
        &vals,
    )?;
    for row in &rows {
        let i = bucket(row, n)?;
        for (j, x) in facts[i].iter_mut().enumerate() {
            *x += row.opt_int(1 + j)?.unwrap_or(0);
        }
    }
    let mut vals = values.to_vec();
    let mut arms = String::new();
    for (i, (f, l)) in buckets.iter().enumerate() {
        let (f, l) = (crate::scope::bind(&mut vals, day_number(*f)), crate::scope::bind(&mut vals, day_number(*l)));
        arms.push_str(&format!(" WHEN f.submitted_on BETWEEN {f} AND {l} THEN {}", i + offset));
    }
    let until = crate::scope::bind(&mut vals, day_number(as_of));
    let rows = tx.query(
        &format!(
            "SELECT CASE{arms} END, CAST(SUM(f.appeals) AS BIGINT) FROM appeal_voided f \
             WHERE {cond} AND f.closed_on <= {until} GROUP BY 1"
        ),
        &vals,
    )?;
    for row in &rows {
        if row.opt_int(0)?.is_some() {
            voided[bucket(row, n)?] += row.opt_int(1)?.unwrap_or(0);
        }
    }
    Ok((facts, voided))
}

fn bucket(row: &Row, n: usize) -> Result<usize> {
    let i = row.opt_int(0)?.ok_or_else(|| corrupt("trend bucket"))?;
    usize::try_from(i).ok().filter(|i| *i < n).ok_or_else(|| corrupt("trend bucket"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    #[test]
    fn a_span_is_cut_into_years_months_and_days() {
        assert_eq!(periods(d(2026, 1, 1), d(2026, 12, 31)), vec![(2026, 2026)]);
        assert_eq!(periods(beginning(), d(2026, 12, 4)), vec![(1900, 2025), (202601, 202611), (20261201, 20261204)]);
        assert_eq!(
            periods(d(2026, 11, 29), d(2027, 2, 2)),
            vec![(20261129, 20261130), (202612, 202701), (20270201, 20270202)]
        );
        assert_eq!(periods(d(2026, 3, 5), d(2026, 3, 5)), vec![(20260305, 20260305)]);
        assert!(periods(d(2026, 3, 6), d(2026, 3, 5)).is_empty());
        // Every day of a span is in exactly one piece, whatever the span.
        let mut first = d(2023, 12, 20);
        for _ in 0..40 {
            let last = first.checked_add(jiff::Span::new().days(400)).expect("date");
            let pieces = periods(first, last);
            let mut day = first.checked_sub(jiff::Span::new().days(40)).expect("date");
            while day <= last.checked_add(jiff::Span::new().days(40)).expect("date") {
                let inside = [day_number(day), month_number(day), year_number(day)]
                    .iter()
                    .filter(|p| pieces.iter().any(|(lo, hi)| lo <= *p && *p <= hi))
                    .count();
                assert_eq!(inside, usize::from(first <= day && day <= last), "{day} in {pieces:?}");
                day = day.tomorrow().expect("date");
            }
            first = first.checked_add(jiff::Span::new().days(17)).expect("date");
        }
    }
}
