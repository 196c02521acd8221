//! The values of a ledger's cells as counties write them: dates in every form Excel and people use, yes/no flags,
//! statuses and ratings in words or stars, amounts in 万元. Each parser gives the value or the reason, in Chinese then
//! English, that the error report prints after the row and column.

use jiff::civil::Date;
use zhuqi_domain::{Fen, Level, Stars, Status};

use super::headings::normalise;
use super::sheet::{Cell, number_text};

/// The earliest date a ledger may hold: appeal numbers carry years from 2000 on.
const FIRST_YEAR: i16 = 2000;

/// A date written `2023-07-05`, `2023/7/5`, `2023.7.5`, `2023年7月5日`, `20230705`, with a time after it or not, or
/// held by Excel as a date or a serial number; not before 2000 and not after `today`.
pub fn date(cell: &Cell, today: Date) -> Result<Date, String> {
    let date = match cell {
        Cell::Date(d) => *d,
        Cell::Number(n) => serial_date(*n)?,
        other => {
            let text = other.text().unwrap_or_default();
            let text = text.trim();
            match text.parse::<f64>() {
                Ok(n) if !text.contains(['-', '/', '.']) && text.len() != 8 => serial_date(n)?,
                _ => written_date(text)?,
            }
        }
    };
    if date.year() < FIRST_YEAR {
        return Err(format!("日期{date}早于{FIRST_YEAR}年，请检查 / the date {date} is before {FIRST_YEAR}"));
    }
    if date > today {
        return Err(format!("日期{date}晚于今天 / the date {date} is in the future"));
    }
    Ok(date)
}

/// An Excel serial date (days since 1899-12-30 in the 1900 system Excel uses; its phantom 1900-02-29 lies before any
/// date accepted here).
fn serial_date(n: f64) -> Result<Date, String> {
    let bad = || format!("「{}」不是有效的日期 / not a valid date", number_text(n));
    if !n.is_finite() || !(1.0..2_958_466.0).contains(&n) {
        return Err(bad());
    }
    let epoch = jiff::civil::date(1899, 12, 30);
    epoch.checked_add(jiff::Span::new().days(n.floor() as i64)).map_err(|_| bad())
}

fn written_date(text: &str) -> Result<Date, String> {
    let bad =
        || format!("「{}」不是有效的日期，请写成 2023-07-05 / not a valid date, write it as 2023-07-05", clip(text));
    // The date part only: "2023-07-05 10:30", "2023-07-05T10:30:00".
    let date_part = text.split([' ', 'T']).next().unwrap_or_default();
    let digits_only = date_part.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = if digits_only && date_part.len() == 8 {
        vec![&date_part[..4], &date_part[4..6], &date_part[6..]]
    } else {
        date_part.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect()
    };
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else { return Err(bad()) };
    Date::new(y, m, d).map_err(|_| bad())
}

/// A yes/no flag: 是/否, √/×, Y/N, 1/0, TRUE/FALSE; blank is no.
pub fn flag(cell: &Cell) -> Result<bool, String> {
    if let Cell::Bool(b) = cell {
        return Ok(*b);
    }
    let Some(text) = cell.text() else { return Ok(false) };
    match normalise(&text).as_str() {
        "是" | "√" | "✓" | "✔" | "y" | "yes" | "1" | "true" | "有" => Ok(true),
        "否" | "×" | "✗" | "n" | "no" | "0" | "false" | "无" | "-" => Ok(false),
        _ => Err(format!("「{}」应为「是」或「否」 / should be 是 or 否", clip(&text))),
    }
}

/// 满意度: 1–5 stars written as a number, 五星, ★★★★★, 5星, or in words (满意, 基本满意, 不满意, …).
pub fn stars(cell: &Cell) -> Result<Stars, String> {
    let text = cell.text().unwrap_or_default();
    let key = normalise(&text);
    let bad = || {
        format!(
            "「{}」不是有效的满意度，请填1至5星或满意、基本满意、不满意 / not a rating: use 1–5 stars or 满意/基本满意/不满意",
            clip(&text)
        )
    };
    let n: u8 = match key.as_str() {
        "非常满意" | "很满意" | "满意" => 5,
        "比较满意" | "基本满意" | "较满意" => 4,
        "一般" => 3,
        "不太满意" | "不满意" | "较不满意" => 2,
        "非常不满意" | "很不满意" => 1,
        _ if !key.is_empty() && key.chars().all(|c| c == '★') => u8::try_from(key.chars().count()).unwrap_or(0),
        _ => {
            let stem = key.trim_end_matches(['星', '分']).trim_end_matches("颗");
            match stem {
                "一" => 1,
                "二" | "两" => 2,
                "三" => 3,
                "四" => 4,
                "五" => 5,
                _ => stem.parse::<f64>().ok().filter(|n| n.fract() == 0.0).map_or(0, |n| n.clamp(0.0, 9.0) as u8),
            }
        }
    };
    Stars::new(n).map_err(|_| bad())
}

