//! Background work: the escalation ladder and auto-closing run by themselves (SPEC §3, §4).
//!
//! Each step is an ordinary transition by `Role::System`, decided on the appeal as read inside the same transaction.
//! Several instances sweep at once without electing one: a step is taken by whichever commits first, and the
//! others' optimistic version check fails and rolls their transaction back (tests/jobs.rs kills one of three
//! mid-sweep and finds every step taken once).

use std::time::Duration;

use jiff::Timestamp;
use zhuqi_domain::{AUTO_CLOSE_AFTER, Action, Actor, EscalationLadder, Kind};
use zhuqi_store::{AuditKey, Origin, Store, StoreError};

/// Every `every`: the escalation sweep, then a seal on the audit chain's head with `seal_key` (issue 14), so that a
/// rewrite of the log shows however its hashes were recomputed.
pub async fn run(store: Store, every: Duration, seal_key: AuditKey) {
    let mut tick = tokio::time::interval(every);
    let seal = || async {
        if let Err(e) = store.seal_audit(&seal_key, Origin::system("scheduler")).await {
            tracing::error!(error = %e, "sealing the audit log failed");
        }
    };
    loop {
        tick.tick().await;
        // Before the sweep too: at start, what was written while the server was down is sealed at once, however
        // long a sweep of a large city takes. (Nothing new to seal costs one read.)
        seal().await;
        match sweep(&store, Timestamp::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(steps = n, "escalation ladder and auto-close applied"),
            Err(e) => tracing::error!(error = %e, "escalation sweep failed"),
        }
        seal().await;
    }
}

/// Every `every`: the calendar the database holds put in force here, so that a year an admin loads through another
/// instance counts on this one within seconds (the deadlines it computes, the lights it shows); and on PostgreSQL the
/// sums the writes spread over shards folded together, so that figures keep reading few rows.
pub async fn follow_and_fold(store: Store, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match store.follow_calendar().await {
            Ok(true) => tracing::info!("另一实例载入了节假日安排，已生效 / the calendar loaded elsewhere is in force"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "reading the calendar failed; will retry"),
        }
        if let Err(e) = store.fold_fact_shards().await {
            tracing::warn!(error = %e, "folding the sums' shards failed; will retry");
        }
    }
}

/// The steps due today for one item: escalations, then auto-close (for the kinds that close by themselves).
pub fn due_steps(
    state: &zhuqi_domain::Appeal,
    cal: &zhuqi_domain::WorkingCalendar,
    today: jiff::civil::Date,
) -> Vec<Action> {
    let mut due = state.due_escalations(cal, &EscalationLadder::default(), today);
    if state.auto_close_due(cal, today, AUTO_CLOSE_AFTER) {
        due.push(Action::AutoClose);
    }
    due
}

/// Open items read per query by a sweep.
const SWEEP_SLICE: i64 = 1000;

/// Takes every escalation step and auto-close that is due at `now`, on items of every kind (appeals, meeting tasks);
/// returns how many were taken. The open items are first looked at with reads, a slice at a time (most have nothing
/// due, and reads do not queue behind the writer); one that has is read again, decided and moved inside its own write
/// transaction, so a user acting at the same moment is never overwritten.
pub async fn sweep(store: &Store, now: Timestamp) -> anyhow::Result<usize> {
    let cal = store.calendar();
    let today = zhuqi_domain::time::local_date(now);
    let mut taken = 0;
    for kind in Kind::ALL {
        let mut due = Vec::new();
        let mut after = None;
        loop {
            let (items, last) = store.open_item_states(kind, after, SWEEP_SLICE).await?;
            due.extend(items.into_iter().filter(|(_, s)| !due_steps(s, &cal, today).is_empty()).map(|(id, _)| id));
            if last.is_none() {
                break;
            }
            after = last;
        }
        for id in due {
            let cal = cal.clone();
            let result = store
                .transaction(Origin::system("scheduler"), move |w| {
                    let mut state = w.item_state(kind, id)?;
                    let due = due_steps(&state, &cal, today);
                    let steps = due.len();
                    for action in due {
                        let at = now.max(state.updated_at);
                        state = w.apply_to(kind, id, &state, Actor::system(), action, at)?;
                    }
                    Ok::<_, StoreError>(steps)
                })
                .await;
            match result {
                Ok(steps) => taken += steps,
                // Another instance moved this item meanwhile; its steps are its own, ours wait for the next round.
                Err(StoreError::Conflict { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(taken)
}
