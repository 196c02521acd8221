use std::fmt;
use std::iter;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ValueError, shown};

/// A non-negative amount of money in fen (分, 0.01 yuan). Integer fen keep
/// sums exact, which floating-point yuan would not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Fen(i64);

const FEN_PER_WAN: i64 = 1_000_000;
const FEN_PER_YI: i64 = 10_000_000_000;

impl Fen {
    pub fn new(fen: i64) -> Result<Self, ValueError> {
        if fen < 0 {
            return Err(ValueError::AmountNegative { input: fen.to_string() });
        }
        Ok(Self(fen))
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses a yuan amount as people write it: `1234.56`, `1,234.56`,
    /// `¥1234.56`, `1234.56元`, `12.5万`, `1546.18亿元`.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let raw = input.trim();
        let format = || ValueError::AmountFormat { input: shown(raw) };
        let s = raw.strip_prefix(['¥', '￥']).unwrap_or(raw).trim_start();
        if raw.starts_with('-') || s.starts_with('-') {
            return Err(ValueError::AmountNegative { input: shown(raw) });
        }
        let s = s.strip_suffix('元').unwrap_or(s).trim_end();
        // Decimal places that still resolve to whole fen at each unit.
        let (s, places) = if let Some(n) = s.strip_suffix('亿') {
            (n, 10)
        } else if let Some(n) = s.strip_suffix('万') {
            (n, 6)
        } else {
            (s, 2)
        };
        let s = s.trim_end();
        let (int, frac) = match s.split_once('.') {
            Some((_, "")) => return Err(format()),
            Some(parts) => parts,
            None => (s, ""),
        };
        if !well_grouped(int) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format());
        }
        // Trailing zeros do not add precision: 1.230 is still a whole number of fen.
        let frac = frac.trim_end_matches('0');
        if frac.len() > places {
            return Err(ValueError::AmountPrecision { input: shown(raw) });
        }
        let digits =
            int.bytes().filter(|&b| b != b',').chain(frac.bytes()).chain(iter::repeat_n(b'0', places - frac.len()));
        let mut fen: i64 = 0;
        for digit in digits {
            fen = fen
                .checked_mul(10)
                .and_then(|f| f.checked_add(i64::from(digit - b'0')))
                .ok_or_else(|| ValueError::AmountOverflow { input: shown(raw) })?;
        }
        Ok(Self(fen))
    }

    /// `None` on overflow; both sides are non-negative, so nothing else can go wrong.
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Self)
    }

    /// Hundred-millions of yuan, rounded half-up to two decimals: `1546.18亿元`.
    pub fn to_yi_string(self) -> String {
        let hundredths = div_round_half_up(self.0, FEN_PER_YI / 100);
        format!("{}.{:02}亿元", hundredths / 100, hundredths % 100)
    }

    /// Ten-thousands of yuan, rounded half-up to two decimals: `12.34万元`.
    pub fn to_wan_string(self) -> String {
        let hundredths = div_round_half_up(self.0, FEN_PER_WAN / 100);
        format!("{}.{:02}万元", hundredths / 100, hundredths % 100)
    }
}

/// Digits, optionally with commas every three digits counted from the right.
/// A misplaced comma is rejected rather than ignored: `1,5` may be a decimal comma.
fn well_grouped(int: &str) -> bool {
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut groups = int.split(',');
    match groups.next() {
        Some(first) if is_digits(first) => {
            (first.len() <= 3 || !int.contains(',')) && groups.all(|g| g.len() == 3 && is_digits(g))
        }
        _ => false,
    }
}

fn div_round_half_up(n: i64, d: i64) -> i64 {
    // Compares the remainder with what is left to the next multiple instead of
    // adding d/2 first, so amounts near i64::MAX cannot overflow.
    let (q, r) = (n / d, n % d);
    if r >= d - r { q + 1 } else { q }
}

