//! The life of each demo appeal, lived through the real state machine: a fate is drawn (most are solved and rated,
//! some are returned, extended, paused, reopened, merged, withdrawn or invalid), its steps are taken at plausible
//! working-hour times, and the escalation ladder runs every working morning as the server's job would. Steps that
//! would fall after "now" are not taken, so recent appeals are still open, some of them late.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::RngExt;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use zhuqi_domain::time::{local_date, start_of_day};
use zhuqi_domain::{Action, Actor, Appeal, Channel, EscalationLadder, Event, Fen, Level, Role, Stars, WorkingCalendar};
use zhuqi_store::NewAppeal;

use super::{City, Enterprise, Unit, corpus};

/// When the `count` appeals of the twelve months before `now` were submitted, oldest first (so numbers follow
/// submission order); `appeals_at` makes them.
pub(super) fn submission_times(
    rng: &mut ChaCha8Rng,
    cal: &WorkingCalendar,
    now: Timestamp,
    count: usize,
) -> Vec<Timestamp> {
    let first_day = local_date(now).checked_sub(365.days()).unwrap_or(local_date(now));
    let mut submissions: Vec<Timestamp> = (0..count)
        .map(|_| {
            // Problems are raised on working days, mostly; a few on weekends through the web portal.
            let mut day = first_day.checked_add(rng.random_range(0..=365i64).days()).unwrap_or(first_day);
            while !cal.is_working_day(day) && rng.random_bool(0.8) {
                day = day.tomorrow().unwrap_or(day);
            }
            at_working_hours(rng, day)
        })
        .filter(|t| *t <= now)
        .collect();
    submissions.sort();
    submissions
}

/// The appeals submitted at `times`, each made as it is taken (a province's ten million are never all in memory).
pub(super) fn appeals_at<'a>(
    rng: &'a mut ChaCha8Rng,
    city: &'a City,
    cal: &'a WorkingCalendar,
    now: Timestamp,
    times: &'a [Timestamp],
) -> impl Iterator<Item = (NewAppeal, Vec<Event>)> + 'a {
    let ladder = EscalationLadder::default();
    times.iter().map(move |t| one_appeal(rng, city, cal, &ladder, now, *t))
}

fn at_working_hours(rng: &mut ChaCha8Rng, day: Date) -> Timestamp {
    let minute = rng.random_range(8 * 60 + 30..17 * 60 + 30);
    start_of_day(day).and_then(|t| t.checked_add(i64::from(minute).minutes()).ok()).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An instant `min..=max` working days after `from`, in working hours, and never before `from`.
pub(super) fn later(rng: &mut ChaCha8Rng, cal: &WorkingCalendar, from: Timestamp, min: u32, max: u32) -> Timestamp {
    let days = rng.random_range(min..=max);
    let at = at_working_hours(rng, cal.add_working_days(local_date(from), days));
    if at > from { at } else { from.checked_add(rng.random_range(10..180i64).minutes()).unwrap_or(from) }
}

/// One appeal's life so far: its state, its history, and the demo's "now".
struct Life<'a> {
    cal: &'a WorkingCalendar,
    ladder: &'a EscalationLadder,
    now: Timestamp,
    state: Appeal,
    events: Vec<Event>,
}

impl Life<'_> {
    /// Takes the step if it falls before now, after every escalation the ladder would have taken until then.
    fn act(&mut self, at: Timestamp, actor: Actor, action: Action) -> bool {
        if at > self.now {
            return false;
        }
        self.escalate_until(at);
        self.push(at, actor, action)
    }

    fn push(&mut self, at: Timestamp, actor: Actor, action: Action) -> bool {
        let at = at.max(self.state.updated_at);
        let event = Event { seq: self.state.version + 1, at, actor, action };
        match self.state.apply(&event) {
            Ok(next) => {
                self.state = next;
                self.events.push(event);
                true
            }
            Err(_) => false,
        }
    }

    /// The ladder runs at 09:00 of every working day while the unit holds the item.
    fn escalate_until(&mut self, until: Timestamp) {
        let mut day = local_date(self.state.updated_at);
        while self.state.status.is_with_unit() {
            let Ok(next) = day.tomorrow() else { break };
            day = next;
            let Some(nine) = start_of_day(day).and_then(|t| t.checked_add(9.hours()).ok()) else { break };
            if nine > until {
                break;
            }
            if self.cal.is_working_day(day) {
                for action in self.state.due_escalations(self.cal, self.ladder, day) {
                    self.push(nine, Actor::system(), action);
                }
            }
        }
    }
}

