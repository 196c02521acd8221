//! The demo city's 非公企业多元解纷 (seed 002): a workstation in each of ten counties with its staff and three
//! 法治护航员, each county's court mediation centre, the city's arbitration commission, and about 1,600 cases over the
//! past year — transferred mostly to mediators, some to the court, arbitration or the labour bureau; mediated in one
//! to three sessions; about four in five mediated successfully; most evaluated by the enterprise. Drawn from its own
//! seeded generator (nothing else in the demo changes with it), and nothing is dated after `now`.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zhuqi_domain::dispute::{DISPUTE_TYPES, Forum, Outcome};
use zhuqi_domain::time::local_date;
use zhuqi_domain::{Action, Actor, DeadlinePolicy, Fen, Role, Stars, WorkingCalendar};
use zhuqi_store::{DisputeRecord, NewDispute, Writer};

use crate::{City, Users, code, corpus, person};

/// Cases in the past year, over the ten counties.
const CASES: usize = 1_600;

/// The other party, by type: who enterprises fall out with.
const OTHER_PARTIES: [&str; 12] = [
    "周口市恒达建筑工程有限公司",
    "河南鑫源商贸有限公司",
    "郑州万通物流有限公司",
    "商丘市宏发建材有限公司",
    "周口市农村商业银行某支行",
    "李某等12名员工",
    "张某（个体工商户）",
    "安徽阜阳金穗粮油贸易有限公司",
    "周口市城区供热有限公司",
    "河南中原智能装备有限公司",
    "刘某（原股东）",
    "周口市某物业管理有限公司",
];

/// What a workstation writes down, by type.
fn facts(dispute_type: &str) -> &'static str {
    match dispute_type {
        "合同纠纷" => {
            "双方签订供货合同后，对方以质量异议为由拒付尾款，企业认为已按约交付并经验收，协商未果申请调解。"
        }
        "买卖纠纷" => "企业向对方供应原材料，对方收货后拖延付款近半年，多次催收无果，企业资金周转困难。",
        "借贷纠纷" => "企业与对方约定借款用于生产周转，到期后对方以经营困难为由未按期归还本息。",
        "工程款纠纷" => "企业厂房工程竣工验收后，双方对工程量和结算价款存在争议，尚欠工程款未付。",
        "劳动争议" => "员工离职后主张加班费和经济补偿，双方对工时和工资构成认定存在分歧。",
        "租赁纠纷" => "企业租赁厂房期间，出租方以土地用途调整为由要求提前解除合同，企业主张装修和搬迁损失。",
        "知识产权纠纷" => "企业发现对方产品包装与本企业注册商标近似，要求停止使用并赔偿损失。",
        "股权纠纷" => "原股东退出时约定的股权转让款未按期支付，双方对公司资产估值存在争议。",
        "侵权纠纷" => "相邻企业施工造成本企业围墙和设备损坏，双方对损失金额协商不成。",
        _ => "双方因业务往来产生争议，企业申请工作站居中调解。",
    }
}

/// A type, weighted as the workstations see them: contracts, sales and construction money first.
fn pick_type(rng: &mut ChaCha8Rng) -> &'static str {
    const WEIGHTS: [u32; 10] = [22, 18, 10, 16, 14, 6, 3, 3, 4, 4];
    let mut n = rng.random_range(0..WEIGHTS.iter().sum::<u32>());
    for (t, w) in DISPUTE_TYPES.iter().zip(WEIGHTS) {
        if n < w {
            return t;
        }
        n -= w;
    }
    DISPUTE_TYPES[0]
}

/// A county's workstation and who works there.
struct Station {
    id: i64,
    region: &'static str,
    staff: i64,
    mediators: Vec<i64>,
    /// The county court's mediation centre (诉调对接中心) and its clerk.
    court: (i64, i64),
}

/// How many cases were written.
pub(crate) struct Written {
    pub cases: usize,
}

