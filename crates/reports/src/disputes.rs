//! The 多元解纷 section of a bulletin (issue 15), in the register of seed 002: "全市共计受理涉企纠纷案件1585起，涉及金额
//! 13亿元左右，调解成功1238起".

use zhuqi_domain::Fen;
use zhuqi_store::DisputeTally;

const FEN_PER_YI: i64 = 10_000_000_000;
const FEN_PER_WAN: i64 = 1_000_000;

/// An amount as a bulletin says it: whole 亿元 from one 亿 up, whole 万元 below, "左右" where rounding changed it.
pub fn rough_amount(f: Fen) -> String {
    let (unit, name) = if f.fen() >= FEN_PER_YI { (FEN_PER_YI, "亿元") } else { (FEN_PER_WAN, "万元") };
    let whole = (f.fen() + unit / 2) / unit;
    let about = if whole * unit == f.fen() { "" } else { "左右" };
    format!("{whole}{name}{about}")
}

/// The sentence for `area` (全市, 全省, or a county's name): cases received, amount involved, mediated successfully.
pub fn sentence(area: &str, t: &DisputeTally) -> String {
    format!("{area}共计受理涉企纠纷案件{}起，涉及金额{}，调解成功{}起", t.received, rough_amount(t.amount), t.mediated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_sentence() {
        let t = DisputeTally {
            received: 1585,
            amount: Fen::new(130_405_908_000).expect("fen"),
            mediated: 1238,
            ..DisputeTally::default()
        };
        assert_eq!(sentence("全市", &t), "全市共计受理涉企纠纷案件1585起，涉及金额13亿元左右，调解成功1238起");
        assert_eq!(rough_amount(Fen::new(3 * FEN_PER_YI).expect("fen")), "3亿元");
        assert_eq!(rough_amount(Fen::new(38_600_000_000 / 10).expect("fen")), "3860万元");
        assert_eq!(rough_amount(Fen::new(0).expect("fen")), "0万元");
    }
}
