//! 政策送达与兑现 (issue 16): how a policy travels from the library to an enterprise's account. A cadre or the
//! policy's unit delivers it (送政策上门: a visit, a call, a push) and notes the enterprise's intention; the enterprise
//! claims it (申报); the unit grants an amount (兑现) or refuses it. A 免申即享 policy skips the claim: the unit draws
//! up the grant list from the facts it holds and confirms each line.
//!
//! One record per policy and enterprise carries the dates of each step, so that the figures count "delivered by day
//! D" from the record alone. The rules of which step may follow which are here, pure; who may take a step is the
//! store's.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::values::Fen;

labelled_enum!(
    /// How a policy reached the enterprise.
    DeliveryChannel {
        Visit = ("visit", "上门送达"),
        Call = ("call", "电话告知"),
        Online = ("online", "线上推送"),
    }
);

labelled_enum!(
    /// What the enterprise said when the policy reached it.
    Intention {
        Apply = ("apply", "有意申报"),
        Undecided = ("undecided", "尚在考虑"),
        Declined = ("declined", "暂不申报"),
    }
);

labelled_enum!(
    /// Where a policy stands with one enterprise.
    DeliveryStage {
        /// On a 免申即享 grant list, for the unit to confirm.
        Proposed = ("proposed", "待确认兑现"),
        Delivered = ("delivered", "已送达"),
        Claimed = ("claimed", "已申报"),
        Granted = ("granted", "已兑现"),
        Refused = ("refused", "未予兑现"),
    }
);

/// The most characters of a note or a reason.
pub const MAX_DELIVERY_NOTE: usize = 500;

/// A policy's progress with one enterprise: each step's date and what was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub stage: DeliveryStage,
    /// Put on a 免申即享 grant list.
    pub proposed_on: Option<Date>,
    pub delivered_on: Option<Date>,
    pub channel: Option<DeliveryChannel>,
    pub intention: Option<Intention>,
    /// 送达情况
    pub note: String,
    pub claimed_on: Option<Date>,
    /// The amount claimed, when the enterprise names one.
    pub claimed: Option<Fen>,
    /// Granted or refused.
    pub decided_on: Option<Date>,
    pub granted: Option<Fen>,
    /// 兑现说明 or why it was refused.
    pub reason: String,
}

impl Delivery {
    /// A line of a 免申即享 grant list drawn up on `day`.
    pub fn proposed(day: Date) -> Delivery {
        Delivery {
            stage: DeliveryStage::Proposed,
            proposed_on: Some(day),
            delivered_on: None,
            channel: None,
            intention: None,
            note: String::new(),
            claimed_on: None,
            claimed: None,
            decided_on: None,
            granted: None,
            reason: String::new(),
        }
    }

    /// The last day a step was taken on.
    fn last_day(&self) -> Option<Date> {
        [self.proposed_on, self.delivered_on, self.claimed_on, self.decided_on].into_iter().flatten().max()
    }
}

/// What the policy says about its grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    /// 免申即享: no claim; granted from the grant list.
    pub no_application: bool,
    /// The most one enterprise may be granted.
    pub cap: Option<Fen>,
}

/// One step on a policy's way to an enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryStep {
    /// 送达: records (or, on a later contact, replaces) how and when the policy reached the enterprise.
    Deliver { on: Date, channel: DeliveryChannel, intention: Intention, note: String },
    /// 申报
    Claim { on: Date, amount: Option<Fen> },
    /// 兑现
    Grant { on: Date, amount: Fen, note: String },
    /// 不予兑现
    Refuse { on: Date, reason: String },
}

impl DeliveryStep {
    pub fn on(&self) -> Date {
        match self {
            DeliveryStep::Deliver { on, .. }
            | DeliveryStep::Claim { on, .. }
            | DeliveryStep::Grant { on, .. }
            | DeliveryStep::Refuse { on, .. } => *on,
        }
    }

    /// The verb, as a page and the audit name it.
    pub fn label(&self) -> &'static str {
        match self {
            DeliveryStep::Deliver { .. } => "送达",
            DeliveryStep::Claim { .. } => "申报",
            DeliveryStep::Grant { .. } => "兑现",
            DeliveryStep::Refuse { .. } => "不予兑现",
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            DeliveryStep::Deliver { .. } => "deliver",
            DeliveryStep::Claim { .. } => "claim",
            DeliveryStep::Grant { .. } => "grant",
            DeliveryStep::Refuse { .. } => "refuse",
        }
    }

    /// Whether the step is the unit's decision (兑现, 不予兑现) rather than a contact or a claim.
    pub fn decides(&self) -> bool {
        matches!(self, DeliveryStep::Grant { .. } | DeliveryStep::Refuse { .. })
    }
}

