//! Counting the sums again from the appeals (`rebuild`), and checking them against the appeals and the appeals
//! against their histories (`check`, `zhuqi figures verify`).

use std::collections::{BTreeMap, HashMap};

use zhuqi_domain::{Event, WorkingCalendar};

use super::{COUNTERS, Counts, Deltas, FACT_COLUMNS, FactKey, FactRow, KEY_COLUMNS, N, spans};
use crate::Result;
use crate::db::{Row, Tx};

/// Counts every appeal again from its stored row and its history (`outlook`, `spans`): `appeal_facts`,
/// `appeal_voided` and `appeal_overdue_spans` emptied and written anew. Used once when the tables or their columns
/// are new (migrations 0027, 0028, 0037) and after anything that rewrote the rows' facts in bulk.
pub(crate) fn rebuild(tx: &mut Tx<'_>, cal: &WorkingCalendar) -> Result<u64> {
    tx.execute("DELETE FROM appeal_facts", &[])?;
    tx.execute("DELETE FROM appeal_voided", &[])?;
    tx.execute("DELETE FROM appeal_overdue_spans", &[])?;
    let mut deltas = Deltas::default();
    let counted = each_appeal(tx, &format!("id, {FACT_COLUMNS}"), &|_, _| {}, |tx, slice| {
        for (row, history) in slice {
            let facts = FactRow::read(row, 1)?;
            deltas.outlook_of_history(row.int(0)?, &facts.key.region_code, history, cal)?;
            deltas.add(&facts, 1);
        }
        // A province's spans are never all in memory at once.
        deltas.spans.write(tx)
    })?;
    deltas.write(tx)?;
    tx.execute("DELETE FROM zhuqi_meta WHERE key = 'rebuild_appeal_facts'", &[])?;
    Ok(counted)
}

/// Calls `f` with every appeal's `columns` (the first is `id`) and its history, a slice of appeals by id at a time
/// (a province's appeals are never all in memory at once); `progress` hears (appeals done, appeals). Returns how
/// many appeals there are.
fn each_appeal(
    tx: &mut Tx<'_>,
    columns: &str,
    progress: &dyn Fn(u64, u64),
    mut f: impl FnMut(&mut Tx<'_>, &[(Row, Vec<Event>)]) -> Result<()>,
) -> Result<u64> {
    let total = u64::try_from(tx.query_one("SELECT COUNT(*) FROM appeals", &[])?.int(0)?).unwrap_or(0);
    let (mut done, mut after) = (0, 0);
    loop {
        let rows =
            tx.query(&format!("SELECT {columns} FROM appeals WHERE id > $1 ORDER BY id LIMIT 5000"), &[after.into()])?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { break };
        let (first, last) = (first.int(0)?, last.int(0)?);
        let events = tx.query(
            "SELECT seq, at, actor_user_id, actor_role, payload, appeal_id FROM appeal_events \
             WHERE appeal_id >= $1 AND appeal_id <= $2 ORDER BY appeal_id, seq",
            &[first.into(), last.into()],
        )?;
        let mut histories: HashMap<i64, Vec<Event>> = HashMap::new();
        for e in &events {
            histories.entry(e.int(5)?).or_default().push(crate::engine::event_from_row(e)?);
        }
        done += rows.len() as u64;
        let mut slice = Vec::with_capacity(rows.len());
        for row in rows {
            let history = histories.remove(&row.int(0)?).unwrap_or_default();
            slice.push((row, history));
        }
        f(tx, &slice)?;
        after = last;
        progress(done, total);
    }
    Ok(done)
}

/// What `zhuqi figures verify` found: the sums against the appeals' rows, and the rows against their histories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FiguresCheck {
    pub appeals: u64,
    /// Rows of sums read (`appeal_facts` and `appeal_voided`).
    pub sums: u64,
    /// Sums that are not what the appeals' rows and histories add up to: how many, and the first few described. The
    /// lights and overdue days to come are counted with the calendar of the day each event was written: a holiday
    /// schedule changed afterwards for days already past shows here, and `zhuqi figures rebuild` counts them anew.
    pub wrong_sums: u64,
    pub wrong_sum_examples: Vec<String>,
    /// Appeals whose row says other than their history replayed: how many, and the first few numbers.
    pub unlike_history: u64,
    pub unlike_history_examples: Vec<String>,
    /// Appeals that differ from their history only in 按期/工作日数, as the calendar loaded now counts them (a
    /// holiday schedule changed after they closed): not an error.
    pub recounted_by_calendar: u64,
    /// Spans of days overdue read (`appeal_overdue_spans`).
    pub spans: u64,
    /// Appeals whose spans are not those their history makes: how many, and the first few numbers. Like the sums,
    /// they follow the calendar of the day each event was written.
    pub wrong_spans: u64,
    pub wrong_span_examples: Vec<String>,
}

impl FiguresCheck {
    pub fn is_sound(&self) -> bool {
        self.wrong_sums == 0 && self.unlike_history == 0 && self.wrong_spans == 0
    }
}

const EXAMPLES: usize = 20;

