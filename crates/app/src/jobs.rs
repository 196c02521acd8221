//! Background work: the escalation ladder and auto-closing run by themselves (SPEC §3, §4).
//!
//! Each step is an ordinary transition by `Role::System`, in its own transaction with the optimistic version check,
//! so a user acting on the same item at the same moment wins and the job simply tries again on its next round.
//! Running several instances at once is safe for the data (the version check refuses the second writer); making the
//! job run on one instance only is left to the multi-instance work.

use std::time::Duration;

use jiff::Timestamp;
use zhuqi_domain::{Action, Actor, EscalationLadder};
use zhuqi_store::{Store, StoreError};

/// Working days after an answer before an unconfirmed appeal closes as confirmed (SPEC §3 default).
pub const AUTO_CLOSE_AFTER: u32 = 5;

pub async fn run(store: Store, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match sweep(&store, Timestamp::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(steps = n, "escalation ladder and auto-close applied"),
            Err(e) => tracing::error!(error = %e, "escalation sweep failed"),
        }
    }
}

/// Takes every escalation step and auto-close that is due at `now`; returns how many were taken.
pub async fn sweep(store: &Store, now: Timestamp) -> anyhow::Result<usize> {
    let cal = store.calendar();
    let ladder = EscalationLadder::default();
    let today = zhuqi_domain::time::local_date(now);
    let mut taken = 0;
    for id in store.open_appeal_ids().await? {
        let mut record = store.appeal(id).await?;
        let mut due = record.state.due_escalations(&cal, &ladder, today);
        if record.state.auto_close_due(&cal, today, AUTO_CLOSE_AFTER) {
            due.push(Action::AutoClose);
        }
        for action in due {
            let mut w = store.writer().await?;
            match w.apply(&record, Actor::system(), action, now.max(record.state.updated_at)).await {
                Ok(next) => {
                    w.commit().await?;
                    record = next;
                    taken += 1;
                }
                // Someone acted on the item meanwhile: leave it to the next round.
                Err(StoreError::Conflict { .. } | StoreError::Transition(_)) => break,
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(taken)
}
