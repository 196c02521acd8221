use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ValueError, shown};

/// GB 32100-2015 character set; a character's index is its value. I, O, S, V
/// and Z are left out because they are easily misread as 1, 0, 5, U and 2.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// 统一社会信用代码: the unified social credit code (GB 32100-2015).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let code = input.trim().to_ascii_uppercase();
        ensure_len(&code, 18)?;
        let expected = check_char(&code)?;
        // Anything else in position 18, even a letter outside the alphabet, is
        // reported as a wrong check character so the message can name the right one.
        if code.chars().nth(17) != Some(expected) {
            return Err(ValueError::UsccCheck { input: shown(&code), expected });
        }
        Ok(Self(code))
    }

    /// Completes the first 17 characters with the check character; the demo
    /// data generator relies on this to produce codes that `parse` accepts.
    pub fn with_check_char(first17: &str) -> Result<Self, ValueError> {
        let mut code = first17.trim().to_ascii_uppercase();
        ensure_len(&code, 17)?;
        code.push(check_char(&code)?);
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// GB/T 2260 code of the registering authority's area (positions 3–8).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

fn ensure_len(code: &str, expected: usize) -> Result<(), ValueError> {
    let len = code.chars().count();
    if len == expected { Ok(()) } else { Err(ValueError::UsccLength { input: shown(code), expected, len }) }
}

/// Validates the 17 characters the check covers and computes the check character.
fn check_char(code: &str) -> Result<char, ValueError> {
    let mut sum = 0;
    for ((i, ch), weight) in code.chars().enumerate().zip(WEIGHTS) {
        let value = ALPHABET.iter().position(|&a| char::from(a) == ch).ok_or_else(|| ValueError::UsccChar {
            input: shown(code),
            ch,
            pos: i + 1,
        })?;
        sum += value * weight;
    }
    // Only ASCII has got this far, so byte slicing is safe.
    if !code.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
        return Err(ValueError::UsccDivision { input: shown(code) });
    }
    // The outer `% 31` maps a remainder of 0 to check value 0, not 31.
    Ok(char::from(ALPHABET[(31 - sum % 31) % 31]))
}