pub(crate) fn write(
    w: &mut Writer<'_>,
    seed: u64,
    city: &City,
    users: &mut Users,
    cal: &WorkingCalendar,
    today: Date,
    now: Timestamp,
) -> anyhow::Result<Written> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6469_7370_7574_6573);
    let counties: Vec<&corpus::RegionSeed> =
        corpus::REGIONS.iter().filter(|r| r.parent == Some(corpus::CITY) && !r.code.starts_with("41167")).collect();
    let mut stations = Vec::new();
    for (i, county) in counties.iter().take(10).enumerate() {
        let region = code(county.code)?;
        let id = w.insert_unit(&format!("{}非公企业多元解纷工作站", county.name), &region)?;
        let login = i == 0;
        let staff_name = format!("{}工商联 {}", county.name, person(&mut rng));
        let username = if login { "jiufen".to_owned() } else { format!("jf{:02}", i + 1) };
        let staff = users.add(w, username, &staff_name, Role::Workstation, Some(&region), Some(id), None, login)?;
        let mut mediators = Vec::new();
        for k in 0..3 {
            let login = i == 0 && k == 0;
            let username = if login { "tiaojie".to_owned() } else { format!("tj{:02}{k}", i + 1) };
            let who = format!("法治护航员 {}（律师）", person(&mut rng));
            mediators.push(users.add(w, username, &who, Role::Mediator, Some(&region), Some(id), None, login)?);
        }
        let court = w.insert_unit(&format!("{}人民法院诉调对接中心", county.name), &region)?;
        let clerk_name = format!("{}人民法院 {}", county.name, person(&mut rng));
        let clerk = users.add(
            w,
            format!("fy{:02}", i + 1),
            &clerk_name,
            Role::Handler,
            Some(&region),
            Some(court),
            None,
            false,
        )?;
        stations.push(Station { id, region: county.code, staff, mediators, court: (court, clerk) });
    }
    let city_code = code(corpus::CITY)?;
    let arbitration = w.insert_unit("周口仲裁委员会", &city_code)?;
    let arbitrator = users.add(
        w,
        "zc01",
        "周口仲裁委员会 立案庭",
        Role::Handler,
        Some(&city_code),
        Some(arbitration),
        None,
        false,
    )?;
    // Wage and labour cases may go to the labour bureau (劳动人事争议仲裁院 sits within it).
    let labour = city
        .units
        .iter()
        .find(|u| u.region == corpus::CITY && u.categories.contains(&"labor"))
        .map(|u| (u.id, u.handler));

    // 复杂事项 (30 working days): mediation rarely ends within 13710's seven.
    let complex = city.policies.iter().find(|p| p.code == "complex").cloned().unwrap_or_else(DeadlinePolicy::standard);
    let start = today.checked_sub(365.days())?;
    let mut written = Written { cases: 0 };
    let mut recorded_days: Vec<Date> =
        (0..CASES).map(|_| start.checked_add(rng.random_range(0..365i64).days())).collect::<Result<_, _>>()?;
    recorded_days.sort();
    for day in recorded_days {
        let station = stations.choose(&mut rng).ok_or_else(|| anyhow::anyhow!("no workstations"))?;
        let local: Vec<_> = city.enterprises.iter().filter(|e| e.region == station.region).collect();
        let Some(enterprise) = local.choose(&mut rng) else { continue };
        let Some(recorded) = crate::meetings::at(day, rng.random_range(9..17), now)? else { continue };
        let dispute_type = pick_type(&mut rng);
        // Log-uniform from 1万 to 500万元: most cases small, a few large; about 13亿元 over the year.
        let yuan = (10_000f64 * 500f64.powf(rng.random_range(0.0..1.0))).round() as i64;
        let new = new_case(&mut rng, enterprise.id, dispute_type, yuan)?;
        let staff = Actor::user(station.staff, Role::Workstation);
        let case = w.create_dispute(&new, station.id, staff, recorded)?;
        written.cases += 1;
        // Where it goes: a mediator in most cases; the court, arbitration or the labour bureau in the rest.
        let (forum, unit, holder) = match rng.random_range(0..100) {
            0..72 => {
                let m = *station.mediators.choose(&mut rng).ok_or_else(|| anyhow::anyhow!("no mediators"))?;
                (Forum::Mediator, (station.id, Some(m)), Actor::user(m, Role::Mediator))
            }
            72..86 => (Forum::Court, (station.court.0, None), Actor::user(station.court.1, Role::Handler)),
            86..92 => (Forum::Arbitration, (arbitration, None), Actor::user(arbitrator, Role::Handler)),
            _ => match (dispute_type, labour) {
                ("劳动争议", Some((unit, handler))) => {
                    (Forum::Unit, (unit, None), Actor::user(handler, Role::Handler))
                }
                _ => (Forum::Court, (station.court.0, None), Actor::user(station.court.1, Role::Handler)),
            },
        };
        let transfer = Action::Transfer {
            forum,
            unit_id: unit.0,
            mediator_id: unit.1,
            category: dispute_type.to_owned(),
            policy: complex.clone(),
        };
        let enterprise = Actor::user(enterprise.user, Role::Enterprise);
        mediate(w, &mut rng, cal, case, (staff, holder, enterprise), transfer, yuan, now)?;
    }
    // The signed-in station's newest cases, taken in over the last two days, wait to be classified and transferred:
    // its desk (待分流) opens on work.
    if let Some(station) = stations.first() {
        let local: Vec<_> = city.enterprises.iter().filter(|e| e.region == station.region).collect();
        for (days_ago, hour) in [(2, 10), (1, 9), (1, 15)] {
            let Some(enterprise) = local.choose(&mut rng) else { break };
            let Some(recorded) = crate::meetings::at(today.checked_sub(days_ago.days())?, hour, now)? else { continue };
            let dispute_type = pick_type(&mut rng);
            let yuan = rng.random_range(20..300) * 10_000;
            let new = new_case(&mut rng, enterprise.id, dispute_type, yuan)?;
            w.create_dispute(&new, station.id, Actor::user(station.staff, Role::Workstation), recorded)?;
            written.cases += 1;
        }
    }
    Ok(written)
}

