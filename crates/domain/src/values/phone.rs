use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ValueError, shown};

/// A mainland mobile (`13800138000`) or landline (`0394-8123456`) number.
///
/// `Display` and `Debug` print the masked form so that a number cannot reach
/// a log line or a page by accident; use `as_str` (or serde) on purpose to
/// get the full number.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let raw = input.trim();
        let mut digits = String::with_capacity(raw.len());
        for (i, ch) in raw.chars().enumerate() {
            match ch {
                '0'..='9' => digits.push(ch),
                ' ' | '-' => {}
                '+' if i == 0 => {}
                _ => {
                    return Err(ValueError::PhoneChar { input: shown(raw), ch, pos: i + 1 });
                }
            }
        }
        // A country code only ever comes with a mobile number here; landlines
        // are written domestically with their leading 0.
        if raw.starts_with('+') || (digits.len() == 13 && digits.starts_with("86")) {
            return match digits.strip_prefix("86") {
                Some(mobile) => Self::mobile(mobile, raw),
                None => Err(ValueError::Mobile { input: shown(raw) }),
            };
        }
        if digits.starts_with('0') { Self::landline(&digits, raw) } else { Self::mobile(&digits, raw) }
    }

    fn mobile(digits: &str, raw: &str) -> Result<Self, ValueError> {
        match digits.as_bytes() {
            [b'1', b'3'..=b'9', ..] if digits.len() == 11 => Ok(Self(digits.to_owned())),
            _ => Err(ValueError::Mobile { input: shown(raw) }),
        }
    }

    fn landline(digits: &str, raw: &str) -> Result<Self, ValueError> {
        let invalid = || ValueError::Landline { input: shown(raw) };
        // Beijing (010) and the 02x cities have three-digit area codes; every
        // other area code is four digits. 00 is the international prefix.
        let area_len = match digits.as_bytes() {
            [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
            [b'0', b'3'..=b'9', ..] => 4,
            _ => return Err(invalid()),
        };
        let (area, local) = digits.split_at_checked(area_len).ok_or_else(invalid)?;
        if !(7..=8).contains(&local.len()) {
            return Err(invalid());
        }
        Ok(Self(format!("{area}-{local}")))
    }

    /// The full number: 11 digits for a mobile, `area-local` for a landline.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        !self.0.contains('-')
    }

    /// `138****1234` for mobiles, `0394-***3456` for landlines.
    pub fn masked(&self) -> String {
        // Canonical numbers are ASCII with at least 7 local digits, so the slices are in range.
        match self.0.split_once('-') {
            Some((area, local)) => {
                let (hidden, visible) = local.split_at(local.len() - 4);
                format!("{area}-{}{visible}", "*".repeat(hidden.len()))
            }
            None => format!("{}****{}", &self.0[..3], &self.0[7..]),
        }
    }
}

impl FromStr for Phone {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> Self {
        phone.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.masked())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&self.masked()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(s: &str) -> Phone {
        Phone::parse(s).expect(s)
    }

    fn err(s: &str) -> ValueError {
        Phone::parse(s).expect_err(s)
    }

    #[test]
    fn mobile_forms_normalise_to_eleven_digits() {
        for input in [
            "13800138000",
            " 13800138000 ",
            "138-0013-8000",
            "138 0013 8000",
            "+86 138-0013-8000",
            "+8613800138000",
            "8613800138000",
            "86 138 0013 8000",
        ] {
            let p = phone(input);
            assert_eq!(p.as_str(), "13800138000", "{input}");
            assert!(p.is_mobile());
        }
        for prefix in 3..=9 {
            assert!(Phone::parse(&format!("1{prefix}800138000")).is_ok());
        }
    }

    #[test]
    fn rejects_bad_mobiles() {
        assert_eq!(err("12345678901"), ValueError::Mobile { input: "12345678901".into() });
        assert!(matches!(err("1380013800"), ValueError::Mobile { .. }));
        assert!(matches!(err("138001380000"), ValueError::Mobile { .. }));
        assert!(matches!(err("+1 415 555 0100"), ValueError::Mobile { .. }));
        assert!(matches!(err("+86 0394-8123456"), ValueError::Mobile { .. }));
        assert!(matches!(err("8612345678901"), ValueError::Mobile { .. }));
        assert!(matches!(err(""), ValueError::Mobile { .. }));
        assert_eq!(err("1380013800").code(), "invalid_phone");
    }

    #[test]
    fn rejects_letters_and_stray_symbols() {
        assert_eq!(err("138001380OO"), ValueError::PhoneChar { input: "138001380OO".into(), ch: 'O', pos: 10 });
        assert!(matches!(err("tel:13800138000"), ValueError::PhoneChar { ch: 't', pos: 1, .. }));
        assert!(matches!(err("138+00138000"), ValueError::PhoneChar { ch: '+', pos: 4, .. }));
        assert!(matches!(err("１３８00138000"), ValueError::PhoneChar { ch: '１', pos: 1, .. }));
    }

    #[test]
    fn landlines_normalise_to_area_hyphen_local() {
        assert_eq!(phone("0394-8123456").as_str(), "0394-8123456");
        assert_eq!(phone("03948123456").as_str(), "0394-8123456");
        assert_eq!(phone("0394 8123 456").as_str(), "0394-8123456");
        assert_eq!(phone("010-12345678").as_str(), "010-12345678");
        assert_eq!(phone("01062345678").as_str(), "010-62345678");
        assert_eq!(phone("02112345678").as_str(), "021-12345678");
        assert_eq!(phone("029-8765432").as_str(), "029-8765432");
        assert_eq!(phone("0755-86013388").as_str(), "0755-86013388");
        assert!(!phone("0394-8123456").is_mobile());
    }

    #[test]
    fn rejects_bad_landlines() {
        assert_eq!(err("0394-812345"), ValueError::Landline { input: "0394-812345".into() });
        assert!(matches!(err("0394-812345678"), ValueError::Landline { .. }));
        assert!(matches!(err("011-12345678"), ValueError::Landline { .. }));
        assert!(matches!(err("0086-13800138000"), ValueError::Landline { .. }));
        assert!(matches!(err("0"), ValueError::Landline { .. }));
        assert!(matches!(err("010"), ValueError::Landline { .. }));
    }

    #[test]
    fn masks_mobiles_and_landlines() {
        assert_eq!(phone("13812341234").masked(), "138****1234");
        assert_eq!(phone("0394-8123456").masked(), "0394-***3456");
        assert_eq!(phone("0394-81234567").masked(), "0394-****4567");
        assert_eq!(phone("010-62345678").masked(), "010-****5678");
    }

    #[test]
    fn display_and_debug_never_show_the_full_number() {
        let p = phone("+86 138-0013-8000");
        assert_eq!(p.to_string(), "138****8000");
        assert_eq!(format!("{p:?}"), r#"Phone("138****8000")"#);
        assert!(!format!("{:?}", Some(&p)).contains("13800138000"));
        assert_eq!(phone("0394-8123456").to_string(), "0394-***3456");
    }

    #[test]
    fn serde_stores_the_full_number_and_parses_on_the_way_in() {
        let p = phone("138 0013 8000");
        assert_eq!(serde_json::to_string(&p).expect("serialise"), r#""13800138000""#);
        let back: Phone = serde_json::from_str(r#""+86 138-0013-8000""#).expect("deserialise");
        assert_eq!(back, p);
        assert!(serde_json::from_str::<Phone>(r#""12345678901""#).is_err());
        assert!(serde_json::from_str::<Phone>("13800138000").is_err());
    }
}
