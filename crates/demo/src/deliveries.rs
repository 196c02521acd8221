//! 政策送达与兑现 of the demo city (issue 16): over each policy's time in force, the serving cadres bring it to part
//! of the enterprises that qualify (送政策上门), most of those who mean to apply do, and the policy's unit grants or
//! refuses most claims; a 免申即享 policy's unit draws its grant list a few weeks in and confirms most lines. Some
//! claims and lines are still waiting today, on the unit's desk. No step after `now`.
//!
//! From its own seeded stream, apart from the city's, so that adding it changed nothing else.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zhuqi_domain::Fen;
use zhuqi_domain::policy::delivery::{DeliveryChannel, DeliveryStep, Intention};
use zhuqi_domain::policy::{BenefitKind, PolicyStatus};
use zhuqi_domain::time::start_of_day;
use zhuqi_store::Writer;

use crate::City;
use crate::policies::Written;

const VISIT_NOTES: &[&str] = &[
    "上门讲解政策条款和申报材料清单，企业负责人表示近期提交申报",
    "到企业宣讲政策，现场核对企业成立日期、从业人数等信息",
    "结合走访送政策上门，企业财务负责人参加，已留存政策原文",
    "与企业负责人逐条对照申享条件，企业符合条件，正在准备材料",
];
const CALL_NOTES: &[&str] =
    &["电话告知政策内容和申报时限，企业表示将安排专人对接", "电话联系企业财务负责人，已发送申报指南"];
const REFUSALS: &[&str] = &[
    "经核查，企业上年度研发费用未达到政策要求，不予兑现",
    "企业申报材料经两次补正仍不完整，本批次不予兑现",
    "经核查，企业存在严重失信记录，按规定暂不兑现",
];

/// A moment on `day` in working hours, never after `now`.
fn moment(rng: &mut ChaCha8Rng, day: Date, now: Timestamp) -> Timestamp {
    start_of_day(day).and_then(|t| t.checked_add(rng.random_range(9..18_i64).hours()).ok()).unwrap_or(now).min(now)
}

/// `from` plus a random number of days in `days`, if that is not after `last`.
fn later(rng: &mut ChaCha8Rng, from: Date, days: std::ops::Range<i64>, last: Date) -> Option<Date> {
    from.checked_add(rng.random_range(days).days()).ok().filter(|d| *d <= last)
}

/// An amount for a policy of `kind` with `cap` (none: 50万元): money policies most often a small share of the cap,
/// seldom all of it, in whole thousands of yuan; others nothing (an honour, a factor, a service is granted, not paid).
fn amount(rng: &mut ChaCha8Rng, kind: BenefitKind, cap: Option<Fen>) -> Option<Fen> {
    if !matches!(kind, BenefitKind::Subsidy | BenefitKind::LoanInterest | BenefitKind::TaxRelief) {
        return None;
    }
    let cap = i128::from(cap.map_or(50_000_000, Fen::fen));
    // The share of the cap is u³ for u between 0.1 and 1: a median near 10%.
    let u = i128::from(rng.random_range(100..=1000_i64));
    let thousands = cap * u * u * u / 1_000_000_000 / 100_000;
    let fen = (thousands.max(1) * 100_000).min(cap);
    Fen::new(i64::try_from(fen).ok()?).ok()
}

/// Writes each published policy's deliveries, claims and grants up to `today`. Returns how many records.
pub(crate) fn write(
    w: &mut Writer<'_>,
    seed: u64,
    city: &City,
    library: &[Written],
    today: Date,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5a5a_0016_0000_0003);
    let cadres: HashMap<i64, i64> = city.enterprises.iter().map(|e| (e.id, e.cadre)).collect();
    let handlers: HashMap<i64, i64> = city.units.iter().map(|u| (u.id, u.handler)).collect();
    let mut records = 0;
    for p in library.iter().filter(|p| p.status == PolicyStatus::Published && p.valid_from <= today) {
        let handler = handlers.get(&p.unit_id).copied().unwrap_or(city.dispatcher);
        let record = w.policy_record(p.id)?;
        let open_until = p.valid_to.map_or(today, |to| to.min(today));
        if p.no_application {
            // The unit draws the list a few weeks in, from the facts it holds; it confirms most lines some days on.
            let Some(drawn) = later(&mut rng, p.valid_from, 10..40, open_until) else { continue };
            let policy_at = moment(&mut rng, drawn, now);
            let lines = w.draw_grant_list(p.id, policy_at)?;
            records += lines.len();
            for enterprise in lines {
                let Some(on) = later(&mut rng, drawn, 3..25, today) else { continue };
                let at = moment(&mut rng, on, now);
                let step = match rng.random_range(0..100_u32) {
                    0..93 => {
                        let amount = amount(&mut rng, p.kind, p.cap).unwrap_or_default();
                        DeliveryStep::Grant { on, amount, note: "按兑现名单直达企业账户".into() }
                    }
                    93..95 => {
                        DeliveryStep::Refuse { on, reason: "企业已迁出本市，不再列入兑现名单".into() }
                    }
                    _ => continue,
                };
                w.record_delivery_step(&record, enterprise, &step, handler, at)?;
            }
            continue;
        }
        for enterprise in w.qualifying_enterprises(p.id, today)? {
            if !rng.random_bool(0.45) {
                continue;
            }
            let span = (open_until - p.valid_from).get_days().max(1);
            let Some(delivered) = later(&mut rng, p.valid_from, 0..i64::from(span) + 1, open_until) else { continue };
            let (channel, note) = match rng.random_range(0..10_u32) {
                0..6 => (DeliveryChannel::Visit, VISIT_NOTES[rng.random_range(0..VISIT_NOTES.len())]),
                6..9 => (DeliveryChannel::Call, CALL_NOTES[rng.random_range(0..CALL_NOTES.len())]),
                _ => (DeliveryChannel::Online, "通过助企通平台推送政策解读和申报指南"),
            };
            let intention = match rng.random_range(0..20_u32) {
                0..13 => Intention::Apply,
                13..18 => Intention::Undecided,
                _ => Intention::Declined,
            };
            let cadre = cadres.get(&enterprise).copied().filter(|c| *c != 0).unwrap_or(city.dispatcher);
            let at = moment(&mut rng, delivered, now);
            let step = DeliveryStep::Deliver { on: delivered, channel, intention, note: note.into() };
            w.record_delivery_step(&record, enterprise, &step, cadre, at)?;
            records += 1;
            if intention != Intention::Apply || !rng.random_bool(0.75) {
                continue;
            }
            let Some(claimed) = later(&mut rng, delivered, 3..30, open_until) else { continue };
            let asked = amount(&mut rng, p.kind, p.cap);
            let at = moment(&mut rng, claimed, now);
            w.record_delivery_step(
                &record,
                enterprise,
                &DeliveryStep::Claim { on: claimed, amount: asked },
                cadre,
                at,
            )?;
            // The unit decides within two months; what it has not decided yet waits on its desk.
            let Some(decided) = later(&mut rng, claimed, 7..60, today) else { continue };
            let at = moment(&mut rng, decided, now);
            let step = if rng.random_bool(0.85) {
                let (amount, note) = match asked {
                    Some(a) => (a, "资金已拨付至企业对公账户"),
                    None => (Fen::default(), "已按政策落实"),
                };
                DeliveryStep::Grant { on: decided, amount, note: note.into() }
            } else {
                DeliveryStep::Refuse { on: decided, reason: REFUSALS[rng.random_range(0..REFUSALS.len())].into() }
            };
            w.record_delivery_step(&record, enterprise, &step, handler, at)?;
        }
    }
    Ok(records)
}
