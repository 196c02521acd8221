use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ValueError, shown};

/// GB/T 2260 province-level prefixes, including Taiwan (71), Hong Kong (81) and Macao (82).
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

/// 行政区划代码: a six-digit GB/T 2260 administrative division code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
}

impl RegionCode {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let code = input.trim();
        let len = code.chars().count();
        if len != 6 {
            return Err(ValueError::RegionLength { input: shown(code), len });
        }
        if let Some((i, ch)) = code.chars().enumerate().find(|(_, ch)| !ch.is_ascii_digit()) {
            return Err(ValueError::RegionChar { input: shown(code), ch, pos: i + 1 });
        }
        if !PROVINCES.contains(&&code[..2]) {
            return Err(ValueError::RegionProvince { input: shown(code), province: code[..2].to_owned() });
        }
        // xx00nn codes do not exist: a county never hangs directly off a
        // province code, and such a code would have no consistent level or parent.
        if &code[2..4] == "00" && &code[4..] != "00" {
            return Err(ValueError::RegionHierarchy { input: shown(code) });
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match (&self.0[2..4], &self.0[4..]) {
            ("00", _) => RegionLevel::Province,
            (_, "00") => RegionLevel::City,
            _ => RegionLevel::County,
        }
    }

    /// The enclosing division, derived from the code alone. Districts of the
    /// direct-controlled municipalities get the city-level 市辖区 code
    /// (110101 → 110100), not the province-level 110000.
    pub fn parent(&self) -> Option<Self> {
        let kept = match self.level() {
            RegionLevel::Province => return None,
            RegionLevel::City => 2,
            RegionLevel::County => 4,
        };
        Some(Self(format!("{:0<6}", &self.0[..kept])))
    }

    /// The leading digits every division within this one shares: `41` for 河南省, `4116` for 周口市.
    pub fn subtree_prefix(&self) -> &str {
        let kept = match self.level() {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::County => 6,
        };
        &self.0[..kept]
    }

    /// Whether `other` is this division or lies within it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0.starts_with(self.subtree_prefix())
    }
}

impl FromStr for RegionCode {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> Self {
        code.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect(s)
    }

    fn err(s: &str) -> ValueError {
        RegionCode::parse(s).expect_err(s)
    }

    #[test]
    fn levels() {
        assert_eq!(code("410000").level(), RegionLevel::Province); // 河南省
        assert_eq!(code("411600").level(), RegionLevel::City); // 周口市
        assert_eq!(code("411602").level(), RegionLevel::County); // 川汇区
        assert_eq!(code("411681").level(), RegionLevel::County); // 项城市, a county-level city
        assert_eq!(code("110101").level(), RegionLevel::County); // 东城区
        assert_eq!(code("110100").level(), RegionLevel::City);
    }

    #[test]
    fn parents() {
        assert_eq!(code("411602").parent(), Some(code("411600")));
        assert_eq!(code("411681").parent(), Some(code("411600")));
        assert_eq!(code("411600").parent(), Some(code("410000")));
        assert_eq!(code("410000").parent(), None);
        assert_eq!(code("110101").parent(), Some(code("110100")));
        assert_eq!(code("110100").parent(), Some(code("110000")));
    }

    #[test]
    fn contains_itself_and_descendants_only() {
        let henan = code("410000");
        let zhoukou = code("411600");
        let chuanhui = code("411602");
        let xiangcheng = code("411681");
        assert!(henan.contains(&henan));
        assert!(henan.contains(&zhoukou));
        assert!(henan.contains(&chuanhui));
        assert!(zhoukou.contains(&zhoukou));
        assert!(zhoukou.contains(&chuanhui));
        assert!(zhoukou.contains(&xiangcheng));
        assert!(chuanhui.contains(&chuanhui));

        assert!(!chuanhui.contains(&xiangcheng));
        assert!(!chuanhui.contains(&zhoukou));
        assert!(!zhoukou.contains(&henan));
        assert!(!zhoukou.contains(&code("411700")));
        assert!(!henan.contains(&code("110101")));
    }

    #[test]
    fn accepts_every_province_prefix() {
        for province in PROVINCES {
            let c = code(&format!("{province}0000"));
            assert_eq!(c.level(), RegionLevel::Province);
        }
        assert_eq!(code(" 411602\t").as_str(), "411602");
    }

    #[test]
    fn rejects_unknown_provinces() {
        assert_eq!(err("000000"), ValueError::RegionProvince { input: "000000".into(), province: "00".into() });
        assert!(matches!(err("991600"), ValueError::RegionProvince { .. }));
        for prefix in ["10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "70", "72", "80", "83"] {
            assert!(matches!(err(&format!("{prefix}0000")), ValueError::RegionProvince { .. }), "{prefix}");
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        assert_eq!(err("41160"), ValueError::RegionLength { input: "41160".into(), len: 5 });
        assert!(matches!(err("4116021"), ValueError::RegionLength { len: 7, .. }));
        assert!(matches!(err(""), ValueError::RegionLength { len: 0, .. }));
        assert_eq!(err("41160a"), ValueError::RegionChar { input: "41160a".into(), ch: 'a', pos: 6 });
        assert!(matches!(err("4116０2"), ValueError::RegionChar { ch: '０', pos: 5, .. }));
        assert!(matches!(err("+41160"), ValueError::RegionChar { ch: '+', pos: 1, .. }));
    }

    #[test]
    fn rejects_county_under_province() {
        assert_eq!(err("410001"), ValueError::RegionHierarchy { input: "410001".into() });
        assert_eq!(err("410001").code(), "invalid_region_code");
        assert!(err("410001").to_string().starts_with("行政区划代码第 3–4 位为 00"));
    }

    #[test]
    fn orders_by_code() {
        assert!(code("410000") < code("411600"));
        assert!(code("411600") < code("411602"));
    }

    #[test]
    fn serde_goes_through_the_parser() {
        let c = code("411602");
        assert_eq!(serde_json::to_string(&c).expect("serialise"), r#""411602""#);
        assert_eq!(serde_json::from_str::<RegionCode>(r#""411602""#).expect("deserialise"), c);
        assert!(serde_json::from_str::<RegionCode>(r#""410001""#).is_err());
        assert!(serde_json::from_str::<RegionCode>("411602").is_err());
        assert_eq!(serde_json::to_string(&RegionLevel::County).expect("serialise"), r#""county""#);
        assert_eq!(serde_json::from_str::<RegionLevel>(r#""city""#).expect("deserialise"), RegionLevel::City);
    }

    #[test]
    fn display_is_the_code() {
        assert_eq!(code("411681").to_string(), "411681");
    }
}