/// A case of `enterprise_id` against one of the usual other parties, as the workstation records it.
fn new_case(rng: &mut ChaCha8Rng, enterprise_id: i64, dispute_type: &str, yuan: i64) -> anyhow::Result<NewDispute> {
    Ok(NewDispute {
        enterprise_ids: vec![enterprise_id],
        other_party: OTHER_PARTIES.choose(rng).copied().unwrap_or(OTHER_PARTIES[0]).to_owned(),
        dispute_type: dispute_type.to_owned(),
        amount: Fen::new(yuan * 100)?,
        facts: facts(dispute_type).to_owned(),
    })
}

/// A case's life after it was recorded, as far as `now`.
#[allow(clippy::too_many_arguments)]
fn mediate(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    cal: &WorkingCalendar,
    mut case: DisputeRecord,
    (staff, holder, enterprise): (Actor, Actor, Actor),
    transfer: Action,
    yuan: i64,
    now: Timestamp,
) -> anyhow::Result<()> {
    let recorded = case.state.created_at;
    let step = |rng: &mut ChaCha8Rng, from: Timestamp, min: u32, max: u32| {
        let t = crate::life::later(rng, cal, from, min, max);
        (t <= now).then_some(t)
    };
    let Some(t) = step(rng, recorded, 0, 1) else { return Ok(()) };
    case = w.apply_dispute(&case, staff, transfer, t)?;
    let Some(mut t) = step(rng, t, 0, 1) else { return Ok(()) };
    case = w.apply_dispute(&case, holder, Action::Acknowledge, t)?;
    // One applicant in twenty-five withdraws before mediation ends.
    if rng.random_range(0..25) == 0 {
        let Some(t) = step(rng, t, 1, 6) else { return Ok(()) };
        let reason = "双方已自行协商解决，申请人撤回调解申请。".to_owned();
        w.apply_dispute(&case, staff, Action::Withdraw { reason }, t)?;
        return Ok(());
    }
    for session in 1..=rng.random_range(1..=3) {
        let Some(next) = step(rng, t, 2, 6) else { return Ok(()) };
        t = next;
        let text =
            format!("第{session}次调解：组织双方到工作站面对面沟通，听取双方意见，释法析理，核对争议事实和金额。");
        case = w.apply_dispute(&case, holder, Action::Reply { text }, t)?;
    }
    let Some(t) = step(rng, t, 1, 5) else { return Ok(()) };
    let (outcome, agreed, text) = match rng.random_range(0..100) {
        0..80 => {
            let share = rng.random_range(60..=100);
            let agreed = Fen::new(yuan * share)?;
            (Outcome::Mediated, Some(agreed), "双方达成调解协议，约定分期履行，已引导当事人申请司法确认。")
        }
        80..91 => (Outcome::Failed, None, "双方分歧较大，经多次调解未能达成一致，已告知当事人通过其他途径解决。"),
        _ => (Outcome::Litigation, None, "调解不成，当事人选择提起诉讼，已协助其做好诉讼材料准备并对接立案。"),
    };
    case = w.apply_dispute(&case, holder, Action::Conclude { outcome, agreed, text: text.to_owned() }, t)?;
    // Seven in ten enterprises evaluate within a few days; the others' cases close by themselves after five
    // working days, without a rating.
    if rng.random_range(0..10) < 7 {
        let Some(t) = step(rng, t, 0, 3) else { return Ok(()) };
        let stars = match outcome {
            Outcome::Mediated => rng.random_range(4..=5),
            _ => rng.random_range(3..=5),
        };
        let rating = Some(Stars::new(stars)?);
        w.apply_dispute(&case, enterprise, Action::Confirm { rating, comment: String::new() }, t)?;
    } else {
        let due = cal.add_working_days(local_date(t), zhuqi_domain::AUTO_CLOSE_AFTER);
        let Some(t) = crate::meetings::at(due, 1, now)? else { return Ok(()) };
        w.apply_dispute(&case, Actor::system(), Action::AutoClose, t)?;
    }
    Ok(())
}