pub(super) fn stars(rng: &mut ChaCha8Rng) -> Stars {
    let roll = rng.random_range(0..100);
    let n = match roll {
        0..=79 => 5,
        80..=91 => 4,
        92..=96 => 3,
        97..=98 => 2,
        _ => 1,
    };
    Stars::new(n).unwrap_or_else(|_| unreachable!("1..=5"))
}

pub(super) fn comment(rng: &mut ChaCha8Rng, stars: Stars) -> String {
    let fitting: Vec<&str> =
        corpus::RATING_COMMENTS.iter().filter(|(s, _)| *s == stars.get()).map(|(_, c)| *c).collect();
    if rng.random_bool(0.3) { String::new() } else { fitting.choose(rng).map(|c| (*c).to_owned()).unwrap_or_default() }
}

pub(super) fn pick<'a>(rng: &mut ChaCha8Rng, list: &'a [&'a str]) -> String {
    list.choose(rng).map(|s| (*s).to_owned()).unwrap_or_else(|| "见附件".to_owned())
}

/// The unit that takes a problem of `category` for an enterprise: a unit of its own county when there is one (县区级),
/// else a city unit (市级).
fn route<'c>(
    rng: &mut ChaCha8Rng,
    city: &'c City,
    category: &str,
    ent: &Enterprise,
    not: Option<i64>,
) -> (&'c Unit, Level) {
    let takes = |u: &&Unit| u.categories.contains(&category) && Some(u.id) != not;
    let county: Vec<&Unit> = city.units.iter().filter(takes).filter(|u| u.region == ent.region).collect();
    if !county.is_empty()
        && rng.random_bool(0.6)
        && let Some(u) = county.choose(rng)
    {
        return (u, Level::County);
    }
    let city_units: Vec<&Unit> = city.units.iter().filter(takes).filter(|u| u.region == corpus::CITY).collect();
    let unit = city_units.choose(rng).copied().or_else(|| city.units.iter().find(|u| Some(u.id) != not));
    (unit.unwrap_or(&city.units[0]), Level::City)
}

/// One in eight items is assigned with a co-handling unit (协办): another city unit that handles the same kind of
/// problem.
fn co_units(rng: &mut ChaCha8Rng, city: &City, category: &str, lead: &Unit) -> Vec<i64> {
    if !rng.random_bool(0.125) {
        return Vec::new();
    }
    let others: Vec<&Unit> = city
        .units
        .iter()
        .filter(|u| u.id != lead.id && u.region == corpus::CITY && u.categories.contains(&category))
        .collect();
    others.choose(rng).map(|u| vec![u.id]).unwrap_or_default()
}

