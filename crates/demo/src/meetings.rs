//! The demo city's 重点工作周交办: a year of the city government's weekly meetings, each handing out about ten tasks
//! by area (seed 002: 经济运行, 项目建设, 营商环境优化, 民生重点事项, 安全稳定) to the city's units, and what became of
//! them — signed for, reported on, finished on time or late, judged 完成 at the next meeting or sent back as 未完成;
//! the latest meetings' tasks still open. Drawn from its own seeded generator: the appeals do not change with it, and
//! nothing is dated after `now`.

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zhuqi_domain::time::start_of_day;
use zhuqi_domain::{Action, Actor, RegionCode, Role, WorkingCalendar};
use zhuqi_store::{NewMeeting, NewTask, TaskDue, TaskRecord, Writer};

use crate::City;

/// (area, content, expected result): the lines of a meeting's list, as the office writes them.
const TASKS: [(&str, &str, &str); 30] = [
    (
        "经济运行",
        "开展规上工业企业运行监测，对产值下降10%以上的企业逐一上门了解原因、帮助解决问题",
        "月底前形成专题报告",
    ),
    ("经济运行", "协调银行机构对临期贷款企业开展续贷对接，确保不抽贷、不断贷、不压贷", "续贷对接全覆盖"),
    ("经济运行", "推进规下转规上培育，建立入库企业台账，逐企明确帮扶责任人", "新增入规企业不少于15家"),
    ("经济运行", "做好一季度“开门红”各项经济指标调度，每周通报各县（市、区）进展", "主要指标增速高于全省平均"),
    ("经济运行", "组织重点企业用工专场招聘会，帮助企业解决节后用工缺口", "帮助企业招工1000人以上"),
    ("经济运行", "落实稳外贸政策，帮助外贸企业办理出口退税和信用保险", "退税款按时足额到账"),
    ("项目建设", "推进省市重点项目开工，逐项目落实要素保障，对未开工项目挂图作战", "重点项目开工率达到90%"),
    ("项目建设", "协调解决港口物流园项目用地报批问题，加快办理土地预审和规划许可", "本月内完成用地报批"),
    ("项目建设", "开展“三个一批”项目督导，对签约未开工项目逐一分析原因", "形成问题清单并限期解决"),
    ("项目建设", "加快专项债券项目资金支付进度，督促项目单位及时报送支付凭证", "资金支付率达到70%以上"),
    ("项目建设", "推进食品产业园污水处理厂配套管网建设，确保按期通水", "管网主体完工"),
    ("项目建设", "做好重点项目季度观摩准备，梳理各县（市、区）拟观摩项目", "观摩方案报市政府审定"),
    ("营商环境优化", "梳理企业开办、工程建设项目审批等高频事项，推行“一件事一次办”", "新增集成办理事项10项"),
    ("营商环境优化", "清理拖欠民营企业和中小企业账款，建立台账、限期清偿", "按期清偿率100%"),
    ("营商环境优化", "开展涉企违规收费专项检查，对发现问题限期整改", "形成检查报告"),
    ("营商环境优化", "落实惠企政策直达快享，梳理已出台政策执行清单并逐项推送到企业", "政策知晓率明显提升"),
    ("营商环境优化", "推进“万人助万企”活动，督促助企干部对包联企业开展走访", "包联企业走访全覆盖"),
    ("营商环境优化", "优化水电气暖报装流程，压缩办理时限", "报装时限压缩三分之一"),
    ("民生重点事项", "推进老旧小区改造项目开工，做好居民沟通和施工组织", "年度改造任务开工率60%"),
    ("民生重点事项", "做好冬季供暖保障，督促热源企业储足燃料、排查管网隐患", "供暖平稳无重大投诉"),
    ("民生重点事项", "落实农民工工资支付保障制度，开展欠薪专项治理", "欠薪案件动态清零"),
    ("民生重点事项", "推进城乡居民医保参保缴费工作，逐乡镇通报进度", "参保率不低于95%"),
    ("民生重点事项", "做好重要农产品保供稳价，加强市场价格监测", "主要农产品价格基本稳定"),
    ("民生重点事项", "推进中心城区道路积水点改造，汛前完成主体工程", "积水点改造完成"),
    ("安全稳定", "开展安全生产大检查，重点排查危化品、燃气、建筑施工等领域隐患", "隐患整改闭环"),
    ("安全稳定", "做好涉企矛盾纠纷排查化解，对重点信访事项逐件落实包案领导", "化解率不低于90%"),
    ("安全稳定", "开展自建房安全专项整治，对经营性自建房逐栋排查", "排查全覆盖"),
    ("安全稳定", "加强森林防火和秸秆禁烧巡查，落实网格化责任", "不发生重大火情"),
    ("安全稳定", "开展食品安全专项检查，重点检查校园周边和农村集体聚餐", "检查覆盖率100%"),
    ("安全稳定", "做好节日期间安全防范和应急值守，确保重点时段平稳", "值班值守无缺位"),
];

