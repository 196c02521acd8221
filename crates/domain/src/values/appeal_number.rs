use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ValueError, shown};

/// 诉求编号 such as `ZK-2023-000123`: city prefix, year, sequence within the year.
///
/// Field order matters: the derived `Ord` sorts by prefix, then year, then sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AppealNumber {
    prefix: String,
    year: i16,
    seq: u32,
}

impl AppealNumber {
    pub fn new(prefix: &str, year: i16, seq: u32) -> Result<Self, ValueError> {
        Self::validated(prefix, year, seq, &format!("{prefix}-{year}-{seq}"))
    }

    /// Accepts lowercase and unpadded sequences (`zk-2023-1`) because numbers
    /// are read out over the phone and typed by hand; `Display` gives the
    /// canonical `ZK-2023-000001`.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let raw = input.trim();
        let mut parts = raw.split('-');
        let (Some(prefix), Some(year), Some(seq), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ValueError::AppealFormat { input: shown(raw) });
        };
        let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let year: i16 = match year.parse() {
            Ok(y) if year.len() == 4 && is_digits(year) => y,
            _ => return Err(ValueError::AppealYear { input: shown(raw) }),
        };
        let seq: u32 = match seq.parse() {
            Ok(n) if is_digits(seq) => n,
            _ => return Err(ValueError::AppealSeq { input: shown(raw) }),
        };
        Self::validated(prefix, year, seq, raw)
    }

    fn validated(prefix: &str, year: i16, seq: u32, input: &str) -> Result<Self, ValueError> {
        let prefix = prefix.to_ascii_uppercase();
        if !(2..=4).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValueError::AppealPrefix { input: shown(input) });
        }
        if !(2000..=2099).contains(&year) {
            return Err(ValueError::AppealYear { input: shown(input) });
        }
        if seq == 0 {
            return Err(ValueError::AppealSeq { input: shown(input) });
        }
        Ok(Self { prefix, year, seq })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> i16 {
        self.year
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl FromStr for AppealNumber {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for AppealNumber {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<AppealNumber> for String {
    fn from(number: AppealNumber) -> Self {
        number.to_string()
    }
}

impl fmt::Display for AppealNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}-{}-{:06}", self.prefix, self.year, self.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> AppealNumber {
        AppealNumber::parse(s).expect(s)
    }

    fn err(s: &str) -> ValueError {
        AppealNumber::parse(s).expect_err(s)
    }

    #[test]
    fn parses_canonical_numbers() {
        let n = number("ZK-2023-000123");
        assert_eq!((n.prefix(), n.year(), n.seq()), ("ZK", 2023, 123));
        assert_eq!(n.to_string(), "ZK-2023-000123");
        assert_eq!(number("ABCD-2099-1234567").to_string(), "ABCD-2099-1234567");
        assert_eq!(number("ZK-2000-999999").seq(), 999_999);
        assert_eq!(number("ZK-2023-4294967295").seq(), u32::MAX);
    }

    #[test]
    fn normalises_case_padding_and_whitespace() {
        assert_eq!(number("zk-2023-1").to_string(), "ZK-2023-000001");
        assert_eq!(number(" Zk-2023-000001 "), number("ZK-2023-1"));
        assert_eq!(number("ZK-2023-0000123").to_string(), "ZK-2023-000123");
    }

    #[test]
    fn new_checks_the_same_rules() {
        assert_eq!(AppealNumber::new("ZK", 2023, 123), Ok(number("ZK-2023-000123")));
        assert_eq!(AppealNumber::new("zk", 2023, 1).map(|n| n.to_string()), Ok("ZK-2023-000001".into()));
        assert_eq!(AppealNumber::new("ZK", 2023, 0), Err(ValueError::AppealSeq { input: "ZK-2023-0".into() }));
        assert!(matches!(AppealNumber::new("Z", 2023, 1), Err(ValueError::AppealPrefix { .. })));
        assert!(matches!(AppealNumber::new("ZKABC", 2023, 1), Err(ValueError::AppealPrefix { .. })));
        assert!(matches!(AppealNumber::new("Z1", 2023, 1), Err(ValueError::AppealPrefix { .. })));
        assert!(matches!(AppealNumber::new("周口", 2023, 1), Err(ValueError::AppealPrefix { .. })));
        assert!(matches!(AppealNumber::new("ZK", 1999, 1), Err(ValueError::AppealYear { .. })));
        assert!(matches!(AppealNumber::new("ZK", 2100, 1), Err(ValueError::AppealYear { .. })));
        assert!(matches!(AppealNumber::new("ZK", -2023, 1), Err(ValueError::AppealYear { .. })));
    }

    #[test]
    fn rejects_invalid_numbers() {
        assert_eq!(err("ZK-2023-000000"), ValueError::AppealSeq { input: "ZK-2023-000000".into() });
        assert_eq!(err("Z-2023-000001"), ValueError::AppealPrefix { input: "Z-2023-000001".into() });
        assert_eq!(err("ZK-1999-000001"), ValueError::AppealYear { input: "ZK-1999-000001".into() });
        assert_eq!(err("ZK2023000001"), ValueError::AppealFormat { input: "ZK2023000001".into() });
        for input in ["", "ZK-2023", "ZK-2023-000001-1", "ZK--000001", "-2023-000001"] {
            assert!(
                matches!(
                    err(input),
                    ValueError::AppealFormat { .. } | ValueError::AppealYear { .. } | ValueError::AppealPrefix { .. }
                ),
                "{input}"
            );
        }
        assert!(matches!(err("ZK-23-000001"), ValueError::AppealYear { .. }));
        assert!(matches!(err("ZK-+2023-000001"), ValueError::AppealYear { .. }));
        assert!(matches!(err("ZK-2100-000001"), ValueError::AppealYear { .. }));
        assert!(matches!(err("ZK-2023-"), ValueError::AppealSeq { .. }));
        assert!(matches!(err("ZK-2023-+1"), ValueError::AppealSeq { .. }));
        assert!(matches!(err("ZK-2023-4294967296"), ValueError::AppealSeq { .. }));
        assert!(matches!(err("ZK-2023-00012a"), ValueError::AppealSeq { .. }));
        assert!(matches!(err("ZKABC-2023-000001"), ValueError::AppealPrefix { .. }));
        assert_eq!(err("ZK2023000001").code(), "invalid_appeal_number");
    }

    #[test]
    fn orders_by_prefix_then_year_then_seq() {
        let mut numbers: Vec<_> =
            ["ZK-2024-000001", "AY-2025-000001", "ZK-2023-000010", "ZK-2023-000002"].map(number).into();
        numbers.sort();
        let sorted: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        assert_eq!(sorted, ["AY-2025-000001", "ZK-2023-000002", "ZK-2023-000010", "ZK-2024-000001"]);
        // Numeric, not textual: 1000000 sorts after 999999 despite the wider field.
        assert!(number("ZK-2023-999999") < number("ZK-2023-1000000"));
    }

    #[test]
    fn serde_is_the_canonical_string() {
        let n = number("ZK-2023-000123");
        assert_eq!(serde_json::to_string(&n).expect("serialise"), r#""ZK-2023-000123""#);
        assert_eq!(serde_json::from_str::<AppealNumber>(r#""zk-2023-123""#).expect("deserialise"), n);
        assert!(serde_json::from_str::<AppealNumber>(r#""ZK-2023-000000""#).is_err());
        assert!(serde_json::from_str::<AppealNumber>(r#"{"prefix":"ZK","year":2023,"seq":0}"#).is_err());
    }
}