fn one_appeal(
    rng: &mut ChaCha8Rng,
    city: &City,
    cal: &WorkingCalendar,
    ladder: &EscalationLadder,
    now: Timestamp,
    submitted: Timestamp,
) -> (NewAppeal, Vec<Event>) {
    let ent = &city.enterprises[rng.random_range(0..city.enterprises.len())];
    let template = &corpus::PROBLEMS[rng.random_range(0..corpus::PROBLEMS.len())];
    let amount_wan = template.amount_wan.map(|(lo, hi)| rng.random_range(lo..=hi));
    let description = template
        .description
        .replace("{amount}", &amount_wan.map(|a| a.to_string()).unwrap_or_default())
        .replace("{county}", ent.county);
    let channel = match rng.random_range(0..100) {
        0..=54 => Channel::CadreVisit,
        55..=89 => Channel::Web,
        90..=97 => Channel::Phone,
        _ => Channel::Import,
    };
    let enterprise = Actor::user(ent.user, Role::Enterprise);
    let dispatcher = Actor::user(city.dispatcher, Role::Dispatcher);
    let creator = match channel {
        Channel::CadreVisit => Actor::user(ent.cadre, Role::Cadre),
        Channel::Web => enterprise,
        Channel::Phone => dispatcher,
        Channel::Import => Actor::system(),
    };
    let draft = channel == Channel::Web && rng.random_bool(0.005);
    let new = NewAppeal {
        enterprise_id: ent.id,
        channel,
        category: template.category.to_owned(),
        title: template.title.to_owned(),
        description,
        amount: amount_wan.and_then(|w| Fen::new(i64::from(w) * 1_000_000).ok()),
        draft,
    };
    let create = Event {
        seq: 1,
        at: submitted,
        actor: creator,
        action: Action::Create { category: new.category.clone(), draft },
    };
    let Ok(state) = Appeal::create(&create) else { return (new, vec![create]) };
    let mut life = Life { cal, ladder, now, state, events: vec![create] };
    if !draft {
        live(rng, city, ent, &new.category, &mut life, submitted);
    }
    life.escalate_until(now);
    (new, life.events)
}

/// Takes the steps of one fate until it ends or reaches "now".
fn live(rng: &mut ChaCha8Rng, city: &City, ent: &Enterprise, category: &str, life: &mut Life, submitted: Timestamp) {
    let cal = life.cal;
    let enterprise = Actor::user(ent.user, Role::Enterprise);
    let dispatcher = Actor::user(city.dispatcher, Role::Dispatcher);
    let mut t = later(rng, cal, submitted, 0, 1);
    let fate = rng.random_range(0..1000);
    match fate {
        0..=19 => {
            life.act(t, dispatcher, Action::RejectInvalid { reason: pick(rng, corpus::INVALID_REASONS) });
            return;
        }
        20..=34 => {
            life.act(t, enterprise, Action::Withdraw { reason: pick(rng, corpus::WITHDRAW_REASONS) });
            return;
        }
        35..=64 => {
            let same: Vec<i64> = city.common_issues.iter().filter(|(_, c)| *c == category).map(|(id, _)| *id).collect();
            if let Some(id) = same.choose(rng) {
                life.act(t, dispatcher, Action::Merge { common_issue_id: *id });
                return;
            }
        }
        _ => {}
    }
    let policy = match rng.random_range(0..100) {
        0..=84 => city.policies[0].clone(),
        85..=89 => city.policies[1].clone(),
        _ => city.policies[2].clone(),
    };
    let (mut unit, level) = route(rng, city, category, ent, None);
    let assign = |unit: &Unit, level, co_unit_ids| Action::Assign {
        unit_id: unit.id,
        co_unit_ids,
        level,
        category: category.to_owned(),
        policy: policy.clone(),
    };
    let co = co_units(rng, city, category, unit);
    if !life.act(t, dispatcher, assign(unit, level, co)) {
        return;
    }
    let late = |rng: &mut ChaCha8Rng, p: f64| rng.random_bool(p);
    // 6%: the unit returns it as not its business, and the office sends it elsewhere.
    if rng.random_bool(0.06) {
        t = later(rng, cal, t, 0, 1);
        let handler = Actor::user(unit.handler, Role::Handler);
        if !life.act(t, handler, Action::Return { reason: pick(rng, corpus::RETURN_REASONS) }) {
            return;
        }
        let (other, level) = route(rng, city, category, ent, Some(unit.id));
        unit = other;
        t = later(rng, cal, t, 0, 1);
        let co = co_units(rng, city, category, unit);
        if !life.act(t, dispatcher, assign(unit, level, co)) {
            return;
        }
    }
    let handler = Actor::user(unit.handler, Role::Handler);
    t = if late(rng, 0.12) { later(rng, cal, t, 2, 5) } else { later(rng, cal, t, 0, 1) };
    if !life.act(t, handler, Action::Acknowledge) {
        return;
    }
    if rng.random_bool(0.01) {
        t = later(rng, cal, t, 1, 3);
        life.act(t, enterprise, Action::Withdraw { reason: pick(rng, corpus::WITHDRAW_REASONS) });
        return;
    }
    if rng.random_bool(0.7) {
        t = later(rng, cal, t, 0, u32::from(policy.reply).max(1));
        let text = "已与企业负责人电话沟通，了解具体诉求，正在协调办理，将按时限反馈结果。".to_owned();
        if !life.act(t, handler, Action::Reply { text }) {
            return;
        }
    }
    if rng.random_bool(0.03) {
        let leader = Actor::user(city.leader, Role::Leader);
        let text = "请市直有关部门密切配合，加快办理进度，确保问题按期解决。".to_owned();
        life.act(later(rng, cal, t, 0, 1), leader, Action::Instruct { text });
        t = life.state.updated_at;
    }
    if rng.random_bool(0.09) {
        t = later(rng, cal, t, 0, 2);
        if !life.act(t, handler, Action::RequestMaterial { what: pick(rng, corpus::MATERIAL_REQUESTS) }) {
            return;
        }
        t = later(rng, cal, t, 1, 6);
        let text = "已按要求补充上传相关材料，请审核。".to_owned();
        if !life.act(t, enterprise, Action::SupplyMaterial { text }) {
            return;
        }
    }
    if rng.random_bool(0.08) {
        t = later(rng, cal, t, 1, 3);
        let days = rng.random_range(3..=10);
        if !life.act(t, handler, Action::RequestExtension { days, reason: pick(rng, corpus::EXTENSION_REASONS) }) {
            return;
        }
        t = later(rng, cal, t, 0, 1);
        let decision = if rng.random_bool(0.75) {
            Action::ApproveExtension
        } else {
            Action::RefuseExtension { reason: "该事项不符合延期条件，请按原时限办结。".into() }
        };
        if !life.act(t, dispatcher, decision) {
            return;
        }
    }
    let resolve = u32::from(policy.resolve).max(1);
    t = if late(rng, 0.18) { later(rng, cal, t, resolve, resolve + 8) } else { later(rng, cal, t, 0, resolve / 2 + 1) };
    let template_answer = corpus::PROBLEMS.iter().find(|p| p.category == category).map(|p| p.answer);
    let answer = template_answer.unwrap_or("经协调，问题已解决。").to_owned();
    if !life.act(t, handler, Action::Answer { text: answer.clone() }) {
        return;
    }
    respond(rng, life, enterprise, handler, t, &answer, 0);
}