/// Why a step cannot be taken: each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("日期不能晚于今天（{today}）")]
    Future { today: Date },
    #[error("日期不能早于上一步的日期（{last}）")]
    BeforeLast { last: Date },
    #[error("该政策已{stage}，不能再{step}")]
    Settled { stage: &'static str, step: &'static str },
    #[error("该政策免申即享，无需企业申报")]
    NoClaim,
    #[error("请先申报再兑现（免申即享政策请先生成兑现名单）")]
    NotClaimed,
    #[error("兑现金额{amount}超过政策上限{cap}")]
    OverCap { amount: Fen, cap: Fen },
    #[error("请填写不予兑现的理由")]
    NoReason,
    #[error("{what}最多{max}字")]
    TooLong { what: &'static str, max: usize },
}

/// The record after `step`, taken on a record as it stands (`None`: none yet) on `today`, or why it cannot be.
pub fn take(current: Option<&Delivery>, step: &DeliveryStep, terms: Terms, today: Date) -> Result<Delivery, StepError> {
    let on = step.on();
    if on > today {
        return Err(StepError::Future { today });
    }
    if let Some(last) = current.and_then(Delivery::last_day).filter(|last| on < *last) {
        return Err(StepError::BeforeLast { last });
    }
    let stage = current.map(|d| d.stage);
    let mut next =
        current.cloned().unwrap_or_else(|| Delivery { stage: DeliveryStage::Delivered, ..Delivery::proposed(on) });
    if current.is_none() {
        next.proposed_on = None;
    }
    let settled = |stage: DeliveryStage| StepError::Settled { stage: stage.label(), step: step.label() };
    let long = |what, text: &str| {
        if text.trim().chars().count() > MAX_DELIVERY_NOTE {
            Err(StepError::TooLong { what, max: MAX_DELIVERY_NOTE })
        } else {
            Ok(text.trim().to_owned())
        }
    };
    match step {
        DeliveryStep::Deliver { channel, intention, note, .. } => {
            match stage {
                Some(s @ (DeliveryStage::Granted | DeliveryStage::Refused | DeliveryStage::Claimed)) => {
                    return Err(settled(s));
                }
                // A 免申即享 line stays on the grant list: the contact only tells the enterprise it is coming.
                Some(DeliveryStage::Proposed) => {}
                _ => next.stage = DeliveryStage::Delivered,
            }
            next.delivered_on = Some(on);
            next.channel = Some(*channel);
            next.intention = Some(*intention);
            next.note = long("送达情况", note)?;
        }
        DeliveryStep::Claim { amount, .. } => {
            if terms.no_application {
                return Err(StepError::NoClaim);
            }
            if let Some(s @ (DeliveryStage::Claimed | DeliveryStage::Granted | DeliveryStage::Refused)) = stage {
                return Err(settled(s));
            }
            if let (Some(amount), Some(cap)) = (*amount, terms.cap)
                && amount > cap
            {
                return Err(StepError::OverCap { amount, cap });
            }
            next.stage = DeliveryStage::Claimed;
            next.claimed_on = Some(on);
            next.claimed = *amount;
        }
        DeliveryStep::Grant { amount, note, .. } => {
            match stage {
                Some(DeliveryStage::Claimed | DeliveryStage::Proposed) => {}
                Some(s @ (DeliveryStage::Granted | DeliveryStage::Refused)) => return Err(settled(s)),
                None | Some(DeliveryStage::Delivered) => return Err(StepError::NotClaimed),
            }
            if let Some(cap) = terms.cap.filter(|cap| amount > cap) {
                return Err(StepError::OverCap { amount: *amount, cap });
            }
            next.stage = DeliveryStage::Granted;
            next.decided_on = Some(on);
            next.granted = Some(*amount);
            next.reason = long("兑现说明", note)?;
            // A 免申即享 grant reaches the enterprise with the money: that is its delivery.
            next.delivered_on = next.delivered_on.or(Some(on));
        }
        DeliveryStep::Refuse { reason, .. } => {
            match stage {
                Some(DeliveryStage::Claimed | DeliveryStage::Proposed) => {}
                Some(s @ (DeliveryStage::Granted | DeliveryStage::Refused)) => return Err(settled(s)),
                None | Some(DeliveryStage::Delivered) => return Err(StepError::NotClaimed),
            }
            let reason = long("理由", reason)?;
            if reason.is_empty() {
                return Err(StepError::NoReason);
            }
            next.stage = DeliveryStage::Refused;
            next.decided_on = Some(on);
            next.reason = reason;
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const TODAY: Date = date(2026, 6, 30);
    const AUTO: Terms = Terms { no_application: true, cap: None };

    /// A policy with a claim and a cap of 10万元.
    fn open() -> Terms {
        Terms { no_application: false, cap: Some(Fen::new(10_000_000).expect("valid")) }
    }

    fn deliver(on: Date) -> DeliveryStep {
        DeliveryStep::Deliver {
            on,
            channel: DeliveryChannel::Visit,
            intention: Intention::Apply,
            note: "上门讲解".into(),
        }
    }

    fn claim(on: Date) -> DeliveryStep {
        DeliveryStep::Claim { on, amount: None }
    }

    fn grant(on: Date, yuan: i64) -> DeliveryStep {
        DeliveryStep::Grant { on, amount: Fen::new(yuan * 100).expect("valid"), note: String::new() }
    }

    #[test]
    fn a_policy_goes_from_delivery_through_claim_to_grant() {
        let d = take(None, &deliver(date(2026, 3, 2)), open(), TODAY).expect("valid");
        assert_eq!((d.stage, d.delivered_on, d.proposed_on), (DeliveryStage::Delivered, Some(date(2026, 3, 2)), None));
        let d = take(Some(&d), &claim(date(2026, 3, 10)), open(), TODAY).expect("valid");
        assert_eq!(d.stage, DeliveryStage::Claimed);
        let d = take(Some(&d), &grant(date(2026, 4, 1), 80_000), open(), TODAY).expect("valid");
        assert_eq!((d.stage, d.granted.map(Fen::fen)), (DeliveryStage::Granted, Some(8_000_000)));
        assert_eq!(d.delivered_on, Some(date(2026, 3, 2)), "the grant keeps the first delivery's day");
        let again = take(Some(&d), &grant(date(2026, 4, 2), 1), open(), TODAY);
        assert!(matches!(again, Err(StepError::Settled { .. })), "{again:?}");
    }

    #[test]
    fn an_enterprise_may_claim_without_a_delivery_but_nothing_is_granted_unclaimed() {
        let d = take(None, &claim(date(2026, 5, 1)), open(), TODAY).expect("valid");
        assert_eq!((d.stage, d.delivered_on), (DeliveryStage::Claimed, None));
        assert_eq!(take(None, &grant(date(2026, 5, 1), 1), open(), TODAY), Err(StepError::NotClaimed));
        let delivered = take(None, &deliver(date(2026, 5, 1)), open(), TODAY).expect("valid");
        assert_eq!(take(Some(&delivered), &grant(date(2026, 5, 2), 1), open(), TODAY), Err(StepError::NotClaimed));
    }

    #[test]
    fn grants_stay_within_the_cap_and_dates_run_forward_up_to_today() {
        let claimed = take(None, &claim(date(2026, 5, 1)), open(), TODAY).expect("valid");
        assert!(take(Some(&claimed), &grant(date(2026, 5, 2), 100_000), open(), TODAY).is_ok(), "the cap itself");
        assert!(matches!(
            take(Some(&claimed), &grant(date(2026, 5, 2), 100_001), open(), TODAY),
            Err(StepError::OverCap { .. })
        ));
        let over = DeliveryStep::Claim { on: date(2026, 5, 1), amount: Some(Fen::new(1_000_000_001).expect("valid")) };
        assert!(matches!(take(None, &over, open(), TODAY), Err(StepError::OverCap { .. })));
        assert_eq!(
            take(Some(&claimed), &grant(date(2026, 4, 30), 1), open(), TODAY),
            Err(StepError::BeforeLast { last: date(2026, 5, 1) })
        );
        assert_eq!(take(None, &deliver(date(2026, 7, 1)), open(), TODAY), Err(StepError::Future { today: TODAY }));
    }

    #[test]
    fn a_grant_list_line_is_granted_or_refused_without_a_claim() {
        let line = Delivery::proposed(date(2026, 6, 1));
        assert_eq!(take(Some(&line), &claim(date(2026, 6, 2)), AUTO, TODAY), Err(StepError::NoClaim));
        let told = take(Some(&line), &deliver(date(2026, 6, 2)), AUTO, TODAY).expect("valid");
        assert_eq!(told.stage, DeliveryStage::Proposed, "a contact leaves the line on the list");
        let granted = take(Some(&told), &grant(date(2026, 6, 3), 5_000), AUTO, TODAY).expect("valid");
        assert_eq!((granted.stage, granted.delivered_on), (DeliveryStage::Granted, Some(date(2026, 6, 2))));
        let untold = take(Some(&line), &grant(date(2026, 6, 3), 5_000), AUTO, TODAY).expect("valid");
        assert_eq!(untold.delivered_on, Some(date(2026, 6, 3)), "the grant is the delivery");
        let refuse = DeliveryStep::Refuse { on: date(2026, 6, 3), reason: "  ".into() };
        assert_eq!(take(Some(&line), &refuse, AUTO, TODAY), Err(StepError::NoReason));
        let refuse = DeliveryStep::Refuse { on: date(2026, 6, 3), reason: "已迁出本市".into() };
        assert_eq!(take(Some(&line), &refuse, AUTO, TODAY).expect("valid").stage, DeliveryStage::Refused);
    }
}
