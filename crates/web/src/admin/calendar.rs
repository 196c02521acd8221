//! The working-day calendar (SPEC §4): the years loaded, each with its holidays and make-up working days (调休上班), and
//! a form to load a year from the State Council's notice — what `zhuqi calendar load` does from a file. Loading a year
//! recomputes the due dates of open appeals in the same transaction; a refused form names the line that is wrong.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use zhuqi_domain::CalendarYear;
use zhuqi_domain::calendar::Holiday;
use zhuqi_store::{Store, StoreError};

use super::super::csrf::Checked;
use super::super::page::{PageResult, Shell, Viewer, chinese, render_with};
use super::{CONFIG_ROLES, Errors};

/// The name given to a holiday line that names none.
const UNNAMED: &str = "节假日";

#[derive(Debug, Default, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    holidays: String,
    #[serde(default)]
    workdays: String,
}

pub struct HolidayRow {
    pub name: String,
    pub from: String,
    pub to: String,
    pub days: i32,
}

pub struct YearView {
    pub year: i16,
    pub source: String,
    pub holidays: Vec<HolidayRow>,
    /// "2027-02-07（周日）"
    pub workdays: Vec<String>,
    pub off_days: i32,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    shell: Shell,
    years: Vec<YearView>,
    typed: YearForm,
    errors: Errors,
    flash: Option<String>,
    /// The year typed is loaded already and would be replaced.
    replaces: bool,
}

fn weekday(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "周一",
        Weekday::Tuesday => "周二",
        Weekday::Wednesday => "周三",
        Weekday::Thursday => "周四",
        Weekday::Friday => "周五",
        Weekday::Saturday => "周六",
        Weekday::Sunday => "周日",
    }
}

fn span(h: &Holiday) -> i32 {
    i32::try_from(h.from.series(jiff::ToSpan::days(1)).take_while(|d| *d <= h.to).count()).unwrap_or(0)
}

fn view(y: &CalendarYear) -> YearView {
    YearView {
        year: y.year,
        source: y.source.clone(),
        holidays: y
            .holidays
            .iter()
            .map(|h| HolidayRow { name: h.name.clone(), from: h.from.to_string(), to: h.to.to_string(), days: span(h) })
            .collect(),
        workdays: y.workdays.iter().map(|d| format!("{d}（{}）", weekday(*d))).collect(),
        off_days: y.holidays.iter().map(span).sum(),
    }
}