/// The enterprise confirms and rates, rejects (and the unit answers again), or stays silent until auto-close.
fn respond(
    rng: &mut ChaCha8Rng,
    life: &mut Life,
    enterprise: Actor,
    handler: Actor,
    answered: Timestamp,
    answer: &str,
    round: u8,
) {
    let cal = life.cal;
    let roll = rng.random_range(0..100);
    if roll < 8 && round == 0 {
        let t = later(rng, cal, answered, 0, 3);
        if !life.act(t, enterprise, Action::Reject { reason: pick(rng, corpus::REJECT_REASONS) }) {
            return;
        }
        let t = later(rng, cal, t, 0, 2);
        if !life.act(t, handler, Action::Acknowledge) {
            return;
        }
        let t = later(rng, cal, t, 1, 9);
        let text = format!("经重新办理：{answer}");
        if life.act(t, handler, Action::Answer { text }) {
            respond(rng, life, enterprise, handler, t, answer, round + 1);
        }
    } else if roll < 90 {
        let t = later(rng, cal, answered, 0, 4);
        let rating = stars(rng);
        let comment = comment(rng, rating);
        life.act(t, enterprise, Action::Confirm { rating: Some(rating), comment });
    } else {
        // Silent: the server closes it as confirmed five working days after the answer, at 09:00.
        let day = cal.add_working_days(local_date(answered), 5);
        if let Some(nine) = start_of_day(day).and_then(|t| t.checked_add(9.hours()).ok()) {
            life.act(nine, Actor::system(), Action::AutoClose);
        }
    }
}