/// 办理状态 in the labels zhuqi shows and the words counties use for them.
pub fn status(text: &str) -> Result<Status, String> {
    let key = normalise(text);
    if let Some(s) = Status::ALL.into_iter().find(|s| normalise(s.label()) == key) {
        return Ok(s);
    }
    let status = match key.as_str() {
        "暂存" | "未提交" => Status::Draft,
        "待分派" | "未交办" | "新登记" | "待受理" => Status::Submitted,
        "已交办" | "待接收" => Status::Assigned,
        "正在办理" | "在办" | "处理中" | "办理中(已签收)" | "已签收" => Status::InProgress,
        "补充材料" | "待补材料" => Status::Waiting,
        "已反馈" | "待评价" | "待确认" => Status::Answered,
        "退回重办" | "不满意重办" => Status::Reopened,
        "办结" | "已解决" | "已完成" | "完成" | "已销号" | "销号" | "已办理" => Status::Closed,
        "撤回" | "已撤销" | "撤销" => Status::Withdrawn,
        "不予受理" | "无效诉求" => Status::Invalid,
        "已并入" | "并入共性问题" | "共性问题" => Status::Merged,
        _ => {
            let known: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
            return Err(format!("「{}」不是可识别的办理状态，应为：{} / unknown status", clip(text), known.join("、")));
        }
    };
    Ok(status)
}

/// 交办层级: 县区级, 市级, 省级 (or 县/区/市/省 alone).
pub fn level(text: &str) -> Result<Level, String> {
    match normalise(text).trim_end_matches('级') {
        "县区" | "县" | "区" | "县(市、区)" | "区县" => Ok(Level::County),
        "市" => Ok(Level::City),
        "省" => Ok(Level::Province),
        _ => Err(format!("「{}」应为县区级、市级或省级 / the level should be 县区级, 市级 or 省级", clip(text))),
    }
}

/// An amount in 万元 (or in 元 when `wan` is false); a unit written in the cell (`500万元`, `3亿`) wins.
pub fn amount(cell: &Cell, wan: bool) -> Result<Fen, String> {
    let text = match cell {
        Cell::Number(n) if *n < 0.0 => return Err("金额不能为负数 / the amount is negative".into()),
        Cell::Number(n) => number_text(*n),
        other => other.text().unwrap_or_default().trim().to_owned(),
    };
    let has_unit = text.ends_with(['元', '万', '亿']);
    let written = if wan && !has_unit { format!("{text}万") } else { text.clone() };
    Fen::parse(&written).map_err(|e| e.to_string())
}

/// An amount in the unit a heading names (`'万'` or `'亿'`); a unit written in the cell (`500万元`, `3亿`) wins.
pub fn amount_in(cell: &Cell, unit: char) -> Result<Fen, String> {
    let text = match cell {
        Cell::Number(n) if *n < 0.0 => return Err("金额不能为负数 / the amount is negative".into()),
        Cell::Number(n) => number_text(*n),
        other => other.text().unwrap_or_default().trim().to_owned(),
    };
    let has_unit = text.ends_with(['元', '万', '亿']);
    let written = if has_unit { text } else { format!("{text}{unit}") };
    Fen::parse(&written).map_err(|e| e.to_string())
}

