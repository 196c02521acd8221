use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ValueError, shown};

/// 评价星级: a satisfaction rating from 1 to 5 stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = u8, minimum = 1, maximum = 5))]
pub struct Stars(u8);

impl Stars {
    pub fn new(stars: u8) -> Result<Self, ValueError> {
        if (1..=5).contains(&stars) {
            Ok(Self(stars))
        } else {
            Err(ValueError::StarsRange { input: stars.to_string() })
        }
    }

    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let trimmed = input.trim();
        // u8's parser would also take "+5"; a rating is plain digits.
        match trimmed.parse::<u8>() {
            Ok(stars) if trimmed.bytes().all(|b| b.is_ascii_digit()) => Self::new(stars),
            _ => Err(ValueError::StarsRange { input: shown(trimmed) }),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn is_five(self) -> bool {
        self.0 == 5
    }

    /// 满意: 4 or 5 stars, the threshold used in satisfaction-rate statistics.
    pub fn is_satisfied(self) -> bool {
        self.0 >= 4
    }
}

impl FromStr for Stars {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<u8> for Stars {
    type Error = ValueError;
    fn try_from(stars: u8) -> Result<Self, Self::Error> {
        Self::new(stars)
    }
}

impl From<Stars> for u8 {
    fn from(stars: Stars) -> Self {
        stars.0
    }
}

impl fmt::Display for Stars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_to_five() {
        for n in 1..=5 {
            assert_eq!(Stars::new(n).map(Stars::get), Ok(n));
        }
        assert_eq!(Stars::parse(" 4 ").map(Stars::get), Ok(4));
        assert_eq!("5".parse::<Stars>().map(Stars::get), Ok(5));
    }

    #[test]
    fn rejects_out_of_range_and_non_numbers() {
        assert_eq!(Stars::new(0), Err(ValueError::StarsRange { input: "0".into() }));
        assert!(Stars::new(6).is_err());
        assert!(Stars::new(255).is_err());
        for input in ["", "0", "6", "-1", "+5", "4.5", "五", "five", "256", "05x"] {
            assert!(matches!(Stars::parse(input), Err(ValueError::StarsRange { .. })), "{input}");
        }
        assert_eq!(Stars::new(6).map_err(|e| e.code()), Err("invalid_stars"));
        assert_eq!(
            Stars::parse("6").map_err(|e| e.to_string()),
            Err("评价星级应为 1 到 5 的整数 / stars must be a whole number from 1 to 5: 6".into())
        );
    }

    #[test]
    fn satisfaction() {
        let [one, two, three, four, five] = [1, 2, 3, 4, 5].map(|n| Stars::new(n).expect("in range"));
        assert!(five.is_five() && five.is_satisfied());
        assert!(four.is_satisfied() && !four.is_five());
        assert!(![one, two, three].iter().any(|s| s.is_satisfied() || s.is_five()));
        assert!(one < five);
    }

    #[test]
    fn display_is_the_number() {
        assert_eq!(Stars::new(3).expect("in range").to_string(), "3");
    }

    #[test]
    fn serde_is_a_checked_number() {
        let four = Stars::new(4).expect("in range");
        assert_eq!(serde_json::to_string(&four).expect("serialise"), "4");
        assert_eq!(serde_json::from_str::<Stars>("4").expect("deserialise"), four);
        assert!(serde_json::from_str::<Stars>("0").is_err());
        assert!(serde_json::from_str::<Stars>("6").is_err());
        assert!(serde_json::from_str::<Stars>("-1").is_err());
        assert!(serde_json::from_str::<Stars>(r#""4""#).is_err());
    }
}