/// Checks, in one snapshot, every appeal's row against its history and the sums against the rows and histories.
pub(crate) fn check(tx: &mut Tx<'_>, cal: &WorkingCalendar, progress: &dyn Fn(u64, u64)) -> Result<FiguresCheck> {
    let mut out = FiguresCheck::default();
    let mut expected = Deltas::default();
    out.appeals = each_appeal(tx, &format!("id, number, {FACT_COLUMNS}"), progress, |tx, slice| {
        for (row, history) in slice {
            let stored = FactRow::read(row, 2)?;
            expected.add(&stored, 1);
            // The lights and overdue days the history gives, counted as the writes counted them.
            let replayed =
                expected.outlook_of_history(row.int(0)?, &stored.key.region_code, history, cal).ok().flatten();
            let told = replayed.map(|state| FactRow::of_state(&stored.key.region_code, &state, cal));
            match told {
                Some(told) if told == stored => {}
                Some(told)
                    if FactRow { on_time: stored.on_time, work_days: stored.work_days, ..told.clone() } == stored =>
                {
                    out.recounted_by_calendar += 1;
                }
                _ => {
                    out.unlike_history += 1;
                    if out.unlike_history_examples.len() < EXAMPLES {
                        out.unlike_history_examples.push(row.text(1)?);
                    }
                }
            }
        }
        // The spans of days overdue the histories make, against those stored.
        let (Some((first, _)), Some((last, _))) = (slice.first(), slice.last()) else { return Ok(()) };
        let made = expected.spans.take_opened();
        let held = spans::stored(tx, first.int(0)?, last.int(0)?)?;
        out.spans += held.values().map(|s| s.len() as u64).sum::<u64>();
        for (row, _) in slice {
            let id = row.int(0)?;
            if made.get(&id) != held.get(&id) {
                out.wrong_spans += 1;
                if out.wrong_span_examples.len() < EXAMPLES {
                    out.wrong_span_examples.push(row.text(1)?);
                }
            }
        }
        Ok(())
    })?;
    // The sums held against the sums the rows make.
    let mut held: BTreeMap<(i64, FactKey), Counts> = BTreeMap::new();
    // Summed over the shards not yet folded (PostgreSQL).
    let columns: Vec<String> = COUNTERS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT)")).collect();
    for row in &tx.query(
        &format!(
            "SELECT period, {KEY_COLUMNS}, {} FROM appeal_facts GROUP BY period, {KEY_COLUMNS}",
            columns.join(", ")
        ),
        &[],
    )? {
        let mut v = [0; N];
        for (i, x) in v.iter_mut().enumerate() {
            *x = row.int(5 + i)?;
        }
        held.insert((row.int(0)?, key_of(row, 1)?), Counts::from_values(v));
    }
    out.sums = held.len() as u64;
    compare(&mut out, expected.facts, held, |(period, key)| format!("{period} {key:?}"));
    let mut held: BTreeMap<(i64, i64, FactKey), i64> = BTreeMap::new();
    for row in &tx.query(
        "SELECT submitted_on, closed_on, region_code, unit_id, category_code, level, appeals FROM appeal_voided",
        &[],
    )? {
        held.insert((row.int(0)?, row.int(1)?, key_of(row, 2)?), row.int(6)?);
    }
    out.sums += held.len() as u64;
    compare(&mut out, expected.voided, held, |(submitted, closed, key)| format!("作废 {submitted} → {closed} {key:?}"));
    Ok(out)
}

/// Counts (and describes the first few of) the keys whose sum `held` is not the one the rows `made`; a key missing
/// on one side holds zero there.
fn compare<K: Ord, V: Copy + Default + PartialEq + std::fmt::Debug>(
    out: &mut FiguresCheck,
    made: BTreeMap<K, V>,
    held: BTreeMap<K, V>,
    describe: impl Fn(&K) -> String,
) {
    let zero = V::default();
    let made: BTreeMap<K, V> = made.into_iter().filter(|(_, v)| *v != zero).collect();
    let held: BTreeMap<K, V> = held.into_iter().filter(|(_, v)| *v != zero).collect();
    for key in made.keys().chain(held.keys().filter(|k| !made.contains_key(*k))) {
        let (want, have) = (made.get(key).copied().unwrap_or(zero), held.get(key).copied().unwrap_or(zero));
        if want != have {
            out.wrong_sums += 1;
            if out.wrong_sum_examples.len() < EXAMPLES {
                out.wrong_sum_examples.push(format!("{}: {have:?}, should be {want:?}", describe(key)));
            }
        }
    }
}

fn key_of(row: &Row, at: usize) -> Result<FactKey> {
    Ok(FactKey {
        region_code: row.text(at)?,
        unit_id: row.int(at + 1)?,
        category_code: row.text(at + 2)?,
        level: row.text(at + 3)?,
    })
}

impl crate::Store {
    /// Checks the figures' sums against the appeals, and each appeal against its history (`check`), in one
    /// snapshot; `progress` hears (appeals checked, appeals).
    pub async fn verify_figures(&self, progress: impl Fn(u64, u64) + Send + 'static) -> Result<FiguresCheck> {
        let cal = self.calendar();
        self.read(move |tx| check(tx, &cal, &progress)).await
    }

    /// Counts every appeal's facts again (`rebuild`), in one transaction; returns how many appeals were counted.
    pub async fn rebuild_figures(&self, origin: crate::Origin) -> Result<u64> {
        let counted = self
            .transaction(origin, |w| {
                let counted = rebuild(&mut w.tx, &w.cal)?;
                w.audit("figures.rebuild", "appeal_facts".to_owned(), None, Some(format!("{counted} appeals")));
                Ok::<_, crate::StoreError>(counted)
            })
            .await?;
        self.fold_fact_shards().await?;
        // Every sum was deleted and written again: on PostgreSQL, rewritten in key order.
        self.refresh_statistics().await?;
        Ok(counted)
    }
}
