//! Domain value types. Raw strings from forms, files and JSON are parsed here
//! once; everything past this module can rely on the values being valid.

mod appeal_number;
mod fen;
mod id_number;
mod phone;
mod region_code;
mod stars;
mod uscc;

pub use appeal_number::AppealNumber;
pub use fen::Fen;
pub use id_number::{is_id_number, mask_id_numbers};
pub use phone::Phone;
pub use region_code::{RegionCode, RegionLevel};
pub use stars::Stars;
pub use uscc::Uscc;

/// Why a raw value was rejected. Messages are shown to Chinese-speaking
/// staff first and logged for developers second, hence "中文 / English".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error(
        "统一社会信用代码应为 {expected} 位，实际为 {len} 位 / USCC must be {expected} characters, got {len}: {input}"
    )]
    UsccLength { input: String, expected: usize, len: usize },
    #[error(
        "统一社会信用代码第 {pos} 位含非法字符“{ch}” / USCC has forbidden character '{ch}' at position {pos}: {input}"
    )]
    UsccChar { input: String, ch: char, pos: usize },
    #[error(
        "统一社会信用代码第 3–8 位应为 6 位数字的行政区划码 / USCC positions 3–8 must be a 6-digit division code: {input}"
    )]
    UsccDivision { input: String },
    #[error(
        "统一社会信用代码校验位错误，应为 {expected} / USCC check character is wrong, expected {expected}: {input}"
    )]
    UsccCheck { input: String, expected: char },

    #[error("行政区划代码应为 6 位，实际为 {len} 位 / region code must be 6 digits, got {len}: {input}")]
    RegionLength { input: String, len: usize },
    #[error("行政区划代码第 {pos} 位含非数字字符“{ch}” / region code has non-digit '{ch}' at position {pos}: {input}")]
    RegionChar { input: String, ch: char, pos: usize },
    #[error(
        "行政区划代码前两位 {province} 不是有效的省级代码 / region code starts with {province}, which is not a province-level code: {input}"
    )]
    RegionProvince { input: String, province: String },
    #[error(
        "行政区划代码第 3–4 位为 00 时第 5–6 位也必须为 00 / region code digits 5–6 must be 00 when digits 3–4 are 00: {input}"
    )]
    RegionHierarchy { input: String },

    #[error(
        "电话号码第 {pos} 位含非法字符“{ch}” / phone number has invalid character '{ch}' at position {pos}: {input}"
    )]
    PhoneChar { input: String, ch: char, pos: usize },
    #[error("手机号应为 11 位数字，以 13–19 开头 / mobile number must be 11 digits starting with 13–19: {input}")]
    Mobile { input: String },
    #[error(
        "固定电话应为区号（010、02x 或 0 开头的 4 位）加 7–8 位号码 / landline must be an area code (010, 02x or 4 digits starting with 0) plus 7–8 digits: {input}"
    )]
    Landline { input: String },

    #[error("评价星级应为 1 到 5 的整数 / stars must be a whole number from 1 to 5: {input}")]
    StarsRange { input: String },

    #[error("金额格式不正确 / amount is not a valid yuan amount: {input}")]
    AmountFormat { input: String },
    #[error("金额不能为负数 / amount must not be negative: {input}")]
    AmountNegative { input: String },
    #[error("金额最多精确到分 / amount is more precise than one fen: {input}")]
    AmountPrecision { input: String },
    #[error("金额超出可表示范围 / amount is too large: {input}")]
    AmountOverflow { input: String },

    #[error(
        "诉求编号格式应为“前缀-年份-序号”，如 ZK-2023-000123 / appeal number must look like ZK-2023-000123: {input}"
    )]
    AppealFormat { input: String },
    #[error("诉求编号前缀应为 2–4 个英文字母 / appeal number prefix must be 2–4 letters: {input}")]
    AppealPrefix { input: String },
    #[error("诉求编号年份应在 2000–2099 之间 / appeal number year must be 2000–2099: {input}")]
    AppealYear { input: String },
    #[error("诉求编号序号应为 1 到 4294967295 的整数 / appeal number sequence must be 1 to 4294967295: {input}")]
    AppealSeq { input: String },
}

impl ValueError {
    /// Stable machine-readable code for APIs and metrics; the messages may be reworded, these may not.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UsccLength { .. } | Self::UsccChar { .. } | Self::UsccDivision { .. } | Self::UsccCheck { .. } => {
                "invalid_uscc"
            }
            Self::RegionLength { .. }
            | Self::RegionChar { .. }
            | Self::RegionProvince { .. }
            | Self::RegionHierarchy { .. } => "invalid_region_code",
            Self::PhoneChar { .. } | Self::Mobile { .. } | Self::Landline { .. } => "invalid_phone",
            Self::StarsRange { .. } => "invalid_stars",
            Self::AmountFormat { .. }
            | Self::AmountNegative { .. }
            | Self::AmountPrecision { .. }
            | Self::AmountOverflow { .. } => "invalid_amount",
            Self::AppealFormat { .. }
            | Self::AppealPrefix { .. }
            | Self::AppealYear { .. }
            | Self::AppealSeq { .. } => "invalid_appeal_number",
        }
    }
}

/// The offending input as quoted in an error. Clipped so that a pasted
/// document cannot flood a log line or an error page.
fn shown(input: &str) -> String {
    const MAX: usize = 64;
    match input.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &input[..cut]),
        None => input.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_by_type() {
        let input = String::new();
        assert_eq!(ValueError::UsccCheck { input: input.clone(), expected: '3' }.code(), "invalid_uscc");
        assert_eq!(ValueError::RegionHierarchy { input: input.clone() }.code(), "invalid_region_code");
        assert_eq!(ValueError::Mobile { input: input.clone() }.code(), "invalid_phone");
        assert_eq!(ValueError::StarsRange { input: input.clone() }.code(), "invalid_stars");
        assert_eq!(ValueError::AmountOverflow { input: input.clone() }.code(), "invalid_amount");
        assert_eq!(ValueError::AppealSeq { input }.code(), "invalid_appeal_number");
    }

    #[test]
    fn messages_are_chinese_then_english() {
        let err = ValueError::UsccCheck { input: "91350100M000100Y4Z".into(), expected: '3' };
        assert_eq!(
            err.to_string(),
            "统一社会信用代码校验位错误，应为 3 / USCC check character is wrong, expected 3: 91350100M000100Y4Z"
        );
    }

    #[test]
    fn shown_clips_long_input_on_a_char_boundary() {
        assert_eq!(shown("短"), "短");
        let long = "码".repeat(100);
        let clipped = shown(&long);
        assert_eq!(clipped.chars().count(), 65);
        assert!(clipped.ends_with('…'));
    }
}