/// A loaded year written back as the form takes it, to correct and load again.
fn as_form(y: &CalendarYear) -> YearForm {
    let holidays =
        y.holidays
            .iter()
            .map(|h| {
                if h.from == h.to {
                    format!("{} {}", h.name, h.from)
                } else {
                    format!("{} {}..{}", h.name, h.from, h.to)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    let workdays = y.workdays.iter().map(Date::to_string).collect::<Vec<_>>().join("\n");
    YearForm { year: y.year.to_string(), source: y.source.clone(), holidays, workdays }
}

async fn calendar_page(
    store: &Store,
    v: &Viewer,
    typed: YearForm,
    errors: Errors,
    flash: Option<String>,
    status: StatusCode,
) -> PageResult {
    let mut years = store.calendar_years().await?;
    years.sort_by_key(|y| std::cmp::Reverse(y.year));
    let replaces = typed.year.trim().parse::<i16>().is_ok_and(|t| years.iter().any(|y| y.year == t));
    let page = CalendarPage {
        shell: v.shell("工作日历", "/admin/calendar"),
        years: years.iter().map(view).collect(),
        typed,
        errors,
        flash,
        replaces,
    };
    Ok(render_with(status, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct CalendarQuery {
    done: Option<String>,
    changed: Option<String>,
    /// A loaded year to put into the form for correction.
    edit: Option<String>,
}

/// `/admin/calendar`: the loaded years and the form to load one.
pub async fn page(State(store): State<Store>, v: Viewer, Query(q): Query<CalendarQuery>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let flash = q.done.as_deref().and_then(|y| y.parse::<i16>().ok()).map(|y| {
        let changed = q.changed.as_deref().and_then(|c| c.parse::<u64>().ok()).unwrap_or(0);
        format!("已载入{y}年节假日安排，重算了{changed}件在办诉求的期限。")
    });
    let mut typed = YearForm::default();
    if let Some(edit) = q.edit.as_deref().and_then(|y| y.parse::<i16>().ok())
        && let Some(y) = store.calendar_years().await?.iter().find(|y| y.year == edit)
    {
        typed = as_form(y);
    }
    calendar_page(&store, &v, typed, Errors::default(), flash, StatusCode::OK).await
}

/// A date as the notices write it: 2027-01-01 (2027/1/1 is taken too).
fn date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.trim().split(['-', '/', '.']).collect();
    let [y, m, d] = parts.as_slice() else { return None };
    let (y, m, d) = (y.parse::<i16>().ok()?, m.parse::<i8>().ok()?, d.parse::<i8>().ok()?);
    Date::new(y, m, d).ok()
}

/// One holiday line: a date or a range (`2027-02-10..2027-02-16`, also with `~` or `至`), with its name before or after.
fn holiday_line(line: &str) -> Result<Holiday, String> {
    let mut text = line.replace(['～', '~', '至', '—'], "..");
    // "a .. b" → "a..b", so that the range is one word.
    while text.contains(" ..") || text.contains(".. ") {
        text = text.replace(" ..", "..").replace(".. ", "..");
    }
    let (mut dates, mut names) = (Vec::new(), Vec::new());
    for word in text.split_whitespace() {
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            dates.push(word);
        } else {
            names.push(word);
        }
    }
    let [range] = dates.as_slice() else {
        return Err(if dates.is_empty() {
            "没有日期，应写作 2027-01-01 或 2027-02-10..2027-02-16".to_owned()
        } else {
            "一行只写一个日期或一段日期".to_owned()
        });
    };
    let (from, to) = match range.split_once("..") {
        Some((a, b)) => (a, b),
        None => (*range, *range),
    };
    let bad = |t: &str| format!("「{t}」不是有效日期，应写作 2027-01-01");
    let from = date(from).ok_or_else(|| bad(from))?;
    let to = date(to).ok_or_else(|| bad(to))?;
    if from > to {
        return Err("起始日期晚于结束日期".to_owned());
    }
    let name = if names.is_empty() { UNNAMED.to_owned() } else { names.join(" ") };
    if name.chars().count() > 30 {
        return Err("假日名称最多30个字".to_owned());
    }
    Ok(Holiday { name, from, to })
}

/// Reads the form into a year, or the messages of its wrong lines by field.
fn read_year(form: &YearForm, errors: &mut Errors) -> Option<CalendarYear> {
    let year = match form.year.trim().parse::<i16>() {
        Ok(y) if (2000..=2100).contains(&y) => Some(y),
        _ => {
            errors.add("year", "请填写年份，如 2027");
            None
        }
    };
    let source = form.source.trim().to_owned();
    if source.chars().count() > 200 {
        errors.add("source", "依据最多200个字");
    }
    let mut holidays = Vec::new();
    let mut wrong = Vec::new();
    for (n, line) in form.holidays.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let checked = holiday_line(line).and_then(|h| match year {
            // 元旦 may begin on 31 December of the year before.
            Some(y)
                if h.to.year() != y || (h.from.year() != y && !(h.from.year() == y - 1 && h.from.month() == 12)) =>
            {
                Err(format!("不在{y}年内（元旦假期可从上一年12月31日开始）"))
            }
            _ => Ok(h),
        });
        match checked {
            Ok(h) => holidays.push(h),
            Err(m) => wrong.push(format!("第{}行「{}」：{m}", n + 1, line.trim())),
        }
    }
    if holidays.is_empty() && wrong.is_empty() {
        wrong.push("请填写节假日，每行一个日期或一段日期".to_owned());
    }
    if !wrong.is_empty() {
        errors.add("holidays", wrong.join("\n"));
    }
    let off: BTreeSet<Date> =
        holidays.iter().flat_map(|h| h.from.series(jiff::ToSpan::days(1)).take_while(|d| *d <= h.to)).collect();
    let mut workdays = Vec::new();
    let mut wrong = Vec::new();
    for (n, line) in form.workdays.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line = line.trim();
        // A note after the date (春节调休) is allowed and ignored.
        let word = line.split_whitespace().find(|w| w.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(line);
        let checked = match date(word) {
            None => Err("不是有效日期，应写作 2027-02-07".to_owned()),
            Some(d) if year.is_some_and(|y| d.year() != y) => Err(format!("不在{}年内", year.unwrap_or_default())),
            Some(d) if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) => {
                Err(format!("是{}，调休上班日只能是周六或周日", weekday(d)))
            }
            Some(d) if off.contains(&d) => Err("已在上面的节假日中".to_owned()),
            Some(d) => Ok(d),
        };
        match checked {
            Ok(d) if !workdays.contains(&d) => workdays.push(d),
            Ok(_) => {}
            Err(m) => wrong.push(format!("第{}行「{line}」：{m}", n + 1)),
        }
    }
    if !wrong.is_empty() {
        errors.add("workdays", wrong.join("\n"));
    }
    let year = year.filter(|_| errors.is_empty())?;
    workdays.sort();
    holidays.sort_by_key(|h| h.from);
    let year = CalendarYear { year, source, holidays, workdays };
    // The domain's own check, the same as for a file loaded from the command line.
    if let Err(e) = year.check() {
        errors.form = Some(chinese(&e.to_string()).to_owned());
        return None;
    }
    Some(year)
}

/// Loads (or replaces) one year and recomputes the open appeals' due dates.
pub async fn load(State(store): State<Store>, v: Viewer, Checked(form): Checked<YearForm>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let Some(year) = read_year(&form, &mut errors) else {
        return calendar_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let number = year.year;
    match store.load_calendar_years(v.caller.user.origin(&v.caller.source), vec![year]).await {
        Ok(changed) => Ok(Redirect::to(&format!("/admin/calendar?done={number}&changed={changed}")).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            calendar_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(year: &str, holidays: &str, workdays: &str) -> YearForm {
        YearForm { year: year.into(), source: String::new(), holidays: holidays.into(), workdays: workdays.into() }
    }

    #[test]
    fn reads_lines_with_or_without_names() {
        let mut errors = Errors::default();
        let f =
            form("2027", "元旦 2027-01-01\n\n2027-02-10 .. 2027-02-16 春节\n劳动节 2027/5/1~2027/5/5", "2027-02-07\n");
        let y = read_year(&f, &mut errors).expect("read");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(y.holidays.len(), 3);
        assert_eq!(y.holidays[1].name, "春节");
        assert_eq!(y.holidays[2].to, jiff::civil::date(2027, 5, 5));
        assert_eq!(y.workdays, vec![jiff::civil::date(2027, 2, 7)]);
    }

    #[test]
    fn names_the_wrong_line() {
        let mut errors = Errors::default();
        let f = form("2027", "元旦 2027-01-01\n春节 2027-02-16..2027-02-10\n2027-13-01", "2027-02-10\n2027-02-08");
        assert!(read_year(&f, &mut errors).is_none());
        let h = errors.get("holidays").expect("holidays refused");
        assert!(h.contains("第2行") && h.contains("起始日期晚于结束日期"), "{h}");
        assert!(h.contains("第3行") && h.contains("2027-13-01"), "{h}");
        let w = errors.get("workdays").expect("workdays refused");
        assert!(w.contains("第2行「2027-02-08」") && w.contains("周一"), "{w}");
    }

    #[test]
    fn new_years_day_may_start_the_year_before() {
        let mut errors = Errors::default();
        let ok = read_year(&form("2027", "元旦 2026-12-31..2027-01-02", ""), &mut errors);
        assert!(ok.is_some(), "{errors:?}");
        let mut errors = Errors::default();
        assert!(read_year(&form("2027", "国庆 2026-10-01", ""), &mut errors).is_none());
        assert!(errors.get("holidays").is_some_and(|m| m.contains("不在2027年内")));
    }
}