/// A 万元 amount written exactly: 500, 12.5, 0.000001 (one fen).
pub fn wan_text(amount: Fen) -> String {
    let (whole, fen) = (amount.fen() / 1_000_000, amount.fen() % 1_000_000);
    if fen == 0 {
        return whole.to_string();
    }
    let frac = format!("{fen:06}");
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// The first characters of what the user wrote, for a message.
pub fn clip(text: &str) -> String {
    const MAX: usize = 30;
    let text = text.trim();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The characters that separate names written several to a cell.
pub const NAME_SEPARATORS: [char; 7] = ['、', '，', ',', '；', ';', '\n', '／'];

/// Names written several to a cell (cadres, co-units), separated by 、 or a comma, semicolon or line break.
pub fn names(text: &str) -> Vec<String> {
    text.split(NAME_SEPARATORS).map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date as d;

    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn dates_in_every_usual_form() {
        let today = d(2026, 11, 20);
        for (cell, want) in [
            (text("2023-07-05"), d(2023, 7, 5)),
            (text("2023/7/5"), d(2023, 7, 5)),
            (text("2023.7.5"), d(2023, 7, 5)),
            (text("2023年7月5日"), d(2023, 7, 5)),
            (text(" 20230705 "), d(2023, 7, 5)),
            (text("2023-07-05 10:30:00"), d(2023, 7, 5)),
            (text("2023-07-05T10:30:00"), d(2023, 7, 5)),
            (Cell::Number(45112.0), d(2023, 7, 5)),
            (text("45112"), d(2023, 7, 5)),
            (Cell::Number(45112.75), d(2023, 7, 5)),
            (Cell::Date(d(2023, 7, 5)), d(2023, 7, 5)),
        ] {
            assert_eq!(date(&cell, today), Ok(want), "{cell:?}");
        }
        for bad in [text("2023-02-30"), text("明天"), text("7月5日"), Cell::Number(-3.0), Cell::Number(f64::NAN)] {
            assert!(date(&bad, today).is_err(), "{bad:?}");
        }
        assert!(date(&text("2026-11-21"), today).expect_err("refused").contains("晚于今天"));
        assert!(date(&text("1999-12-31"), today).expect_err("refused").contains("早于2000年"));
        assert!(date(&Cell::Number(5.0), today).is_err());
    }

    #[test]
    fn ratings_in_numbers_stars_and_words() {
        for (s, n) in [
            ("5", 5),
            ("五星", 5),
            ("5星", 5),
            ("★★★", 3),
            ("满意", 5),
            ("基本满意", 4),
            ("不满意", 2),
            ("非常不满意", 1),
        ] {
            assert_eq!(stars(&text(s)).map(Stars::get), Ok(n), "{s}");
        }
        assert_eq!(stars(&Cell::Number(4.0)).map(Stars::get), Ok(4));
        for bad in ["0", "6", "4.5", "好", "★★★★★★", ""] {
            assert!(stars(&text(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_by_label_and_by_county_words() {
        for s in Status::ALL {
            assert_eq!(status(s.label()), Ok(s));
        }
        assert_eq!(status("已解决"), Ok(Status::Closed));
        assert_eq!(status(" 正在办理 "), Ok(Status::InProgress));
        assert_eq!(status("已撤销"), Ok(Status::Withdrawn));
        assert!(status("差不多了").is_err());
    }

    #[test]
    fn amounts_in_wan_round_trip_exactly() {
        for (cell, fen) in [
            (Cell::Number(500.0), 500_000_000),
            (Cell::Number(12.5), 12_500_000),
            (text("0.000001"), 1),
            (text("3亿"), 30_000_000_000),
            (text("1,200"), 1_200_000_000),
        ] {
            let parsed = amount(&cell, true).expect("amount");
            assert_eq!(parsed.fen(), fen, "{cell:?}");
            assert_eq!(amount(&text(&wan_text(parsed)), true), Ok(parsed));
        }
        assert_eq!(amount(&text("1234.56"), false).map(Fen::fen), Ok(123_456));
        assert_eq!(amount_in(&Cell::Number(1.5), '亿').map(Fen::fen), Ok(15_000_000_000));
        assert_eq!(amount_in(&text("12.345678"), '万').map(Fen::fen), Ok(12_345_678));
        assert!(amount_in(&text("-3"), '万').is_err());
        assert!(amount(&Cell::Number(-1.0), true).is_err());
        assert!(amount(&text("很多"), true).is_err());
    }

    #[test]
    fn flags_and_levels() {
        assert_eq!(flag(&text("是")), Ok(true));
        assert_eq!(flag(&text("√")), Ok(true));
        assert_eq!(flag(&Cell::Empty), Ok(false));
        assert_eq!(flag(&text("否")), Ok(false));
        assert!(flag(&text("也许")).is_err());
        assert_eq!(level("市级"), Ok(Level::City));
        assert_eq!(level("县区级"), Ok(Level::County));
        assert!(level("国家级").is_err());
    }
}