const LEADERS: [&str; 5] = ["市长 王志宏", "常务副市长 刘建军", "副市长 陈静", "副市长 杨天明", "副市长 郭晓燕"];

/// How many meetings and tasks were written.
pub(crate) struct Written {
    pub meetings: usize,
    pub tasks: usize,
}

/// At `hour` o'clock Beijing time on `day`, or `None` past `now`.
pub(crate) fn at(day: Date, hour: i64, now: Timestamp) -> anyhow::Result<Option<Timestamp>> {
    let t = start_of_day(day).ok_or_else(|| anyhow::anyhow!("date out of range"))?.checked_add(hour.hours())?;
    Ok((t <= now).then_some(t))
}

pub(crate) fn write(
    w: &mut Writer<'_>,
    seed: u64,
    city: &City,
    cal: &WorkingCalendar,
    today: Date,
    now: Timestamp,
) -> anyhow::Result<Written> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6d65_6574_696e_6773);
    let units: Vec<(i64, i64)> =
        city.units.iter().filter(|u| u.region == "411600").map(|u| (u.id, u.handler)).collect();
    let office = Actor::user(city.office, Role::Office);
    let region = RegionCode::parse("411600")?;
    // Mondays of the last 52 weeks, oldest first; a Monday off work moves the meeting to the next working day of its
    // week, and a week without one (the Spring Festival) has no meeting.
    let mut monday = today;
    while monday.weekday() != Weekday::Monday {
        monday = monday.yesterday()?;
    }
    let mut meetings = Vec::new();
    for week in (0..52).rev() {
        let mut day = monday.checked_sub((7 * week).days())?;
        let next_week = day.checked_add(7.days())?;
        while !cal.is_working_day(day) && day < next_week {
            day = day.tomorrow()?;
        }
        if day < next_week && day <= today {
            meetings.push(day);
        }
    }
    let mut written = Written { meetings: 0, tasks: 0 };
    let mut numbers_in_year = std::collections::BTreeMap::new();
    for (i, held_on) in meetings.iter().enumerate() {
        let Some(recorded) = at(*held_on, 10, now)? else { continue };
        let n = numbers_in_year.entry(held_on.year()).or_insert(0);
        *n += 1;
        let meeting = w.create_meeting(
            &NewMeeting {
                region: region.clone(),
                title: format!("市政府{}年第{}次重点工作周交办会议", held_on.year(), n),
                held_on: *held_on,
                chair: LEADERS[0].to_owned(),
                attendees: "市政府领导班子成员，市政府秘书长、副秘书长，各县（市、区）政府和市直有关单位主要负责同志"
                    .to_owned(),
            },
            Some(city.office),
            recorded,
        )?;
        written.meetings += 1;
        // A later meeting judges what this one handed out: the first one after the task was reported done.
        let later = &meetings[i + 1..];
        for _ in 0..rng.random_range(8..=12) {
            let (area, content, expected) = *TASKS.choose(&mut rng).ok_or_else(|| anyhow::anyhow!("no tasks"))?;
            let (unit, handler) = *units.choose(&mut rng).ok_or_else(|| anyhow::anyhow!("no city units"))?;
            let due = cal.add_working_days(*held_on, rng.random_range(4..=15));
            // One task in three has a unit to work with the lead unit (配合单位).
            let co_unit_ids = match units.choose(&mut rng) {
                Some((co, _)) if *co != unit && rng.random_range(0..3) == 0 => vec![*co],
                _ => Vec::new(),
            };
            let new = NewTask {
                meeting_id: meeting.id,
                area: area.to_owned(),
                content: content.to_owned(),
                leader: LEADERS.choose(&mut rng).copied().unwrap_or(LEADERS[1]).to_owned(),
                expected: expected.to_owned(),
                unit_id: unit,
                co_unit_ids,
                due: TaskDue::On(due),
            };
            let task = w.create_task(&new, office, recorded)?;
            written.tasks += 1;
            let unit_actor = Actor::user(handler, Role::Handler);
            work(w, &mut rng, cal, task, (unit_actor, office), (*held_on, due, later), now)?;
        }
    }
    Ok(written)
}