impl FromStr for Uscc {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Uscc {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Uscc> for String {
    fn from(code: Uscc) -> Self {
        code.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> ValueError {
        Uscc::parse(input).expect_err(input)
    }

    #[test]
    fn accepts_valid_codes() {
        for code in [
            "91350100M000100Y43", // the example code printed in GB 32100-2015
            "914403001922038216",
            "91110108551385082Q",
            "91110000MA00000240", // check value 0 -> '0', which a missing `% 31` turns into 31
            // Published codes, recorded in public TC260 AI-content labels and company registers.
            "91440300708461136T", // 深圳市腾讯计算机系统有限公司
            "91110000802100433B", // 北京百度网讯科技有限公司
            "91330100799655058B",
        ] {
            let parsed = Uscc::parse(code).expect(code);
            assert_eq!(parsed.as_str(), code);
        }
    }

    #[test]
    fn wrong_check_character_names_the_expected_one() {
        assert_eq!(
            err("91350100M000100Y4Z"),
            ValueError::UsccCheck { input: "91350100M000100Y4Z".into(), expected: '3' }
        );
        assert_eq!(
            err("91350100M000100Y4Z").to_string(),
            "统一社会信用代码校验位错误，应为 3 / USCC check character is wrong, expected 3: 91350100M000100Y4Z"
        );
        assert_eq!(err("91110000MA00000241").code(), "invalid_uscc");
    }

    #[test]
    fn rejects_forbidden_letters_with_their_position() {
        for (code, ch, pos) in [
            ("I1350100M000100Y43", 'I', 1),
            ("91350100M0O0100Y43", 'O', 11),
            ("91350100M000100S43", 'S', 16),
            ("91350100M000100YV3", 'V', 17),
            ("91350100M00010ZY43", 'Z', 15),
        ] {
            assert_eq!(err(code), ValueError::UsccChar { input: code.into(), ch, pos });
        }
        assert!(err("91350100M00010ZY43").to_string().contains("第 15 位含非法字符“Z”"));
    }

    #[test]
    fn rejects_non_ascii_and_punctuation() {
        assert!(matches!(err("913501００M000100Y43"), ValueError::UsccChar { ch: '０', pos: 7, .. }));
        assert!(matches!(err("91350100M000100Y4。"), ValueError::UsccCheck { expected: '3', .. }));
        assert!(matches!(err("91350100-000100Y43"), ValueError::UsccChar { ch: '-', pos: 9, .. }));
    }

    #[test]
    fn rejects_wrong_length() {
        assert_eq!(
            err("91350100M000100Y4"),
            ValueError::UsccLength { input: "91350100M000100Y4".into(), expected: 18, len: 17 }
        );
        assert!(matches!(err("91350100M000100Y433"), ValueError::UsccLength { len: 19, .. }));
        assert!(matches!(err(""), ValueError::UsccLength { len: 0, .. }));
        assert!(matches!(err("   "), ValueError::UsccLength { len: 0, .. }));
        // Counted in characters, not bytes.
        assert!(matches!(err("统一社会信用代码"), ValueError::UsccLength { len: 8, .. }));
    }

    #[test]
    fn rejects_letters_in_division_code() {
        let code = Uscc::with_check_char("9135A100M000100Y4");
        assert_eq!(code, Err(ValueError::UsccDivision { input: "9135A100M000100Y4".into() }));
        assert!(matches!(err("9135A100M000100Y43"), ValueError::UsccDivision { .. }));
    }

    #[test]
    fn normalises_case_and_whitespace() {
        let code = Uscc::parse("  91110108551385082q\n").expect("lowercase check char");
        assert_eq!(code.as_str(), "91110108551385082Q");
        let code: Uscc = "91350100m000100y43".parse().expect("lowercase letters");
        assert_eq!(code.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn lowercase_forbidden_letters_are_still_forbidden() {
        assert!(matches!(err("91350100M0o0100Y43"), ValueError::UsccChar { ch: 'O', pos: 11, .. }));
    }

    #[test]
    fn division_code_is_positions_3_to_8() {
        let code = Uscc::parse("91350100M000100Y43").expect("valid");
        assert_eq!(code.division_code(), "350100");
    }

    #[test]
    fn with_check_char_round_trips() {
        for code in ["91350100M000100Y43", "914403001922038216", "91110000MA00000240", "91110108551385082Q"] {
            let made = Uscc::with_check_char(&code[..17]).expect(code);
            assert_eq!(made.as_str(), code);
        }
        let made = Uscc::with_check_char("93411600mA9KQ3R1X").expect("demo code");
        assert_eq!(Uscc::parse(made.as_str()), Ok(made.clone()));
        assert!(made.as_str().starts_with("93411600MA9KQ3R1X"));
    }

    #[test]
    fn with_check_char_wants_seventeen_characters() {
        assert!(matches!(
            Uscc::with_check_char("91350100M000100Y43"),
            Err(ValueError::UsccLength { expected: 17, len: 18, .. })
        ));
        assert!(matches!(Uscc::with_check_char("91350100I000100Y4"), Err(ValueError::UsccChar { ch: 'I', .. })));
    }

    #[test]
    fn display_is_the_code() {
        let code = Uscc::parse("914403001922038216").expect("valid");
        assert_eq!(code.to_string(), "914403001922038216");
        assert_eq!(format!("[{code:>20}]"), "[  914403001922038216]");
    }

    #[test]
    fn serde_goes_through_the_parser() {
        let code = Uscc::parse("91350100M000100Y43").expect("valid");
        assert_eq!(serde_json::to_string(&code).expect("serialise"), r#""91350100M000100Y43""#);
        let back: Uscc = serde_json::from_str(r#""91350100m000100y43""#).expect("deserialise");
        assert_eq!(back, code);
        let bad = serde_json::from_str::<Uscc>(r#""91350100M000100Y4Z""#).expect_err("bad check char");
        assert!(bad.to_string().contains("expected 3"));
        assert!(serde_json::from_str::<Uscc>("913501").is_err());
    }
}