fn with_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl FromStr for Fen {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<i64> for Fen {
    type Error = ValueError;
    fn try_from(fen: i64) -> Result<Self, Self::Error> {
        Self::new(fen)
    }
}

impl From<Fen> for i64 {
    fn from(amount: Fen) -> Self {
        amount.0
    }
}

/// `¥1,234.56`, which `parse` reads back.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("¥{}.{:02}", with_thousands(self.0 / 100), self.0 % 100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> i64 {
        Fen::parse(s).expect(s).fen()
    }

    fn err(s: &str) -> ValueError {
        Fen::parse(s).expect_err(s)
    }

    #[test]
    fn new_rejects_negative() {
        assert_eq!(Fen::new(0).map(Fen::fen), Ok(0));
        assert_eq!(Fen::new(i64::MAX).map(Fen::fen), Ok(i64::MAX));
        assert_eq!(Fen::new(-1), Err(ValueError::AmountNegative { input: "-1".into() }));
        assert_eq!(Fen::new(-1).map_err(|e| e.code()), Err("invalid_amount"));
    }

    #[test]
    fn parses_yuan_amounts_exactly() {
        assert_eq!(fen("1234"), 123_400);
        assert_eq!(fen("1234.5"), 123_450);
        assert_eq!(fen("1234.56"), 123_456);
        assert_eq!(fen("1,234.56"), 123_456);
        assert_eq!(fen("¥1234.56"), 123_456);
        assert_eq!(fen("￥ 1,234.56"), 123_456);
        assert_eq!(fen("1234.56元"), 123_456);
        assert_eq!(fen(" ¥1,234,567.89元 "), 123_456_789);
        assert_eq!(fen("0.01"), 1);
        assert_eq!(fen("0"), 0);
        assert_eq!(fen("007.10"), 710);
        assert_eq!(fen("1.230"), 123);
        // 0.1 + 0.2 style float errors would show up here.
        assert_eq!(fen("0.29"), 29);
        assert_eq!(fen("1.15"), 115);
    }

    #[test]
    fn parses_wan_and_yi() {
        assert_eq!(fen("1万"), 1_000_000);
        assert_eq!(fen("12.34万元"), 12_340_000);
        assert_eq!(fen("0.000001万"), 1);
        assert_eq!(fen("1546.18亿"), 15_461_800_000_000);
        assert_eq!(fen("1546.18 亿元"), 15_461_800_000_000);
        assert_eq!(fen("0.0000000001亿"), 1);
        assert_eq!(fen("1,234万"), 1_234_000_000);
        assert!(matches!(err("0.0000001万"), ValueError::AmountPrecision { .. }));
        assert!(matches!(err("0.00000000001亿"), ValueError::AmountPrecision { .. }));
    }

    #[test]
    fn rejects_too_many_decimals() {
        assert_eq!(err("1.234"), ValueError::AmountPrecision { input: "1.234".into() });
        assert!(matches!(err("0.001"), ValueError::AmountPrecision { .. }));
    }

    #[test]
    fn rejects_negatives() {
        for input in ["-1", "-0.01", "¥-5", "-¥5", "-1万"] {
            assert!(matches!(err(input), ValueError::AmountNegative { .. }), "{input}");
        }
    }

    #[test]
    fn rejects_overflow() {
        assert_eq!(fen("92233720368547758.07"), i64::MAX);
        assert!(matches!(err("92233720368547758.08"), ValueError::AmountOverflow { .. }));
        assert!(matches!(err("99999999999999999999999"), ValueError::AmountOverflow { .. }));
        assert!(matches!(err("922337203.69亿"), ValueError::AmountOverflow { .. }));
    }

    #[test]
    fn rejects_malformed_amounts() {
        for input in [
            "", " ", "¥", "元", "万", ".", ".5", "5.", "1.2.3", "1e3", "1E3", "NaN", "inf", "+5", "1 234", "12,34",
            "1234,567", ",123", "1,,234", "1,234,", "1.234,56", "1,5", "一百", "１２", "5万亿", "5元万", "0x10",
        ] {
            assert!(matches!(err(input), ValueError::AmountFormat { .. }), "{input}");
        }
        assert_eq!(err("1e3").to_string(), "金额格式不正确 / amount is not a valid yuan amount: 1e3");
    }

    #[test]
    fn display_groups_thousands() {
        let show = |f: i64| Fen::new(f).expect("non-negative").to_string();
        assert_eq!(show(123_456), "¥1,234.56");
        assert_eq!(show(0), "¥0.00");
        assert_eq!(show(5), "¥0.05");
        assert_eq!(show(100), "¥1.00");
        assert_eq!(show(99_999), "¥999.99");
        assert_eq!(show(100_000), "¥1,000.00");
        assert_eq!(show(123_456_789_012), "¥1,234,567,890.12");
        assert_eq!(show(i64::MAX), "¥92,233,720,368,547,758.07");
    }

    #[test]
    fn display_parses_back() {
        for f in [0, 1, 99, 123_456, 100_000_000, i64::MAX] {
            let amount = Fen::new(f).expect("non-negative");
            assert_eq!(Fen::parse(&amount.to_string()), Ok(amount));
        }
    }

    #[test]
    fn yi_and_wan_strings_round_half_up() {
        let yi = |s: &str| Fen::parse(s).expect(s).to_yi_string();
        let wan = |s: &str| Fen::parse(s).expect(s).to_wan_string();
        assert_eq!(yi("1546.18亿"), "1546.18亿元");
        assert_eq!(yi("1546.185亿"), "1546.19亿元");
        assert_eq!(yi("1546.1849999999亿"), "1546.18亿元");
        assert_eq!(yi("0"), "0.00亿元");
        assert_eq!(yi("50万"), "0.01亿元");
        assert_eq!(yi("49.99万"), "0.00亿元");
        assert_eq!(wan("123400"), "12.34万元");
        assert_eq!(wan("123450"), "12.35万元");
        assert_eq!(wan("123449.99"), "12.34万元");
        assert_eq!(wan("50"), "0.01万元");
        assert_eq!(wan("49.99"), "0.00万元");
        assert_eq!(Fen::new(i64::MAX).expect("max").to_wan_string(), "9223372036854.78万元");
        assert_eq!(Fen::new(i64::MAX).expect("max").to_yi_string(), "922337203.69亿元");
    }

    #[test]
    fn checked_add() {
        let a = Fen::new(150).expect("a");
        assert_eq!(a.checked_add(a), Some(Fen::new(300).expect("sum")));
        assert_eq!(Fen::new(i64::MAX).expect("max").checked_add(Fen::new(1).expect("one")), None);
        assert_eq!(Fen::default().checked_add(a), Some(a));
    }

    #[test]
    fn serde_is_checked_integer_fen() {
        let amount = Fen::new(123_456).expect("non-negative");
        assert_eq!(serde_json::to_string(&amount).expect("serialise"), "123456");
        assert_eq!(serde_json::from_str::<Fen>("123456").expect("deserialise"), amount);
        assert!(serde_json::from_str::<Fen>("-1").is_err());
        assert!(serde_json::from_str::<Fen>("1.5").is_err());
        assert!(serde_json::from_str::<Fen>(r#""1234.56""#).is_err());
    }
}