/// What a unit did with a task and how the office judged it, as far as `now`.
fn work(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    cal: &WorkingCalendar,
    mut task: TaskRecord,
    (unit, office): (Actor, Actor),
    (held_on, due, later): (Date, Date, &[Date]),
    now: Timestamp,
) -> anyhow::Result<()> {
    // Signed for the next working day, one in ten two days late.
    let sign_day = cal.add_working_days(held_on, if rng.random_range(0..10) == 0 { 3 } else { 1 });
    let Some(t) = at(sign_day, 9, now)? else { return Ok(()) };
    task = w.apply_task(&task, unit, Action::Acknowledge, t)?;
    let progress_day = cal.add_working_days(sign_day, 2);
    let Some(t) = at(progress_day, 16, now)? else { return Ok(()) };
    let progress = "已召开专题推进会，明确责任分工和时间节点，正在按计划推进。";
    task = w.apply_task(&task, unit, Action::Reply { text: progress.to_owned() }, t)?;
    // Finished by the due date in four cases of five, up to five working days late otherwise.
    let late = if rng.random_range(0..5) == 0 { rng.random_range(1..=5) } else { 0 };
    let done_day = if late > 0 { cal.add_working_days(due, late) } else { due.yesterday()? }.max(progress_day);
    let Some(t) = at(done_day, 17, now)? else { return Ok(()) };
    let report = "已按要求完成，相关情况已形成书面报告报市政府办公室。";
    task = w.apply_task(&task, unit, Action::Answer { text: report.to_owned() }, t)?;
    // Judged at the first meeting after it was reported done; one in eight sent back as 未完成, reported again within
    // a week and judged at the meeting after that.
    let mut reported = done_day;
    let mut late = late > 0;
    for round in 0..2 {
        let Some(judged_on) = later.iter().copied().find(|m| *m > reported) else { return Ok(()) };
        let Some(t) = at(judged_on, 11, now)? else { return Ok(()) };
        if round == 0 && rng.random_range(0..8) == 0 {
            let reason = "工作成效未达到预期，请继续推进并在下次会议前报告。";
            task = w.apply_task(&task, office, Action::Reject { reason: reason.to_owned() }, t)?;
            let Some(t) = at(cal.add_working_days(judged_on, 1), 9, now)? else { return Ok(()) };
            task = w.apply_task(&task, unit, Action::Acknowledge, t)?;
            reported = cal.add_working_days(judged_on, rng.random_range(2..=5));
            let Some(t) = at(reported, 17, now)? else { return Ok(()) };
            let again = "已按会议要求补充落实，剩余问题全部解决。";
            task = w.apply_task(&task, unit, Action::Answer { text: again.to_owned() }, t)?;
            late = true;
            continue;
        }
        let comment = if late { "逾期完成" } else { "按期完成" };
        w.apply_task(&task, office, Action::Confirm { rating: None, comment: comment.to_owned() }, t)?;
        return Ok(());
    }
    Ok(())
}
